/** Requests on open files: open/create, I/O, sync, locks, fallocate, lseek, copy_file_range. */
import { constants } from 'node:fs';
import { Dict } from '../../../../runtime/core/dict.js';
import { FLOCK_KEY } from '../../../../runtime/fops/types.js';
import { Fd } from '../../../../runtime/core/fd.js';
import { E, FopError } from '../../../../runtime/core/fop-error.js';
import { LK_FLOCK, OPEN_KILL_SUIDGID, RELEASE_FLOCK_UNLOCK, WRITE_KILL_SUIDGID } from '../kernel/abi.js';
import type { Entry, FileLock, LkIn, OpenReply, RequestContext } from '../kernel/types.js';
import { fromFlock, ownerBytes, toFlock } from './attr.js';
import type { BridgeCore } from './core.js';
import { dropSuidSeen, dropSuidShown, lacksFsetid } from './suid.js';

const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
const F_UNLCK = 2;
const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const FALLOC_FL_ZERO_RANGE = 0x10;

function openReply(b: BridgeCore, fd: Fd): OpenReply {
  return { fh: BigInt(b.fds.add(fd)), openFlags: b.openFlagsFor(fd.inode) };
}

export async function open(b: BridgeCore, ctx: RequestContext, flags: number, openFlags = 0): Promise<OpenReply> {
  const inode = b.nodes.inode(ctx.nodeid);
  const fd = new Fd(inode, flags, ctx.pid);
  const res = await b.fops.open(b.frame(ctx), { loc: b.locOf(inode), flags, fd });
  // O_TRUNC changed the file here (and the kernel dropped its pages for it): the mtime it left
  // is ours, not a change made elsewhere for the next write or stat to see.
  if (flags & constants.O_TRUNC) b.changedUnseen(inode);
  // The truncate, by a caller without CAP_FSETID, clears suid bits; open returns no attributes,
  // so the last ones seen tell (the kernel's test). The file is open and truncated by now: a
  // failure to clear is logged and the open stands.
  if (flags & constants.O_TRUNC && openFlags & OPEN_KILL_SUIDGID) {
    await dropSuidSeen(b, ctx, inode, res.fd ?? fd).catch((err: unknown) => b.log.warn(`clearing set-user/group-ID bits after O_TRUNC failed: ${(err as Error).message}`));
  }
  return openReply(b, res.fd ?? fd);
}

/**
 * CREATE's OPEN_KILL_SUIDGID (O_TRUNC without O_EXCL) is not acted on: the file is new unless
 * another client made the name between the kernel's lookup and this call, and a new file keeps
 * the mode its creator asked for; the kernel never cleared bits on that race either (it takes
 * the file as created).
 */
export async function create(b: BridgeCore, ctx: RequestContext, name: string, flags: number, mode: number, umask: number): Promise<{ entry: Entry; open: OpenReply }> {
  const parent = b.nodes.inode(ctx.nodeid);
  const loc = b.entryLoc(parent, name);
  const fd = new Fd(loc.inode!, flags, ctx.pid);
  const res = await b.fops.create(b.frame(ctx), { loc, flags, mode, umask, fd });
  b.parentSeen(parent, res.postparent);
  const inode = b.link(res.inode, res.buf, parent, name);
  // In the rare race where the table already knew the gfid, the fd keeps the fresh inode
  // object: give it the gfid, which is what translators key on.
  if (fd.inode !== inode && !fd.inode.linked) (fd.inode.gfid = inode.gfid), (fd.inode.type = inode.type);
  return { entry: b.entry(inode, res.buf), open: openReply(b, res.fd ?? fd) };
}

export async function read(b: BridgeCore, ctx: RequestContext, fh: bigint, offset: number, size: number, lockOwner: bigint | undefined): Promise<Buffer> {
  const frame = b.frame(ctx, lockOwner === undefined ? undefined : ownerBytes(lockOwner), false);
  // The session writes the data to the kernel and gives its buffer back (runtime/core/recycle.ts).
  frame.recycledReads = true;
  const fd = b.fd(fh);
  b.forgetKeptAttrs(fd.inode); // a read moves atime
  return (await b.fops.readv(frame, { fd, size, offset, flags: 0 })).data;
}

export async function write(b: BridgeCore, ctx: RequestContext, fh: bigint, offset: number, data: Buffer, wf: number, lockOwner: bigint | undefined): Promise<number> {
  const frame = b.frame(ctx, lockOwner === undefined ? undefined : ownerBytes(lockOwner), false);
  const fd = b.fd(fh);
  const killSuid = (wf & WRITE_KILL_SUIDGID) !== 0;
  if (killSuid) await dropSuidSeen(b, ctx, fd.inode, fd);
  const token = b.writeStarted(fd.inode);
  let res;
  try {
    res = await b.fops.writev(frame, { fd, data, offset, flags: 0 });
  } catch (err) {
    b.writeDone(fd.inode, token, undefined, undefined);
    throw err;
  }
  b.writeDone(fd.inode, token, res.prebuf, res.postbuf);
  if (killSuid) await dropSuidShown(b, ctx, fd.inode, fd, res.postbuf);
  return data.length;
}

/** flush carries the lock owner: close(2) drops that owner's POSIX locks. */
export async function flush(b: BridgeCore, ctx: RequestContext, fh: bigint, lockOwner: bigint): Promise<void> {
  await b.fops.flush(b.frame(ctx, ownerBytes(lockOwner), false), { fd: b.fd(fh) });
}

export async function release(b: BridgeCore, ctx: RequestContext, fh: bigint, _flags: number, releaseFlags: number, lockOwner: bigint): Promise<void> {
  const fd = b.fds.remove(Number(fh));
  if (!fd) return;
  if (releaseFlags & RELEASE_FLOCK_UNLOCK) {
    // The last close of a file holding a flock(2) lock: unlock it, as GlusterFS's fuse_release does.
    const owner = ownerBytes(lockOwner);
    const flock = { type: F_UNLCK, whence: 0, start: 0n, len: 0n, pid: ctx.pid, owner };
    await b.fops.lk(b.frame(ctx, owner, false), { fd, cmd: F_SETLK, flock, xdata: flockXdata() }).catch((err: unknown) => {
      b.log.debug(`flock unlock on release failed: ${(err as Error).message}`);
    });
  }
  await b.graph.release(fd);
}

export async function fsync(b: BridgeCore, ctx: RequestContext, fh: bigint, datasync: boolean): Promise<void> {
  await b.fops.fsync(b.frame(ctx, undefined, false), { fd: b.fd(fh), datasync: datasync ? 1 : 0 });
}

/** flock(2) and fcntl locks do not conflict on Linux: tell a locks translator which one it is. */
const flockXdata = () => new Dict().setInt(FLOCK_KEY, 1);

export async function getlk(b: BridgeCore, ctx: RequestContext, inp: LkIn): Promise<FileLock> {
  const owner = ownerBytes(inp.owner);
  const xdata = inp.lkFlags & LK_FLOCK ? flockXdata() : undefined;
  const res = await b.fops.lk(b.frame(ctx, owner, false), { fd: b.fd(inp.fh), cmd: F_GETLK, flock: toFlock(inp.lk, owner), xdata });
  return fromFlock(res.flock);
}

export async function setlk(b: BridgeCore, ctx: RequestContext, inp: LkIn, sleep: boolean): Promise<void> {
  const owner = ownerBytes(inp.owner);
  const xdata = inp.lkFlags & LK_FLOCK ? flockXdata() : undefined;
  const cmd = sleep ? F_SETLKW : F_SETLK;
  await b.fops.lk(b.frame(ctx, owner, false), { fd: b.fd(inp.fh), cmd, flock: toFlock(inp.lk, owner), xdata });
}

export async function fallocate(b: BridgeCore, ctx: RequestContext, fh: bigint, offset: number, len: number, mode: number): Promise<void> {
  const fd = b.fd(fh);
  const frame = b.frame(ctx, undefined, false);
  // The kernel's file_modified() leaves the bits to us under HANDLE_KILLPRIV_V2, and FALLOCATE
  // carries no flag saying whether the caller may keep them.
  const killSuid = b.killPrivV2 && lacksFsetid(b, ctx);
  if (killSuid) await dropSuidSeen(b, ctx, fd.inode, fd);
  let res;
  if (mode & FALLOC_FL_PUNCH_HOLE) {
    if (!(mode & FALLOC_FL_KEEP_SIZE)) throw new FopError(E.EINVAL, 'PUNCH_HOLE needs KEEP_SIZE');
    res = await b.fops.discard(frame, { fd, offset, len });
  } else if (mode & FALLOC_FL_ZERO_RANGE) {
    res = await b.fops.zerofill(frame, { fd, offset, len });
  } else if ((mode & ~FALLOC_FL_KEEP_SIZE) === 0) {
    res = await b.fops.fallocate(frame, { fd, keepSize: mode & FALLOC_FL_KEEP_SIZE, offset, len });
  } else {
    throw new FopError(E.EOPNOTSUPP, `fallocate mode 0x${mode.toString(16)}`);
  }
  // Our own change (the kernel drops the pages of the range itself).
  b.changedHere(fd.inode, res.prebuf, res.postbuf);
  if (killSuid) await dropSuidShown(b, ctx, fd.inode, fd, res.postbuf);
}

const SEEK_DATA = 3;
const SEEK_HOLE = 4;

/** The kernel answers SEEK_SET/CUR/END itself; only SEEK_DATA and SEEK_HOLE arrive here. */
export async function lseek(b: BridgeCore, ctx: RequestContext, fh: bigint, offset: number, whence: number): Promise<number> {
  // The seek fop takes gf_seek_what_t (GF_SEEK_DATA 0, GF_SEEK_HOLE 1), not lseek's whence.
  const what = whence === SEEK_DATA ? 0 : whence === SEEK_HOLE ? 1 : -1;
  if (what < 0) throw new FopError(E.EINVAL, `lseek whence ${whence}`);
  const res = await b.fops.seek(b.frame(ctx, undefined, false), { fd: b.fd(fh), offset, what });
  return res.offset;
}

export async function copyFileRange(
  b: BridgeCore,
  ctx: RequestContext,
  inp: { fhIn: bigint; offIn: number; nodeidOut: bigint; fhOut: bigint; offOut: number; len: number; flags: number },
): Promise<number> {
  const fdIn = b.fd(inp.fhIn);
  const fdOut = b.fd(inp.fhOut);
  b.forgetKeptAttrs(fdIn.inode); // reading the source moves its atime
  // As fallocate: the destination's bits are ours to clear, unflagged.
  const killSuid = b.killPrivV2 && lacksFsetid(b, ctx);
  if (killSuid) await dropSuidSeen(b, ctx, fdOut.inode, fdOut);
  const res = await b.fops.copy_file_range(b.frame(ctx, undefined, false), { fdIn, offIn: inp.offIn, fdOut, offOut: inp.offOut, len: inp.len, flags: inp.flags });
  b.changedHere(fdOut.inode, res.prebufDst, res.postbufDst); // ours (the kernel drops the range's pages)
  if (killSuid) await dropSuidShown(b, ctx, fdOut.inode, fdOut, res.postbufDst);
  // The fop reports attributes, not a count: everything up to the source's end was copied.
  const copied = Math.max(0, Math.min(inp.len, res.stbuf.size - inp.offIn));
  return Math.min(copied, 0xffffffff);
}
