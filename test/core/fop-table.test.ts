import test from 'ava';
import { FOP_TABLE, FOP_NAMES, FOP_BY_ID, MODIFYING_FOPS } from '../../runtime/fops/table.js';

// glusterfs_fop_t from libglusterfs/src/glusterfs/glusterfs-fops.h, in order from 1.
const GLUSTER_ORDER = [
  'stat', 'readlink', 'mknod', 'mkdir', 'unlink', 'rmdir', 'symlink', 'rename', 'link', 'truncate',
  'open', 'readv', 'writev', 'statfs', 'flush', 'fsync', 'setxattr', 'getxattr', 'removexattr', 'opendir',
  'fsyncdir', 'access', 'create', 'ftruncate', 'fstat', 'lk', 'lookup', 'readdir', 'inodelk', 'finodelk',
  'entrylk', 'fentrylk', 'xattrop', 'fxattrop', 'fgetxattr', 'fsetxattr', 'rchecksum', 'setattr', 'fsetattr', 'readdirp',
  'forget', 'release', 'releasedir', 'getspec', 'fremovexattr', 'fallocate', 'discard', 'zerofill', 'ipc', 'seek',
  'lease', 'compound', 'getactivelk', 'setactivelk', 'put', 'icreate', 'namelink', 'copy_file_range',
];

test('the fop table numbers every GlusterFS fop as glusterfs_fop_t does', (t) => {
  GLUSTER_ORDER.forEach((name, i) => t.is(FOP_BY_ID.get(i + 1), name as never, `fop ${i + 1}`));
  t.is(Object.keys(FOP_TABLE).length, GLUSTER_ORDER.length);
});

test('callable fops are listed in GlusterFS order without the forget/release callbacks', (t) => {
  t.deepEqual([...FOP_NAMES], GLUSTER_ORDER.filter((n) => !['forget', 'release', 'releasedir'].includes(n)));
});

test('only fops that can change the filesystem are marked as modifying', (t) => {
  for (const name of ['writev', 'create', 'rename', 'setxattr', 'fallocate', 'setattr'] as const) t.true(MODIFYING_FOPS.has(name));
  for (const name of ['readv', 'stat', 'lookup', 'readdirp', 'getxattr', 'statfs', 'open'] as const) t.false(MODIFYING_FOPS.has(name));
});
