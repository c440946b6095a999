import { constants } from 'node:fs';
import type { Frame } from '../../../runtime/core/frame.js';
import type { Fd } from '../../../runtime/core/fd.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Loc } from '../../../runtime/core/loc.js';
import { SetAttr, type Iatt } from '../../../runtime/core/iatt.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { FopImpls } from '../../../runtime/xlator/define.js';
import type { IoCacheOptions } from './options.js';
import { versionOf, type IocInode } from './pages.js';
import { cachedReadv } from './read.js';
import { flushInode, iocOf, updateInode, type IocState, type Self } from './state.js';

/** Times and sizes: a setattr touching these makes cached pages suspect (GlusterFS: atime/mtime). */
const DATA_ATTRS = SetAttr.ATIME | SetAttr.MTIME | SetAttr.ATIME_NOW | SetAttr.MTIME_NOW | SetAttr.SIZE;

/** The inode a loc- or fd-based fop applies to. */
const inodeOf = (args: object): Inode | undefined => {
  const a = args as { loc?: Loc; fd?: Fd };
  return a.loc?.inode ?? a.fd?.inode;
};

/** Mark an fd whose reads must bypass the cache (ioc_open_cbk's fd_ctx_set(fd, this, 1)). */
function decideBypass(self: Self, fd: Fd, flags: number): void {
  const ioc = iocOf(self, fd.inode);
  if (!ioc) return;
  const { minFileSize, maxFileSize, table } = self.priv;
  table.touch(ioc);
  const outside = ioc.size < minFileSize || (maxFileSize > 0 && ioc.size > maxFileSize);
  // O_DIRECT concerns this fd only, not the inode as a whole.
  if (outside || (flags & constants.O_DIRECT) !== 0) fd.ctxSet(self, true);
}

/**
 * The fop is done: drop anything fetched meanwhile, then take its post-op attributes as the
 * version of the (now empty) cache, so the next fetch is not mistaken for a change behind our
 * back. Pages in flight were marked stale by the flush, so nothing older can be kept.
 */
function afterFlush(self: Self, ioc: IocInode | undefined, post: Iatt): void {
  if (!ioc) return;
  flushInode(self, ioc);
  ioc.version = versionOf(post);
  ioc.size = post.size;
  ioc.stat = post;
}

/**
 * Flush around an fop that rewrites data wholesale: before, as GlusterFS does, and after too, so a
 * page fetched while the fop was in flight cannot survive it.
 */
function flushing<N extends 'truncate' | 'ftruncate' | 'discard' | 'zerofill' | 'fallocate'>(name: N) {
  return async (self: Self, frame: Frame, args: FopArgs<N>): Promise<FopResult<N>> => {
    const call = self.firstChild!.fops[name] as (f: Frame, a: FopArgs<N>) => Promise<FopResult<N>>;
    if (self.priv.passThrough) return call(frame, args);
    const inode = inodeOf(args);
    flushInode(self, iocOf(self, inode));
    const res = await call(frame, args);
    afterFlush(self, iocOf(self, inode), (res as FopResult<'truncate'>).postbuf);
    return res;
  };
}

async function setattrLike<N extends 'setattr' | 'fsetattr'>(self: Self, frame: Frame, name: N, args: FopArgs<N> & { valid: number }): Promise<FopResult<N>> {
  const call = self.firstChild!.fops[name] as (f: Frame, a: FopArgs<N>) => Promise<FopResult<N>>;
  if (self.priv.passThrough || (args.valid & DATA_ATTRS) === 0) return call(frame, args);
  const inode = inodeOf(args);
  flushInode(self, iocOf(self, inode));
  const res = await call(frame, args);
  afterFlush(self, iocOf(self, inode), (res as FopResult<'setattr'>).statpost);
  return res;
}

/** The fops io-cache changes; every other fop passes to the child untouched. */
export const fops: FopImpls<IoCacheOptions, IocState> = {
  async lookup(self, frame, args) {
    const res = await self.firstChild!.fops.lookup(frame, args);
    if (!self.priv.passThrough) updateInode(self, res.inode, args.loc.path, res.buf);
    return res;
  },

  async readdirp(self, frame, args) {
    const res = await self.firstChild!.fops.readdirp(frame, args);
    if (self.priv.passThrough) return res;
    const dir = args.fd.inode;
    for (const e of res.entries) {
      if (e.inode && e.stat && e.name !== '.' && e.name !== '..') updateInode(self, e.inode, dir.table.path(dir, e.name), e.stat);
    }
    return res;
  },

  async mknod(self, frame, args) {
    const res = await self.firstChild!.fops.mknod(frame, args);
    if (!self.priv.passThrough) updateInode(self, res.inode, args.loc.path, res.buf);
    return res;
  },

  async create(self, frame, args) {
    const res = await self.firstChild!.fops.create(frame, args);
    if (self.priv.passThrough) return res;
    updateInode(self, res.inode, args.loc.path, res.buf);
    decideBypass(self, res.fd, args.flags);
    return res;
  },

  async open(self, frame, args) {
    const passThrough = self.priv.passThrough;
    // O_TRUNC empties the file without a truncate fop: flush around it as truncate does.
    const truncating = !passThrough && (args.flags & constants.O_TRUNC) !== 0;
    if (truncating) flushInode(self, iocOf(self, args.fd.inode));
    const res = await self.firstChild!.fops.open(frame, args);
    if (passThrough) return res;
    const ioc = iocOf(self, res.fd.inode);
    if (truncating && ioc) {
      flushInode(self, ioc);
      ioc.size = 0;
    }
    decideBypass(self, res.fd, args.flags);
    return res;
  },

  async readv(self, frame, args) {
    const child = self.firstChild!.fops;
    if (self.priv.passThrough) return child.readv(frame, args);
    const ioc = iocOf(self, args.fd.inode);
    const direct = (args.flags & constants.O_DIRECT) !== 0 || (args.fd.flags & constants.O_DIRECT) !== 0;
    if (!ioc || direct || ioc.weight === 0 || args.fd.ctxGet<boolean>(self) || args.size === 0) {
      self.priv.stats.bypassed++;
      return child.readv(frame, args);
    }
    return cachedReadv(self, frame, ioc, args);
  },

  /**
   * ioc_writev_cbk -> ioc_update_pages: written bytes are copied into cached pages; the cached
   * mtime is left alone, so the next revalidation (or fetch) sees the new mtime and flushes, as
   * in GlusterFS. An O_APPEND write, one whose result does not show a plain write at `offset`,
   * or one whose prebuf size disagrees with the cached pages flushes the inode instead.
   */
  async writev(self, frame, args) {
    const res = await self.firstChild!.fops.writev(frame, args);
    if (self.priv.passThrough) return res;
    const ioc = iocOf(self, args.fd.inode);
    if (!ioc) return res;
    const expected = Math.max(res.prebuf.size, args.offset + args.data.length);
    const placeable = (args.fd.flags & constants.O_APPEND) === 0 && res.postbuf.size === expected;
    if (!placeable || !ioc.consistentWith(res.prebuf.size)) flushInode(self, ioc);
    else ioc.patch(args.offset, args.data);
    ioc.size = res.postbuf.size;
    ioc.stat = res.postbuf;
    const { table } = self.priv;
    if (table.used > table.size) table.prune();
    return res;
  },

  truncate: flushing('truncate'),
  ftruncate: flushing('ftruncate'),
  discard: flushing('discard'),
  zerofill: flushing('zerofill'),
  fallocate: flushing('fallocate'),
  setattr: (self, frame, args) => setattrLike(self, frame, 'setattr', args),
  fsetattr: (self, frame, args) => setattrLike(self, frame, 'fsetattr', args),
};
