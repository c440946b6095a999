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
  return { fh: BigInt(b.fds.add(res.fd ?? fd)), openFlags: 0 };
}

const isDots = (name: string) => name === '.' || name === '..';

/** Entries a readdir(p) returned beyond what fitted into the kernel's buffer. */
interface Surplus {
  /** The offset the kernel asks for next if it continues the listing. */
  offset: bigint;
  plus: boolean;
  entries: DirEntry[];
  /** Where in `entries` the surplus starts. */
  next: number;
  at: number;
}
const SURPLUS = { name: 'mount/fuse readdir surplus' };
/** Surplus entries older than this are fetched again. */
const SURPLUS_MS = 1000;

interface Batch {
  entries: DirEntry[];
  /** The volume said nothing follows. */
  eof: boolean;
}

/**
 * The batch after the one the kernel is taking: asked of the volume meanwhile, or known to be
 * empty when the volume said the directory ends there.
 */
interface Ahead {
  offset: bigint;
  plus: boolean;
  at: number;
  /** undefined when the read failed: the request that needs it reads again (and sees the error). */
  batch: Promise<Batch | undefined>;
}
const AHEAD = { name: 'mount/fuse readdir ahead' };
const END: Batch = { entries: [], eof: true };

function fetchBatch(b: BridgeCore, ctx: RequestContext, fd: Fd, offset: bigint, plus: boolean, size: number): Promise<Batch> {
  const frame = b.frame(ctx, undefined, false);
  const args = { fd, size: Math.max(size, b.opts.readdirSize ?? 0), offset };
  return (plus ? b.fops.readdirp(frame, args) : b.fops.readdir(frame, args)).then((r) => ({ entries: r.entries, eof: r.eof === true }));
}

/** The batch for `offset` asked ahead (or known empty), if it is for this request and fresh. */
async function takeAhead(fd: Fd, offset: bigint, plus: boolean): Promise<(Batch & { at: number }) | undefined> {
  const ahead = fd.ctxGet<Ahead>(AHEAD);
  if (!ahead) return undefined;
  fd.ctx.delete(AHEAD);
  const batch = await ahead.batch;
  if (!batch || ahead.offset !== offset || ahead.plus !== plus || Date.now() - ahead.at >= SURPLUS_MS) return undefined;
  return { ...batch, at: ahead.at };
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
 * instead of 14. And as soon as a batch arrives the next one is asked for (from its last entry's
 * offset), so the volume reads it while this mount hands the current one to the kernel: a
 * listing no longer waits for each batch in turn; a batch the volume says is the last needs no
 * call after it (a small directory is listed in one call). Any other offset, or an age over a
 * second, reads afresh.
 */
export async function readdir(b: BridgeCore, ctx: RequestContext, fh: bigint, offset: bigint, list: DirList): Promise<void> {
  const fd = b.fd(fh);
  const kept = fd.ctxGet<Surplus>(SURPLUS);
  fd.ctx.delete(SURPLUS);
  let entries: DirEntry[];
  let next = 0;
  let at: number;
  if (kept && kept.offset === offset && kept.plus === list.plus && Date.now() - kept.at < SURPLUS_MS) {
    ({ entries, next, at } = kept);
  } else {
    let eof: boolean;
    const ahead = await takeAhead(fd, offset, list.plus);
    if (ahead) ({ entries, eof, at } = ahead);
    else (at = Date.now()), ({ entries, eof } = await fetchBatch(b, ctx, fd, offset, list.plus, list.size));
    // An empty batch is the end of the directory: nothing follows it.
    if (entries.length > 0) {
      const from = entries[entries.length - 1]!.offset;
      const batch = eof ? Promise.resolve(END) : fetchBatch(b, ctx, fd, from, list.plus, list.size).catch(() => undefined);
      fd.ctxSet(AHEAD, { offset: from, plus: list.plus, at: eof ? at : Date.now(), batch } satisfies Ahead);
    }
  }
  for (let i = next; i < entries.length; i++) {
    if (add(b, fd, list, entries[i]!)) continue;
    if (i > next) fd.ctxSet(SURPLUS, { offset: entries[i - 1]!.offset, plus: list.plus, entries, next: i, at });
    break;
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
  // A batch still being read uses the fd: it is released after that call is over.
  await fd.ctxGet<Ahead>(AHEAD)?.batch;
  await b.graph.release(fd, true);
}

export async function fsyncdir(b: BridgeCore, ctx: RequestContext, fh: bigint, datasync: boolean): Promise<void> {
  await b.fops.fsyncdir(b.frame(ctx, undefined, false), { fd: b.fd(fh), datasync: datasync ? 1 : 0 });
}
