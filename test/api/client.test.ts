import test from 'ava';
import fs from 'node:fs';
import { join } from 'node:path';
import { SEEK_DATA, SEEK_HOLE, VolumeClient } from '../../runtime/api/index.js';
import { ROOT_GFID } from '../../runtime/core/gfid.js';
import { IaType } from '../../runtime/core/iatt.js';
import { defineXlator } from '../../runtime/xlator/define.js';
import { gfidFromBuffer } from '../../runtime/core/gfid.js';
import { client, STACK_VOLFILE } from './helpers.js';

test('every path component is a named lookup and answers are linked into the inode table', async (t) => {
  const { fs: c, g } = await client(t);
  await c.mkdir('/a');
  await c.writeFile('/a/f', 'x');
  const st = await c.stat('/a/f');
  const a = g.graph.itable.findDentry(ROOT_GFID, 'a');
  t.truthy(a);
  const f = g.graph.itable.findDentry(a!, 'f');
  t.is(f?.gfid, st.gfid);
  t.is(f?.type, IaType.REG);
  t.is((await c.stat('/a/f')).gfid, st.gfid);
  t.is(g.graph.itable.findDentry(a!, 'f'), f, 'the canonical inode is reused');
  await c.rename('/a/f', '/a/g');
  t.is(g.graph.itable.findDentry(a!, 'f'), undefined);
  t.is(g.graph.itable.findDentry(a!, 'g'), f);
});

test('a cached dentry is only a hint: a name replaced behind the client is looked up afresh', async (t) => {
  const { fs: c, g } = await client(t);
  await c.writeFile('/f', 'old');
  const old = await c.stat('/f');
  const oldInode = g.graph.itable.find(old.gfid)!;
  fs.rmSync(join(g.brick!, 'f'));
  fs.writeFileSync(join(g.brick!, 'f'), 'replaced');
  // A gfid-less entry younger than a second is taken for one still being created (posix_gfid_heal).
  await new Promise((r) => setTimeout(r, 1100));
  const now = await c.stat('/f');
  t.not(now.gfid, old.gfid);
  t.is(oldInode.gfid, old.gfid, 'the old inode keeps its identity');
  t.is(g.graph.itable.findDentry(ROOT_GFID, 'f')?.gfid, now.gfid);
  t.is((await c.readFile('/f')).toString(), 'replaced');
  fs.rmSync(join(g.brick!, 'f'));
  await t.throwsAsync(c.stat('/f'), { code: 'ENOENT' });
  t.is(g.graph.itable.findDentry(ROOT_GFID, 'f'), undefined);
});

test('new entries carry a gfid-req and get that gfid', async (t) => {
  const seen: string[] = [];
  const recorder = defineXlator({
    apiVersion: 1,
    type: 'test/gfid-recorder',
    options: {},
    fops: {
      async mkdir(self, frame, a) {
        const v = a.xdata?.getBin('gfid-req');
        if (v) seen.push(gfidFromBuffer(v));
        return self.firstChild!.fops.mkdir(frame, a);
      },
      async create(self, frame, a) {
        const v = a.xdata?.getBin('gfid-req');
        if (v) seen.push(gfidFromBuffer(v));
        return self.firstChild!.fops.create(frame, a);
      },
    },
  });
  const volfile = STACK_VOLFILE.replace('volume top', 'volume rec\n    type test/gfid-recorder\n    subvolumes brick-access\nend-volume\n\nvolume top').replace(/(type debug\/io-stats\n\s+subvolumes) brick-access/, '$1 rec');
  const { startGraph } = await import('../../runtime/testkit/index.js');
  const g = await startGraph({ volfile, brick: true, xlators: { 'test/gfid-recorder': recorder } });
  t.teardown(() => g.stop());
  const c = new VolumeClient(g.graph);
  const d = await c.mkdir('/d');
  await c.writeFile('/d/f', 'x');
  t.is(seen.length, 2);
  t.is(d.gfid, seen[0]);
  t.is((await c.stat('/d/f')).gfid, seen[1]);
});

test('symlinks: 40 are followed in one resolution, the 41st is ELOOP', async (t) => {
  const { fs: c } = await client(t);
  await c.writeFile('/f', 'end');
  await c.symlink('f', '/l0');
  for (let i = 1; i <= 40; i++) await c.symlink(`l${i - 1}`, `/l${i}`);
  t.is((await c.readFile('/l39')).toString(), 'end');
  await t.throwsAsync(c.stat('/l40'), { code: 'ELOOP' });
  t.is((await c.lstat('/l40')).type, IaType.LNK);
});

test('paths: dot-dot, absolute symlink targets and a trailing slash', async (t) => {
  const { fs: c } = await client(t);
  await c.mkdir('/d');
  await c.mkdir('/d/e');
  await c.writeFile('/d/f', 'f');
  await c.symlink('/d/e', '/abs');
  t.is((await c.readFile('/d/e/../f')).toString(), 'f');
  t.is((await c.readFile('/../../d/./f')).toString(), 'f');
  t.is((await c.stat('/abs/')).type, IaType.DIR);
  t.is((await c.stat('/abs/..')).gfid, (await c.stat('/d')).gfid);
  await t.throwsAsync(c.stat('/d/f/'), { code: 'ENOTDIR' });
  await t.throwsAsync(c.stat(''), { code: 'ENOENT' });
  t.is((await c.stat('/')).gfid, ROOT_GFID);
});

test('open honours O_NOFOLLOW, O_DIRECTORY, O_EXCL and refuses writing a directory', async (t) => {
  const { fs: c } = await client(t);
  await c.writeFile('/f', 'f');
  await c.symlink('f', '/l');
  await c.mkdir('/d');
  const { O_NOFOLLOW, O_RDONLY, O_DIRECTORY, O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
  await t.throwsAsync(c.open('/l', O_RDONLY | O_NOFOLLOW), { code: 'ELOOP' });
  await t.throwsAsync(c.open('/f', O_RDONLY | O_DIRECTORY), { code: 'ENOTDIR' });
  await t.throwsAsync(c.open('/d', O_WRONLY), { code: 'EISDIR' });
  await t.throwsAsync(c.open('/l', O_WRONLY | O_CREAT | O_EXCL), { code: 'EEXIST' });
  const h = await c.open('/l', 'r');
  t.is((await h.read(10, 0)).toString(), 'f');
  await h.close();
  await t.throwsAsync(h.read(1, 0), { code: 'EBADF' });
});

test('handles: allocate, punch, zero, seek, fd xattrs and times; close gives the inode back', async (t) => {
  const { fs: c, g } = await client(t);
  const h = await c.open('/f', 'w+');
  const inode = h.fd.inode;
  t.is(inode.refs, 1);
  await h.write(Buffer.alloc(3 << 20, 7), 0);
  await h.discard(1 << 20, 1 << 20);
  t.is(await h.seek(0, SEEK_HOLE), 1 << 20);
  t.is(await h.seek(1 << 20, SEEK_DATA), 2 << 20);
  t.true((await h.read(16, (1 << 20) + 5)).equals(Buffer.alloc(16)));
  await h.zerofill(0, 4);
  t.deepEqual([...(await h.read(5, 0))], [0, 0, 0, 0, 7]);
  await h.fallocate(3 << 20, 1 << 20, true);
  t.is((await h.fstat()).size, 3 << 20);
  await h.setxattr('user.k', 'v');
  t.is((await h.getxattr('user.k')).toString(), 'v');
  t.true((await h.listxattr()).includes('user.k'));
  await h.removexattr('user.k');
  await t.throwsAsync(h.getxattr('user.k'), { code: 'ENODATA' });
  await h.futimes({ sec: 5, nsec: 6 }, 'omit');
  await h.fchmod(0o600);
  const st = await h.fstat();
  t.deepEqual(st.atime, { sec: 5, nsec: 6 });
  t.is(st.mode & 0o7777, 0o600);
  await h.fsync();
  await h.close();
  t.is(inode.refs, 0);
  t.true(g.graph.itable.lruSize > 0);
});

test('readdirp pages through a large directory with offset cookies and returns stats', async (t) => {
  const { fs: c } = await client(t);
  await c.mkdir('/big');
  const names = Array.from({ length: 2500 }, (_, i) => `file-number-${i}`);
  for (let i = 0; i < names.length; i += 100) await Promise.all(names.slice(i, i + 100).map((n) => c.mknod(`/big/${n}`, 0o100644)));
  const entries = await c.readdirp('/big');
  t.deepEqual(entries.map((e) => e.name).sort(), [...names].sort());
  t.true(entries.every((e) => e.type === IaType.REG && e.stat?.type === IaType.REG));
  t.deepEqual((await c.readdir('/big')).sort(), [...names].sort());
});

test('utimes leaves an omitted time alone and statfs reports the brick', async (t) => {
  const { fs: c } = await client(t);
  await c.writeFile('/f', 'x');
  await c.utimes('/f', { sec: 10, nsec: 1 }, { sec: 20, nsec: 2 });
  await c.utimes('/f', 'omit', { sec: 30, nsec: 3 });
  const st = await c.stat('/f');
  t.deepEqual([st.atime, st.mtime], [{ sec: 10, nsec: 1 }, { sec: 30, nsec: 3 }]);
  const sv = await c.statfs('/');
  t.true(sv.blocks > 0 && sv.bsize > 0);
});

test('as() acts as another user on the same graph and client', async (t) => {
  const { fs: c } = await client(t);
  const u = c.as({ uid: 1000, gid: 1000, groups: [5] });
  t.is(u.clientId, c.clientId);
  const f = u.frame();
  t.deepEqual([f.uid, f.gid, [...f.groups], f.client], [1000, 1000, [5], c.clientId]);
  await c.chmod('/', 0o777);
  await u.mkdir('/mine');
  t.is((await c.stat('/mine')).uid, 1000);
});
