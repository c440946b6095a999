/**
 * cluster/distribute: spreads a volume's files over its subvolumes by name hash, compatible with
 * GlusterFS 10's DHT (xlators/cluster/dht/src): the same hash, layouts, link files and
 * placement, so bricks move between gfs and GlusterFS. See README.md for the map of files.
 */
import { API_VERSION, defineXlator } from '../../../runtime/xlator/define.js';
import { gfsError } from '../../../runtime/diagnostics/codes.js';
import * as create from './create-ops.js';
import * as fdops from './fd-ops.js';
import * as inode from './inode-ops.js';
import * as vxattr from './vxattr.js';
import { lookup } from './lookup.js';
import { dhtNotify } from './notify.js';
import { DHT_OPTIONS } from './options.js';
import * as dir from './readdir.js';
import * as remove from './remove-ops.js';
import { rename } from './rename.js';
import { compileHashRegex } from './hash.js';
import type { DhtPriv, DhtSelf } from './state.js';

function regexOption(self: DhtSelf, key: 'rsync-hash-regex' | 'extra-hash-regex'): RegExp | null | undefined {
  const v = self.options[key];
  if (v === undefined) return undefined;
  if (v === 'none') return null;
  try {
    return compileHashRegex(v) ?? undefined;
  } catch (err) {
    throw gfsError('OPTION_INVALID', { message: `${key}: invalid regular expression ${JSON.stringify(v)}: ${(err as Error).message}`, cause: err } as never);
  }
}

function makePriv(self: DhtSelf): DhtPriv {
  const subvols = [...self.children];
  const xattr = self.options['xattr-name'];
  const forced = self.options['commit-hash'];
  const extra = regexOption(self, 'extra-hash-regex');
  return {
    subvols,
    byName: new Map(subvols.map((x) => [x.name, x])),
    index: new Map(subvols.map((x, i) => [x, i])),
    up: subvols.map(() => false),
    lastEvent: subvols.map(() => undefined),
    gen: 1,
    propagated: false,
    volCommitHash: forced === undefined ? 0 : forced >>> 0,
    vchForced: forced !== undefined,
    hash: { rsyncRegex: regexOption(self, 'rsync-hash-regex'), extraRegex: extra ?? undefined },
    layoutXattr: xattr,
    linkXattr: `${xattr}.linkto`,
    commitXattr: `${xattr}.commithash`,
    du: new Map(),
  };
}

export default defineXlator({
  apiVersion: API_VERSION,
  type: 'cluster/distribute',
  description: 'Spreads files over the subvolumes by name hash (GlusterFS DHT compatible)',
  options: DHT_OPTIONS,
  passesWriteData: true,
  passesReadData: true,
  children: { min: 1 },
  init: (self): DhtPriv => makePriv(self),
  reconfigure(self) {
    const next = makePriv(self);
    Object.assign(self.priv.hash, next.hash);
  },
  notify: (self, event) => dhtNotify(self, event),
  fops: {
    lookup,
    mkdir: create.mkdir,
    create: create.create,
    mknod: create.mknod,
    symlink: create.symlink,
    link: create.link,
    unlink: remove.unlink,
    rmdir: remove.rmdir,
    rename,
    opendir: dir.opendir,
    readdir: dir.readdir,
    readdirp: dir.readdirp,
    stat: inode.stat,
    access: inode.access,
    readlink: inode.readlink,
    truncate: inode.truncate,
    setattr: inode.setattr,
    open: inode.open,
    getxattr: vxattr.getxattr,
    setxattr: inode.setxattr,
    removexattr: inode.removexattr,
    xattrop: inode.xattrop,
    inodelk: inode.inodelk,
    entrylk: inode.entrylk,
    statfs: inode.statfs,
    ...fdops,
  },
  dump: (self) => ({
    subvolumes: self.priv.subvols.map((x, i) => ({ name: x.name, up: self.priv.up[i], last: self.priv.lastEvent[i] })),
    volCommitHash: self.priv.volCommitHash,
  }),
});
