import { constants } from 'node:fs';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { IaType, S_ISVTX } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import { locGfid, locParentGfid, type Loc } from '../../../runtime/core/loc.js';
import { withFields } from '../../../runtime/core/objects.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { openWant } from './io.js';
import { ctxOf, demand, internalFrame, privileged, remember, stickyPermits, W, X, type AclSelf, type PermCtx } from './perm.js';

/** The parent of a loc (its inode, or its gfid for callers that resolve by gfid). */
const parentCtx = (self: AclSelf, frame: Frame, loc: Loc, want: number) => demand(self, frame, loc.parent, want, locParentGfid(loc));

/**
 * The entry a loc names, looked up as root: undefined when there is none. Used where the
 * decision depends on an existing entry the caller may not have resolved (O_CREAT without
 * O_EXCL, a rename target in a sticky directory).
 */
async function existing(self: AclSelf, frame: Frame, loc: Loc): Promise<{ inode: Inode; ctx: PermCtx } | undefined> {
  if (loc.inode?.linked) return { inode: loc.inode, ctx: await ctxOf(self, frame, loc.inode) };
  try {
    const res = await self.firstChild!.fops.lookup(internalFrame(frame), { loc: withFields(loc, { inode: undefined, gfid: undefined }) });
    remember(self, res.inode, res.buf);
    return { inode: res.inode, ctx: { uid: res.buf.uid, gid: res.buf.gid, mode: res.buf.mode, type: res.buf.type } };
  } catch (err) {
    if (err instanceof FopError && err.errno === E.ENOENT) return undefined;
    throw err;
  }
}

/** Named lookups need search permission on the parent; the root and nameless lookups do not. */
export async function lookup(self: AclSelf, frame: Frame, a: FopArgs<'lookup'>): Promise<FopResult<'lookup'>> {
  const named = a.loc.name !== undefined && a.loc.name !== '' && (a.loc.parent !== undefined || a.loc.pargfid !== undefined);
  if (named) await parentCtx(self, frame, a.loc, X);
  const res = await self.firstChild!.fops.lookup(frame, a);
  remember(self, res.inode, res.buf);
  if (a.loc.parent) remember(self, a.loc.parent, res.postparent);
  return res;
}

type EntryFop = 'mkdir' | 'mknod' | 'symlink' | 'link';
const DEVICES = new Set([0o020000, 0o060000]);

/** mkdir, mknod, symlink, link: write and search permission on the new entry's parent. */
function makeEntry<N extends EntryFop>(name: N) {
  return async (self: AclSelf, frame: Frame, a: FopArgs<N>): Promise<FopResult<N>> => {
    const loc = name === 'link' ? (a as FopArgs<'link'>).newloc : (a as FopArgs<'mkdir'>).loc;
    await parentCtx(self, frame, loc, W | X);
    // Device nodes need CAP_MKNOD, as mknod(2) says.
    if (name === 'mknod' && DEVICES.has((a as FopArgs<'mknod'>).mode & 0o170000) && !privileged(self, frame)) {
      throw new FopError(E.EPERM, 'only the super user creates device nodes');
    }
    const res = (await (self.firstChild!.fops[name] as (f: Frame, x: FopArgs<N>) => Promise<FopResult<EntryFop>>)(frame, a)) as FopResult<'mkdir'>;
    remember(self, res.inode, res.buf);
    remember(self, loc.parent, res.postparent);
    return res as FopResult<N>;
  };
}

export const mkdir = makeEntry('mkdir');
export const mknod = makeEntry('mknod');
export const symlink = makeEntry('symlink');
export const link = makeEntry('link');

/**
 * create: a new entry needs write and search on the parent. Without O_EXCL an existing file is
 * opened instead (posix does so), which needs the file's own permission, not the parent's.
 */
export async function create(self: AclSelf, frame: Frame, a: FopArgs<'create'>): Promise<FopResult<'create'>> {
  if (!privileged(self, frame)) {
    const found = a.flags & constants.O_EXCL ? undefined : await existing(self, frame, a.loc);
    if (found) await demand(self, frame, found.inode, openWant(a.flags));
    else await parentCtx(self, frame, a.loc, W | X);
  }
  const res = await self.firstChild!.fops.create(frame, a);
  remember(self, res.inode, res.buf);
  remember(self, a.loc.parent, res.postparent);
  return res;
}

/**
 * unlink and rmdir: write and search permission on the parent, then the sticky rule. A sticky
 * refusal is EPERM, as the kernel answers (GlusterFS's posix-acl says EACCES).
 */
function remove<N extends 'unlink' | 'rmdir'>(name: N) {
  return async (self: AclSelf, frame: Frame, a: FopArgs<N>): Promise<FopResult<N>> => {
    const loc: Loc = (a as FopArgs<'unlink'>).loc;
    const parent = await parentCtx(self, frame, loc, W | X);
    if (!privileged(self, frame) && parent.mode & S_ISVTX) {
      const entry = await ctxOf(self, frame, loc.inode, locGfid(loc));
      if (!stickyPermits(self, frame, parent, entry)) throw new FopError(E.EPERM, 'sticky directory');
    }
    const res = await (self.firstChild!.fops[name] as (f: Frame, x: FopArgs<N>) => Promise<FopResult<'unlink'>>)(frame, a);
    remember(self, loc.parent, res.postparent);
    return res as FopResult<N>;
  };
}

export const unlink = remove('unlink');
export const rmdir = remove('rmdir');

/**
 * rename: write and search on both parents; the sticky rule for the source and for a target
 * that exists; moving a directory to another parent rewrites its `..`, which needs write
 * permission on the directory itself (as the kernel requires).
 */
export async function rename(self: AclSelf, frame: Frame, a: FopArgs<'rename'>): Promise<FopResult<'rename'>> {
  if (!privileged(self, frame)) {
    const oldParent = await parentCtx(self, frame, a.oldloc, W | X);
    const newParent = await parentCtx(self, frame, a.newloc, W | X);
    const source = await ctxOf(self, frame, a.oldloc.inode, locGfid(a.oldloc));
    if (!stickyPermits(self, frame, oldParent, source)) throw new FopError(E.EPERM, 'sticky directory');
    if (newParent.mode & S_ISVTX) {
      const target = await existing(self, frame, a.newloc);
      if (target && !stickyPermits(self, frame, newParent, target.ctx)) throw new FopError(E.EPERM, 'sticky directory');
    }
    const moved = locParentGfid(a.oldloc) !== locParentGfid(a.newloc);
    if (source.type === IaType.DIR && moved) await demand(self, frame, a.oldloc.inode, W, locGfid(a.oldloc));
  }
  const res = await self.firstChild!.fops.rename(frame, a);
  remember(self, a.oldloc.inode, res.buf);
  remember(self, a.oldloc.parent, res.postoldparent);
  remember(self, a.newloc.parent, res.postnewparent);
  return res;
}
