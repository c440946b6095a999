/**
 * The kernel's listing cache under gfs-mount (readdir-cache, FOPEN_CACHE_DIR): a repeated listing
 * is answered by the kernel; a change made through the mount shows in the next listing, and one
 * made by another client shows at the latest once the attribute timeout has passed, even to a
 * process that keeps the directory open and rewinds it (nothing refreshes the directory's
 * attributes then: the mount drops the cached listing itself, or with fopen-keep-cache=off the
 * kernel's FUSE_AUTO_INVAL_DATA checks the directory's mtime before using its cache).
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountDemoVolume, mountMemoryLogging } from './fixtures/harness.js';

const exec = promisify(execFile);

test('a repeated listing is answered by the kernel: the volume is asked once', async (t) => {
  const { env, lines } = await mountMemoryLogging(t, 'readdir-log');
  const dir = join(env.mnt, 'small');
  fs.mkdirSync(dir);
  for (const n of ['a', 'b', 'c']) fs.writeFileSync(join(dir, n), '');
  const before = lines().length;
  for (let round = 0; round < 3; round++) t.deepEqual(fs.readdirSync(dir).sort(), ['a', 'b', 'c']);
  t.is(lines().length - before, 1, JSON.stringify(lines().slice(before)));
});

test('a name created, renamed or removed through the mount shows in the next listing at once', async (t) => {
  const { env, lines } = await mountMemoryLogging(t, 'readdir-log');
  const dir = join(env.mnt, 'd');
  fs.mkdirSync(dir);
  fs.writeFileSync(join(dir, 'a'), '');
  t.deepEqual(fs.readdirSync(dir), ['a']);
  fs.writeFileSync(join(dir, 'b'), '');
  t.deepEqual(fs.readdirSync(dir).sort(), ['a', 'b']);
  fs.renameSync(join(dir, 'a'), join(dir, 'c'));
  t.deepEqual(fs.readdirSync(dir).sort(), ['b', 'c']);
  fs.unlinkSync(join(dir, 'b'));
  t.deepEqual(fs.readdirSync(dir), ['c']);
  const before = lines().length;
  t.deepEqual(fs.readdirSync(dir), ['c']);
  t.is(lines().length, before, 'the listing after the last change is kept');
});

/**
 * Another client's new name, seen by a process that keeps the directory open and rewinds it: with
 * the default fopen-keep-cache the mount drops the cached listing itself; with it off the kernel
 * refreshes the directory's mtime before answering from its cache (FUSE_AUTO_INVAL_DATA).
 */
async function rewindSeesNewName(t: ExecutionContext, more: string): Promise<void> {
  const { env, brick } = await mountDemoVolume(t, `attribute-timeout=0.5,entry-timeout=0.5${more}`);
  fs.mkdirSync(join(env.mnt, 'd'));
  fs.writeFileSync(join(env.mnt, 'd', 'a'), '');
  // One open directory, listed with getdents64 and rewound with lseek (no fstat, as
  // fdopendir would do, to refresh the directory's attributes): the first listing fills the
  // kernel's cache; the file made on the brick behind the mount's back (as another client would)
  // must show after the timeout although nothing refreshes the directory's attributes between.
  const py = [
    'import ctypes, os, struct, sys, time',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)',
    'buf = ctypes.create_string_buffer(32768)',
    'def listing():',
    '    os.lseek(fd, 0, os.SEEK_SET)',
    '    names = []',
    '    while True:',
    '        n = libc.syscall(217, fd, buf, 32768)',
    '        assert n >= 0, ctypes.get_errno()',
    '        if n == 0: return sorted(x for x in names if x not in (".", ".."))',
    '        raw, at = buf.raw[:n], 0',
    '        while at < n:',
    '            reclen = struct.unpack_from("<H", raw, at + 16)[0]',
    '            names.append(raw[at + 19:at + reclen].split(b"\\0", 1)[0].decode())',
    '            at += reclen',
    'print(listing())',
    'print(listing())',
    'open(os.path.join(sys.argv[2], "b"), "w").close()',
    'time.sleep(1.2)',
    'print(listing())',
  ].join('\n');
  const { stdout } = await exec('python3', ['-c', py, join(env.mnt, 'd'), join(brick, 'd')]);
  t.deepEqual(stdout.trim().split('\n'), ["['a']", "['a']", "['a', 'b']"]);
}

test('a name another client adds shows within the attribute timeout, even to a process that only rewinds its open directory', (t) => rewindSeesNewName(t, ''));

test('with fopen-keep-cache=off the kernel itself shows another client\'s new name to a process that rewinds its open directory', (t) => rewindSeesNewName(t, ',fopen-keep-cache=off'));

test('with readdir-cache=off every listing asks the volume', async (t) => {
  const { env, lines } = await mountMemoryLogging(t, 'readdir-log', 'readdir-cache=off');
  const dir = join(env.mnt, 'small');
  fs.mkdirSync(dir);
  fs.writeFileSync(join(dir, 'a'), '');
  const before = lines().length;
  for (let round = 0; round < 3; round++) t.deepEqual(fs.readdirSync(dir), ['a']);
  t.is(lines().length - before, 3);
});
