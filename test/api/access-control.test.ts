import test from 'ava';
import { constants } from 'node:fs';
import { VolumeClient } from '../../runtime/api/index.js';
import { Fd } from '../../runtime/core/fd.js';
import { createFrame } from '../../runtime/core/frame.js';
import { client, STACK_VOLFILE } from './helpers.js';

const USER = { uid: 1000, gid: 1000 };

test('a file opened write-only cannot be read through its fd, nor a read-only one written', async (t) => {
  const { fs: c, g } = await client(t);
  await c.chmod('/', 0o777);
  const u = c.as(USER);
  await u.writeFile('/f', 'data');
  const w = await u.open('/f', constants.O_WRONLY);
  await t.throwsAsync(g.graph.fops.readv(u.frame(), { fd: w.fd, size: 4, offset: 0, flags: 0 }), { code: 'EBADF' });
  await w.close();
  const r = await u.open('/f', 'r');
  await t.throwsAsync(r.write('x', 0), { code: 'EBADF' });
  await t.throwsAsync(r.ftruncate(0), { code: 'EINVAL' });
  await r.close();
});

test('create without O_EXCL on an existing file checks the file, not the directory', async (t) => {
  const { fs: c, g } = await client(t);
  await c.chmod('/', 0o777);
  await c.writeFile('/secret', 'root', 0o600);
  const loc = await g.newLoc('/secret');
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
  const fd = new Fd(loc.inode!, flags);
  const frame = createFrame({ ...USER, groups: [] });
  await t.throwsAsync(g.graph.fops.create(frame, { loc, flags, mode: 0o100644, umask: 0, fd }), { code: 'EACCES' });
  t.is((await c.readFile('/secret')).toString(), 'root', 'not truncated');
});

test('permissions are fetched from the brick when the translator has not seen the inode', async (t) => {
  const { fs: c, g } = await client(t);
  await c.writeFile('/secret', 'root', 0o600);
  const acl = g.graph.get('brick-access')!;
  const inode = g.graph.itable.find((await c.stat('/secret')).gfid)!;
  inode.ctx.delete(acl);
  const fd = new Fd(inode, constants.O_RDONLY);
  const frame = createFrame({ ...USER, groups: [] });
  await t.throwsAsync(g.graph.fops.open(frame, { loc: { path: '/secret', inode, gfid: inode.gfid }, flags: 0, fd }), { code: 'EACCES' });
  t.truthy(inode.ctx.get(acl), 'the mode is cached again');
});

test('the super-uid option and internal clients (negative pids) bypass the checks', async (t) => {
  const { fs: c } = await client(t, STACK_VOLFILE.replace('subvolumes brick\n', 'option super-uid 4242\n    subvolumes brick\n'));
  await c.writeFile('/secret', 'root', 0o600);
  await t.throwsAsync(c.as(USER).readFile('/secret'), { code: 'EACCES' });
  t.is((await c.as({ uid: 4242, gid: 4242 }).readFile('/secret')).toString(), 'root');
  t.is((await c.as({ ...USER, pid: -5 }).readFile('/secret')).toString(), 'root');
});

test('trusted xattrs are invisible to ordinary users', async (t) => {
  const { fs: c } = await client(t);
  await c.writeFile('/f', 'x', 0o644);
  await c.setxattr('/f', 'trusted.secret', 'x');
  await c.setxattr('/f', 'user.plain', 'y');
  const u = c.as(USER);
  await t.throwsAsync(u.getxattr('/f', 'trusted.secret'), { code: 'ENODATA' });
  t.deepEqual((await u.listxattr('/f')).sort(), ['user.plain']);
  t.true((await c.listxattr('/f')).includes('trusted.secret'));
});

test('only root creates device nodes; anyone with write permission creates fifos', async (t) => {
  const { fs: c } = await client(t);
  await c.chmod('/', 0o777);
  const u = c.as(USER);
  await t.throwsAsync(u.mknod('/null', 0o020644, 0x103), { code: 'EPERM' });
  await u.mkfifo('/fifo');
  await c.mknod('/null', 0o020644, 0x103);
  t.is((await c.stat('/null')).rdev, 0x103n);
});

test('a symlink cannot carry user xattrs, whoever asks', async (t) => {
  const { fs: c } = await client(t);
  await c.symlink('nowhere', '/l');
  await t.throwsAsync(c.lsetxattr('/l', 'user.k', 'v'), { code: 'EPERM' });
});

test('without the translator, the same volume lets any identity do anything (why bricks need it)', async (t) => {
  const volfile = STACK_VOLFILE.replace(/volume brick-access[\s\S]*?end-volume\n/, '').replace('subvolumes brick-access', 'subvolumes brick');
  const { fs: c } = await client(t, volfile);
  await c.writeFile('/secret', 'root', 0o600);
  t.is((await new VolumeClient(c.graph, USER).readFile('/secret')).toString(), 'root');
});
