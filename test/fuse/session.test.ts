import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InitFlag } from '../../xlators/mount/fuse/kernel/abi.js';
import { findMount, kernelUnmount, probeMount } from '../../xlators/mount/fuse/kernel/mount.js';
import { startServer, until } from './fixtures/server.js';

const exec = promisify(execFile);
const MiB = 1 << 20;

test('INIT negotiates 1 MiB writes, async reads, locks, readdirplus and no writeback cache', async (t) => {
  const s = await startServer(t);
  const f = s.conn.flags;
  t.is(s.conn.maxWrite, MiB);
  t.is(s.conn.maxPages, 256);
  for (const flag of ['MAX_PAGES', 'BIG_WRITES', 'ASYNC_READ', 'POSIX_LOCKS', 'FLOCK_LOCKS', 'DO_READDIRPLUS', 'PARALLEL_DIROPS'] as const) {
    t.truthy(f & InitFlag[flag], `${flag} negotiated`);
  }
  t.falsy(f & InitFlag.WRITEBACK_CACHE, 'writeback cache stays off');
});

test('a buffered 4 MiB write reaches the filesystem in 1 MiB requests', async (t) => {
  const s = await startServer(t);
  const data = Buffer.alloc(4 * MiB, 7);
  fs.writeFileSync(join(s.mnt, 'big'), data);
  const st = await s.stats();
  t.true(st.writeSizes.length > 0);
  t.true(st.writeSizes.every((n) => n >= 128 * 1024), `write sizes ${st.writeSizes.join(',')}`);
  t.is(Math.max(...st.writeSizes), MiB);
  t.true(fs.readFileSync(join(s.mnt, 'big')).equals(data));
});

test('files, directories, links and xattrs work through lookup, create, mkdir and readdirplus', async (t) => {
  const s = await startServer(t);
  const p = (n: string) => join(s.mnt, n);
  fs.mkdirSync(p('dir'), 0o750);
  fs.writeFileSync(p('dir/file'), 'hello');
  fs.symlinkSync('file', p('dir/link'));
  t.is(fs.readlinkSync(p('dir/link')), 'file');
  t.is(fs.readFileSync(p('dir/link'), 'utf8'), 'hello');
  t.is(fs.statSync(p('dir')).mode & 0o7777, 0o750);
  t.deepEqual(fs.readdirSync(p('dir')).sort(), ['file', 'link']);
  fs.renameSync(p('dir/file'), p('moved'));
  t.is(fs.readFileSync(p('moved'), 'utf8'), 'hello');
  fs.truncateSync(p('moved'), 2);
  t.is(fs.readFileSync(p('moved'), 'utf8'), 'he');
  await exec('setfattr', ['-n', 'user.colour', '-v', 'blue', p('moved')]);
  const { stdout } = await exec('getfattr', ['-d', p('moved')]);
  t.regex(stdout, /user.colour="blue"/);
  fs.unlinkSync(p('dir/link'));
  fs.rmdirSync(p('dir'));
  t.throws(() => fs.statSync(p('dir')), { code: 'ENOENT' });
  const st = await s.stats();
  t.truthy(st.counts.READDIRPLUS, 'directories are listed with READDIRPLUS');
  t.falsy(st.counts.READDIR);
  t.truthy(st.counts.CREATE);
  t.truthy(st.counts.MKDIR);
});

test('a request that never answers is interrupted when its caller is killed', async (t) => {
  const s = await startServer(t);
  // A lookup is a synchronous request (a readahead read is not: the kernel never interrupts it).
  const stat = spawn('stat', [join(s.mnt, 'hang')], { stdio: 'ignore' });
  t.true(await until(async () => (await s.stats()).inflight > 0), 'the lookup is being served');
  stat.kill('SIGKILL');
  await new Promise((r) => stat.on('exit', r));
  t.true(await until(async () => (await s.stats()).inflight === 0), 'the interrupted lookup was answered');
  const st = await s.stats();
  t.is(st.interrupted, 1);
  t.is(st.counts.INTERRUPT, 1);
});

test('flock, POSIX locks, fallocate and SEEK_DATA reach the filesystem', async (t) => {
  const s = await startServer(t);
  const file = join(s.mnt, 'locked');
  fs.writeFileSync(file, 'abc');
  await exec('flock', ['-n', file, '-c', 'true']);
  await exec('python3', ['-c', `import fcntl,os\nf=open(${JSON.stringify(file)},'r+')\nfcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\nfcntl.lockf(f,fcntl.LOCK_UN)\nprint(os.lseek(f.fileno(),0,os.SEEK_DATA))`]);
  await exec('fallocate', ['-l', '8192', file]);
  t.is(fs.statSync(file).size, 8192);
  const st = await s.stats();
  t.true((st.counts.SETLK ?? 0) + (st.counts.SETLKW ?? 0) >= 3, JSON.stringify(st.counts));
  t.truthy(st.counts.FALLOCATE);
  t.truthy(st.counts.LSEEK);
});

test('an ioctl the filesystem does not offer fails with ENOTTY, each time it is asked, and the mount goes on', async (t) => {
  const s = await startServer(t);
  const file = join(s.mnt, 'tty');
  fs.writeFileSync(file, 'abc');
  // Python's open() asks isatty() (TCGETS) of every file; the kernel sends each as FUSE_IOCTL.
  const { stdout } = await exec('python3', ['-c', [
    'import errno, fcntl, termios',
    `f = open(${JSON.stringify(file)}, 'rb', buffering=0)`,
    'for _ in range(3):',
    '    try: fcntl.ioctl(f.fileno(), termios.TCGETS, bytes(64)); print("answered")',
    '    except OSError as e: print(errno.errorcode[e.errno])',
  ].join('\n')]);
  t.deepEqual(stdout.trim().split('\n'), ['ENOTTY', 'ENOTTY', 'ENOTTY']);
  t.true(((await s.stats()).counts.IOCTL ?? 0) >= 3);
  t.is(fs.readFileSync(file, 'utf8'), 'abc');
});

test('umount ends the session and the server exits cleanly', async (t) => {
  const s = await startServer(t);
  fs.writeFileSync(join(s.mnt, 'x'), 'x');
  const r = await kernelUnmount(s.mnt);
  t.is(r.code, 0, r.stderr);
  await s.ended;
  t.is(await s.exited, 0);
  t.is(findMount(s.mnt), undefined);
});

test('a killed server leaves a mount that answers ENOTCONN until a lazy unmount', async (t) => {
  const s = await startServer(t);
  s.child.kill('SIGKILL');
  await s.exited;
  t.throws(() => fs.statSync(s.mnt), { code: 'ENOTCONN' });
  t.is((await probeMount(s.mnt)).health, 'dead');
  t.is((await kernelUnmount(s.mnt, { lazy: true })).code, 0);
  t.is(findMount(s.mnt), undefined);
  t.true(fs.statSync(s.mnt).isDirectory());
});
