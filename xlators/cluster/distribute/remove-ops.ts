/**
 * unlink and rmdir (dht_unlink, dht_rmdir). unlink removes the data file and, when the name
 * hashes elsewhere, its link file. rmdir needs every subvolume up, refuses a directory holding
 * anything but link files (ENOTEMPTY), removes those link files, then the copies on the
 * non-hashed subvolumes and the hashed copy last; a copy that cannot go brings the removed
 * ones back (same gfid and layout), so the directory never ends up with holes.
 */
import { constants } from 'node:fs';
import { Dict } from '../../../runtime/core/dict.js';
import { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { createFrame, type Frame } from '../../../runtime/core/frame.js';
import type { Loc } from '../../../runtime/core/loc.js';
import { withFields } from '../../../runtime/core/objects.js';
import type { DirEntry } from '../../../runtime/fops/types.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { hashedFor } from './create-ops.js';
import { entryXattr } from './layout.js';
import { unlinkLinkfile } from './linkfile.js';
import { cachedSubvol, lookupNamed } from './lookup.js';
import { anyDown, inodeCtx, isLinkfile, isUp, notConnected, setInodeCtx, type DhtSelf } from './state.js';

export async function unlink(self: DhtSelf, frame: Frame, a: FopArgs<'unlink'>): Promise<FopResult<'unlink'>> {
  let cached = await cachedSubvol(self, frame, a.loc);
  let res: FopResult<'unlink'>;
  try {
    if (!isUp(self, cached)) throw notConnected(`${a.loc.path} lives on ${cached.name}, which is down`);
    res = await cached.fops.unlink(frame, a);
  } catch (err) {
    // The file may have moved since it was looked up (rebalance): find it again once.
    if (!(err instanceof FopError) || (err.errno !== E.ENOENT && err.errno !== E.ESTALE) || !a.loc.parent) throw err;
    setInodeCtx(self, a.loc.inode, a.loc.inode?.gfid ?? '', { cached: undefined });
    const inode = a.loc.inode ?? a.loc.parent.table.create();
    await lookupNamed(self, frame, withFields(a.loc, { inode }), undefined);
    // Found nowhere this time: the name is gone, and the first error says so.
    const again = inodeCtx(self, inode)?.cached;
    if (!again) throw err;
    cached = again;
    res = await cached.fops.unlink(frame, a);
  }
  const hashed = await hashedFor(self, frame, a.loc).catch(() => undefined);
  if (hashed && hashed !== cached) await unlinkLinkfile(hashed, a.loc).catch((err: unknown) => self.log.warn(`stale link file ${a.loc.path} on ${hashed.name}: ${(err as Error).message}`));
  return res;
}

/** Every entry of a directory on one subvolume (readdirp with the linkto xattr asked for). */
export async function listSubvolDir(self: DhtSelf, xl: Xlator, loc: Loc): Promise<DirEntry[]> {
  const frame = createFrame();
  const fd = new Fd(loc.inode!, constants.O_RDONLY);
  const xdata = new Dict().setUint(self.priv.linkXattr, 256);
  const out: DirEntry[] = [];
  await xl.fops.opendir(frame, { loc, fd });
  try {
    for (let offset = 0n; ; ) {
      const { entries } = await xl.fops.readdirp(frame, { fd, size: 65536, offset, xdata });
      if (entries.length === 0) break;
      for (const e of entries) if (e.name !== '.' && e.name !== '..') out.push(e);
      offset = entries[entries.length - 1]!.offset;
    }
  } finally {
    await self.graph.release(fd, true);
  }
  return out;
}

/**
 * A directory about to be removed or renamed over must hold nothing but link files on every
 * subvolume: all are listed first (ENOTEMPTY before anything changes), then the link files go
 * (dht_rmdir_is_subvol_empty, then dht_rmdir_cached_lookup_cbk's unlinks).
 */
export async function clearLinkfilesIfEmpty(self: DhtSelf, loc: Loc): Promise<void> {
  const listings = await Promise.all(self.priv.subvols.map(async (xl) => ({ xl, entries: await listSubvolDir(self, xl, loc).catch(() => [] as DirEntry[]) })));
  for (const { entries } of listings) {
    if (entries.some((e) => !isLinkfile(self, e.stat, e.dict))) throw new FopError(E.ENOTEMPTY);
  }
  for (const { xl, entries } of listings) {
    for (const e of entries) await unlinkLinkfile(xl, { path: `${loc.path}/${e.name}`, name: e.name, parent: loc.inode, pargfid: loc.inode?.gfid });
  }
}

export async function rmdir(self: DhtSelf, frame: Frame, a: FopArgs<'rmdir'>): Promise<FopResult<'rmdir'>> {
  if (anyDown(self)) throw notConnected(`rmdir ${a.loc.path}: a subvolume is down`);
  const loc = a.loc;
  await clearLinkfilesIfEmpty(self, loc);
  const hashed = await hashedFor(self, frame, loc).catch(() => self.priv.subvols[0]!);
  const others = self.priv.subvols.filter((x) => x !== hashed);
  const results = await Promise.allSettled(others.map((xl) => xl.fops.rmdir(frame, a)));
  const failed = results.map((r, i) => ({ r, xl: others[i]! })).filter((x) => x.r.status === 'rejected' && !isGone(x.r.reason));
  if (failed.length) {
    const removed = results.map((r, i) => ({ r, xl: others[i]! })).filter((x) => x.r.status === 'fulfilled').map((x) => x.xl);
    await restore(self, loc, removed);
    throw (failed[0]!.r as PromiseRejectedResult).reason;
  }
  try {
    return await hashed.fops.rmdir(frame, a);
  } catch (err) {
    const done = results.find((r): r is PromiseFulfilledResult<FopResult<'rmdir'>> => r.status === 'fulfilled');
    if (isGone(err) && done) return done.value;
    await restore(self, loc, others);
    throw err;
  }
}

const isGone = (err: unknown): boolean => err instanceof FopError && (err.errno === E.ENOENT || err.errno === E.ESTALE);

/** Recreate the copies an rmdir removed before another copy refused to go. */
async function restore(self: DhtSelf, loc: Loc, removed: Xlator[]): Promise<void> {
  const gfid = loc.inode?.gfid ?? loc.gfid;
  const layout = inodeCtx(self, loc.inode)?.layout;
  if (!gfid) return;
  for (const xl of removed) {
    const xdata = new Dict().setGfid('gfid-req', gfid);
    const x = layout && entryXattr(layout, xl.name);
    if (x) xdata.setBin(self.priv.layoutXattr, Buffer.from(x));
    await xl.fops.mkdir(createFrame(), { loc: { ...loc, gfid: undefined }, mode: 0o755, umask: 0, xdata }).catch(() => undefined);
  }
}
