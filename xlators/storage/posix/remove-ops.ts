import { errnoError, native, STAT_FIELDS, StatField as F } from '../../../native/index.js';
import { gfidFromBuffer } from '../../../runtime/core/gfid.js';
import type { Iatt } from '../../../runtime/core/iatt.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { gfidAt, readGfid, removeHandle, symlinkHandle } from './handles.js';
import { iattFromStat, statIatt } from './iatt.js';
import type { EntryRef } from './resolve.js';
import { meta } from './meta.js';
import type { PosixSelf } from './state.js';

/** Files up to this many allocated bytes lose their last link inline: freeing a few blocks is quick. */
const INLINE_FREE_BYTES = 1 << 20;
const handleStat = new Float64Array(STAT_FIELDS);

/**
 * After a name of a non-directory went away: drop its gfid handle if that is now the only link.
 * A small file's handle is unlinked inline (no thread-pool trip before the reply); a large one's
 * on the thread pool, as freeing many extents can take long. A handle that cannot be removed is
 * logged: the name is gone either way, and the fop succeeded.
 */
async function dropHandleIfLast(self: PosixSelf, gfid: string | undefined): Promise<void> {
  if (!gfid) return;
  let h;
  try {
    h = self.priv.resolver.handleDir(gfid);
  } catch {
    return; // no hash directory: no handle
  }
  try {
    const path = self.priv.brick.proc(h.fd, gfid);
    if (native.lstatInto(path, handleStat) < 0 || handleStat[F.nlink]! > 1 || (handleStat[F.mode]! & 0o170000) === 0o040000) return;
    // Only a handle that carries this gfid is this file's (a directory's handle is a symlink of
    // one link without one: a file on the brick wrongly carrying a directory's gfid must not take it).
    if (gfidAt(h.fd, gfid) !== gfid) return;
    if (handleStat[F.blocks]! * 512 <= INLINE_FREE_BYTES) {
      try {
        meta.unlink(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    } else {
      await removeHandle(self.priv.brick, gfid);
    }
  } catch (err) {
    self.log.warn(`gfid handle of ${gfid} not removed: ${(err as Error).message}`);
  } finally {
    self.priv.resolver.release(h);
  }
}

const entryStat = new Float64Array(STAT_FIELDS);
const entryGfid = Buffer.alloc(16);

/** Parent iatt from its pinned fd. */
function parentIatt(e: EntryRef): Iatt {
  const ps = new Float64Array(STAT_FIELDS);
  const r = native.fstatInto(e.dirFd, ps);
  if (r < 0) throw errnoError(r, 'fstat', e.parentPath);
  return iattFromStat(ps, e.pargfid);
}

export async function unlink(self: PosixSelf, _frame: Frame, a: FopArgs<'unlink'>): Promise<FopResult<'unlink'>> {
  const e = await self.priv.resolver.locEntry(a.loc);
  try {
    // The entry's stat and gfid in one call relative to the pinned parent.
    const found = native.statEntries(e.dirFd, [e.name], entryStat, entryGfid)[0]!;
    if (found < 0) throw errnoError(found, 'lstat', e.path);
    if ((entryStat[F.mode]! & 0o170000) === 0o040000) throw new FopError(E.EISDIR, `${a.loc.path} is a directory`);
    // 0: no 16-byte gfid, or reading it failed: readGfid tells the two apart (and throws the error).
    const gfid = found === 1 ? gfidFromBuffer(entryGfid) : readGfid(e.path);
    const preparent = parentIatt(e);
    // Inline: the gfid handle still links the data, so no blocks are freed here (dropHandleIfLast does that).
    meta.unlink(e.path);
    // Open fds keep working: they hold the kernel file, not the handle.
    await dropHandleIfLast(self, gfid);
    return { preparent, postparent: parentIatt(e) };
  } finally {
    e.close();
  }
}

export async function rmdir(self: PosixSelf, _frame: Frame, a: FopArgs<'rmdir'>): Promise<FopResult<'rmdir'>> {
  const e = await self.priv.resolver.locEntry(a.loc);
  try {
    const st = meta.lstat(e.path);
    if (!st.isDirectory()) throw new FopError(E.ENOTDIR, `${a.loc.path} is not a directory`);
    const gfid = readGfid(e.path);
    const preparent = await statIatt(e.parentPath, e.pargfid);
    meta.rmdir(e.path);
    if (gfid) {
      await removeHandle(self.priv.brick, gfid);
      self.priv.resolver.invalidate(gfid);
    }
    return { preparent, postparent: await statIatt(e.parentPath, e.pargfid) };
  } finally {
    e.close();
  }
}

/**
 * rename keeps the gfid (it travels with the inode). Afterwards a directory's handle symlink is
 * repointed at its new parent/name, and a replaced target loses its handle when that was its
 * last link (a replaced directory always does).
 */
export async function rename(self: PosixSelf, _frame: Frame, a: FopArgs<'rename'>): Promise<FopResult<'rename'>> {
  const { resolver, brick } = self.priv;
  const from = await resolver.locEntry(a.oldloc);
  try {
    const to = await resolver.locEntry(a.newloc);
    try {
      // Stats and gfids in one call each, relative to the pinned parents; read out before any await.
      const found = native.statEntries(from.dirFd, [from.name], entryStat, entryGfid)[0]!;
      if (found < 0) throw errnoError(found, 'lstat', from.path);
      const isDir = (entryStat[F.mode]! & 0o170000) === 0o040000;
      // 0: no 16-byte gfid, or reading it failed: readGfid tells the two apart (and throws the error).
      const gfid = found === 1 ? gfidFromBuffer(entryGfid) : readGfid(from.path);
      if (!gfid) throw new FopError(E.ESTALE, `${a.oldloc.path} has no gfid`);
      const tfound = native.statEntries(to.dirFd, [to.name], entryStat, entryGfid)[0]!;
      if (tfound < 0 && tfound !== -E.ENOENT) throw errnoError(tfound, 'lstat', to.path);
      const target = tfound >= 0 ? { isDir: (entryStat[F.mode]! & 0o170000) === 0o040000 } : undefined;
      const tgfid = tfound === 1 ? gfidFromBuffer(entryGfid) : tfound === 0 ? readGfid(to.path) : undefined;
      const preoldparent = parentIatt(from);
      const prenewparent = parentIatt(to);
      meta.rename(from.path, to.path);
      if (target && tgfid && tgfid !== gfid) {
        if (target.isDir) {
          await removeHandle(brick, tgfid);
          resolver.invalidate(tgfid);
        } else await dropHandleIfLast(self, tgfid);
      }
      if (isDir) {
        await symlinkHandle(brick, gfid, to.pargfid, to.name);
        resolver.invalidate(); // every cached path below the moved directory changed
      }
      return {
        buf: await statIatt(to.path, gfid),
        preoldparent,
        postoldparent: parentIatt(from),
        prenewparent,
        postnewparent: parentIatt(to),
      };
    } finally {
      to.close();
    }
  } finally {
    from.close();
  }
}
