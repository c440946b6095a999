import { createFrame, type Frame } from '../../../runtime/core/frame.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Gfid } from '../../../runtime/core/gfid.js';
import { IaType, S_ISVTX, type Iatt } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import type { options } from './options.js';

export type AclSelf = Xlator<typeof options, AclState>;

export interface AclState {
  superUid: number;
}

/** What posix_acl_ctx keeps per inode: the owner, the group and the full st_mode. */
export interface PermCtx {
  uid: number;
  gid: number;
  mode: number;
  type: IaType;
}

export const R = 4;
export const W = 2;
export const X = 1;

/** Internal clients (negative pids: rebalance, self-heal) and the super user skip every check. */
export function privileged(self: AclSelf, frame: Frame): boolean {
  return frame.pid < 0 || frame.uid === 0 || frame.uid === self.priv.superUid;
}

export function inGroup(frame: Frame, gid: number): boolean {
  return frame.gid === gid || frame.groups.includes(gid);
}

/**
 * Remember the mode an iatt reports. The reply's inode may be a fresh one the caller is about to
 * link onto an existing inode of the same gfid, so that one is refreshed too. An inode already
 * linked to another gfid (the name now points elsewhere) is left alone.
 */
export function remember(self: AclSelf, inode: Inode | undefined, buf: Iatt | undefined): void {
  if (!inode || !buf) return;
  const ctx: PermCtx = { uid: buf.uid, gid: buf.gid, mode: buf.mode, type: buf.type };
  if (!inode.linked || inode.gfid === buf.gfid) inode.ctxSet(self, ctx);
  const canonical = inode.table.find(buf.gfid);
  if (canonical && canonical !== inode) canonical.ctxSet(self, ctx);
}

/** A frame for the checks' own lookups: root, so they see what is there whatever the caller may. */
export function internalFrame(frame: Frame): Frame {
  return createFrame({ uid: 0, gid: 0, pid: frame.pid, client: frame.client, signal: frame });
}

/**
 * The cached ctx of an inode, fetched with a stat when this translator has not seen it yet (an
 * inode linked by another path, or forgotten and found again). GlusterFS fails such checks with
 * EACCES; asking the brick once is both safer and friendlier.
 */
export async function ctxOf(self: AclSelf, frame: Frame, inode: Inode | undefined, gfid?: Gfid): Promise<PermCtx> {
  const have = inode?.ctxGet<PermCtx>(self);
  if (have) return have;
  const g = inode?.linked ? inode.gfid : gfid;
  if (!g) throw new FopError(E.EINVAL, 'access-control: no inode or gfid to check permissions on');
  const { buf } = await self.firstChild!.fops.stat(internalFrame(frame), { loc: { path: `<gfid:${g}>`, gfid: g, inode } });
  const ctx: PermCtx = { uid: buf.uid, gid: buf.gid, mode: buf.mode, type: buf.type };
  inode?.ctxSet(self, ctx);
  return ctx;
}

/**
 * The POSIX mode-bit rule (acl_permits with the minimal ACL): the owner class if the caller owns
 * the file, else the group class if the caller is in its group, else other. The super user
 * passes, except that executing a non-directory needs at least one x bit, as the kernel says.
 */
export function permits(self: AclSelf, frame: Frame, ctx: PermCtx, want: number): boolean {
  if (want === 0) return true;
  if (privileged(self, frame)) {
    return !(want & X) || ctx.type === IaType.DIR || (ctx.mode & 0o111) !== 0;
  }
  const bits = frame.uid === ctx.uid ? (ctx.mode >> 6) & 7 : inGroup(frame, ctx.gid) ? (ctx.mode >> 3) & 7 : ctx.mode & 7;
  return (bits & want) === want;
}

export async function demand(self: AclSelf, frame: Frame, inode: Inode | undefined, want: number, gfid?: Gfid): Promise<PermCtx> {
  const ctx = await ctxOf(self, frame, inode, gfid);
  if (!permits(self, frame, ctx, want)) throw new FopError(E.EACCES);
  return ctx;
}

/**
 * Sticky directories (sticky_permits): in a directory with the sticky bit, only the owner of the
 * entry, the owner of the directory or the super user may remove or rename the entry.
 */
export function stickyPermits(self: AclSelf, frame: Frame, parent: PermCtx, entry: PermCtx): boolean {
  if (privileged(self, frame) || !(parent.mode & S_ISVTX)) return true;
  return frame.uid === parent.uid || frame.uid === entry.uid;
}
