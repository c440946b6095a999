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

/**
 * READDIRPLUS asks readdirp and links every entry with a stat into the inode table; the kernel
 * takes a lookup on each entry it receives (not on `.` and `..`), so a lookup is counted only
 * for entries that fit into the reply. Entries that do not fit come again with the next offset.
 */
export async function readdir(b: BridgeCore, ctx: RequestContext, fh: bigint, offset: bigint, list: DirList): Promise<void> {
  const fd = b.fd(fh);
  const frame = b.frame(ctx, undefined, false);
  const args = { fd, size: list.size, offset };
  const { entries } = list.plus ? await b.fops.readdirp(frame, args) : await b.fops.readdir(frame, args);
  for (const e of entries) if (!add(b, fd, list, e)) break;
}

function add(b: BridgeCore, fd: Fd, list: DirList, e: DirEntry): boolean {
  const d = { name: e.name, ino: e.stat?.ino ?? e.ino, type: e.type, off: e.offset };
  if (!list.plus || !e.stat || isDots(e.name) || e.stat.gfid === NULL_GFID) return list.add(d);
  const inode = b.link(e.inode, e.stat, fd.inode, e.name);
  if (!list.add(d, b.entryFor(inode, e.stat))) return false;
  b.nodes.handedOut(inode);
  return true;
}

export async function releasedir(b: BridgeCore, _ctx: RequestContext, fh: bigint): Promise<void> {
  const fd = b.fds.remove(Number(fh));
  if (fd) await b.graph.release(fd, true);
}

export async function fsyncdir(b: BridgeCore, ctx: RequestContext, fh: bigint, datasync: boolean): Promise<void> {
  await b.fops.fsyncdir(b.frame(ctx, undefined, false), { fd: b.fd(fh), datasync: datasync ? 1 : 0 });
}
