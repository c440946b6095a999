import { constants } from 'node:fs';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Fd } from '../../../runtime/core/fd.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { demand, R, remember, W, X, type AclSelf } from './perm.js';

/** The kernel's FMODE_EXEC as FUSE passes it in open flags: opened to execute, needs only x. */
const O_FMODE_EXEC = 0x20;
const O_ACCMODE = 3;

/** Permission an open needs from its flags (posix_acl_open). */
export function openWant(flags: number): number {
  const acc = flags & O_ACCMODE;
  let want = acc === constants.O_WRONLY ? W : acc === constants.O_RDWR ? R | W : flags & O_FMODE_EXEC ? X : R;
  if (flags & (constants.O_TRUNC | constants.O_APPEND)) want |= W;
  return want;
}

const readable = (fd: Fd) => (fd.flags & O_ACCMODE) !== constants.O_WRONLY;
const writable = (fd: Fd) => (fd.flags & O_ACCMODE) !== constants.O_RDONLY;

export async function open(self: AclSelf, frame: Frame, a: FopArgs<'open'>): Promise<FopResult<'open'>> {
  await demand(self, frame, a.loc.inode, openWant(a.flags), a.loc.gfid);
  return self.firstChild!.fops.open(frame, a);
}

/**
 * Reads and writes were checked at open; an fd is only used the way it was opened (EBADF
 * otherwise, as read(2)/write(2) answer). Internal clients (negative pids) use anonymous fds.
 */
export async function readv(self: AclSelf, frame: Frame, a: FopArgs<'readv'>): Promise<FopResult<'readv'>> {
  if (frame.pid >= 0 && !readable(a.fd)) throw new FopError(E.EBADF, 'fd not open for reading');
  return self.firstChild!.fops.readv(frame, a);
}

export async function writev(self: AclSelf, frame: Frame, a: FopArgs<'writev'>): Promise<FopResult<'writev'>> {
  if (frame.pid >= 0 && !writable(a.fd)) throw new FopError(E.EBADF, 'fd not open for writing');
  return self.firstChild!.fops.writev(frame, a);
}

/** ftruncate(2) on an fd not open for writing is EINVAL on Linux. */
export async function ftruncate(self: AclSelf, frame: Frame, a: FopArgs<'ftruncate'>): Promise<FopResult<'ftruncate'>> {
  if (frame.pid >= 0 && !writable(a.fd)) throw new FopError(E.EINVAL, 'fd not open for writing');
  return self.firstChild!.fops.ftruncate(frame, a);
}

export async function truncate(self: AclSelf, frame: Frame, a: FopArgs<'truncate'>): Promise<FopResult<'truncate'>> {
  await demand(self, frame, a.loc.inode, W, a.loc.gfid);
  const res = await self.firstChild!.fops.truncate(frame, a);
  remember(self, a.loc.inode, res.postbuf);
  return res;
}

export async function opendir(self: AclSelf, frame: Frame, a: FopArgs<'opendir'>): Promise<FopResult<'opendir'>> {
  await demand(self, frame, a.loc.inode, R, a.loc.gfid);
  return self.firstChild!.fops.opendir(frame, a);
}

export async function readdirp(self: AclSelf, frame: Frame, a: FopArgs<'readdirp'>): Promise<FopResult<'readdirp'>> {
  const res = await self.firstChild!.fops.readdirp(frame, a);
  for (const e of res.entries) if (e.name !== '..') remember(self, e.inode, e.stat);
  return res;
}

/**
 * access(2) answered from the cached modes (GlusterFS answers it here without winding). F_OK
 * (mask 0) only needs the object to exist, which the caller's lookup established.
 */
export async function access(self: AclSelf, frame: Frame, a: FopArgs<'access'>): Promise<FopResult<'access'>> {
  const want = a.mask & 7;
  if (want === 0) return self.firstChild!.fops.access(frame, a);
  if (a.mask & ~7) throw new FopError(E.EINVAL, 'bad access mask');
  await demand(self, frame, a.loc.inode, want, a.loc.gfid);
  return {};
}

export async function stat(self: AclSelf, frame: Frame, a: FopArgs<'stat'>): Promise<FopResult<'stat'>> {
  const res = await self.firstChild!.fops.stat(frame, a);
  remember(self, a.loc.inode, res.buf);
  return res;
}

export async function fstat(self: AclSelf, frame: Frame, a: FopArgs<'fstat'>): Promise<FopResult<'fstat'>> {
  const res = await self.firstChild!.fops.fstat(frame, a);
  remember(self, a.fd.inode, res.buf);
  return res;
}

