import { API_VERSION, defineXlator } from '../../../runtime/xlator/define.js';
import { setattr, fsetattr } from './attr.js';
import * as entry from './entry.js';
import * as io from './io.js';
import { options } from './options.js';
import type { AclState } from './perm.js';
import * as xattr from './xattr.js';

/**
 * features/access-control: GlusterFS's brick-side POSIX permission checks (system/posix-acl).
 * The brick process runs as root, so without it any client identity could do anything; with it,
 * each fop is checked against the owner, group and mode bits cached per inode from the iatts
 * that pass by (lookup, stat, readdirp and every reply carrying one). Which fop checks what:
 * README.md.
 */
export default defineXlator({
  apiVersion: API_VERSION,
  type: 'features/access-control',
  description: 'POSIX permission checks on the brick (mode bits, sticky directories, ownership rules)',
  options,
  passesWriteData: true,
  passesReadData: true,
  children: { min: 1, max: 1 },
  init: (self): AclState => ({ superUid: self.options['super-uid'] }),
  reconfigure(self, next) {
    self.priv.superUid = next['super-uid'];
  },
  fops: {
    lookup: entry.lookup,
    mkdir: entry.mkdir,
    mknod: entry.mknod,
    symlink: entry.symlink,
    link: entry.link,
    create: entry.create,
    unlink: entry.unlink,
    rmdir: entry.rmdir,
    rename: entry.rename,
    open: io.open,
    readv: io.readv,
    writev: io.writev,
    ftruncate: io.ftruncate,
    truncate: io.truncate,
    opendir: io.opendir,
    readdirp: io.readdirp,
    access: io.access,
    stat: io.stat,
    fstat: io.fstat,
    setattr,
    fsetattr,
    setxattr: xattr.setxattr,
    fsetxattr: xattr.fsetxattr,
    getxattr: xattr.getxattr,
    fgetxattr: xattr.fgetxattr,
    removexattr: xattr.removexattr,
    fremovexattr: xattr.fremovexattr,
  },
  dump: (self) => ({ superUid: self.priv.superUid }),
});
