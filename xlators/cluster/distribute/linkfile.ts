/**
 * Link files (dht-linkfile.c): on the subvolume a name hashes to, a zero-byte regular file of
 * mode exactly 01000 with `trusted.glusterfs.dht.linkto` = the data subvolume's name + NUL,
 * carrying the data file's gfid. Lookups follow them; listings skip them.
 */
import { constants } from 'node:fs';
import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { createFrame } from '../../../runtime/core/frame.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { DHT_LINKFILE_MODE, type DhtSelf } from './state.js';

export function linktoValue(target: Xlator): Buffer {
  return Buffer.from(`${target.name}\0`);
}

/** Create a link file for `loc` on `on`, pointing at `target`, owned like the data file. */
export async function createLinkfile(self: DhtSelf, on: Xlator, target: Xlator, loc: Loc, gfid: string, owner?: { uid: number; gid: number }): Promise<void> {
  const xdata = new Dict().setGfid('gfid-req', gfid).setBin(self.priv.linkXattr, linktoValue(target));
  const frame = createFrame({ uid: owner?.uid ?? 0, gid: owner?.gid ?? 0 });
  const inode = loc.parent?.table.create() ?? loc.inode;
  await on.fops.mknod(frame, {
    loc: { path: loc.path, name: loc.name, parent: loc.parent, pargfid: loc.pargfid, inode },
    mode: constants.S_IFREG | DHT_LINKFILE_MODE,
    rdev: 0,
    umask: 0,
    xdata,
  });
}

/** Remove a link file by name; a name that is gone already is fine. */
export async function unlinkLinkfile(on: Xlator, loc: Loc): Promise<void> {
  try {
    await on.fops.unlink(createFrame(), { loc: { path: loc.path, name: loc.name, parent: loc.parent, pargfid: loc.pargfid }, xflag: 0 });
  } catch (err) {
    if (!(err instanceof FopError && (err.errno === E.ENOENT || err.errno === E.ESTALE))) throw err;
  }
}

/** Point an existing link file at another subvolume. */
export async function retargetLinkfile(self: DhtSelf, on: Xlator, loc: Loc, gfid: string, target: Xlator): Promise<void> {
  const dict = new Dict().setBin(self.priv.linkXattr, linktoValue(target));
  await on.fops.setxattr(createFrame(), { loc: { path: loc.path, name: loc.name, parent: loc.parent, pargfid: loc.pargfid, gfid }, dict, flags: 0 });
}
