import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { S_ISGID, SetAttr, type Iatt } from '../../../runtime/core/iatt.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { ctxOf, inGroup, permits, privileged, remember, W, type AclSelf, type PermCtx } from './perm.js';

/**
 * setattr_scrutiny, with the kernel's rules where GlusterFS is looser:
 * - chmod: the owner only (EPERM); S_ISGID is dropped when the file's group is not one of the
 *   caller's (no error), since posix applies modes as root and the kernel would not drop it.
 * - chown: root only; "chowning" to the current owner is a no-op anyone owning it may ask for.
 * - chgrp: the owner, to a group the caller is in (EPERM otherwise).
 * - times: explicit values need ownership (EPERM); "now" needs ownership or write (EACCES).
 * - size: write permission (EACCES); through an fd, the fd must be open for writing (EINVAL).
 * Returns the stbuf to pass on (a copy when the mode was adjusted).
 */
export function scrutiny(self: AclSelf, frame: Frame, ctx: PermCtx, stbuf: Iatt, valid: number, fdWritable?: boolean): Iatt {
  if (privileged(self, frame)) return stbuf;
  const owner = frame.uid === ctx.uid;
  let out = stbuf;
  if (valid & SetAttr.MODE) {
    if (!owner) throw new FopError(E.EPERM, 'only the owner may change the mode');
    if (stbuf.mode & S_ISGID && !inGroup(frame, valid & SetAttr.GID ? stbuf.gid : ctx.gid)) out = { ...stbuf, mode: stbuf.mode & ~S_ISGID };
  }
  if (valid & SetAttr.UID && stbuf.uid !== ctx.uid) throw new FopError(E.EPERM, 'only root may change the owner');
  if (valid & SetAttr.GID && stbuf.gid !== ctx.gid) {
    if (!owner || !inGroup(frame, stbuf.gid)) throw new FopError(E.EPERM, 'the owner may only change the group to one of their own');
  }
  const explicitTimes = (valid & SetAttr.ATIME && !(valid & SetAttr.ATIME_NOW)) || (valid & SetAttr.MTIME && !(valid & SetAttr.MTIME_NOW));
  const nowTimes = valid & (SetAttr.ATIME_NOW | SetAttr.MTIME_NOW);
  if (explicitTimes && !owner) throw new FopError(E.EPERM, 'only the owner may set explicit times');
  if (nowTimes && !owner && !permits(self, frame, ctx, W)) throw new FopError(E.EACCES);
  if (valid & SetAttr.SIZE) {
    if (fdWritable === false) throw new FopError(E.EINVAL, 'fd not open for writing');
    if (fdWritable === undefined && !permits(self, frame, ctx, W)) throw new FopError(E.EACCES);
  }
  return out;
}

export async function setattr(self: AclSelf, frame: Frame, a: FopArgs<'setattr'>): Promise<FopResult<'setattr'>> {
  const ctx = await ctxOf(self, frame, a.loc.inode, a.loc.gfid);
  const res = await self.firstChild!.fops.setattr(frame, { ...a, stbuf: scrutiny(self, frame, ctx, a.stbuf, a.valid) });
  remember(self, a.loc.inode, res.statpost);
  return res;
}

export async function fsetattr(self: AclSelf, frame: Frame, a: FopArgs<'fsetattr'>): Promise<FopResult<'fsetattr'>> {
  const ctx = await ctxOf(self, frame, a.fd.inode);
  const res = await self.firstChild!.fops.fsetattr(frame, { ...a, stbuf: scrutiny(self, frame, ctx, a.stbuf, a.valid, (a.fd.flags & 3) !== 0) });
  remember(self, a.fd.inode, res.statpost);
  return res;
}
