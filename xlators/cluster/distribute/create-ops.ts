/**
 * Entry creation (dht_create, dht_mknod, dht_symlink, dht_link, dht_mkdir). A new file goes to
 * the subvolume its name hashes to; when that one is below min-free-disk/inodes it goes to the
 * freest subvolume instead, with a link file on the hashed one. Every copy of an entry gets the
 * same gfid (gfid-req). mkdir refuses to run with a subvolume down rather than leave a
 * directory with holes; it creates on the hashed subvolume first, then on the others, each
 * copy carrying its range of the new layout.
 */
import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { IaType } from '../../../runtime/core/iatt.js';
import { newGfid, isGfid, type Gfid } from '../../../runtime/core/gfid.js';
import type { Loc } from '../../../runtime/core/loc.js';
import { withFields } from '../../../runtime/core/objects.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { chunksByName, duForPlacement, freestSubvol, isFilled, refreshAllDu } from './diskusage.js';
import { dirLayout, mergeDirIatt } from './dir-layout.js';
import { entryXattr, newDirectoryLayout } from './layout.js';
import { DHT_LAYOUT_HASH_INVALID } from './layout-xattr.js';
import { createLinkfile, unlinkLinkfile } from './linkfile.js';
import { cachedSubvol } from './lookup.js';
import { anyDown, isUp, notConnected, setInodeCtx, subvolForNameIn, type DhtSelf } from './state.js';

/** The subvolume a new name hashes to; ENOTCONN when it (or, in a hole, any subvolume) is down. */
export async function hashedFor(self: DhtSelf, frame: Frame, loc: Loc): Promise<Xlator> {
  if (!loc.parent || loc.name === undefined) throw new FopError(E.EINVAL, 'a new entry needs a parent and a name');
  const layout = await dirLayout(self, frame, loc.parent);
  const hashed = subvolForNameIn(self, layout, loc.name);
  if (!hashed) throw anyDown(self) ? notConnected(`no subvolume for ${loc.path} (a subvolume is down)`) : new FopError(E.EIO, `the layout of the parent of ${loc.path} has a hole`);
  if (!isUp(self, hashed)) throw notConnected(`${loc.path} hashes to ${hashed.name}, which is down`);
  return hashed;
}

/** The gfid the caller asked for, else a new one: every copy of the entry must share it. */
function gfidReq(xdata: Dict | undefined): { gfid: Gfid; xdata: Dict } {
  const v = xdata?.get('gfid-req');
  let gfid: Gfid | undefined;
  if (v?.type === 'gfuuid') gfid = v.value;
  else if (v?.type === 'str' && isGfid(v.value.toLowerCase())) gfid = v.value.toLowerCase();
  else if (v?.type === 'bin' && v.value.length === 16) {
    const h = v.value.toString('hex');
    gfid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  gfid ??= newGfid();
  const out = xdata ? xdata.clone() : new Dict();
  out.setGfid('gfid-req', gfid);
  return { gfid, xdata: out };
}

/** Where a new file's data goes: hashed, or the freest subvolume when hashed is full. */
async function placeFile(self: DhtSelf, hashed: Xlator): Promise<Xlator> {
  await duForPlacement(self, hashed);
  if (!isFilled(self, hashed)) return hashed;
  await refreshAllDu(self);
  return freestSubvol(self, hashed);
}

/** Create on `target`, with a link file on `hashed` first when they differ (dht_create_linkfile). */
async function withLinkfile<T extends { buf: { gfid: string } }>(
  self: DhtSelf, frame: Frame, loc: Loc, hashed: Xlator, target: Xlator, gfid: Gfid, make: () => Promise<T>,
): Promise<T> {
  if (target !== hashed) await createLinkfile(self, hashed, target, loc, gfid, frame);
  try {
    const r = await make();
    setInodeCtx(self, loc.inode, r.buf.gfid, { cached: target });
    return r;
  } catch (err) {
    if (target !== hashed) await unlinkLinkfile(hashed, loc).catch(() => undefined);
    throw err;
  }
}

export async function create(self: DhtSelf, frame: Frame, a: FopArgs<'create'>): Promise<FopResult<'create'>> {
  const hashed = await hashedFor(self, frame, a.loc);
  const target = await placeFile(self, hashed);
  const { gfid, xdata } = gfidReq(a.xdata);
  return withLinkfile(self, frame, a.loc, hashed, target, gfid, async () => {
    const r = await target.fops.create(frame, withFields(a, { xdata }));
    a.fd.ctxSet(self, { subvol: target });
    return r;
  });
}

export async function mknod(self: DhtSelf, frame: Frame, a: FopArgs<'mknod'>): Promise<FopResult<'mknod'>> {
  const hashed = await hashedFor(self, frame, a.loc);
  const target = await placeFile(self, hashed);
  const { gfid, xdata } = gfidReq(a.xdata);
  return withLinkfile(self, frame, a.loc, hashed, target, gfid, () => target.fops.mknod(frame, withFields(a, { xdata })));
}

export async function symlink(self: DhtSelf, frame: Frame, a: FopArgs<'symlink'>): Promise<FopResult<'symlink'>> {
  const hashed = await hashedFor(self, frame, a.loc);
  const { gfid, xdata } = gfidReq(a.xdata);
  return withLinkfile(self, frame, a.loc, hashed, hashed, gfid, () => hashed.fops.symlink(frame, withFields(a, { xdata })));
}

/** A hard link lives beside its data; the new name's hashed subvolume gets a link file (dht_link). */
export async function link(self: DhtSelf, frame: Frame, a: FopArgs<'link'>): Promise<FopResult<'link'>> {
  const cached = await cachedSubvol(self, frame, a.oldloc);
  if (!isUp(self, cached)) throw notConnected(`${a.oldloc.path} lives on ${cached.name}, which is down`);
  // A directory exists on every subvolume: it has no data subvolume to link beside, and
  // link(2) of a directory is EPERM, which the brick answers without a link file made first.
  if (a.oldloc.inode?.type === IaType.DIR) return cached.fops.link(frame, a);
  const hashed = await hashedFor(self, frame, a.newloc);
  const gfid = a.oldloc.inode?.gfid ?? a.oldloc.gfid;
  if (!gfid) throw new FopError(E.EINVAL, 'link needs the source gfid');
  if (hashed !== cached) await createLinkfile(self, hashed, cached, a.newloc, gfid, frame);
  try {
    return await cached.fops.link(frame, a);
  } catch (err) {
    if (hashed !== cached) await unlinkLinkfile(hashed, a.newloc).catch(() => undefined);
    throw err;
  }
}

export async function mkdir(self: DhtSelf, frame: Frame, a: FopArgs<'mkdir'>): Promise<FopResult<'mkdir'>> {
  if (anyDown(self)) throw notConnected(`mkdir ${a.loc.path}: a subvolume is down, the directory would have holes`);
  const hashed = await hashedFor(self, frame, a.loc);
  const { gfid, xdata } = gfidReq(a.xdata);
  const weighted = self.options['weighted-rebalance'];
  if (weighted) await refreshAllDu(self);
  const layout = newDirectoryLayout({
    path: a.loc.path,
    subvols: self.priv.subvols.map((x) => x.name),
    gfid,
    randomizeByGfid: self.options['randomize-hash-range-by-gfid'],
    weighted,
    chunks: weighted ? chunksByName(self) : undefined,
    spreadCount: self.options['directory-layout-spread'],
    commitHash: self.options['lookup-optimize'] ? self.priv.volCommitHash : DHT_LAYOUT_HASH_INVALID,
    hash: self.priv.hash,
  });
  for (const e of layout.entries) e.err = 0;
  const withLayout = (xl: Xlator) => xdata.clone().setBin(self.priv.layoutXattr, Buffer.from(entryXattr(layout, xl.name)!));
  const first = await hashed.fops.mkdir(frame, { ...a, xdata: withLayout(hashed) });
  const others = self.priv.subvols.filter((x) => x !== hashed);
  const rest = await Promise.allSettled(others.map((xl) => xl.fops.mkdir(frame, { ...a, xdata: withLayout(xl) })));
  const bufs = [first.buf];
  rest.forEach((r, i) => {
    if (r.status === 'fulfilled') bufs.push(r.value.buf);
    // A copy that could not be made is healed by the next lookup.
    else self.log.warn(`mkdir ${a.loc.path} on ${others[i]!.name} failed: ${(r.reason as Error).message}`);
  });
  setInodeCtx(self, a.loc.inode, gfid, { layout });
  return { ...first, buf: mergeDirIatt(bufs) };
}
