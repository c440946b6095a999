/**
 * distribute's private state (dht_conf_t), per-inode and per-fd context, and the small helpers
 * every fop shares: which subvolume a name hashes to, what a link file looks like.
 */
import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Fd } from '../../../runtime/core/fd.js';
import { IaType, S_ISGID, S_ISVTX, type Iatt } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Loc } from '../../../runtime/core/loc.js';
import { withFields } from '../../../runtime/core/objects.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { dhtHashName, type HashRegexOptions } from './hash.js';
import { subvolForHash, type Layout } from './layout.js';
import type { DhtOptions } from './options.js';

export interface DuInfo {
  /** Percent of blocks / inodes free (bavail/blocks), as dht_du_info_cbk computes them. */
  freePercent: number;
  freeInodesPercent: number;
  /** Bytes available to non-root. */
  availBytes: number;
  /** Brick size in 1 MiB chunks (weighted layouts). */
  chunks: number;
  at: number;
}

export interface DhtPriv {
  subvols: Xlator[];
  byName: Map<string, Xlator>;
  index: Map<Xlator, number>;
  /** subvolume_status: the child's last word was CHILD_UP. */
  up: boolean[];
  /** last_event: what each child said last (undefined: not heard from yet). */
  lastEvent: (string | undefined)[];
  /** Whether the aggregated first event has gone up. */
  propagated: boolean;
  /**
   * conf->gen: moves on each time a subvolume comes up. A directory layout read before then may
   * have a hole where that subvolume was down (dirLayout reads it again).
   */
  gen: number;
  volCommitHash: number;
  vchForced: boolean;
  hash: HashRegexOptions;
  layoutXattr: string;
  linkXattr: string;
  commitXattr: string;
  du: Map<Xlator, DuInfo>;
}

export type DhtSelf = Xlator<DhtOptions, DhtPriv>;

/** Per-inode state: a directory's merged layout, a file's data subvolume. */
export interface DhtInodeCtx {
  layout?: Layout;
  /** DhtPriv.gen when `layout` was asked for or made. */
  layoutGen?: number;
  cached?: Xlator;
}

/** Per-fd state: where a file fd is open; for a directory every subvolume it was opened on. */
export interface DhtFdCtx {
  subvol?: Xlator;
  dir?: boolean;
}

export const DHT_LINKFILE_MODE = 0o1000;

export function inodeCtx(self: DhtSelf, inode: Inode | undefined): DhtInodeCtx | undefined {
  return inode?.ctxGet<DhtInodeCtx>(self);
}

/**
 * Store state on the inode a fop carried and on the table's inode of that gfid, which the
 * caller may link in its place (InodeTable.link keeps the first inode of a gfid).
 */
export function setInodeCtx(self: DhtSelf, inode: Inode | undefined, gfid: string, ctx: DhtInodeCtx): void {
  if (!inode) return;
  // A layout made here (mkdir, rebalance) is as new as the generation now.
  if (ctx.layout) ctx.layoutGen ??= self.priv.gen;
  const merge = (i: Inode) => i.ctxSet(self, withFields(i.ctxGet<DhtInodeCtx>(self) ?? {}, ctx));
  merge(inode);
  const known = inode.table.find(gfid);
  if (known && known !== inode) merge(known);
}

export function fdCtx(self: DhtSelf, fd: Fd): DhtFdCtx | undefined {
  return fd.ctxGet<DhtFdCtx>(self);
}

export function hashOf(self: DhtSelf, name: string): number {
  return dhtHashName(name, self.priv.hash);
}

/** The subvolume a name hashes to in a layout (dht_layout_search), or undefined in a hole. */
export function subvolForNameIn(self: DhtSelf, layout: Layout, name: string): Xlator | undefined {
  const sv = subvolForHash(layout, hashOf(self, name));
  return sv === undefined ? undefined : self.priv.byName.get(sv);
}

export const isUp = (self: DhtSelf, xl: Xlator): boolean => self.priv.up[self.priv.index.get(xl) ?? -1] === true;
export const anyDown = (self: DhtSelf): boolean => self.priv.up.some((u) => !u);
export const firstUp = (self: DhtSelf): Xlator | undefined => self.priv.subvols.find((x) => isUp(self, x));

/** A link file: exactly mode 01000 (type bits aside) and the linkto xattr (check_is_linkfile). */
export function isLinkfile(self: DhtSelf, buf: Iatt | undefined, xdata: Dict | undefined): boolean {
  if (!buf || buf.type !== IaType.REG) return false;
  return (buf.mode & 0o7777) === DHT_LINKFILE_MODE && !!xdata?.has(self.priv.linkXattr);
}

/** A file carrying only the sticky bit, whatever its xattrs (IS_DHT_LINKFILE_MODE). */
export const hasLinkfileMode = (buf: Iatt | undefined): boolean => !!buf && buf.type === IaType.REG && (buf.mode & 0o7777) === DHT_LINKFILE_MODE;

/** A source file being migrated (phase 1: setgid and sticky set by rebalance, dht-common.h DHT_MIGRATION_IN_PROGRESS). */
export const isMigrating = (buf: Iatt | undefined): boolean =>
  !!buf && buf.type === IaType.REG && (buf.mode & (S_ISGID | S_ISVTX)) === (S_ISGID | S_ISVTX);

/** The subvolume a link file points to. */
export function linktoTarget(self: DhtSelf, xdata: Dict | undefined): Xlator | undefined {
  const name = xdata?.getStr(self.priv.linkXattr);
  return name === undefined ? undefined : self.priv.byName.get(name);
}

/** The xattrs distribute asks every lookup for, plus the caller's. */
export function lookupXdata(self: DhtSelf, xdata: Dict | undefined, root = false): Dict {
  const d = xdata ? xdata.clone() : new Dict();
  d.setUint(self.priv.layoutXattr, 16);
  d.setUint(self.priv.linkXattr, 256);
  if (root) d.setUint(self.priv.commitXattr, 4);
  return d;
}

/** The caller's xattrs plus the linkto marker only: the lookup of a file already known. */
export function linkXdata(self: DhtSelf, xdata: Dict | undefined): Dict {
  return (xdata ? xdata.clone() : new Dict()).setUint(self.priv.linkXattr, 256);
}

/** Distribute's own keys stay out of what goes back up (they are per-brick facts). */
export function cleanXdata(self: DhtSelf, xdata: Dict | undefined): Dict | undefined {
  if (!xdata || xdata.size === 0) return undefined;
  const { layoutXattr, linkXattr, commitXattr } = self.priv;
  // Most replies carry none of them (a file's lookup asks only for the link marker): no copy.
  if (!xdata.has(layoutXattr) && !xdata.has(linkXattr) && !xdata.has(commitXattr)) return xdata;
  const d = xdata.clone();
  d.delete(layoutXattr);
  d.delete(linkXattr);
  d.delete(commitXattr);
  return d.size ? d : undefined;
}

export function notConnected(what: string): FopError {
  return new FopError(E.ENOTCONN, what);
}

export const isRootLoc = (loc: Loc): boolean => loc.path === '/' || loc.inode?.gfid === '00000000-0000-0000-0000-000000000001' || loc.gfid === '00000000-0000-0000-0000-000000000001';

/** errno of a failed call, or EIO for anything unexpected. */
export const errnoOf = (err: unknown): number => (err instanceof FopError ? err.errno : E.EIO);

/** Settle calls to several subvolumes: results or errors side by side, in order. */
export async function allSettled<T>(subvols: readonly Xlator[], call: (xl: Xlator) => Promise<T>): Promise<{ xl: Xlator; ok?: T; err?: FopError }[]> {
  const out = await Promise.allSettled(subvols.map((xl) => call(xl)));
  return out.map((r, i) => (r.status === 'fulfilled' ? { xl: subvols[i]!, ok: r.value } : { xl: subvols[i]!, err: r.reason instanceof FopError ? r.reason : new FopError(E.EIO, String(r.reason)) }));
}
