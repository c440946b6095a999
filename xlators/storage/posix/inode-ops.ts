import { C, native, type TimeArg } from '../../../native/index.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { SetAttr, type Iatt, type Statvfs } from '../../../runtime/core/iatt.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { withFd } from './brick.js';
import { iattOf, statIatt } from './iatt.js';
import { kfd } from './kfd.js';
import { meta } from './meta.js';
import type { Ref } from './resolve.js';
import type { PosixSelf } from './state.js';

async function withObject<T>(self: PosixSelf, loc: FopArgs<'stat'>['loc'], fn: (r: Ref) => Promise<T>): Promise<T> {
  const r = await self.priv.resolver.locObject(loc);
  try {
    return await fn(r);
  } finally {
    r.close();
  }
}

const refName = (r: Ref) => r.path.slice(r.path.lastIndexOf('/') + 1);

export async function stat(self: PosixSelf, _f: Frame, a: FopArgs<'stat'>): Promise<FopResult<'stat'>> {
  return withObject(self, a.loc, async (r) => ({ buf: iattOf(r.st, r.gfid) }));
}

/** access(2) against the caller's uid/gid/groups (posix cannot switch fsuid per request). */
export async function access(self: PosixSelf, frame: Frame, a: FopArgs<'access'>): Promise<FopResult<'access'>> {
  return withObject(self, a.loc, async (r) => {
    const mode = r.st.mode;
    const want = a.mask & 7;
    if (want === 0) return {};
    if (frame.uid === 0) {
      if (want & 1 && !(mode & 0o111) && !r.st.isDirectory()) throw new FopError(E.EACCES);
      return {};
    }
    const bits =
      frame.uid === r.st.uid ? (mode >> 6) & 7
      : frame.gid === r.st.gid || frame.groups.includes(r.st.gid) ? (mode >> 3) & 7
      : mode & 7;
    if ((bits & want) !== want) throw new FopError(E.EACCES);
    return {};
  });
}

export async function readlink(self: PosixSelf, _f: Frame, a: FopArgs<'readlink'>): Promise<FopResult<'readlink'>> {
  return withObject(self, a.loc, async (r) => {
    if (!r.st.isSymbolicLink()) throw new FopError(E.EINVAL, `${a.loc.path} is not a symlink`);
    const target = meta.readlink(r.path);
    const path = a.size > 0 && Buffer.byteLength(target) > a.size ? Buffer.from(target).subarray(0, a.size).toString() : target;
    return { path, buf: iattOf(r.st, r.gfid) };
  });
}

/** truncate opens the file itself (O_NOFOLLOW), so a symlink can never redirect it. */
export async function truncate(self: PosixSelf, _f: Frame, a: FopArgs<'truncate'>): Promise<FopResult<'truncate'>> {
  if (a.offset < 0) throw new FopError(E.EINVAL, 'negative size');
  return withObject(self, a.loc, async (r) => {
    if (r.st.isDirectory()) throw new FopError(E.EISDIR);
    if (!r.st.isFile()) throw new FopError(E.EINVAL, 'truncate of a non-regular file');
    const prebuf = iattOf(r.st, r.gfid);
    await withFd(await self.priv.brick.openAt(r.fd, refName(r), C.O_WRONLY), (fd) => kfd.ftruncate(fd, a.offset));
    return { prebuf, postbuf: statIatt(r.path, r.gfid) };
  });
}

/** The times setattr asks for, as utimensat arguments. */
export function timesFor(stbuf: Iatt, valid: number): [TimeArg, TimeArg] {
  const at = valid & SetAttr.ATIME_NOW ? C.UTIME_NOW : valid & SetAttr.ATIME ? stbuf.atime : C.UTIME_OMIT;
  const mt = valid & SetAttr.MTIME_NOW ? C.UTIME_NOW : valid & SetAttr.MTIME ? stbuf.mtime : C.UTIME_OMIT;
  return [at, mt];
}

export async function setattr(self: PosixSelf, _f: Frame, a: FopArgs<'setattr'>): Promise<FopResult<'setattr'>> {
  return withObject(self, a.loc, async (r) => {
    const statpre = iattOf(r.st, r.gfid);
    const v = a.valid;
    // chmod follows symlinks and Linux has no lchmod: a symlink's mode is left alone, as GlusterFS does.
    if (v & SetAttr.MODE && !r.st.isSymbolicLink()) meta.chmod(r.path, a.stbuf.mode & 0o7777);
    if (v & (SetAttr.UID | SetAttr.GID)) {
      meta.lchown(r.path, v & SetAttr.UID ? a.stbuf.uid : -1, v & SetAttr.GID ? a.stbuf.gid : -1);
    }
    if (v & SetAttr.SIZE && r.st.isFile()) {
      await withFd(await self.priv.brick.openAt(r.fd, refName(r), C.O_WRONLY), (fd) => kfd.ftruncate(fd, a.stbuf.size));
    }
    if (v & (SetAttr.ATIME | SetAttr.MTIME | SetAttr.ATIME_NOW | SetAttr.MTIME_NOW)) {
      const [at, mt] = timesFor(a.stbuf, v);
      native.utimensatSync(r.path, at, mt, true);
    }
    return { statpre, statpost: statIatt(r.path, r.gfid) };
  });
}

export async function statfs(self: PosixSelf, _f: Frame, _a: FopArgs<'statfs'>): Promise<FopResult<'statfs'>> {
  const { brick, sharedBrickCount: n } = self.priv;
  const s = await native.statvfs(brick.proc(brick.rootFd));
  const buf: Statvfs = {
    ...s,
    blocks: Math.floor(s.blocks / n),
    bfree: Math.floor(s.bfree / n),
    bavail: Math.floor(s.bavail / n),
  };
  return { buf };
}
