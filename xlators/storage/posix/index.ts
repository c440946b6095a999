import fs from 'node:fs';
import { API_VERSION, defineXlator } from '../../../runtime/xlator/define.js';
import * as create from './create-ops.js';
import * as dir from './dir.js';
import { initPosix } from './init.js';
import * as inode from './inode-ops.js';
import * as io from './io.js';
import { lookup } from './lookup.js';
import { POSIX_OPTIONS } from './options.js';
import * as remove from './remove-ops.js';
import type { PosixState } from './state.js';
import * as xattr from './xattr.js';

/**
 * storage/posix: the leaf translator storing a volume's data in a brick directory, in GlusterFS
 * 10's on-disk format (trusted.gfid on every entry, `.glusterfs/xx/yy/<gfid>` handles). How
 * paths are resolved safely: resolve.ts and brick.ts. What is not implemented: README.md.
 *
 * Locks (lk, inodelk, finodelk, entrylk, fentrylk) are features/locks' job: posix leaves them
 * out, so the runtime answers ENOSYS for them.
 */
export default defineXlator({
  apiVersion: API_VERSION,
  type: 'storage/posix',
  description: 'Stores files in a local brick directory, on-disk compatible with GlusterFS 10',
  options: POSIX_OPTIONS,
  children: { max: 0 },
  init: (self): Promise<PosixState> => initPosix(self),
  fini(self) {
    for (const [k] of self.priv.openFds) fs.closeSync(k);
    self.priv.openFds.clear();
    self.priv.resolver.close();
    self.priv.brick.close();
    self.priv.readPipes.close();
  },
  // Its readv is where piped read data comes from (io.ts); it reads no child's data.
  passesReadData: true,
  fops: {
    lookup,
    stat: inode.stat,
    access: inode.access,
    readlink: inode.readlink,
    truncate: inode.truncate,
    setattr: inode.setattr,
    statfs: inode.statfs,
    mknod: create.mknod,
    mkdir: create.mkdir,
    symlink: create.symlink,
    create: create.create,
    link: create.link,
    unlink: remove.unlink,
    rmdir: remove.rmdir,
    rename: remove.rename,
    open: io.open,
    readv: io.readv,
    writev: io.writev,
    flush: io.flush,
    fsync: io.fsync,
    fstat: io.fstat,
    ftruncate: io.ftruncate,
    fsetattr: io.fsetattr,
    fallocate: io.fallocate,
    discard: io.discard,
    zerofill: io.zerofill,
    seek: io.seek,
    opendir: dir.opendir,
    readdir: dir.readdir,
    readdirp: dir.readdirp,
    fsyncdir: dir.fsyncdir,
    setxattr: xattr.setxattr,
    getxattr: xattr.getxattr,
    removexattr: xattr.removexattr,
    fsetxattr: xattr.fsetxattr,
    fgetxattr: xattr.fgetxattr,
    fremovexattr: xattr.fremovexattr,
  },
  cbks: {
    release: (self, fd) => io.releaseFd(self, fd),
    releasedir: (self, fd) => io.releaseFd(self, fd),
  },
  dump: (self) => ({ directory: self.options.directory, rootFd: self.priv.brick.rootFd, readPipes: self.priv.readPipes.count, spliceReads: self.priv.spliceReads }),
});
