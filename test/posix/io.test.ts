import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { E } from '../../runtime/core/fop-error.js';
import { SetAttr, type Iatt } from '../../runtime/core/iatt.js';
import { locOf, openFile, posixGraph } from './helpers.js';

const errno = (code: keyof typeof E) => ({ message: new RegExp(`^${code}`) });
const MB = 1 << 20;

test('write and read at any offset, with a hole in between that reads as zeros', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f');
  const fd = await openFile(t, g, '/f', fs.constants.O_RDWR);
  await g.fops.writev(g.frame(), { fd, data: Buffer.from('head'), offset: 0, flags: 0 });
  const w = await g.fops.writev(g.frame(), { fd, data: Buffer.from('tail'), offset: 3 * MB, flags: 0 });
  t.is(w.prebuf.size, 4);
  t.is(w.postbuf.size, 3 * MB + 4);
  const r = await g.fops.readv(g.frame(), { fd, size: 8, offset: MB, flags: 0 });
  t.deepEqual(r.data, Buffer.alloc(8));
  t.is((await g.fops.readv(g.frame(), { fd, size: 100, offset: 3 * MB, flags: 0 })).data.toString(), 'tail');
  t.is((await g.fops.readv(g.frame(), { fd, size: 100, offset: 4 * MB, flags: 0 })).data.length, 0);
  const seek = await g.fops.seek(g.frame(), { fd, offset: 0, what: 1 });
  t.true(seek.offset <= MB && seek.offset >= 4);
  t.is((await g.fops.seek(g.frame(), { fd, offset: seek.offset, what: 0 })).offset, 3 * MB);
  await t.throwsAsync(g.fops.seek(g.frame(), { fd, offset: 3 * MB + 100, what: 0 }), errno('ENXIO'));
  await g.fops.flush(g.frame(), { fd });
  const s = await g.fops.fsync(g.frame(), { fd, datasync: 1 });
  t.is(s.postbuf.size, 3 * MB + 4);
});

test('open honours O_APPEND and O_TRUNC; opening a directory for writing is EISDIR', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f', 'abc');
  const fd = await openFile(t, g, '/f', fs.constants.O_WRONLY | fs.constants.O_APPEND);
  await g.fops.writev(g.frame(), { fd, data: Buffer.from('def'), offset: 0, flags: 0 });
  t.is((await g.read('/f')).toString(), 'abcdef');
  await openFile(t, g, '/f', fs.constants.O_WRONLY | fs.constants.O_TRUNC);
  t.is((await g.read('/f')).length, 0);
  await g.mkdir('/d');
  await t.throwsAsync(openFile(t, g, '/d', fs.constants.O_WRONLY), errno('EISDIR'));
});

test('truncate, ftruncate and fstat report sizes before and after', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f', 'hello world');
  const tr = await g.fops.truncate(g.frame(), { loc: await locOf(g, '/f'), offset: 5 });
  t.is(tr.prebuf.size, 11);
  t.is(tr.postbuf.size, 5);
  const fd = await openFile(t, g, '/f', fs.constants.O_RDWR);
  const ft = await g.fops.ftruncate(g.frame(), { fd, offset: 100 });
  t.is(ft.postbuf.size, 100);
  t.is((await g.fops.fstat(g.frame(), { fd })).buf.size, 100);
  await g.mkdir('/d');
  await t.throwsAsync(g.fops.truncate(g.frame(), { loc: await locOf(g, '/d'), offset: 0 }), errno('EISDIR'));
});

test('setattr and fsetattr change mode, owner and nanosecond times', async (t) => {
  const g = await posixGraph(t);
  const buf = await g.create('/f');
  const stbuf: Iatt = { ...buf, mode: 0o100600, uid: 42, gid: 43, atime: { sec: 1000, nsec: 123456789 }, mtime: { sec: 2000, nsec: 987654321 } };
  const valid = SetAttr.MODE | SetAttr.UID | SetAttr.GID | SetAttr.ATIME | SetAttr.MTIME;
  const r = await g.fops.setattr(g.frame(), { loc: await locOf(g, '/f'), stbuf, valid });
  t.is(r.statpost.mode, 0o100600);
  t.is(r.statpost.uid, 42);
  t.deepEqual(r.statpost.mtime, { sec: 2000, nsec: 987654321 });
  t.is(fs.statSync(path.join(g.dir, 'f'), { bigint: true }).atimeNs, 1000_123_456_789n);
  const fd = await openFile(t, g, '/f', fs.constants.O_RDWR);
  const f = await g.fops.fsetattr(g.frame(), { fd, stbuf: { ...stbuf, mode: 0o644, size: 10, mtime: { sec: 5, nsec: 6 } }, valid: SetAttr.MODE | SetAttr.MTIME | SetAttr.SIZE });
  t.is(f.statpost.mode & 0o777, 0o644);
  t.deepEqual(f.statpost.mtime, { sec: 5, nsec: 6 });
  t.deepEqual(f.statpost.atime, { sec: 1000, nsec: 123456789 });
  t.is(f.statpost.size, 10);
  // a symlink's owner and times change without touching its target
  const sl = await g.newLoc('/l');
  await g.fops.symlink(g.frame(), { linkname: 'f', loc: sl, umask: 0 });
  await g.fops.setattr(g.frame(), { loc: await locOf(g, '/l'), stbuf: { ...stbuf, uid: 7, mtime: { sec: 77, nsec: 1 } }, valid: SetAttr.UID | SetAttr.MTIME | SetAttr.MODE });
  t.is(fs.lstatSync(path.join(g.dir, 'l')).uid, 7);
  t.is(fs.statSync(path.join(g.dir, 'f')).uid, 42);
  t.is(fs.statSync(path.join(g.dir, 'f'), { bigint: true }).mtimeNs, 5_000_000_006n);
});

test('fallocate, discard and zerofill shape the file', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f');
  const fd = await openFile(t, g, '/f', fs.constants.O_RDWR);
  const fa = await g.fops.fallocate(g.frame(), { fd, keepSize: 0, offset: 0, len: 2 * MB });
  t.is(fa.postbuf.size, 2 * MB);
  await g.fops.fallocate(g.frame(), { fd, keepSize: 1, offset: 2 * MB, len: MB });
  t.is((await g.fops.fstat(g.frame(), { fd })).buf.size, 2 * MB);
  await g.fops.writev(g.frame(), { fd, data: Buffer.alloc(2 * MB, 1), offset: 0, flags: 0 });
  const d = await g.fops.discard(g.frame(), { fd, offset: 0, len: MB });
  t.is(d.postbuf.size, 2 * MB);
  t.true(d.postbuf.blocks < d.prebuf.blocks);
  t.deepEqual((await g.fops.readv(g.frame(), { fd, size: 4, offset: 10, flags: 0 })).data, Buffer.alloc(4));
  const z = await g.fops.zerofill(g.frame(), { fd, offset: MB + 10, len: 3 * MB });
  t.is(z.postbuf.size, 4 * MB + 10);
  t.deepEqual((await g.fops.readv(g.frame(), { fd, size: 4, offset: MB + 10, flags: 0 })).data, Buffer.alloc(4));
  t.deepEqual((await g.fops.readv(g.frame(), { fd, size: 4, offset: MB + 6, flags: 0 })).data, Buffer.alloc(4, 1));
});

test('access checks the caller against the mode bits', async (t) => {
  const g = await posixGraph(t);
  const buf = await g.create('/f', '', 0o640);
  await g.fops.setattr(g.frame(), { loc: await locOf(g, '/f'), stbuf: { ...buf, uid: 100, gid: 200 }, valid: SetAttr.UID | SetAttr.GID });
  const loc = await locOf(g, '/f');
  await g.fops.access(g.frame({ uid: 100, gid: 1 }), { loc, mask: 6 });
  await g.fops.access(g.frame({ uid: 5, gid: 200 }), { loc, mask: 4 });
  await t.throwsAsync(g.fops.access(g.frame({ uid: 5, gid: 200 }), { loc, mask: 2 }), errno('EACCES'));
  await t.throwsAsync(g.fops.access(g.frame({ uid: 5, gid: 5 }), { loc, mask: 4 }), errno('EACCES'));
  await t.throwsAsync(g.fops.access(g.frame(), { loc, mask: 1 }), errno('EACCES'));
  await g.fops.access(g.frame({ uid: 5, gid: 5, groups: [200] }), { loc, mask: 4 });
});

test('statfs reports the brick filesystem', async (t) => {
  const g = await posixGraph(t);
  const { buf } = await g.fops.statfs(g.frame(), { loc: await locOf(g, '/') });
  const st = fs.statfsSync(g.dir);
  t.is(buf.blocks, st.blocks);
  t.is(buf.bsize, st.bsize);
  t.true(buf.namemax >= 255);
});

test('locks are left to features/locks: posix answers ENOSYS', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f');
  const fd = await openFile(t, g, '/f', fs.constants.O_RDWR);
  const flock = { type: 1, whence: 0, start: 0n, len: 0n, pid: 1, owner: Buffer.alloc(8) };
  await t.throwsAsync(g.fops.lk(g.frame(), { fd, cmd: 6, flock }), errno('ENOSYS'));
  await t.throwsAsync(g.fops.inodelk(g.frame(), { volume: 'v', loc: await locOf(g, '/f'), cmd: 6, flock }), errno('ENOSYS'));
});
