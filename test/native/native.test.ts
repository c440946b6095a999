import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FopError, E } from '../../runtime/core/fop-error.js';
import { C, major, makedev, minor, native, parseDirents, STAT_FIELDS, StatField } from '../../native/index.js';

function tmpdir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-native-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('path xattrs round-trip, list and remove, including trusted.*', async (t) => {
  const dir = tmpdir(t);
  const f = path.join(dir, 'f');
  fs.writeFileSync(f, 'x');
  await native.lsetxattr(f, 'trusted.k', Buffer.from([1, 2, 3]));
  native.lsetxattrSync(f, 'user.s', 'text');
  t.deepEqual(await native.lgetxattr(f, 'trusted.k'), Buffer.from([1, 2, 3]));
  t.is(native.lgetxattrSync(f, 'user.s').toString(), 'text');
  t.deepEqual((await native.llistxattr(f)).sort(), ['trusted.k', 'user.s']);
  await native.lremovexattr(f, 'trusted.k');
  t.deepEqual(await native.llistxattr(f), ['user.s']);
});

test('a missing xattr is an ENODATA error that FopError converts', async (t) => {
  const dir = tmpdir(t);
  const err = await t.throwsAsync(native.lgetxattr(dir, 'user.none'));
  t.is((err as NodeJS.ErrnoException).code, 'ENODATA');
  t.is((err as NodeJS.ErrnoException).errno, -E.ENODATA);
  t.is((err as NodeJS.ErrnoException).syscall, 'lgetxattr');
  t.is(FopError.from(err).errno, E.ENODATA);
  const sync = t.throws(() => native.lgetxattrSync(path.join(dir, 'missing'), 'user.x'));
  t.is((sync as NodeJS.ErrnoException).code, 'ENOENT');
  t.regex(sync!.message, /ENOENT.*lgetxattr.*missing/);
});

test('XATTR_CREATE refuses an existing name and XATTR_REPLACE a missing one', async (t) => {
  const dir = tmpdir(t);
  await native.lsetxattr(dir, 'user.a', 'v1', C.XATTR_CREATE);
  const e1 = await t.throwsAsync(native.lsetxattr(dir, 'user.a', 'v2', C.XATTR_CREATE));
  t.is((e1 as NodeJS.ErrnoException).code, 'EEXIST');
  const e2 = await t.throwsAsync(native.lsetxattr(dir, 'user.b', 'v', C.XATTR_REPLACE));
  t.is((e2 as NodeJS.ErrnoException).code, 'ENODATA');
  await native.lsetxattr(dir, 'user.a', 'v3', C.XATTR_REPLACE);
  t.is((await native.lgetxattr(dir, 'user.a')).toString(), 'v3');
});

test('l*xattr calls act on a symlink itself, never its target', async (t) => {
  const dir = tmpdir(t);
  fs.writeFileSync(path.join(dir, 'target'), '');
  const link = path.join(dir, 'link');
  fs.symlinkSync('target', link);
  await native.lsetxattr(link, 'trusted.on-link', 'L');
  t.is((await native.lgetxattr(link, 'trusted.on-link')).toString(), 'L');
  t.deepEqual(await native.llistxattr(path.join(dir, 'target')), []);
});

test('fd xattrs round-trip, list and remove', async (t) => {
  const dir = tmpdir(t);
  const fd = fs.openSync(path.join(dir, 'f'), 'w+');
  t.teardown(() => fs.closeSync(fd));
  await native.fsetxattr(fd, 'trusted.big', Buffer.alloc(3000, 7));
  t.is((await native.fgetxattr(fd, 'trusted.big')).length, 3000);
  t.deepEqual(await native.flistxattr(fd), ['trusted.big']);
  native.fremovexattrSync(fd, 'trusted.big');
  t.deepEqual(native.flistxattrSync(fd), []);
  const err = await t.throwsAsync(native.fremovexattr(fd, 'trusted.big'));
  t.is((err as NodeJS.ErrnoException).code, 'ENODATA');
});

test('mknod creates fifos and character devices with the given numbers', async (t) => {
  const dir = tmpdir(t);
  await native.mknod(path.join(dir, 'fifo'), fs.constants.S_IFIFO | 0o640);
  const fifo = fs.lstatSync(path.join(dir, 'fifo'));
  t.true(fifo.isFIFO());
  t.is(fifo.mode & 0o777, 0o640 & ~process.umask());
  await native.mknod(path.join(dir, 'null2'), fs.constants.S_IFCHR | 0o600, makedev(1, 3));
  const chr = fs.lstatSync(path.join(dir, 'null2'), { bigint: true });
  t.true(chr.isCharacterDevice());
  t.is(major(chr.rdev), 1);
  t.is(minor(chr.rdev), 3);
  t.is(makedev(259, 70000), (((259n & 0xfffn) << 8n) | (70000n & 0xffn) | ((70000n & ~0xffn) << 12n)));
  const err = await t.throwsAsync(native.mknod(path.join(dir, 'fifo'), fs.constants.S_IFIFO | 0o600));
  t.is((err as NodeJS.ErrnoException).code, 'EEXIST');
});

test('utimensat and futimens keep nanoseconds, honour UTIME_OMIT and nofollow', async (t) => {
  const dir = tmpdir(t);
  const f = path.join(dir, 'f');
  fs.writeFileSync(f, '');
  await native.utimensat(f, { sec: 1_600_000_000, nsec: 123_456_789 }, { sec: 1_500_000_000n, nsec: 987_654_321 });
  let st = fs.statSync(f, { bigint: true });
  t.is(st.atimeNs, 1_600_000_000_123_456_789n);
  t.is(st.mtimeNs, 1_500_000_000_987_654_321n);
  const fd = fs.openSync(f, 'r+');
  t.teardown(() => fs.closeSync(fd));
  await native.futimens(fd, C.UTIME_OMIT, { sec: 42, nsec: 1 });
  st = fs.statSync(f, { bigint: true });
  t.is(st.atimeNs, 1_600_000_000_123_456_789n);
  t.is(st.mtimeNs, 42_000_000_001n);
  await native.futimens(fd, C.UTIME_NOW, C.UTIME_OMIT);
  t.true(fs.statSync(f).atimeMs > Date.now() - 60_000);
  const link = path.join(dir, 'l');
  fs.symlinkSync('f', link);
  native.utimensatSync(link, { sec: 7, nsec: 8 }, { sec: 9, nsec: 10 }, true);
  t.is(fs.lstatSync(link, { bigint: true }).mtimeNs, 9_000_000_010n);
  t.is(fs.statSync(f, { bigint: true }).mtimeNs, 42_000_000_001n);
  t.throws(() => native.utimensatSync(f, { sec: 1, nsec: 2e9 }, C.UTIME_OMIT), { instanceOf: TypeError });
});

test('fallocate, punch hole and zero range shape a sparse file that SEEK_DATA/SEEK_HOLE see', async (t) => {
  const dir = tmpdir(t);
  const f = path.join(dir, 'sparse');
  const fd = fs.openSync(f, 'w+');
  t.teardown(() => fs.closeSync(fd));
  const MB = 1 << 20;
  await native.fallocate(fd, 0, 0, 4 * MB);
  t.is(fs.fstatSync(fd).size, 4 * MB);
  fs.writeSync(fd, Buffer.alloc(4 * MB, 0xaa), 0, 4 * MB, 0);
  await native.fallocate(fd, C.FALLOC_FL_PUNCH_HOLE | C.FALLOC_FL_KEEP_SIZE, MB, MB);
  t.is(fs.fstatSync(fd).size, 4 * MB);
  t.is(await native.lseek(fd, 0, C.SEEK_HOLE), MB);
  t.is(await native.lseek(fd, MB, C.SEEK_DATA), 2 * MB);
  const hole = Buffer.alloc(16);
  fs.readSync(fd, hole, 0, 16, MB + 100);
  t.deepEqual(hole, Buffer.alloc(16));
  await native.fallocate(fd, C.FALLOC_FL_ZERO_RANGE, 3 * MB, 2 * MB);
  t.is(fs.fstatSync(fd).size, 5 * MB);
  const z = Buffer.alloc(8);
  fs.readSync(fd, z, 0, 8, 3 * MB);
  t.deepEqual(z, Buffer.alloc(8));
  fs.readSync(fd, z, 0, 8, 3 * MB - 8);
  t.deepEqual(z, Buffer.alloc(8, 0xaa));
  await native.fallocate(fd, C.FALLOC_FL_KEEP_SIZE, 5 * MB, MB);
  t.is(fs.fstatSync(fd).size, 5 * MB);
});

test('SEEK_DATA past the last data fails with ENXIO', async (t) => {
  const dir = tmpdir(t);
  const fd = fs.openSync(path.join(dir, 'f'), 'w+');
  t.teardown(() => fs.closeSync(fd));
  fs.writeSync(fd, 'abc', 0);
  fs.ftruncateSync(fd, 1 << 20);
  const err = await t.throwsAsync(native.lseek(fd, 512 * 1024, C.SEEK_DATA));
  t.is((err as NodeJS.ErrnoException).code, 'ENXIO');
  t.is(FopError.from(err).errno, E.ENXIO);
  t.is(native.lseekSync(fd, 0, C.SEEK_END), 1 << 20);
});

test('getdentsInto returns every entry with cookies that resume the listing', (t) => {
  const dir = tmpdir(t);
  const names = Array.from({ length: 50 }, (_, i) => `file-${i}`);
  for (const n of names) fs.writeFileSync(path.join(dir, n), '');
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  t.teardown(() => fs.closeSync(fd));
  const buf = Buffer.alloc(32 * 1024);
  const list = (offset: bigint) => parseDirents(buf, native.getdentsInto(fd, offset, buf));
  const all = list(0n);
  t.deepEqual(all.map((e) => e.name).filter((n) => !n.startsWith('.')).sort(), [...names].sort());
  t.true(all.every((e) => typeof e.off === 'bigint' && typeof e.ino === 'bigint'));
  const cut = all[20]!;
  const rest = list(cut.off);
  t.deepEqual(rest.map((e) => e.name), all.slice(21).map((e) => e.name));
  t.deepEqual(list(all.at(-1)!.off), []);
});

test('getdentsInto fills a buffer with linux_dirent64 records, names of any length and bytes parsed back', (t) => {
  const dir = tmpdir(t);
  const names = ['a', 'é-ü-名前', 'x'.repeat(255), ...Array.from({ length: 30 }, (_, i) => `n${i}`)];
  for (const n of names) fs.writeFileSync(path.join(dir, n), '');
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  t.teardown(() => fs.closeSync(fd));
  const buf = Buffer.alloc(64 * 1024);
  const n = native.getdentsInto(fd, 0n, buf);
  t.true(n > 0);
  const parsed = parseDirents(buf, n);
  // Each record as the kernel wrote it: the inode number and type lstat reports for that name.
  for (const e of parsed.filter((x) => x.name !== '..')) {
    t.is(e.ino, fs.lstatSync(path.join(dir, e.name), { bigint: true }).ino, e.name);
    t.is(e.type, e.name === '.' ? 4 : 8, e.name); // DT_DIR, DT_REG
  }
  t.deepEqual(parsed.map((e) => e.name).filter((x) => x !== '.' && x !== '..').sort(), [...names].sort());
  // resuming at a cookie, with null reading on from the fd's position, then the end
  const small = Buffer.alloc(1024);
  const first = parseDirents(small, native.getdentsInto(fd, parsed[4]!.off, small));
  t.deepEqual(first.map((e) => e.name), parsed.slice(5, 5 + first.length).map((e) => e.name));
  const next = parseDirents(small, native.getdentsInto(fd, null, small));
  t.deepEqual(next.map((e) => e.name), parsed.slice(5 + first.length, 5 + first.length + next.length).map((e) => e.name));
  t.is(native.getdentsInto(fd, parsed.at(-1)!.off, buf), 0);
  t.is(native.getdentsInto(-1, 0n, buf), -os.constants.errno.EBADF);
  t.is(native.getdentsInto(fd, 1n << 63n, buf), -os.constants.errno.EINVAL, 'an offset no d_off can be');
  t.throws(() => native.getdentsInto(fd, 5 as never, buf), { instanceOf: TypeError });
});

test('openat2 with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS refuses escapes and symlinks', async (t) => {
  const dir = tmpdir(t);
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.symlinkSync('/etc', path.join(dir, 'out'));
  fs.symlinkSync('sub', path.join(dir, 'in'));
  const root = native.openat2Sync(C.AT_FDCWD, dir, C.O_PATH | C.O_DIRECTORY);
  t.teardown(() => fs.closeSync(root));
  const safe = C.RESOLVE_BENEATH | C.RESOLVE_NO_SYMLINKS | C.RESOLVE_NO_MAGICLINKS;
  const sub = native.openat2Sync(root, 'sub', C.O_PATH | C.O_DIRECTORY, 0, safe);
  fs.closeSync(sub);
  t.is((t.throws(() => native.openat2Sync(root, '../', C.O_PATH, 0, safe)) as NodeJS.ErrnoException).code, 'EXDEV');
  t.is((t.throws(() => native.openat2Sync(root, 'out/passwd', C.O_PATH, 0, safe)) as NodeJS.ErrnoException).code, 'ELOOP');
  t.is((t.throws(() => native.openat2Sync(root, 'in', C.O_PATH | C.O_DIRECTORY, 0, safe)) as NodeJS.ErrnoException).code, 'ELOOP');
  // O_PATH|O_NOFOLLOW opens the trailing symlink itself
  const lfd = await native.openat2(root, 'out', C.O_PATH | C.O_NOFOLLOW, 0, safe);
  t.true(fs.fstatSync(lfd).isSymbolicLink());
  fs.closeSync(lfd);
  const created = await native.openat2(root, 'sub/new', C.O_CREAT | C.O_EXCL | C.O_RDWR, 0o600, safe);
  fs.closeSync(created);
  t.is(fs.statSync(path.join(dir, 'sub/new')).mode & 0o777, 0o600 & ~process.umask());
});

test('statvfs reports the filesystem of a path', async (t) => {
  const s = await native.statvfs(os.tmpdir());
  const node = fs.statfsSync(os.tmpdir());
  t.is(s.blocks, node.blocks);
  t.is(s.bsize, node.bsize);
  t.true(s.namemax >= 255);
});

test('statvfs reports the filesystem id whole: 64 bits, unsigned, as statfs(2) gives it', async (t) => {
  const s = await native.statvfs(os.tmpdir());
  t.is(typeof s.fsid, 'bigint');
  const printed = spawnSync('stat', ['-f', '-c', '%i', os.tmpdir()], { encoding: 'utf8' });
  t.is(printed.status, 0, printed.stderr);
  const v = BigInt(`0x${printed.stdout.trim()}`);
  // coreutils prints f_fsid's first 32-bit word as the high half; statvfs puts the second there.
  t.is(s.fsid, ((v & 0xffffffffn) << 32n) | (v >> 32n));
});

test('mount and umount2 bind-mount a directory and detach it', async (t) => {
  const dir = tmpdir(t);
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'dst'));
  fs.writeFileSync(path.join(dir, 'src/marker'), 'm');
  const MS_BIND = 4096;
  await native.mount(path.join(dir, 'src'), path.join(dir, 'dst'), 'none', MS_BIND, null);
  try {
    t.is(fs.readFileSync(path.join(dir, 'dst/marker'), 'utf8'), 'm');
  } finally {
    await native.umount2(path.join(dir, 'dst'), C.MNT_DETACH);
  }
  t.false(fs.existsSync(path.join(dir, 'dst/marker')));
  const err = await t.throwsAsync(native.umount2(path.join(dir, 'dst'), 0));
  t.is((err as NodeJS.ErrnoException).code, 'EINVAL');
});

test('bad argument types are TypeErrors, not crashes', (t) => {
  t.throws(() => native.lgetxattrSync(42 as unknown as string, 'user.x'), { instanceOf: TypeError });
  t.throws(() => native.lgetxattrSync('/tmp\0evil', 'user.x'), { instanceOf: TypeError });
  t.throws(() => (native.fallocateSync as unknown as (fd: number) => void)(1), { instanceOf: TypeError });
});

test('readNb reads what a non-blocking fd has and reports EAGAIN and EBADF as values', (t) => {
  const dir = tmpdir(t);
  const fifo = path.join(dir, 'fifo');
  native.mknodSync(fifo, fs.constants.S_IFIFO | 0o600);
  const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  t.teardown(() => fs.closeSync(fd));
  const buf = Buffer.alloc(64);
  t.is(native.readNb(fd, buf), -os.constants.errno.EAGAIN, 'an empty fd is -EAGAIN, not a throw');
  fs.writeSync(fd, 'hello');
  t.is(native.readNb(fd, buf), 5);
  t.is(buf.subarray(0, 5).toString(), 'hello');
  t.throws(() => native.readNb(-1 as number, 'x' as unknown as Buffer), { instanceOf: TypeError });
  t.is(native.readNb(-1, buf), -os.constants.errno.EBADF);
});

test('Nb calls return a failure as -errno instead of throwing, and mkdirat creates inside a pinned directory', (t) => {
  const dir = tmpdir(t);
  const dfd = native.openat2Sync(C.AT_FDCWD, dir, C.O_PATH | C.O_DIRECTORY);
  t.teardown(() => fs.closeSync(dfd));
  t.is(native.mkdiratNb(dfd, 'sub', 0o700), undefined);
  t.is(fs.statSync(path.join(dir, 'sub')).mode & 0o777, 0o700);
  t.is(native.mkdiratNb(dfd, 'sub', 0o700), -os.constants.errno.EEXIST);
  t.is(native.lgetxattrNb(path.join(dir, 'sub'), 'user.none'), -os.constants.errno.ENODATA);
  native.lsetxattrSync(path.join(dir, 'sub'), 'user.v', 'value');
  t.is((native.lgetxattrNb(path.join(dir, 'sub'), 'user.v') as Buffer).toString(), 'value');
  const fd = native.openat2Nb(dfd, 'missing', C.O_PATH);
  t.is(fd, -os.constants.errno.ENOENT);
  t.throws(() => native.mkdiratSync(dfd, 'sub', 0o700), { code: 'EEXIST' });
});

test('lstatInto and fstatInto give the same numbers as a bigint lstat, and -errno for a missing path', (t) => {
  const dir = tmpdir(t);
  const f = path.join(dir, 'f');
  fs.writeFileSync(f, 'x'.repeat(5000));
  native.utimensatSync(f, { sec: 1_700_000_000, nsec: 123_456_789 }, { sec: 1_600_000_000, nsec: 987_654_321 });
  const st = fs.lstatSync(f, { bigint: true });
  const a = new Float64Array(STAT_FIELDS);
  t.is(native.lstatInto(f, a), 0);
  t.is(a[StatField.mode], Number(st.mode));
  t.is(a[StatField.size], 5000);
  t.is(a[StatField.nlink], 1);
  t.is(a[StatField.mtime], 1_600_000_000);
  t.is(a[StatField.mtimeNs], 987_654_321);
  t.is(a[StatField.atimeNs], 123_456_789);
  t.is(BigInt(a[StatField.dev]!), st.dev);
  const b = new Float64Array(STAT_FIELDS);
  const fd = fs.openSync(f, 'r');
  t.teardown(() => fs.closeSync(fd));
  t.is(native.fstatInto(fd, b), 0);
  t.deepEqual(Array.from(b), Array.from(a));
  t.is(native.lstatInto(path.join(dir, 'missing'), a), -os.constants.errno.ENOENT);
  t.throws(() => native.lstatInto(f, new Float64Array(3)), { instanceOf: TypeError });
});

test('getxattrAt and statEntries read trusted.gfid relative to a directory fd', (t) => {
  const dir = tmpdir(t);
  fs.writeFileSync(path.join(dir, 'with'), 'x');
  fs.writeFileSync(path.join(dir, 'without'), 'yy');
  native.lsetxattrSync(path.join(dir, 'with'), 'trusted.gfid', Buffer.alloc(16, 0xab));
  const dfd = fs.openSync(dir, 'r');
  t.teardown(() => fs.closeSync(dfd));
  const out = Buffer.alloc(16);
  t.is(native.getxattrAt(dfd, 'with', 'trusted.gfid', out), 16);
  t.deepEqual(out, Buffer.alloc(16, 0xab));
  t.is(native.getxattrAt(dfd, 'without', 'trusted.gfid', out), -os.constants.errno.ENODATA);
  t.is(native.getxattrAt(dfd, 'missing', 'trusted.gfid', out), -os.constants.errno.ENOENT);
  t.is(native.getxattrAt(dfd, 'a/b', 'trusted.gfid', out), -os.constants.errno.EINVAL);
  const stats = new Float64Array(3 * STAT_FIELDS);
  const gfids = Buffer.alloc(48);
  t.deepEqual(Array.from(native.statEntries(dfd, ['with', 'without', 'gone'], stats, gfids)), [1, 0, -os.constants.errno.ENOENT]);
  t.is(stats[StatField.size], 1);
  t.is(stats[STAT_FIELDS + StatField.size], 2);
  t.deepEqual(gfids.subarray(0, 16), Buffer.alloc(16, 0xab));
  // One name at a time, as a lookup asks: the same answers, no result array.
  const one = new Float64Array(STAT_FIELDS);
  const gfid = Buffer.alloc(16);
  t.is(native.statEntry(dfd, 'with', one, gfid), 1);
  t.deepEqual(gfid, Buffer.alloc(16, 0xab));
  t.deepEqual(Array.from(one), Array.from(stats.subarray(0, STAT_FIELDS)));
  t.is(native.statEntry(dfd, 'without', one, gfid), 0);
  t.is(one[StatField.size], 2);
  t.is(native.statEntry(dfd, 'gone', one, gfid), -os.constants.errno.ENOENT);
  t.is(native.statEntry(dfd, 'a/b', one, gfid), -os.constants.errno.EINVAL);
  t.is(native.statEntry(dfd, 'n'.repeat(256), one, gfid), -os.constants.errno.EINVAL);
  t.throws(() => native.statEntry(dfd, 'with', new Float64Array(3), gfid), { instanceOf: TypeError });
  t.throws(() => native.statEntry(dfd, 'with', one, Buffer.alloc(8)), { instanceOf: TypeError });
});

test('without getxattrat (kernels before 6.13) getxattrAt falls back to the /proc/self/fd path', (t) => {
  const dir = tmpdir(t);
  fs.writeFileSync(path.join(dir, 'with'), 'x');
  native.lsetxattrSync(path.join(dir, 'with'), 'trusted.gfid', Buffer.alloc(16, 0xcd));
  const addon = path.resolve('native/build/Release/gfs_native.node');
  native.lsetxattrSync(path.join(dir, 'with'), 'user.k', Buffer.from('value'));
  const script = `const n = require(${JSON.stringify(addon)}); const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(dir)}, 'r'); const b = Buffer.alloc(16); console.log(n.getxattrAt(fd, 'with', 'trusted.gfid', b), b.toString('hex'), n.getxattrAt(fd, 'none', 'trusted.gfid', b), n.getxattrAt(fd, 'with', 'user.k', b), b.toString('utf8', 0, 5));`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, GFS_NO_GETXATTRAT: '1' }, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.trim(), `16 ${'cd'.repeat(16)} ${-os.constants.errno.ENOENT} 5 value`);
});

test('getxattrAt reads any xattr relative to a directory fd: its length, ENODATA when absent, ERANGE when larger than the buffer', (t) => {
  const dir = tmpdir(t);
  fs.writeFileSync(path.join(dir, 'f'), 'x');
  fs.symlinkSync('f', path.join(dir, 'link'));
  native.lsetxattrSync(path.join(dir, 'f'), 'trusted.glusterfs.dht.linkto', Buffer.from('vol-client-2\0'));
  const dfd = fs.openSync(dir, 'r');
  t.teardown(() => fs.closeSync(dfd));
  const out = Buffer.alloc(64);
  t.is(native.getxattrAt(dfd, 'f', 'trusted.glusterfs.dht.linkto', out), 13);
  t.is(out.toString('utf8', 0, 12), 'vol-client-2');
  t.is(native.getxattrAt(dfd, 'f', 'trusted.glusterfs.dht', out), -os.constants.errno.ENODATA);
  t.is(native.getxattrAt(dfd, 'f', 'trusted.glusterfs.dht.linkto', Buffer.alloc(4)), -os.constants.errno.ERANGE);
  // a symlink's own xattrs, never its target's
  t.is(native.getxattrAt(dfd, 'link', 'trusted.glusterfs.dht.linkto', out), -os.constants.errno.ENODATA);
  t.is(native.getxattrAt(dfd, 'a/f', 'trusted.glusterfs.dht.linkto', out), -os.constants.errno.EINVAL);
});

test('statEntries and getxattrAt take names of the full 255 bytes', (t) => {
  const dir = tmpdir(t);
  const long = 'n'.repeat(255);
  fs.writeFileSync(path.join(dir, long), 'x');
  native.lsetxattrSync(path.join(dir, long), 'trusted.gfid', Buffer.alloc(16, 1));
  const dfd = fs.openSync(dir, 'r');
  t.teardown(() => fs.closeSync(dfd));
  t.is(native.getxattrAt(dfd, long, 'trusted.gfid', Buffer.alloc(16)), 16);
  t.deepEqual(Array.from(native.statEntries(dfd, [long, 'n'.repeat(256)], new Float64Array(2 * STAT_FIELDS), Buffer.alloc(32))), [1, -os.constants.errno.EINVAL]);
  // Too long by a multi-byte character at the end: refused, never taken for its first 254 bytes.
  const cut = 'n'.repeat(254);
  fs.writeFileSync(path.join(dir, cut), 'y');
  t.is(native.statEntry(dfd, `${cut}€`, new Float64Array(STAT_FIELDS), Buffer.alloc(16)), -os.constants.errno.EINVAL);
  t.is(native.getxattrAt(dfd, `${cut}€`, 'trusted.gfid', Buffer.alloc(16)), -os.constants.errno.EINVAL);
  t.is(native.statEntry(dfd, `${'n'.repeat(252)}€`, new Float64Array(STAT_FIELDS), Buffer.alloc(16)), -os.constants.errno.ENOENT, '255 bytes with the character: a name');
});

test('tuneMalloc sets glibc thresholds in a child process and refuses values outside an int', (t) => {
  const script = `import { native } from '${path.resolve('native/index.ts')}'; let refused = false; try { native.tuneMalloc(-1, 1) } catch (e) { refused = e instanceof RangeError } console.log(native.tuneMalloc(16 << 20, 256 << 20), refused)`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.is(r.stdout.trim(), 'true true', r.stderr);
});

test('writevNb writes a head and the buffers after it in one call, and reports errors as -errno', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-writev-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  const fd = fs.openSync(file, 'w');
  try {
    t.is(native.writevNb(fd, Buffer.from('head:'), [Buffer.from('one,'), Buffer.alloc(0), Buffer.from('two')]), 12);
    t.is(native.writevNb(fd, Buffer.from('!'), []), 1);
  } finally {
    fs.closeSync(fd);
  }
  t.is(fs.readFileSync(file, 'utf8'), 'head:one,two!');
  t.is(native.writevNb(-1, Buffer.from('x'), []), -os.constants.errno.EBADF, 'a bad fd is -EBADF, not a throw');
  t.throws(() => native.writevNb(1, Buffer.alloc(1), Array.from({ length: 64 }, () => Buffer.alloc(1))), { instanceOf: RangeError });
  t.throws(() => native.writevNb(1, Buffer.alloc(1), ['x' as unknown as Buffer]), { instanceOf: TypeError });
  // A length that wraps a 32-bit count must be refused, not walk past the iovec array.
  const huge = [] as Buffer[];
  huge.length = 2 ** 32 - 1;
  t.throws(() => native.writevNb(-1, Buffer.alloc(1), huge), { instanceOf: RangeError });
});
