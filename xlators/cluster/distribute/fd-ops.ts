/**
 * Fops on an open fd go to the subvolume the fd was opened on (directories: the first up one).
 * When a reply shows the file has become a link file (mode exactly 01000: a rebalance finished
 * moving it, dht_rebalance_complete_check), the fd is opened on the new subvolume and the fop
 * is repeated there, so readers and writers follow a migration.
 */
import { constants } from 'node:fs';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Fd } from '../../../runtime/core/fd.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { Iatt } from '../../../runtime/core/iatt.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { FopName } from '../../../runtime/fops/table.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { fdCtx, firstUp, hasLinkfileMode, inodeCtx, isUp, notConnected, setInodeCtx, type DhtSelf } from './state.js';

/** Where an fd's fops go; known at once (no promise: every read and write asks). */
function fdSubvol(self: DhtSelf, fd: Fd): Xlator {
  const c = fdCtx(self, fd);
  const xl = c?.dir ? firstUp(self) : (c?.subvol ?? inodeCtx(self, fd.inode)?.cached);
  if (!xl) throw new FopError(E.EBADF, 'fd was not opened through distribute');
  if (!isUp(self, xl)) throw notConnected(`${xl.name} is down`);
  return xl;
}

/** Where a file that became a link file went: its linkto xattr, read through the fd. */
async function migratedTo(self: DhtSelf, frame: Frame, fd: Fd, from: Xlator): Promise<Xlator | undefined> {
  try {
    const { dict } = await from.fops.fgetxattr(frame, { fd, name: self.priv.linkXattr });
    const target = self.priv.byName.get(dict.getStr(self.priv.linkXattr) ?? '');
    if (!target || target === from || !isUp(self, target)) return undefined;
    const flags = fd.flags & ~(constants.O_CREAT | constants.O_EXCL | constants.O_TRUNC);
    await target.fops.open(frame, { loc: { path: `<gfid:${fd.inode.gfid}>`, inode: fd.inode, gfid: fd.inode.gfid }, flags, fd });
    fd.ctxSet(self, { subvol: target });
    setInodeCtx(self, fd.inode, fd.inode.gfid, { cached: target });
    return target;
  } catch {
    return undefined;
  }
}

type FdFop = 'readv' | 'writev' | 'flush' | 'fsync' | 'fstat' | 'ftruncate' | 'fsetattr' | 'fallocate' | 'discard' | 'zerofill' | 'seek'
  | 'fgetxattr' | 'fsetxattr' | 'fremovexattr' | 'lk' | 'finodelk' | 'fentrylk' | 'fxattrop' | 'rchecksum' | 'fsyncdir';
type Impl<N extends FopName> = (self: DhtSelf, frame: Frame, a: FopArgs<N>) => Promise<FopResult<N>>;

function byFd<N extends FdFop>(name: N, post?: (r: FopResult<N>) => Iatt | undefined): Impl<N> {
  return async (self, frame, a) => {
    const fd = (a as unknown as { fd: Fd }).fd;
    const xl = fdSubvol(self, fd);
    const call = (x: Xlator) => (x.fops[name] as (f: Frame, y: FopArgs<N>) => Promise<FopResult<N>>)(frame, a);
    const r = await call(xl);
    if (post && !fdCtx(self, fd)?.dir && hasLinkfileMode(post(r))) {
      const target = await migratedTo(self, frame, fd, xl);
      if (target) return call(target);
    }
    return r;
  };
}

export const readv = byFd('readv', (r) => r.stbuf);
export const writev = byFd('writev', (r) => r.postbuf);
export const flush = byFd('flush');
export const fsync = byFd('fsync', (r) => r.postbuf);
export const fstat = byFd('fstat', (r) => r.buf);
export const ftruncate = byFd('ftruncate', (r) => r.postbuf);
export const fsetattr = byFd('fsetattr');
export const fallocate = byFd('fallocate', (r) => r.postbuf);
export const discard = byFd('discard', (r) => r.postbuf);
export const zerofill = byFd('zerofill', (r) => r.postbuf);
export const seek = byFd('seek');
export const fgetxattr = byFd('fgetxattr');
export const fsetxattr = byFd('fsetxattr');
export const fremovexattr = byFd('fremovexattr');
export const lk = byFd('lk');
export const finodelk = byFd('finodelk');
export const fentrylk = byFd('fentrylk');
export const fxattrop = byFd('fxattrop');
export const rchecksum = byFd('rchecksum');
export const fsyncdir = byFd('fsyncdir');
