/**
 * rename (dht-rename.c). Files: the new name must appear on its hashed subvolume in one step
 * and the data must never be without a name, so, as dht_rename_create_links does, when the new
 * name hashes away from the data a link file is made beside the data's hashed copy, the data is
 * hard-linked to the new name on its own subvolume, the link file is renamed over the new name
 * on its hashed subvolume (replacing what was there), and only then do the old name and any
 * replaced data go. Directories are renamed on every subvolume, the destination's hashed one
 * first, and renamed back where it worked if one refuses.
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { createFrame, type Frame } from '../../../runtime/core/frame.js';
import { IaType } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { hashedFor } from './create-ops.js';
import { createLinkfile, unlinkLinkfile } from './linkfile.js';
import { cachedSubvol, lookup } from './lookup.js';
import { clearLinkfilesIfEmpty } from './remove-ops.js';
import { anyDown, inodeCtx, isLinkfile, isUp, lookupXdata, notConnected, setInodeCtx, type DhtSelf } from './state.js';

type RenameRes = FopResult<'rename'>;
/** A loc of the name alone, with the inode and gfid given (every key written out: see runtime/core/objects.ts). */
const entryOnly = (l: Loc, inode?: Inode, gfid?: string): Loc => ({ path: l.path, name: l.name, parent: l.parent, pargfid: l.pargfid, inode, gfid });
/**
 * The source of a rename keeps its inode, as dht_rename passes oldloc on: translators below
 * (access-control's sticky-directory rule) need to know whose entry moves. Only link files,
 * whose gfid is not the data's, travel as bare names.
 */
const source = (l: Loc): Loc => entryOnly(l, l.inode, l.gfid);
const gone = (err: unknown): boolean => err instanceof FopError && (err.errno === E.ENOENT || err.errno === E.ESTALE);

export async function rename(self: DhtSelf, frame: Frame, a: FopArgs<'rename'>): Promise<RenameRes> {
  const isDir = a.oldloc.inode?.type === IaType.DIR || inodeCtx(self, a.oldloc.inode)?.layout !== undefined;
  if (isDir) return renameDir(self, frame, a);
  return renameFile(self, frame, a);
}

/**
 * What the new name currently is: its data subvolume, or nothing. A linked inode the caller
 * resolved (the FUSE bridge and the client API look the target up before a rename) already
 * says so, as dht_rename trusts newloc->inode; otherwise the name is looked up.
 */
async function destination(self: DhtSelf, frame: Frame, newloc: Loc): Promise<{ cached?: Xlator; isDir?: boolean; gfid?: string }> {
  const known = newloc.inode?.linked ? newloc.inode : undefined;
  const cached = known && inodeCtx(self, known)?.cached;
  if (known && cached && known.type !== IaType.DIR && isUp(self, cached)) return { cached, isDir: false, gfid: known.gfid };
  const probe = entryOnly(newloc, newloc.parent?.table.create());
  try {
    const r = await lookup(self, frame, { loc: probe });
    return { cached: inodeCtx(self, probe.inode)?.cached, isDir: r.buf.type === IaType.DIR, gfid: r.buf.gfid };
  } catch (err) {
    if (gone(err)) return {};
    throw err;
  }
}

async function renameFile(self: DhtSelf, frame: Frame, a: FopArgs<'rename'>): Promise<RenameRes> {
  const { oldloc, newloc } = a;
  const srcCached = await cachedSubvol(self, frame, oldloc);
  const srcHashed = await hashedFor(self, frame, oldloc).catch(() => srcCached);
  const dstHashed = await hashedFor(self, frame, newloc);
  const dst = await destination(self, frame, newloc);
  if (dst.isDir) throw new FopError(E.EISDIR);
  const gfid = oldloc.inode?.gfid ?? oldloc.gfid;
  if (!gfid) throw new FopError(E.EINVAL, 'rename needs the source gfid');
  if (dst.gfid === gfid) return sameFile(self, frame, a, srcCached);
  for (const xl of [srcCached, srcHashed, dstHashed, dst.cached]) if (xl && !isUp(self, xl)) throw notConnected(`rename ${oldloc.path}: ${xl.name} is down`);

  let res: RenameRes;
  if (srcCached === dstHashed) {
    res = await srcCached.fops.rename(frame, { oldloc: source(oldloc), newloc: entryOnly(newloc), xdata: a.xdata });
    if (srcHashed !== srcCached) await unlinkLinkfile(srcHashed, oldloc).catch(() => undefined);
  } else {
    // 1. a link file to the data, under the old name, on the new name's hashed subvolume, and
    // 2. the data gets the new name too (a hard link), unless the new name's data is on the
    //    same subvolume: then the final rename there replaces it in one step. The two touch
    //    different subvolumes and neither needs the other, so they run together (as
    //    dht_rename_create_links winds them); if one fails, what the other made is undone.
    const linked = dst.cached !== srcCached;
    const [made, hard] = await Promise.allSettled([
      dstHashed !== srcHashed ? makeLinkfileAt(self, dstHashed, srcCached, oldloc, gfid) : Promise.resolve(),
      linked ? linkBeside(self, frame, srcCached, oldloc, newloc) : Promise.resolve(undefined),
    ]);
    if (made.status === 'rejected') {
      if (linked && hard.status === 'fulfilled') await unlinkLinkfile(srcCached, newloc).catch(() => undefined);
      throw made.reason;
    }
    if (hard.status === 'rejected') throw hard.reason;
    const link = hard.value;
    // 3. the new name appears on its hashed subvolume, replacing what was there.
    try {
      await dstHashed.fops.rename(frame, { oldloc: entryOnly(oldloc), newloc: entryOnly(newloc) });
    } catch (err) {
      // The old name's link file was missing: make the new name's link file directly.
      if (!gone(err)) throw err;
      await clearStaleLinkfile(self, dstHashed, newloc);
      await createLinkfile(self, dstHashed, srcCached, newloc, gfid);
    }
    // 4. the old name goes from the data's subvolume (or the data is renamed over the old target).
    if (link) {
      const u = await srcCached.fops.unlink(frame, { loc: source(oldloc), xflag: 0 });
      // The file as the hard link left it, less the name just removed (no lookup to re-read it).
      const buf = { ...link.buf, nlink: Math.max(1, link.buf.nlink - 1) };
      res = { buf, preoldparent: u.preparent, postoldparent: u.postparent, prenewparent: link.preparent, postnewparent: link.postparent };
    } else {
      res = await srcCached.fops.rename(frame, { oldloc: source(oldloc), newloc: entryOnly(newloc), xdata: a.xdata });
    }
    if (srcHashed !== srcCached && srcHashed !== dstHashed) await unlinkLinkfile(srcHashed, oldloc).catch(() => undefined);
  }
  // Replaced data on a third subvolume goes last, once the new name leads to the new data.
  if (dst.cached && dst.cached !== srcCached && dst.cached !== dstHashed) await unlinkLinkfile(dst.cached, newloc).catch(() => undefined);
  setInodeCtx(self, oldloc.inode, gfid, { cached: srcCached });
  return res;
}

/** rename between two names of one file (hard links): POSIX says nothing happens. */
async function sameFile(self: DhtSelf, frame: Frame, a: FopArgs<'rename'>, cached: Xlator): Promise<RenameRes> {
  return cached.fops.rename(frame, { oldloc: source(a.oldloc), newloc: entryOnly(a.newloc), xdata: a.xdata });
}

async function makeLinkfileAt(self: DhtSelf, on: Xlator, target: Xlator, loc: Loc, gfid: string): Promise<void> {
  try {
    await createLinkfile(self, on, target, loc, gfid);
  } catch (err) {
    if (!(err instanceof FopError && err.errno === E.EEXIST)) throw err;
    await clearStaleLinkfile(self, on, loc);
    await createLinkfile(self, on, target, loc, gfid);
  }
}

/**
 * The data's hard link under the new name. A name already there is almost never anything but a
 * stale link file, so the link is tried first and the name looked at only when it is taken.
 */
async function linkBeside(self: DhtSelf, frame: Frame, on: Xlator, oldloc: Loc, newloc: Loc): Promise<FopResult<'link'>> {
  try {
    return await on.fops.link(frame, { oldloc: { ...oldloc }, newloc: entryOnly(newloc) });
  } catch (err) {
    if (!(err instanceof FopError && err.errno === E.EEXIST)) throw err;
    await clearStaleLinkfile(self, on, newloc);
    return on.fops.link(frame, { oldloc: { ...oldloc }, newloc: entryOnly(newloc) });
  }
}

/** A link file left under a name on a subvolume that must hold something else there goes. */
async function clearStaleLinkfile(self: DhtSelf, on: Xlator, loc: Loc): Promise<void> {
  try {
    const r = await on.fops.lookup(createFrame(), { loc: entryOnly(loc, loc.parent?.table.create()), xdata: lookupXdata(self, undefined) });
    if (isLinkfile(self, r.buf, r.xdata)) await unlinkLinkfile(on, loc);
  } catch (err) {
    if (!gone(err)) throw err;
  }
}

async function renameDir(self: DhtSelf, frame: Frame, a: FopArgs<'rename'>): Promise<RenameRes> {
  if (anyDown(self)) throw notConnected(`rename ${a.oldloc.path}: a subvolume is down`);
  const dstHashed = await hashedFor(self, frame, a.newloc);
  const dst = await destination(self, frame, a.newloc);
  if (dst.gfid !== undefined && !dst.isDir) throw new FopError(E.ENOTDIR);
  if (dst.isDir) {
    // Over an empty directory: its link files would make the subvolumes' rename fail.
    const dloc = entryOnly(a.newloc, a.newloc.inode?.linked ? a.newloc.inode : undefined, dst.gfid);
    if (!dloc.inode) {
      dloc.inode = a.newloc.parent!.table.create();
      await lookup(self, frame, { loc: dloc });
    }
    // Every subvolume is checked before any link file goes (one non-empty one must leave all as they were).
    await clearLinkfilesIfEmpty(self, dloc);
  }
  const args = { oldloc: source(a.oldloc), newloc: entryOnly(a.newloc), xdata: a.xdata };
  const first = await dstHashed.fops.rename(frame, args);
  const others = self.priv.subvols.filter((x) => x !== dstHashed);
  const rest = await Promise.allSettled(others.map((xl) => xl.fops.rename(frame, args)));
  const failed = rest.filter((r) => r.status === 'rejected' && !gone(r.reason));
  if (failed.length) {
    const back = { oldloc: entryOnly(a.newloc), newloc: entryOnly(a.oldloc) };
    await Promise.allSettled([dstHashed, ...others.filter((_, i) => rest[i]!.status === 'fulfilled')].map((xl) => xl.fops.rename(frame, back)));
    throw (failed[0] as PromiseRejectedResult).reason;
  }
  return first;
}
