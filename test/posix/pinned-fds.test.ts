import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Fd } from '../../runtime/core/fd.js';
import { E } from '../../runtime/core/fop-error.js';
import { PinnedFds } from '../../xlators/storage/posix/pinned-fds.js';
import { gfidReq, handlePath, locOf, posixGraph } from './helpers.js';
import { ROOT_GFID } from '../../runtime/core/gfid.js';

const isOpen = (fd: number) => {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

function openDirs(t: { teardown(fn: () => void): void }, n: number): number[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-pins-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return Array.from({ length: n }, () => fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY));
}

test.serial('the least recently used fd is closed past the limit, but never while a caller holds it', (t) => {
  const [a, b, c, d] = openDirs(t, 4);
  const pins = new PinnedFds(2);
  pins.release(pins.add('a', a!));
  const held = pins.add('b', b!); // still held
  pins.release(pins.acquire('a')!); // a is now the most recently used
  pins.release(pins.add('c', c!)); // over the limit: b is the oldest, but held
  t.is(pins.size, 2);
  t.is(pins.acquire('b'), undefined);
  t.true(isOpen(b!), 'a held fd stays open after eviction');
  pins.release(held);
  t.false(isOpen(b!), 'closed by its last release');
  pins.release(pins.add('d', d!)); // evicts a, which nobody holds
  t.false(isOpen(a!));
  t.true(isOpen(c!) && isOpen(d!));
  pins.clear();
  t.false(isOpen(c!) || isOpen(d!));
});

test.serial('the fd used last stays the most recently used, and a key added again moves to the recent end', (t) => {
  const [a, b, c, d, a2] = openDirs(t, 5);
  const pins = new PinnedFds(2);
  pins.release(pins.add('a', a!));
  pins.release(pins.add('b', b!));
  for (let i = 0; i < 3; i++) pins.release(pins.acquire('b')!); // b again and again: nothing moves
  pins.release(pins.acquire('a')!);
  pins.release(pins.acquire('a')!); // a twice: it stays the most recent
  pins.release(pins.add('c', c!)); // evicts b, the least recently used
  t.false(isOpen(b!));
  t.true(isOpen(a!) && isOpen(c!));
  pins.release(pins.add('a', a2!)); // a replaced: the old fd retired, the key now the most recent
  t.false(isOpen(a!));
  pins.release(pins.add('d', d!)); // evicts c, not the re-added a
  t.false(isOpen(c!));
  const again = pins.acquire('a');
  t.is(again?.fd, a2!);
  pins.release(again!);
  pins.clear();
  t.false(isOpen(a2!) || isOpen(d!));
});

test.serial('a dropped fd is closed by its last user, and a second add for a key retires the first', (t) => {
  const [a, b] = openDirs(t, 2);
  const pins = new PinnedFds(8);
  const first = pins.add('k', a!);
  const again = pins.acquire('k')!;
  pins.drop('k');
  t.is(pins.acquire('k'), undefined);
  pins.release(first);
  t.true(isOpen(a!));
  pins.release(again);
  t.false(isOpen(a!));
  const held = pins.add('k', b!);
  pins.release(held);
  t.true(isOpen(b!));
  pins.drop('k');
  t.false(isOpen(b!));
});

test('a directory removed by rmdir or by hand on the brick is not reached through its gfid any more', async (t) => {
  const g = await posixGraph(t);
  const d = await g.mkdir('/d');
  await g.create('/d/f'); // the brick now keeps /d open
  await g.fops.unlink(g.frame(), { loc: await locOf(g, '/d/f'), xflag: 0 });
  const dLoc = await locOf(g, '/d');
  await g.fops.rmdir(g.frame(), { loc: dLoc, flags: 0 });
  const inD = () => ({ path: '/d/x', name: 'x', parent: dLoc.inode, pargfid: d.gfid, inode: g.graph.itable.create() });
  const err = await t.throwsAsync(g.fops.mkdir(g.frame(), { loc: inD(), mode: 0o755, umask: 0 }));
  t.true([E.ESTALE, E.ENOENT].includes((err as unknown as { errno: number }).errno), String(err));
  await t.throwsAsync(g.fops.lookup(g.frame(), { loc: { path: '/d', gfid: d.gfid } }), { message: /^ENOENT/ });

  const e = await g.mkdir('/e');
  await g.create('/e/f');
  fs.rmSync(path.join(g.dir, 'e'), { recursive: true });
  await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: '/e', gfid: e.gfid } }), { message: /^ESTALE|^ENOENT/ });
  const inode = g.graph.itable.create();
  const fd = new Fd(inode, fs.constants.O_WRONLY);
  const err2 = await t.throwsAsync(g.fops.create(g.frame(), { loc: { path: '/e/y', name: 'y', pargfid: e.gfid, inode }, flags: fs.constants.O_WRONLY, mode: 0o644, umask: 0, fd }));
  t.true([E.ESTALE, E.ENOENT].includes((err2 as unknown as { errno: number }).errno), String(err2));
});

test('a kept fd is opened and verified again after its time: a directory moved out of the brick by hand is not reached through its gfid', async (t) => {
  const g = await posixGraph(t);
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-outside-'));
  t.teardown(() => fs.rmSync(outside, { recursive: true, force: true }));
  const e = await g.mkdir('/e');
  await g.create('/e/f'); // kept open now
  fs.renameSync(path.join(g.dir, 'e'), path.join(outside, 'e'));
  await new Promise((r) => setTimeout(r, 1100));
  const inode = g.graph.itable.create();
  await t.throwsAsync(g.fops.mkdir(g.frame(), { loc: { path: '/e/x', name: 'x', pargfid: e.gfid, inode }, mode: 0o755, umask: 0 }), { message: /^ESTALE/ });
  await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: '/e', gfid: e.gfid } }), { message: /^ESTALE|^ENOENT/ });
  t.deepEqual(fs.readdirSync(path.join(outside, 'e')), ['f']);
});

test.serial('the pin table forgets an fd older than its age limit, and closes it once released', (t) => {
  const [a] = openDirs(t, 1);
  let clock = 1_000;
  const pins = new PinnedFds(8, 50, () => clock);
  pins.release(pins.add('k', a!));
  clock += 49;
  const again = pins.acquire('k');
  t.truthy(again, 'still young: kept');
  pins.release(again!);
  clock += 1;
  t.is(pins.acquire('k'), undefined);
  t.false(isOpen(a!));
});

test('a directory removed by hand and made again with its gfid (as self-heal does) is reached at once', async (t) => {
  const g = await posixGraph(t);
  const d = await g.mkdir('/d');
  await g.create('/d/f'); // kept open now
  fs.rmSync(path.join(g.dir, 'd'), { recursive: true });
  fs.rmSync(handlePath(g.dir, d.gfid), { force: true });
  const inode = g.graph.itable.create();
  await g.fops.mkdir(g.frame(), { loc: { path: '/d', name: 'd', pargfid: ROOT_GFID, parent: g.graph.itable.root, inode }, mode: 0o755, umask: 0, xdata: gfidReq(d.gfid) });
  const child = g.graph.itable.create();
  await g.fops.mkdir(g.frame(), { loc: { path: '/d/sub', name: 'sub', pargfid: d.gfid, inode: child }, mode: 0o755, umask: 0 });
  t.true(fs.statSync(path.join(g.dir, 'd/sub')).isDirectory());
});
