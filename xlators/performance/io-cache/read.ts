import type { Frame } from '../../../runtime/core/frame.js';
import type { Fd } from '../../../runtime/core/fd.js';
import type { Dict } from '../../../runtime/core/dict.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { noAttributes, PAGE_SIZE, pageOf, sameVersion, versionOf, type IocInode, type Page } from './pages.js';
import { sharedFrame, type Self } from './state.js';

/**
 * ioc_readv over the page store (ioc_dispatch_requests, ioc_page_fault, ioc_frame_fill in
 * GlusterFS): every 128 KiB page the request touches is served from memory, joined while its
 * fetch is in flight, or fetched whole from the child. Ready pages older than cache-timeout wait
 * for one shared fstat first; a change of mtime or size flushes the inode.
 */
export async function cachedReadv(self: Self, frame: Frame, ioc: IocInode, a: FopArgs<'readv'>): Promise<FopResult<'readv'>> {
  const { table } = self.priv;
  table.touch(ioc);
  const end = a.offset + a.size;
  const offsets: number[] = [];
  for (let o = pageOf(a.offset); o < end; o += PAGE_SIZE) offsets.push(o);

  const stale = Date.now() - ioc.lastRevalidate >= self.priv.timeoutMs;
  if (stale && offsets.some((o) => ioc.pages.get(o)?.data !== undefined)) {
    await revalidate(self, frame, ioc, a.fd, a.xdata);
  }
  const pages = await Promise.all(offsets.map((o) => pageData(self, frame, ioc, a.fd, o, a.xdata)));
  if (table.used > table.size) table.prune();

  // Assemble the answer; a short page is the end of the file, so nothing after it counts.
  const parts: Buffer[] = [];
  for (let i = 0; i < offsets.length; i++) {
    const pOff = offsets[i]!;
    const data = pages[i]!;
    const from = Math.max(a.offset, pOff) - pOff;
    const to = Math.min(end - pOff, data.length);
    if (to > from) parts.push(data.subarray(from, to));
    if (data.length < PAGE_SIZE) break;
  }
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return { data, stbuf: ioc.stat! };
}

/** One page's bytes: from memory, from the fetch in flight, or from a new fetch. */
function pageData(self: Self, frame: Frame, ioc: IocInode, fd: Fd, offset: number, xdata: Dict | undefined): Promise<Buffer> {
  const { stats } = self.priv;
  const page = ioc.get(offset);
  if (page?.data) {
    stats.hits++;
    return Promise.resolve(page.data);
  }
  if (page?.pending) {
    stats.shared++;
    return page.pending;
  }
  stats.misses++;
  const fresh = ioc.create(offset);
  fresh.pending = fault(self, frame, ioc, fd, fresh, xdata).finally(() => {
    fresh.pending = undefined;
  });
  return fresh.pending;
}

/**
 * ioc_page_fault + ioc_fault_cbk: read the whole aligned page. The reply's attributes are checked
 * like an fstat's: if the file changed, every page of the inode goes (this one included, as in
 * GlusterFS, since its bytes may predate the attributes) and the new version is remembered.
 */
async function fault(self: Self, frame: Frame, ioc: IocInode, fd: Fd, page: Page, xdata: Dict | undefined): Promise<Buffer> {
  let res: FopResult<'readv'>;
  try {
    res = await self.firstChild!.fops.readv(sharedFrame(frame), { fd, size: PAGE_SIZE, offset: page.offset, flags: 0, xdata });
  } catch (err) {
    ioc.drop(page);
    throw err;
  }
  // A short page would otherwise pin the child's whole 128 KiB buffer.
  const data = res.data.length < PAGE_SIZE ? Buffer.from(res.data) : res.data;
  if (!noAttributes(res.stbuf)) {
    if (ioc.version && !sameVersion(ioc.version, res.stbuf)) {
      ioc.flush();
      self.priv.stats.flushes++;
    }
    ioc.version = versionOf(res.stbuf);
    ioc.stat = res.stbuf;
  }
  ioc.lastRevalidate = Date.now();
  ioc.fill(page, data);
  return data;
}

/**
 * ioc_cache_validate: one fstat per inode however many readers need it. A failed fstat flushes
 * too (GlusterFS does the same); the readers then fetch again and see the child's error.
 */
function revalidate(self: Self, frame: Frame, ioc: IocInode, fd: Fd, xdata: Dict | undefined): Promise<void> {
  if (ioc.revalidating) return ioc.revalidating;
  const { stats } = self.priv;
  stats.revalidations++;
  const run = async () => {
    try {
      const { buf } = await self.firstChild!.fops.fstat(sharedFrame(frame), { fd, xdata });
      if (ioc.version && !sameVersion(ioc.version, buf)) {
        ioc.flush();
        stats.flushes++;
      }
      ioc.version = versionOf(buf);
      ioc.stat = buf;
    } catch {
      ioc.flush();
      stats.flushes++;
    } finally {
      ioc.lastRevalidate = Date.now();
      ioc.revalidating = undefined;
    }
  };
  return (ioc.revalidating = run());
}
