/**
 * Clearing S_ISUID and S_ISGID when a file's content changes. With FUSE_HANDLE_KILLPRIV_V2 the
 * kernel stops doing it (and stops asking for security.capability before every write): it flags
 * the writes, truncates and O_TRUNC opens of callers without CAP_FSETID, and leaves fallocate and
 * copy_file_range to us unflagged. The brick writes as root, which keeps the bits, so without
 * this nothing would clear them.
 */
import { createFrame } from '../../../../runtime/core/frame.js';
import { S_ISGID, S_ISUID, S_IXGRP, SetAttr, type Iatt } from '../../../../runtime/core/iatt.js';
import type { Fd } from '../../../../runtime/core/fd.js';
import type { Inode } from '../../../../runtime/core/inode.js';
import type { RequestContext } from '../kernel/types.js';
import type { BridgeCore } from './core.js';

const CAP_FSETID = 1n << 4n;

/**
 * The bits a change by a caller without CAP_FSETID clears, as the VFS decides
 * (setattr_should_drop_suidgid, Linux 6.2 on): S_ISUID; S_ISGID on a group-executable file, or on
 * any file whose group the caller is not in.
 */
function suidBits(mode: number, inGroup: boolean): number {
  let bits = mode & S_ISUID;
  if (mode & S_ISGID && (mode & S_IXGRP || !inGroup)) bits |= S_ISGID;
  return bits;
}

/** The caller lacks CAP_FSETID (its process gone: judged by its uid). */
export function lacksFsetid(b: BridgeCore, ctx: RequestContext): boolean {
  const cap = b.caller(ctx).capEff;
  return cap === undefined ? ctx.uid !== 0 : (cap & CAP_FSETID) === 0n;
}

function bitsFor(b: BridgeCore, ctx: RequestContext, buf: Iatt): number {
  if ((buf.mode & (S_ISUID | S_ISGID)) === 0) return 0;
  return suidBits(buf.mode, ctx.gid === buf.gid || b.caller(ctx).groups.includes(buf.gid));
}

/**
 * Set `buf`'s mode less the bits this caller's change clears; the new attributes, or undefined
 * when there was nothing to clear. The owner's change is made with its own credentials (what the
 * kernel's forced setattr carried: a server's root-squash still lets it through); anyone else's
 * as root, since the caller may write to a file it does not own.
 */
async function clear(b: BridgeCore, ctx: RequestContext, inode: Inode, fd: Fd | undefined, buf: Iatt): Promise<Iatt | undefined> {
  const bits = bitsFor(b, ctx, buf);
  if (bits === 0) return undefined;
  const frame = ctx.uid === buf.uid ? b.frame(ctx) : createFrame({ client: b.opts.client });
  const stbuf = { ...buf, mode: buf.mode & ~bits };
  const r = fd
    ? await b.fops.fsetattr(frame, { fd, stbuf, valid: SetAttr.MODE })
    : await b.fops.setattr(frame, { loc: b.locOf(inode), stbuf, valid: SetAttr.MODE });
  b.changedHere(inode, r.statpre, r.statpost);
  return r.statpost;
}

/**
 * Before a change: clear the bits if the file was last seen with them (the kernel's own test, on
 * its cached mode). The mode is read afresh first: one cached earlier must not undo a chmod made
 * elsewhere since. A failure fails the change, as the kernel's does.
 */
export async function dropSuidSeen(b: BridgeCore, ctx: RequestContext, inode: Inode, fd: Fd | undefined): Promise<void> {
  const seen = b.seenWithSuid(inode);
  if (!seen || bitsFor(b, ctx, seen) === 0) return;
  const frame = b.frame(ctx);
  const fresh = fd ? (await b.fops.fstat(frame, { fd })).buf : (await b.fops.stat(frame, { loc: b.locOf(inode) })).buf;
  await clear(b, ctx, inode, fd, fresh);
}

/**
 * After a change: clear the bits its reply (`buf`) shows, set by another client since this mount
 * last saw the file. The change itself is done, so a failure is logged, not returned: a write
 * reported failed after its data landed would be repeated.
 */
export async function dropSuidShown(b: BridgeCore, ctx: RequestContext, inode: Inode, fd: Fd | undefined, buf: Iatt): Promise<Iatt | undefined> {
  try {
    return await clear(b, ctx, inode, fd, buf);
  } catch (err) {
    b.log.warn(`clearing set-user/group-ID bits of ${inode.gfid} failed: ${(err as Error).message}`);
    return undefined;
  }
}
