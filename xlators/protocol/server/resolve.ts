import { E, FopError } from '../../../runtime/core/fop-error.js';
import { gfidFromBuffer, NULL_GFID, ROOT_GFID, type Gfid } from '../../../runtime/core/gfid.js';
import { IaType, type Iatt } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import { childLoc, type Loc } from '../../../runtime/core/loc.js';
import type { Call } from './call.js';

/**
 * server-resolve.c, re-imagined: a request names a file by gfid, or an entry by parent gfid and
 * basename. The server's inode table answers when it can; otherwise a lookup through the bound
 * subvolume links what the brick has (nameless for a gfid, named for an entry).
 */

/** A loc for an inode the table knows. */
export function inodeLoc(call: Call, inode: Inode): Loc {
  const itable = call.itable;
  if (inode === itable.root) return { path: '/', name: '', inode, gfid: ROOT_GFID };
  const parent = itable.parentOf(inode);
  const path = itable.path(inode);
  const loc: Loc = { path, inode, gfid: inode.gfid };
  if (parent && !path.startsWith('<gfid:')) {
    loc.parent = parent;
    loc.pargfid = parent.gfid;
    loc.name = path.slice(path.lastIndexOf('/') + 1);
  }
  return loc;
}

function wireGfid(buf: Buffer, what: string): Gfid {
  const gfid = gfidFromBuffer(buf);
  if (gfid === NULL_GFID) throw new FopError(E.EINVAL, `${what} is the null gfid`);
  return gfid;
}

/** Link what a lookup (or a creating fop) answered; returns the table's inode. */
export function linkInode(call: Call, inode: Inode | undefined, buf: Iatt, parent?: Inode, name?: string): Inode {
  return call.itable.link(inode && !inode.linked ? inode : call.itable.create(), buf.gfid, buf.type, parent, name);
}

/** `inode` held for the call, as the loc fops take. */
function heldLoc(call: Call, inode: Inode): Loc {
  call.hold(inode);
  return inodeLoc(call, inode);
}

/**
 * resolveInode without waiting, for a gfid the table knows (nearly every call: the client
 * looked it up through this brick); undefined otherwise: then call resolveInode. Every
 * request's path tries this first, sparing a promise and a turn of the microtask queue.
 */
export function resolveInodeNow(call: Call, gfidBuf: Buffer): Loc | undefined {
  const inode = call.itable.find(wireGfid(gfidBuf, 'gfid'));
  return inode && heldLoc(call, inode);
}

/**
 * The file a gfid names, held for the call. Unknown to the table: a nameless lookup finds it
 * (resolve_gfid); the brick not having it either is ESTALE, as resolve_inode_simple answers.
 */
export async function resolveInode(call: Call, gfidBuf: Buffer): Promise<Loc> {
  const gfid = wireGfid(gfidBuf, 'gfid');
  const known = call.itable.find(gfid);
  if (known) return heldLoc(call, known);
  const fresh = call.itable.create();
  let res;
  try {
    res = await call.fops.lookup(call.frame, { loc: { path: `<gfid:${gfid}>`, inode: fresh, gfid } });
  } catch (err) {
    if (err instanceof FopError && err.errno === E.ENOENT) throw new FopError(E.ESTALE, `gfid ${gfid} is not on the brick`);
    throw err;
  }
  return heldLoc(call, linkInode(call, res.inode ?? fresh, res.buf));
}

/** A basename must be one path component (resolve_entry_simple refuses '/' with EPERM). */
export function checkBasename(name: string): void {
  if (name === '') throw new FopError(E.EINVAL, 'empty basename');
  if (name.includes('/')) throw new FopError(E.EPERM, 'a basename cannot contain "/"');
  if (name.includes('\0')) throw new FopError(E.EINVAL, 'a basename cannot contain NUL');
}

/**
 * must: the entry has to exist (looked up when the table does not know it; ENOENT otherwise).
 * may: use it if it exists (rename's target). not: a new name; the storage decides EEXIST.
 */
export type EntryMode = 'must' | 'may' | 'not';

export async function resolveEntry(call: Call, pargfid: Buffer, name: string, mode: EntryMode): Promise<Loc> {
  checkBasename(name);
  const ploc = await resolveInode(call, pargfid);
  const parent = ploc.inode!;
  if (parent.type !== IaType.DIR) throw new FopError(E.EPERM, `parent ${parent.gfid} is not a directory`);
  const itable = call.itable;
  let inode = mode === 'not' ? undefined : itable.findDentry(parent, name);
  const path = itable.path(parent, name);
  if (!inode && mode !== 'not') {
    const fresh = itable.create();
    try {
      const res = await call.fops.lookup(call.frame, { loc: childLoc(path, parent, name, fresh, undefined) });
      inode = linkInode(call, res.inode ?? fresh, res.buf, parent, name);
    } catch (err) {
      if (!(err instanceof FopError) || err.errno !== E.ENOENT || mode === 'must') throw err;
    }
  }
  call.hold(inode);
  return childLoc(path, parent, name, inode ?? itable.create(), inode?.gfid);
}
