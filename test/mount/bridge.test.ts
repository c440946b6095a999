/**
 * The FUSE bridge through a real mount of the in-memory test translator: each kernel request
 * kind becomes the right fop and the answers come back as POSIX callers expect.
 */
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until } from '../fuse/fixtures/server.js';
import { gfsMount, makeEnv, type Env } from './fixtures/harness.js';

const exec = promisify(execFile);
const cleanups: (() => unknown)[] = [];
let env: Env;
const p = (...parts: string[]) => join(env.mnt, ...parts);

test.before(async () => {
  env = makeEnv({ teardown: (fn) => cleanups.push(fn) });
  const r = await gfsMount([...env.opts('attribute-timeout=0,entry-timeout=0'), env.memoryVolfile(), env.mnt]);
  if (r.code !== 0) throw new Error(r.stderr);
});

test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

test('symlinks, hard links and renames keep names and inodes right', (t) => {
  fs.mkdirSync(p('links'));
  fs.writeFileSync(p('links/a'), 'data');
  fs.symlinkSync('a', p('links/sym'));
  fs.linkSync(p('links/a'), p('links/hard'));
  t.is(fs.readlinkSync(p('links/sym')), 'a');
  t.is(fs.statSync(p('links/a')).nlink, 2);
  t.is(fs.statSync(p('links/hard')).ino, fs.statSync(p('links/a')).ino);
  fs.renameSync(p('links/a'), p('links/b'));
  t.throws(() => fs.statSync(p('links/a')), { code: 'ENOENT' });
  t.is(fs.readFileSync(p('links/b'), 'utf8'), 'data');
  fs.mkdirSync(p('links/sub'));
  fs.renameSync(p('links/b'), p('links/sub/c'));
  t.is(fs.readFileSync(p('links/sub/c'), 'utf8'), 'data');
  fs.unlinkSync(p('links/hard'));
  t.is(fs.statSync(p('links/sub/c')).nlink, 1);
});

test('rename with RENAME_NOREPLACE refuses an existing target', async (t) => {
  fs.mkdirSync(p('noreplace'));
  fs.writeFileSync(p('noreplace/a'), 'a');
  fs.writeFileSync(p('noreplace/b'), 'b');
  const py = `import ctypes,os\nlibc=ctypes.CDLL(None,use_errno=True)\nr=libc.renameat2(-100,b"${p('noreplace/a')}",-100,b"${p('noreplace/b')}",1)\nprint(r, ctypes.get_errno())`;
  const { stdout } = await exec('python3', ['-c', py]);
  t.is(stdout.trim(), '-1 17'); // EEXIST
  t.is(fs.readFileSync(p('noreplace/b'), 'utf8'), 'b');
});

test('setattr carries mode, size and nanosecond times', (t) => {
  fs.writeFileSync(p('attrs'), 'abcdef');
  fs.chmodSync(p('attrs'), 0o640);
  t.is(fs.statSync(p('attrs')).mode & 0o7777, 0o640);
  fs.truncateSync(p('attrs'), 3);
  t.is(fs.readFileSync(p('attrs'), 'utf8'), 'abc');
  const when = new Date('2021-02-03T04:05:06.789Z');
  fs.utimesSync(p('attrs'), when, when);
  const st = fs.statSync(p('attrs'), { bigint: true });
  t.is(st.mtimeNs, 1612325106789000000n);
});

test('xattrs answer size probes, list and remove', async (t) => {
  fs.writeFileSync(p('xattr'), '');
  await exec('setfattr', ['-n', 'user.a', '-v', 'x'.repeat(300), p('xattr')]);
  await exec('setfattr', ['-n', 'user.b', '-v', 'two', p('xattr')]);
  const { stdout } = await exec('getfattr', ['-d', p('xattr')]);
  t.regex(stdout, new RegExp(`user.a="${'x'.repeat(300)}"`));
  t.regex(stdout, /user.b="two"/);
  await exec('setfattr', ['-x', 'user.a', p('xattr')]);
  const after = await exec('getfattr', ['-d', p('xattr')]);
  t.notRegex(after.stdout, /user.a/);
  await t.throwsAsync(exec('getfattr', ['-n', 'user.missing', p('xattr')]));
});

test('a directory larger than one readdir reply lists every entry once', (t) => {
  fs.mkdirSync(p('many'));
  const names = Array.from({ length: 600 }, (_, i) => `entry-with-a-longish-name-${i}`);
  for (const n of names) fs.writeFileSync(p('many', n), '');
  t.deepEqual(fs.readdirSync(p('many')).sort(), [...names].sort());
});

test('POSIX locks and flock conflict between processes, and a blocked lock can be interrupted', async (t) => {
  fs.writeFileSync(p('lockme'), 'x');
  const file = p('lockme');
  const holder = spawn('python3', ['-c', `import fcntl,time,sys\nf=open("${file}","r+")\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint("held",flush=True)\ntime.sleep(30)`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void holder.kill('SIGKILL'));
  await new Promise((r) => holder.stdout.once('data', r));
  const tryLock = `import fcntl,sys\nf=open("${file}","r+")\ntry:\n  fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB); print("got")\nexcept OSError as e: print("busy", e.errno)`;
  t.is((await exec('python3', ['-c', tryLock])).stdout.trim(), 'busy 11');
  const waiter = spawn('python3', ['-c', `import fcntl\nf=open("${file}","r+")\nfcntl.lockf(f,fcntl.LOCK_EX)`], { stdio: 'ignore' });
  const waited = new Promise((r) => waiter.on('exit', r));
  await new Promise((r) => setTimeout(r, 300));
  waiter.kill('SIGKILL'); // the blocked SETLKW is interrupted, not stuck
  await waited;
  holder.kill('SIGKILL');
  await new Promise((r) => holder.on('exit', r));
  t.true(await until(async () => (await exec('python3', ['-c', tryLock])).stdout.trim() === 'got'), 'the lock is released when its holder dies');
  await exec('flock', ['-n', file, '-c', 'true']);
  t.pass();
});

test('fallocate, SEEK_DATA and copy_file_range reach the volume', async (t) => {
  fs.writeFileSync(p('src'), 'hello world');
  await exec('fallocate', ['-l', '65536', p('alloc')]);
  t.is(fs.statSync(p('alloc')).size, 65536);
  const py = `import os\nfi=os.open("${p('src')}",os.O_RDONLY)\nfo=os.open("${p('dst')}",os.O_WRONLY|os.O_CREAT,0o644)\nprint(os.lseek(fi,2,os.SEEK_DATA), os.copy_file_range(fi,fo,100,0,0))`;
  const { stdout } = await exec('python3', ['-c', py]);
  t.is(stdout.trim(), '2 11');
  t.is(fs.readFileSync(p('dst'), 'utf8'), 'hello world');
});

test('statfs, mknod and an unlinked open file behave as on a local filesystem', async (t) => {
  const { stdout } = await exec('stat', ['-f', '-c', '%S %b %a', env.mnt]);
  t.is(stdout.trim(), `4096 ${1 << 20} ${1 << 19}`);
  await exec('mkfifo', [p('fifo')]);
  t.true(fs.statSync(p('fifo')).isFIFO());
  fs.writeFileSync(p('gone'), 'still here');
  const fd = fs.openSync(p('gone'), 'r');
  fs.unlinkSync(p('gone'));
  t.is(fs.readFileSync(fd, 'utf8'), 'still here');
  fs.closeSync(fd);
  t.throws(() => fs.statSync(p('gone')), { code: 'ENOENT' });
});
