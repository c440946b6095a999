/**
 * getxattr of distribute's virtual keys (dht_getxattr): pathinfo says which bricks hold an
 * object, linkinfo where a name's link file sits. Every other key goes where inode-ops sends it.
 */
import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { Loc } from '../../../runtime/core/loc.js';
import { isPathinfoKey, LINKINFO_KEY, PATHINFO_KEY } from '../../../runtime/core/virtual-xattrs.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { dirLayout } from './dir-layout.js';
import { hashedFor } from './create-ops.js';
import { getxattr as plainGetxattr, isDirLoc, onFile } from './inode-ops.js';
import { compareSubvolNames, type Layout } from './layout-types.js';
import { cachedSubvol } from './lookup.js';
import { allSettled, type DhtSelf } from './state.js';

type Res = FopResult<'getxattr'>;

export async function getxattr(self: DhtSelf, frame: Frame, a: FopArgs<'getxattr'>): Promise<Res> {
  if (isPathinfoKey(a.name)) return isDirLoc(self, a.loc) ? dirPathinfo(self, frame, a, a.name) : filePathinfo(self, frame, a, a.name);
  if (a.name === LINKINFO_KEY && !isDirLoc(self, a.loc)) return linkinfo(self, frame, a);
  return plainGetxattr(self, frame, a);
}

/** The value a subvolume answered for `key`, as text. */
function valueOf(r: Res, key: string): string {
  const v = r.dict.getStr(key);
  if (v === undefined) throw new FopError(E.ENODATA, `no ${key} in the reply`);
  return v;
}

/** A file: its data subvolume's answer, wrapped (dht_vgetxattr_cbk; a file's layout has one entry). */
async function filePathinfo(self: DhtSelf, frame: Frame, a: FopArgs<'getxattr'>, key: string): Promise<Res> {
  const r = await onFile(self, frame, a.loc, (xl) => xl.fops.getxattr(frame, a));
  return { dict: new Dict().setStr(key, `(<DISTRIBUTE:${self.name}> ${valueOf(r, key)})`), xdata: r.xdata };
}

/**
 * A directory: every subvolume's answer (one that is down is left out, any other failure fails
 * the call; with none up it fails), then the layout: dht_vgetxattr_dir_cbk and
 * dht_fill_pathinfo_xattr.
 */
async function dirPathinfo(self: DhtSelf, frame: Frame, a: FopArgs<'getxattr'>, key: string): Promise<Res> {
  const layout = await dirLayout(self, frame, a.loc.inode, a.loc.path);
  const res = await allSettled(self.priv.subvols, (xl) => xl.fops.getxattr(frame, a));
  const failed = res.find((r) => r.err && r.err.errno !== E.ENOTCONN);
  if (failed) throw failed.err;
  const values = res.filter((r) => r.ok).map((r) => valueOf(r.ok!, key));
  if (!values.length) throw new FopError(E.ENOTCONN, 'no subvolume is up');
  const ranges = `(${self.name}-layout ${layoutInfo(layout)})`;
  const text = `((<DISTRIBUTE:${self.name}> ${values.join(' ')}) ${ranges})`;
  return { dict: new Dict().setStr(key, text) };
}

/**
 * fill_layout_info: "(subvolume start stop)" per entry, in subvolume name order: the order of
 * the layout a GlusterFS client keeps for a directory it made (dht_layout_sort_volname); one it
 * only looked up keeps the order its subvolumes answered in.
 */
function layoutInfo(layout: Layout): string {
  const entries = [...layout.entries].sort((x, y) => compareSubvolNames(x.subvol, y.subvol));
  return entries.map((e) => `(${e.subvol} ${e.start >>> 0} ${e.stop >>> 0})`).join(' ');
}

/**
 * linkinfo: for a file whose data is not on the subvolume its name hashes to, the pathinfo of
 * the link file there (dht_linkinfo_getxattr_cbk); ENODATA when there is no link file.
 */
async function linkinfo(self: DhtSelf, frame: Frame, a: FopArgs<'getxattr'>): Promise<Res> {
  const loc: Loc = a.loc;
  const hashed = await hashedFor(self, frame, loc);
  const cached = await cachedSubvol(self, frame, loc);
  if (hashed === cached) throw new FopError(E.ENODATA, `${loc.path} has no link file`);
  const r = await hashed.fops.getxattr(frame, { ...a, name: PATHINFO_KEY });
  // The reply dict is this call's own: the key is added to it, as dht_linkinfo_getxattr_cbk does.
  return { dict: r.dict.setStr(LINKINFO_KEY, valueOf(r, PATHINFO_KEY)), xdata: r.xdata };
}
