/** Directory handles: opendir, readdir(plus), fsyncdir, releasedir. */
import { Fd } from '../../../../runtime/core/fd.js';
import { NULL_GFID } from '../../../../runtime/core/gfid.js';
import type { DirEntry } from '../../../../runtime/fops/types.js';
import type { DirList, OpenReply, RequestContext } from '../kernel/types.js';
import type { BridgeCore } from './core.js';

export async function opendir(b: BridgeCore, ctx: RequestContext, flags: number): Promise<OpenReply> {
  const inode = b.nodes.inode(ctx.nodeid);
  const fd = new Fd(inode, flags, ctx.pid);
  const res = await b.fops.opendir(b.frame(ctx), { loc: b.locOf(inode), fd });
  return { fh: BigInt(b.fds.add(res.fd ?? fd)), openFlags: b.dirOpenFlags };
}

const isDots = (name: string) => name === '.' || name === '..';

interface Batch {
  entries: DirEntry[];
  /** The volume said nothing follows. */
  eof: boolean;
  /** When it arrived. */
  at: number;
  /** BridgeCore.removalClock when it was asked for. */
  asked: number;
}

/**
 * What a directory fd holds between the kernel's requests (one ctx key). `surplus`: the entries
 * of the last batch that did not fit into the kernel's buffer, from `next` on. `ahead`: the batch
 * after it, asked of the volume meanwhile (or known empty after an eof batch). `end`: where the
 * last request's entries ended, to tell a listing that continues from one that seeks. Names this
 * mount removed after a batch was asked for are left out when it is handed to the kernel
 * (BridgeCore.nameRemoved).
 */
interface Listing {
  plus: boolean;
  end?: bigint;
  surplus?: { offset: bigint; batch: Batch; next: number };
  /** Its batch is undefined when the read failed: the request that needs it reads again. */
  ahead?: { offset: bigint; batch: Promise<Batch | undefined> };
}
const LISTING = { name: 'mount/fuse listing' };
/** Entries read longer ago than this are read again. */
const FRESH_MS = 1000;
const fresh = (batch: Batch) => Date.now() - batch.at < FRESH_MS;

function fetchBatch(b: BridgeCore, ctx: RequestContext, fd: Fd, offset: bigint, plus: boolean, size: number): Promise<Batch> {
  const frame = b.frame(ctx, undefined, false);
  const args = { fd, size: Math.max(size, b.opts.readdirSize ?? 0), offset };
  const asked = b.removalClock;
  return (plus ? b.fops.readdirp(frame, args) : b.fops.readdir(frame, args)).then((r) => ({ entries: r.entries, eof: r.eof === true, at: Date.now(), asked }));
}

/** Fd ctx key: the reads ahead still in flight on a directory fd (releasedir waits for them). */
const IN_FLIGHT = { name: 'mount/fuse readdir in flight' };

/** Ask for the batch after `batch`, unless it said it was the last (then that one is known empty). */
function readAhead(b: BridgeCore, ctx: RequestContext, fd: Fd, l: Listing, batch: Batch, size: number): void {
  if (batch.entries.length === 0 || l.ahead) return;
  const offset = batch.entries[batch.entries.length - 1]!.offset;
  if (batch.eof) {
    l.ahead = { offset, batch: Promise.resolve({ entries: [], eof: true, at: batch.at, asked: batch.asked }) };
    return;
  }
  let inFlight = fd.ctxGet<Set<Promise<unknown>>>(IN_FLIGHT);
  if (!inFlight) fd.ctxSet(IN_FLIGHT, (inFlight = new Set()));
  const read: Promise<Batch | undefined> = fetchBatch(b, ctx, fd, offset, l.plus, size)
    .catch(() => undefined)
    .finally(() => inFlight.delete(read));
  inFlight.add(read);
  l.ahead = { offset, batch: read };
}

/**
 * READDIRPLUS asks readdirp and links every entry with a stat into the inode table; the kernel
 * takes a lookup on each entry it receives (not on `.` and `..`), so a lookup is counted only
 * for entries that fit into the reply.
 *
 * The kernel asks for what the caller's buffer holds (glibc's readdir: 32 KiB, about 145
 * READDIRPLUS records; one page on older kernels), so the volume is asked for `readdir-size`
 * bytes of entries (128 KiB: some 550 entries by a brick's accounting) and the entries that do
 * not fit are kept on the fd to answer the next requests while they continue at their offset (as
 * GlusterFS's readdir-ahead does): a listing of 2,000 names costs 4 round trips to a brick
 * instead of 14. Once a listing continues (a request at the offset where the last one ended),
 * the next batch is asked for while the kernel takes the current one, so the volume reads it
 * meanwhile; a listing that stops after its first request (`ls | head`, an emptiness check) asks
 * for nothing more. A batch the volume marks as the last needs no call after it (a small
 * directory is one call). Any other offset, another kind of listing or an age over a second
 * reads afresh, and names this mount removed after a batch was asked for are left out of it.
 */
export async function readdir(b: BridgeCore, ctx: RequestContext, fh: bigint, offset: bigint, list: DirList): Promise<void> {
  const fd = b.fd(fh);
  const size = list.size;
  let l = fd.ctxGet<Listing>(LISTING);
  if (!l || l.plus !== list.plus) fd.ctxSet(LISTING, (l = { plus: list.plus }));
  let continuing = l.end === offset;
  if (offset === 0n) b.listingRead(fd.inode);
  let last = offset; // the offset of the last entry handed out: where the kernel goes on
  for (;;) {
    const kept = l.surplus;
    l.surplus = undefined;
    let batch: Batch | undefined;
    let next = 0;
    if (kept && kept.offset === offset && fresh(kept.batch)) {
      ({ batch, next } = kept);
    } else {
      const ahead = l.ahead;
      l.ahead = undefined;
      // A batch asked for another offset is not waited for (its call finishes on its own).
      if (ahead && ahead.offset === offset) batch = await ahead.batch;
      if (!batch || !fresh(batch)) batch = await fetchBatch(b, ctx, fd, offset, list.plus, size);
    }
    // An eof batch needs no call after it; otherwise only a listing that goes on reads ahead.
    if (batch.eof || continuing) readAhead(b, ctx, fd, l, batch, size);
    const { entries } = batch;
    const removed = b.removedAfter(fd.inode, batch.asked);
    let added = 0;
    let i = next;
    for (; i < entries.length; i++) {
      const e = entries[i]!;
      if (removed?.(e.name)) continue;
      if (!add(b, fd, list, e)) break;
      added++;
      last = e.offset;
    }
    if (added > 0) l.end = last;
    if (i < entries.length) {
      l.surplus = { offset: last, batch, next: i };
      return;
    }
    // Every entry left was one this mount removed: an empty reply would end the listing, so it
    // goes on with the batch after this one.
    if (added > 0 || batch.eof || entries.length === 0) return;
    offset = entries[entries.length - 1]!.offset;
    continuing = true;
  }
}

function add(b: BridgeCore, fd: Fd, list: DirList, e: DirEntry): boolean {
  const d = { name: e.name, ino: e.stat?.ino ?? e.ino, type: e.type, off: e.offset };
  if (!list.plus || !e.stat || isDots(e.name) || e.stat.gfid === NULL_GFID) return list.add(d);
  // Checked first: an entry that waits for the next request is linked and described then, once.
  if (!list.fits(e.name)) return false;
  const inode = b.link(e.inode, e.stat, fd.inode, e.name);
  if (!list.add(d, b.entryFor(inode, e.stat))) return false;
  b.nodes.handedOut(inode);
  return true;
}

export async function releasedir(b: BridgeCore, _ctx: RequestContext, fh: bigint): Promise<void> {
  const fd = b.fds.remove(Number(fh));
  if (!fd) return;
  // A batch still being read uses the fd: the fd is released once that call is over, without
  // holding up the reply (the kernel has let go of the handle either way).
  const inFlight = fd.ctxGet<Set<Promise<unknown>>>(IN_FLIGHT);
  if (!inFlight?.size) return b.graph.release(fd, true);
  void Promise.allSettled([...inFlight])
    .then(() => b.graph.release(fd, true))
    .catch((err: unknown) => b.log.debug(`releasedir after a read ahead: ${(err as Error).message}`));
}

export async function fsyncdir(b: BridgeCore, ctx: RequestContext, fh: bigint, datasync: boolean): Promise<void> {
  await b.fops.fsyncdir(b.frame(ctx, undefined, false), { fd: b.fd(fh), datasync: datasync ? 1 : 0 });
}
