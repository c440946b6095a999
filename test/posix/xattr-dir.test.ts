import test from 'ava';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Dict } from '../../runtime/core/dict.js';
import { E } from '../../runtime/core/fop-error.js';
import { ROOT_GFID } from '../../runtime/core/gfid.js';
import { native } from '../../native/index.js';
import { diskGfid, locOf, openDir, openFile, posixGraph } from './helpers.js';

const errno = (code: keyof typeof E) => ({ message: new RegExp(`^${code}`) });

test('set, get, list and remove xattrs by path and by fd', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f');
  const loc = await locOf(g, '/f');
  await g.fops.setxattr(g.frame(), { loc, dict: new Dict().setBin('user.a', Buffer.from('1')).setStr('trusted.b', 'two'), flags: 0 });
  t.is((await g.fops.getxattr(g.frame(), { loc, name: 'user.a' })).dict.getStr('user.a'), '1');
  const all = (await g.fops.getxattr(g.frame(), { loc })).dict;
  t.deepEqual([...all.keys()].sort(), ['trusted.b', 'user.a']);
  const fd = await openFile(t, g, '/f', fs.constants.O_RDWR);
  await g.fops.fsetxattr(g.frame(), { fd, dict: new Dict().setStr('user.c', 'C'), flags: 0 });
  t.is((await g.fops.fgetxattr(g.frame(), { fd, name: 'user.c' })).dict.getStr('user.c'), 'C');
  await g.fops.fremovexattr(g.frame(), { fd, name: 'user.c' });
  await g.fops.removexattr(g.frame(), { loc, name: 'user.a' });
  await t.throwsAsync(g.fops.getxattr(g.frame(), { loc, name: 'user.a' }), errno('ENODATA'));
  await t.throwsAsync(g.fops.fgetxattr(g.frame(), { fd, name: 'user.c' }), errno('ENODATA'));
  t.is((await g.fops.getxattr(g.frame(), { loc, name: 'glusterfs.gfid.string' })).dict.getStr('glusterfs.gfid.string'), loc.inode!.gfid);
});

test('pathinfo names the brick, the host and the real path, or the gfid handle when the loc has no path', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  await g.create('/d/f');
  const loc = await locOf(g, '/d/f');
  const get = async (l: typeof loc, name: string) => (await g.fops.getxattr(g.frame(), { loc: l, name })).dict.getStr(name);
  const info = (real: string) => `<POSIX(${g.dir}):${hostname()}:${real}>`;
  t.is(await get(loc, 'trusted.glusterfs.pathinfo'), info(`${g.dir}/d/f`));
  t.is(await get(loc, 'glusterfs.pathinfo'), info(`${g.dir}/d/f`));
  const gfid = diskGfid(path.join(g.dir, 'd/f'));
  const nameless = { path: `<gfid:${gfid}>`, inode: loc.inode, gfid };
  t.is(await get(nameless, 'trusted.glusterfs.pathinfo'), info(`${g.dir}/.glusterfs/${gfid.slice(0, 2)}/${gfid.slice(2, 4)}/${gfid}`));
  await t.throwsAsync(g.fops.getxattr(g.frame(), { loc: await locOf(g, '/d'), name: 'trusted.glusterfs.pathinfox' }), errno('ENODATA'));
});

test('XATTR_CREATE and XATTR_REPLACE flags reach the filesystem', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  const loc = await locOf(g, '/d');
  await g.fops.setxattr(g.frame(), { loc, dict: new Dict().setStr('user.k', 'v'), flags: 1 });
  await t.throwsAsync(g.fops.setxattr(g.frame(), { loc, dict: new Dict().setStr('user.k', 'v'), flags: 1 }), errno('EEXIST'));
  await t.throwsAsync(g.fops.setxattr(g.frame(), { loc, dict: new Dict().setStr('user.z', 'v'), flags: 2 }), errno('ENODATA'));
});

test('trusted.gfid and the volume-id cannot be set, removed or listed by clients', async (t) => {
  const g = await posixGraph(t);
  const buf = await g.create('/f');
  const loc = await locOf(g, '/f');
  await g.fops.setxattr(g.frame(), { loc, dict: new Dict().setBin('trusted.gfid', Buffer.alloc(16, 0xee)), flags: 0 });
  t.is(diskGfid(path.join(g.dir, 'f')), buf.gfid);
  await t.throwsAsync(g.fops.removexattr(g.frame(), { loc, name: 'trusted.gfid' }), errno('EPERM'));
  const root = await locOf(g, '/');
  await t.throwsAsync(g.fops.removexattr(g.frame(), { loc: root, name: 'trusted.glusterfs.volume-id' }), errno('EPERM'));
  t.false((await g.fops.getxattr(g.frame(), { loc })).dict.has('trusted.gfid'));
  t.is(diskGfid(path.join(g.dir, 'f')), buf.gfid);
  // DHT's layout xattr is a legitimate trusted.glusterfs.* key and stays settable
  await g.fops.setxattr(g.frame(), { loc: root, dict: new Dict().setBin('trusted.glusterfs.dht', Buffer.alloc(16, 1)), flags: 0 });
  t.is(native.lgetxattrSync(g.dir, 'trusted.glusterfs.dht').length, 16);
});

test('readdir lists . and .. and every entry, hides .glusterfs at the root, and resumes from any offset', async (t) => {
  const g = await posixGraph(t);
  const names = Array.from({ length: 40 }, (_, i) => `entry-with-a-longish-name-${i}`);
  for (const n of names) await g.create(`/${n}`);
  const fd = await openDir(t, g, '/');
  const all = [];
  for (let offset = 0n; ; ) {
    const { entries } = await g.fops.readdir(g.frame(), { fd, size: 512, offset });
    if (entries.length === 0) break;
    t.true(entries.length < 45);
    all.push(...entries);
    offset = entries.at(-1)!.offset;
  }
  const got = all.map((e) => e.name);
  t.deepEqual(got.filter((n) => n !== '.' && n !== '..').sort(), [...names].sort());
  t.true(got.includes('.') && got.includes('..'));
  t.false(got.includes('.glusterfs'));
  t.is(new Set(got).size, got.length);
  // resuming from a cookie in the middle gives the same tail, also on another fd
  const fd2 = await openDir(t, g, '/');
  const again = await g.fops.readdir(g.frame(), { fd: fd2, size: 1 << 20, offset: all[9]!.offset });
  t.deepEqual(again.entries.map((e) => e.name), got.slice(10));
});

test('only the batch that reaches the end of a directory says eof, and an empty directory says it at once', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  for (let i = 0; i < 50; i++) await g.create(`/d/name-${i}`);
  for (const op of ['readdir', 'readdirp'] as const) {
    const fd = await openDir(t, g, '/d');
    const batches: { n: number; eof: boolean }[] = [];
    for (let offset = 0n; ; ) {
      const { entries, eof } = await g.fops[op](g.frame(), { fd, size: 2048, offset });
      batches.push({ n: entries.length, eof: eof === true });
      if (eof || entries.length === 0) break;
      offset = entries.at(-1)!.offset;
    }
    t.true(batches.length > 3, JSON.stringify(batches));
    t.true(batches.slice(0, -1).every((b) => !b.eof && b.n > 0), JSON.stringify(batches));
    const last = batches.at(-1)!;
    t.true(last.eof && last.n > 0, `the last batch carries entries and eof: ${JSON.stringify(batches)}`);
    t.is(batches.reduce((n, b) => n + b.n, 0), 52);
  }
  await g.mkdir('/empty');
  const fd = await openDir(t, g, '/empty');
  const first = await g.fops.readdirp(g.frame(), { fd, size: 1 << 16, offset: 0n });
  t.deepEqual(first.entries.map((e) => e.name).sort(), ['.', '..']);
  t.true(first.eof);
});

test('readdirp leaves out a name removed after the directory was read, though the batch was read ahead', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  for (let i = 0; i < 40; i++) await g.create(`/d/n${i}`);
  const fd = await openDir(t, g, '/d');
  // A small first batch: the rest of what getdents64 returned is kept for the next call.
  const first = await g.fops.readdirp(g.frame(), { fd, size: 1024, offset: 0n });
  const seen = new Set(first.entries.map((e) => e.name));
  const victim = [...Array(40).keys()].map((i) => `n${i}`).find((n) => !seen.has(n))!;
  fs.unlinkSync(path.join(g.dir, 'd', victim)); // behind the brick's back, as another process
  const rest = await g.fops.readdirp(g.frame(), { fd, size: 1 << 20, offset: first.entries.at(-1)!.offset });
  const names = rest.entries.map((e) => e.name);
  t.false(names.includes(victim));
  t.is(names.length + first.entries.length, 41, 'every other name, . and .. once');
});

test('readdirp goes on past a kept batch whose names all vanished, instead of looking like the end', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  for (let i = 0; i < 60; i++) await g.create(`/d/n${i}`);
  const probe = await openDir(t, g, '/d');
  const order = (await g.fops.readdirp(g.frame(), { fd: probe, size: 1 << 20, offset: 0n })).entries.map((e) => e.name);
  // Batches of one entry (size 1), the rest of what getdents64 read kept for the next call: walk
  // on until the next two are files, unlink them on the disk, and ask for the next batch: every
  // entry it would hold is gone.
  const fd = await openDir(t, g, '/d');
  let offset = 0n;
  let at = -1;
  while (at < 0 || order[at + 1] === '.' || order[at + 1] === '..' || order[at + 2] === '.' || order[at + 2] === '..') {
    const r = await g.fops.readdirp(g.frame(), { fd, size: 1, offset });
    offset = r.entries.at(-1)!.offset;
    at = order.indexOf(r.entries.at(-1)!.name);
  }
  const gone = [order[at + 1]!, order[at + 2]!];
  for (const n of gone) fs.unlinkSync(path.join(g.dir, 'd', n));
  const next = await g.fops.readdirp(g.frame(), { fd, size: 1, offset });
  t.deepEqual(next.entries.map((e) => e.name), [order[at + 3]!], 'the entry after the vanished ones, not an empty batch');
});

test('listings on two fds of one directory, in page-sized pieces and restarted midway, each give every entry once', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  const names = Array.from({ length: 300 }, (_, i) => `e${i}`);
  for (const n of names) await g.create(`/d/${n}`);
  const a = await openDir(t, g, '/d');
  const b = await openDir(t, g, '/d');
  const lists = new Map([[a, [] as string[]], [b, [] as string[]]]);
  const offsets = new Map([[a, 0n], [b, 0n]]);
  const done = new Set();
  let restarted = false;
  for (let round = 0; done.size < 2; round++) {
    for (const fd of [a, b]) {
      if (done.has(fd)) continue;
      const { entries } = await g.fops.readdirp(g.frame(), { fd, size: 4096, offset: offsets.get(fd)! });
      if (entries.length === 0) {
        done.add(fd);
        continue;
      }
      t.true(entries.every((e) => e.name === '..' || e.stat !== undefined));
      lists.get(fd)!.push(...entries.map((e) => e.name));
      offsets.set(fd, entries.at(-1)!.offset);
      // b starts over (a rewinddir) after a few pieces: it must not continue from what it had read ahead
      if (fd === b && round === 3 && !restarted) {
        restarted = true;
        lists.set(b, []);
        offsets.set(b, 0n);
      }
    }
  }
  t.true(restarted);
  for (const got of lists.values()) {
    t.deepEqual(got.filter((n) => n !== '.' && n !== '..').sort(), [...names].sort());
    t.is(new Set(got).size, got.length);
  }
});

test('readdirp gives each entry its iatt, gfid-derived ino and an inode', async (t) => {
  const g = await posixGraph(t);
  const d = await g.mkdir('/d');
  const f = await g.create('/d/f', 'x');
  await g.mkdir('/d/sub');
  const fd = await openDir(t, g, '/d');
  const { entries } = await g.fops.readdirp(g.frame(), { fd, size: 1 << 16, offset: 0n });
  const byName = new Map(entries.map((e) => [e.name, e]));
  t.is(byName.get('f')!.stat!.gfid, f.gfid);
  t.is(byName.get('f')!.ino, f.ino);
  t.is(byName.get('f')!.stat!.size, 1);
  t.truthy(byName.get('f')!.inode);
  t.is(byName.get('.')!.stat!.gfid, d.gfid);
  t.is(byName.get('..')!.stat!.gfid, ROOT_GFID);
  const rfd = await openDir(t, g, '/');
  const root = await g.fops.readdirp(g.frame(), { fd: rfd, size: 1 << 16, offset: 0n });
  t.is(root.entries.find((e) => e.name === '..')!.stat, undefined);
  await g.fops.fsyncdir(g.frame(), { fd, datasync: 0 });
});

test('opendir of a file is ENOTDIR', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f');
  await t.throwsAsync(openDir(t, g, '/f'), errno('ENOTDIR'));
});

test('requested xattrs come back whole from lookup and readdirp, values past 4 KiB and small ones alike', async (t) => {
  // tmpfs takes xattr values past a block (ext4 without ea_inode refuses them with ENOSPC).
  const brick = fs.mkdtempSync('/dev/shm/gfs-posix-');
  t.teardown(() => fs.rmSync(brick, { recursive: true, force: true }));
  const g = await posixGraph(t, {}, brick);
  await g.mkdir('/d');
  await g.create('/d/f', 'x');
  const big = Buffer.alloc(6000, 7);
  native.lsetxattrSync(path.join(g.dir, 'd/f'), 'trusted.big', big);
  native.lsetxattrSync(path.join(g.dir, 'd/f'), 'trusted.small', Buffer.from('s'));
  const req = new Dict().setUint('trusted.big', 0).setUint('trusted.small', 0).setUint('trusted.none', 0);
  const loc = await locOf(g, '/d/f');
  const named = await g.fops.lookup(g.frame(), { loc: { path: '/d/f', name: 'f', parent: loc.parent, pargfid: loc.pargfid }, xdata: req });
  t.deepEqual(named.xdata?.getBin('trusted.big'), big);
  t.deepEqual(named.xdata?.getBin('trusted.small'), Buffer.from('s'));
  t.false(named.xdata?.has('trusted.none') ?? false);
  const nameless = await g.fops.lookup(g.frame(), { loc: { path: '<gfid>', gfid: loc.gfid }, xdata: req });
  t.deepEqual(nameless.xdata?.getBin('trusted.big'), big);
  const fd = await openDir(t, g, '/d');
  const { entries } = await g.fops.readdirp(g.frame(), { fd, size: 1 << 16, offset: 0n, xdata: req });
  const f = entries.find((e) => e.name === 'f')!;
  t.deepEqual(f.dict?.getBin('trusted.big'), big);
  t.deepEqual(f.dict?.getBin('trusted.small'), Buffer.from('s'));
});
