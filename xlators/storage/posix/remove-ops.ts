import { StatField as F } from '../../../native/index.js';
import type { Iatt } from '../../../runtime/core/iatt.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { removeHandle, symlinkHandle } from './handles.js';
import { fstatIatt, isDirMode, statAt, statIatt } from './iatt.js';
import type { EntryRef } from './resolve.js';
import { meta } from './meta.js';
import type { PosixSelf } from './state.js';

/** Files up to this many allocated bytes lose their last link inline: freeing a few blocks is quick. */
const INLINE_FREE_BYTES = 1 << 20;

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
    const found = statAt(h.fd, gfid, path);
    // Only a handle that carries this gfid is this file's (a directory's handle is a symlink of
    // one link without one: a file on the brick wrongly carrying a directory's gfid must not take it).
    if (!found || found.gfid !== gfid || found.stat[F.nlink]! > 1 || isDirMode(found.stat[F.mode]!)) return;
    if (found.stat[F.blocks]! * 512 <= INLINE_FREE_BYTES) {
      try {
        meta.unlink(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    } else {
      await removeHandle(self.priv.resolver, gfid);
    }
  } catch (err) {
    self.log.warn(`gfid handle of ${gfid} not removed: ${(err as Error).message}`);
  } finally {
    self.priv.resolver.release(h);
  }
}

const parentIatt = (e: EntryRef): Iatt => fstatIatt(e.dirFd, e.pargfid, e.parentPath);

export async function unlink(self: PosixSelf, _frame: Frame, a: FopArgs<'unlink'>): Promise<FopResult<'unlink'>> {
  const e = await self.priv.resolver.locEntry(a.loc);
  try {
    // The entry's stat and gfid in one call relative to the pinned parent.
    const found = statAt(e.dirFd, e.name, e.path);
    if (!found) throw new FopError(E.ENOENT);
    if (isDirMode(found.stat[F.mode]!)) throw new FopError(E.EISDIR, `${a.loc.path} is a directory`);
    const preparent = parentIatt(e);
    // Inline: the gfid handle still links the data, so no blocks are freed here (dropHandleIfLast does that).
    meta.unlink(e.path);
    // Open fds keep working: they hold the kernel file, not the handle.
    await dropHandleIfLast(self, found.gfid);
    return { preparent, postparent: parentIatt(e) };
  } finally {
    e.close();
  }
}

export async function rmdir(self: PosixSelf, _frame: Frame, a: FopArgs<'rmdir'>): Promise<FopResult<'rmdir'>> {
  const e = await self.priv.resolver.locEntry(a.loc);
  try {
    const found = statAt(e.dirFd, e.name, e.path);
    if (!found) throw new FopError(E.ENOENT);
    if (!isDirMode(found.stat[F.mode]!)) throw new FopError(E.ENOTDIR, `${a.loc.path} is not a directory`);
    const gfid = found.gfid;
    const preparent = parentIatt(e);
    meta.rmdir(e.path);
    if (gfid) {
      await removeHandle(self.priv.resolver, gfid);
      self.priv.resolver.invalidate(gfid);
    }
    return { preparent, postparent: parentIatt(e) };
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
  const { resolver } = self.priv;
  const from = await resolver.locEntry(a.oldloc);
  try {
    const to = await resolver.locEntry(a.newloc);
    try {
      // Stats and gfids in one call each, relative to the pinned parents; read out before any await.
      const source = statAt(from.dirFd, from.name, from.path);
      if (!source) throw new FopError(E.ENOENT);
      const isDir = isDirMode(source.stat[F.mode]!);
      const gfid = source.gfid;
      if (!gfid) throw new FopError(E.ESTALE, `${a.oldloc.path} has no gfid`);
      const found = statAt(to.dirFd, to.name, to.path);
      const target = found ? { isDir: isDirMode(found.stat[F.mode]!) } : undefined;
      const tgfid = found?.gfid;
      const preoldparent = parentIatt(from);
      const prenewparent = parentIatt(to);
      meta.rename(from.path, to.path);
      if (target && tgfid && tgfid !== gfid) {
        if (target.isDir) {
          await removeHandle(resolver, tgfid);
          resolver.invalidate(tgfid);
        } else await dropHandleIfLast(self, tgfid);
      }
      if (isDir) {
        await symlinkHandle(resolver, gfid, to.pargfid, to.name);
        resolver.invalidate(); // every cached path below the moved directory changed
      }
      return {
        buf: statIatt(to.path, gfid),
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
