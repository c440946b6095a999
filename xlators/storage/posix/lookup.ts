import { StatField as F } from '../../../native/index.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { ROOT_GFID } from '../../../runtime/core/gfid.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { locGfid, locParentGfid } from '../../../runtime/core/loc.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { linkHandle, readGfid, symlinkHandle, writeGfid } from './handles.js';
import { fstatIatt, iattFromStat, iattOf, isDirMode, statAt, statIatt } from './iatt.js';
import { meta } from './meta.js';
import type { EntryRef } from './resolve.js';
import { replyInode, type PosixSelf } from './state.js';
import { fillRequestedXattrs, gfidFor } from './xdata.js';

/** GlusterFS's is_fresh_file: the entry changed within the last second. */
const isFresh = (ctimeNs: bigint): boolean => BigInt(Date.now()) * 1_000_000n - ctimeNs < 1_000_000_000n;

/**
 * Named lookup (parent gfid + name) or nameless lookup (gfid alone). A named entry without a
 * gfid (data placed in the brick by hand) gets one, the xdata `gfid-req` when sent, and a
 * missing handle is recreated, as posix_gfid_heal and the handle heal of GlusterFS do.
 */
export async function lookup(self: PosixSelf, _frame: Frame, a: FopArgs<'lookup'>): Promise<FopResult<'lookup'>> {
  const { loc, xdata } = a;
  // Named when a parent is given (an empty name is then refused as invalid), as MAKE_ENTRY_HANDLE.
  const named = locParentGfid(loc) !== undefined ? loc.name !== undefined : !locGfid(loc) && loc.path !== '/';
  if (!named) {
    const gfid = locGfid(loc) ?? (loc.path === '/' ? ROOT_GFID : undefined);
    if (!gfid) throw new FopError(E.EINVAL, 'lookup needs a gfid or a parent and a name');
    let r;
    try {
      r = await self.priv.resolver.byGfid(gfid);
    } catch (err) {
      // A gfid the brick does not know is simply absent.
      if (err instanceof FopError && err.errno === E.ESTALE) throw new FopError(E.ENOENT, err.message, { cause: err });
      throw err;
    }
    try {
      return { inode: replyInode(self, loc), buf: iattOf(r.st, gfid), xdata: fillRequestedXattrs(xdata, r.path) };
    } finally {
      r.close();
    }
  }
  // Nearly always the parent's fd is at hand: no await (a promise and a microtask) for it.
  const e = self.priv.resolver.locEntryNow(loc) ?? (await self.priv.resolver.locEntry(loc));
  try {
    // One native call stats the name and reads its gfid relative to the pinned parent (no
    // /proc path walk); only an entry without a gfid or a handle takes the healing path below.
    // A negative lookup is common (every create starts with one): no thrown system error for it.
    const found = statAt(e.dirFd, e.name, e.path);
    if (!found) {
      // Not before the caller holds this call's promise: a promise rejected with no handler yet
      // goes through Node's unhandled-rejection bookkeeping (1.6 µs a missing name, measured).
      await undefined;
      throw FopError.of(E.ENOENT);
    }
    const { stat, gfid } = found;
    const isDir = isDirMode(stat[F.mode]!);
    if (gfid && (isDir || stat[F.nlink]! >= 2)) {
      const buf = iattFromStat(stat, gfid); // before anything else uses the shared array
      const postparent = fstatIatt(e.dirFd, e.pargfid, e.parentPath);
      if (isDir) await symlinkHandle(self.priv.resolver, gfid, e.pargfid, e.name);
      return { inode: replyInode(self, loc), buf, postparent, xdata: fillRequestedXattrs(xdata, e) };
    }
    return await slowLookup(self, a, e);
  } finally {
    e.close();
  }
}

/** A named entry that lacks its gfid or its handle: healed as posix_gfid_heal and the handle heal do. */
async function slowLookup(self: PosixSelf, a: FopArgs<'lookup'>, e: EntryRef): Promise<FopResult<'lookup'>> {
  const { loc, xdata } = a;
  const st = meta.lstatOrNull(e.path);
  if (!st) throw new FopError(E.ENOENT);
  let gfid = readGfid(e.path);
  if (!gfid) {
    // An entry another create is still giving its gfid to (mknod done, xattr not yet set) must
    // not get a random second gfid from a lookup that asked for none: as posix_gfid_heal
    // does, such an entry younger than a second is reported absent. A lookup carrying
    // gfid-req names the gfid it expects and heals at once.
    if (!xdata?.has('gfid-req') && isFresh(st.ctimeNs)) throw new FopError(E.ENOENT, `${loc.path} is being created`);
    gfid = gfidFor(xdata);
    writeGfid(e.path, gfid);
  }
  if (st.isDirectory()) await symlinkHandle(self.priv.resolver, gfid, e.pargfid, e.name);
  else if (st.nlink < 2n) await linkHandle(self.priv.resolver, gfid, e.path);
  // Stat again (healing changes nlink and ctime; a rare path, so always).
  const buf = statIatt(e.path, gfid);
  return {
    inode: replyInode(self, loc),
    buf,
    postparent: fstatIatt(e.dirFd, e.pargfid, e.parentPath),
    xdata: fillRequestedXattrs(xdata, e),
  };
}
