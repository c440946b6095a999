import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { readGfid, removeHandle, symlinkHandle } from './handles.js';
import { statIatt, toIatt } from './iatt.js';
import { meta } from './meta.js';
import type { PosixSelf } from './state.js';

/** After a name of a non-directory went away: drop the handle if it is now the only link. */
async function dropHandleIfLast(self: PosixSelf, gfid: string | undefined): Promise<void> {
  if (!gfid) return;
  try {
    const r = await self.priv.resolver.byGfid(gfid);
    const last = r.st.nlink <= 1n;
    r.close();
    if (last) await removeHandle(self.priv.brick, gfid);
  } catch {
    // no handle left to drop
  }
}

export async function unlink(self: PosixSelf, _frame: Frame, a: FopArgs<'unlink'>): Promise<FopResult<'unlink'>> {
  const e = await self.priv.resolver.locEntry(a.loc);
  try {
    const st = meta.lstat(e.path);
    if (st.isDirectory()) throw new FopError(E.EISDIR, `${a.loc.path} is a directory`);
    const gfid = readGfid(e.path);
    const preparent = await statIatt(e.parentPath, e.pargfid);
    // Inline: the gfid handle still links the data, so no blocks are freed here (dropHandleIfLast does that).
    meta.unlink(e.path);
    // Open fds keep working: they hold the kernel file, not the handle.
    await dropHandleIfLast(self, gfid);
    return { preparent, postparent: await statIatt(e.parentPath, e.pargfid) };
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
      const st = meta.lstat(from.path);
      const gfid = readGfid(from.path);
      if (!gfid) throw new FopError(E.ESTALE, `${a.oldloc.path} has no gfid`);
      const target = meta.lstatOrNull(to.path);
      const tgfid = target ? readGfid(to.path) : undefined;
      const preoldparent = await statIatt(from.parentPath, from.pargfid);
      const prenewparent = await statIatt(to.parentPath, to.pargfid);
      meta.rename(from.path, to.path);
      if (target && tgfid && tgfid !== gfid) {
        if (target.isDirectory()) {
          await removeHandle(brick, tgfid);
          resolver.invalidate(tgfid);
        }
        else await dropHandleIfLast(self, tgfid);
      }
      if (st.isDirectory()) {
        await symlinkHandle(brick, gfid, to.pargfid, to.name);
        resolver.invalidate(); // every cached path below the moved directory changed
      }
      return {
        buf: toIatt(meta.lstat(to.path), gfid),
        preoldparent,
        postoldparent: await statIatt(from.parentPath, from.pargfid),
        prenewparent,
        postnewparent: await statIatt(to.parentPath, to.pargfid),
      };
    } finally {
      to.close();
    }
  } finally {
    from.close();
  }
}
