/**
 * Fops on an existing inode by loc (dht-inode-read.c, dht-inode-write.c, dht_statfs): a file's
 * go to the subvolume holding its data (found again if it moved), a directory's read fops to
 * one subvolume and its write fops (setattr, xattrs) to every subvolume, so all copies agree.
 * statfs sums the subvolumes after bringing them to one block size.
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { IaType, type Statvfs } from '../../../runtime/core/iatt.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { FopName } from '../../../runtime/fops/table.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { mergeDirIatt } from './dir-layout.js';
import { cachedSubvol, lookup } from './lookup.js';
import { allSettled, anyDown, firstUp, inodeCtx, isRootLoc, isUp, notConnected, setInodeCtx, type DhtSelf } from './state.js';

export const isDirLoc = (self: DhtSelf, loc: Loc): boolean =>
  isRootLoc(loc) || loc.inode?.type === IaType.DIR || inodeCtx(self, loc.inode)?.layout !== undefined;

const moved = (err: unknown): boolean => err instanceof FopError && (err.errno === E.ENOENT || err.errno === E.ESTALE);

/** Run a fop on a file's data subvolume; when the data moved meanwhile, find it and retry once. */
export async function onFile<T>(self: DhtSelf, frame: Frame, loc: Loc, call: (xl: Xlator) => Promise<T>): Promise<T> {
  const xl = await cachedSubvol(self, frame, loc);
  if (!isUp(self, xl)) throw notConnected(`${loc.path} lives on ${xl.name}, which is down`);
  try {
    return await call(xl);
  } catch (err) {
    if (!moved(err) || !loc.parent || loc.name === undefined) throw err;
    setInodeCtx(self, loc.inode, loc.inode?.gfid ?? '', { cached: undefined });
    await lookup(self, frame, { loc });
    const again = inodeCtx(self, loc.inode)?.cached;
    if (!again || again === xl) throw err;
    return call(again);
  }
}

/** A directory read fop: the first subvolume that is up. */
async function onDirRead<T>(self: DhtSelf, call: (xl: Xlator) => Promise<T>): Promise<T> {
  const xl = firstUp(self);
  if (!xl) throw notConnected('no subvolume is up');
  return call(xl);
}

/** A directory write fop: every subvolume; refused while one is down so copies stay alike. */
async function onDirAll<T>(self: DhtSelf, call: (xl: Xlator) => Promise<T>): Promise<T> {
  if (anyDown(self)) throw notConnected('a subvolume is down');
  const res = await allSettled(self.priv.subvols, call);
  const bad = res.find((r) => r.err);
  if (bad) throw bad.err;
  return res[0]!.ok!;
}

type LocFop = 'stat' | 'access' | 'readlink' | 'truncate' | 'getxattr' | 'setxattr' | 'removexattr' | 'setattr' | 'open' | 'xattrop' | 'inodelk' | 'entrylk';
type Impl<N extends FopName> = (self: DhtSelf, frame: Frame, a: FopArgs<N>) => Promise<FopResult<N>>;

function byLoc<N extends LocFop>(name: N, dir: 'read' | 'all' | 'none'): Impl<N> {
  return async (self, frame, a) => {
    const args = a as FopArgs<N> & { loc: Loc };
    const call = (xl: Xlator) => (xl.fops[name] as (f: Frame, x: FopArgs<N>) => Promise<FopResult<N>>)(frame, a);
    if (isDirLoc(self, args.loc)) {
      if (dir === 'none') throw new FopError(E.EISDIR);
      return dir === 'read' ? onDirRead(self, call) : onDirAll(self, call);
    }
    return onFile(self, frame, args.loc, call);
  };
}

export const access = byLoc('access', 'read');
export const readlink = byLoc('readlink', 'read');
export const truncate = byLoc('truncate', 'none');
export const getxattr = byLoc('getxattr', 'read');
export const setxattr = byLoc('setxattr', 'all');
export const removexattr = byLoc('removexattr', 'all');
export const xattrop = byLoc('xattrop', 'read');
export const inodelk = byLoc('inodelk', 'read');
export const entrylk = byLoc('entrylk', 'read');

export async function open(self: DhtSelf, frame: Frame, a: FopArgs<'open'>): Promise<FopResult<'open'>> {
  if (isDirLoc(self, a.loc)) return onDirRead(self, (xl) => xl.fops.open(frame, a));
  return onFile(self, frame, a.loc, async (xl) => {
    const r = await xl.fops.open(frame, a);
    a.fd.ctxSet(self, { subvol: xl });
    return r;
  });
}

export async function stat(self: DhtSelf, frame: Frame, a: FopArgs<'stat'>): Promise<FopResult<'stat'>> {
  if (!isDirLoc(self, a.loc)) return onFile(self, frame, a.loc, (xl) => xl.fops.stat(frame, a));
  const up = self.priv.subvols.filter((x) => isUp(self, x));
  const res = (await allSettled(up, (xl) => xl.fops.stat(frame, a))).filter((r) => r.ok);
  if (!res.length) throw notConnected('no subvolume answered');
  return { buf: mergeDirIatt(res.map((r) => r.ok!.buf)) };
}

export async function setattr(self: DhtSelf, frame: Frame, a: FopArgs<'setattr'>): Promise<FopResult<'setattr'>> {
  if (!isDirLoc(self, a.loc)) return onFile(self, frame, a.loc, (xl) => xl.fops.setattr(frame, a));
  return onDirAll(self, (xl) => xl.fops.setattr(frame, a));
}

/** dht_statfs: every up subvolume, block counts scaled to the largest block size, summed. */
export async function statfs(self: DhtSelf, frame: Frame, a: FopArgs<'statfs'>): Promise<FopResult<'statfs'>> {
  const up = self.priv.subvols.filter((x) => isUp(self, x));
  const res = (await allSettled(up, (xl) => xl.fops.statfs(frame, a))).filter((r) => r.ok).map((r) => r.ok!.buf);
  if (!res.length) throw notConnected('no subvolume is up');
  const bsize = Math.max(...res.map((b) => b.bsize));
  const frsize = Math.max(...res.map((b) => b.frsize || b.bsize));
  const out: Statvfs = { ...res[0]!, bsize, frsize, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, favail: 0 };
  for (const b of res) {
    const scale = (b.frsize || b.bsize) / frsize;
    out.blocks += Math.floor(b.blocks * scale);
    out.bfree += Math.floor(b.bfree * scale);
    out.bavail += Math.floor(b.bavail * scale);
    out.files += b.files;
    out.ffree += b.ffree;
    out.favail += b.favail;
  }
  return { buf: out };
}
