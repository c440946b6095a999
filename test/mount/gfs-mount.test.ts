import test from 'ava';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { findMount, probeMount } from '../../xlators/mount/fuse/kernel/mount.js';
import { until } from '../fuse/fixtures/server.js';
import { alive, gfsMount, gfsMountSpawn, makeEnv } from './fixtures/harness.js';

test('gfs-mount daemonizes once the mount is up and exits cleanly on umount', async (t) => {
  const env = makeEnv(t);
  const r = await gfsMount([...env.opts(), env.memoryVolfile(), env.mnt]);
  t.is(r.code, 0, r.stderr);
  t.is(findMount(env.mnt)?.fstype, 'fuse.gfs');
  const pid = env.daemonPid()!;
  t.true(alive(pid));
  fs.writeFileSync(join(env.mnt, 'hello'), 'world');
  t.is(fs.readFileSync(join(env.mnt, 'hello'), 'utf8'), 'world');
  const log = fs.readFileSync(env.log, 'utf8');
  t.regex(log, /Final graph:/);
  t.regex(log, /type mount\/fuse[\s\S]*subvolumes mem/);
  const { execFileSync } = await import('node:child_process');
  execFileSync('umount', [env.mnt]);
  t.true(await until(() => !alive(pid)), 'the daemon exits after umount');
  t.false(fs.existsSync(env.pid), 'the pid file is removed');
  t.is(findMount(env.mnt), undefined);
});

test('buffered writes reach the graph in requests of at least 128 KiB', async (t) => {
  const env = makeEnv(t);
  t.is((await gfsMount([...env.opts(), env.memoryVolfile(), env.mnt])).code, 0);
  const data = Buffer.alloc(8 << 20, 1);
  fs.writeFileSync(join(env.mnt, 'big'), data);
  const sizes = fs.readFileSync(env.writes, 'utf8').trim().split('\n').map(Number);
  t.log(`write request sizes: ${[...new Set(sizes)].join(', ')} (${sizes.length} requests)`);
  t.true(sizes.every((n) => n >= 128 * 1024));
  t.is(Math.max(...sizes), 1 << 20);
  t.true(fs.readFileSync(join(env.mnt, 'big')).equals(data));
});

test('-o ro stacks features/read-only and writes fail with EROFS', async (t) => {
  const env = makeEnv(t);
  const r = await gfsMount([...env.opts('ro'), env.memoryVolfile(), env.mnt]);
  t.is(r.code, 0, r.stderr);
  t.throws(() => fs.writeFileSync(join(env.mnt, 'x'), 'x'), { code: 'EROFS' });
  t.throws(() => fs.mkdirSync(join(env.mnt, 'd')), { code: 'EROFS' });
  t.deepEqual(fs.readdirSync(env.mnt), []);
  t.regex(fs.readFileSync(env.log, 'utf8'), /type features\/read-only\n\s+\d+:\s+option read-only on/);
});

test('an unknown mount option is an error and nothing is mounted', async (t) => {
  const env = makeEnv(t);
  const r = await gfsMount(['-o', 'attribute-timout=2', env.memoryVolfile(), env.mnt]);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown mount option `attribute-timout=2` \(did you mean `attribute-timeout`\?\)/);
  t.is(findMount(env.mnt), undefined);
});

test('a missing mountpoint, a file as mountpoint and an already mounted one are refused clearly', async (t) => {
  const env = makeEnv(t);
  const vol = env.memoryVolfile();
  const missing = await gfsMount([...env.opts(), vol, join(env.dir, 'nope')]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /mountpoint .*nope does not exist/);
  const file = join(env.dir, 'file');
  fs.writeFileSync(file, '');
  const notDir = await gfsMount([...env.opts(), vol, file]);
  t.regex(notDir.stderr, /is not a directory/);
  t.is((await gfsMount([...env.opts(), vol, env.mnt])).code, 0);
  const again = await gfsMount(['-o', `log-file=${env.log},pid-file=${join(env.dir, 'second.pid')}`, vol, env.mnt]);
  t.is(again.code, 1);
  t.regex(again.stderr, /is already mounted \(fuse.gfs/);
});

test('an invalid volfile is reported at its line and column', async (t) => {
  const env = makeEnv(t);
  const syntax = env.volfile('syntax.vol', 'volume mem\n  type testing/memory\n  option write-log\nend-volume\n');
  const r1 = await gfsMount([...env.opts(), syntax, env.mnt]);
  t.is(r1.code, 1);
  t.regex(r1.stderr, /syntax\.vol:4:1: error: .*\[VOLFILE_SYNTAX\]/);
  t.regex(r1.stderr, /4 \| end-volume\n\s+\| \^+/);
  const option = env.volfile('option.vol', 'volume mem\n  type testing/memory\n  option child-up-delay soon\nend-volume\n');
  const r2 = await gfsMount([...env.opts(), option, env.mnt]);
  t.is(r2.code, 1);
  t.regex(r2.stderr, /option\.vol:3:\d+: error: .*child-up-delay/);
  t.is(findMount(env.mnt), undefined);
});

test('after the daemon is killed, the next gfs-mount recovers the dead mount', async (t) => {
  const env = makeEnv(t);
  const vol = env.memoryVolfile();
  t.is((await gfsMount([...env.opts(), vol, env.mnt])).code, 0);
  const pid = env.daemonPid()!;
  process.kill(pid, 'SIGKILL');
  t.true(await until(() => !alive(pid)));
  t.throws(() => fs.statSync(env.mnt), { code: 'ENOTCONN' });
  t.is((await probeMount(env.mnt)).health, 'dead');
  const r = await gfsMount([...env.opts(), vol, env.mnt]);
  t.is(r.code, 0, r.stderr);
  fs.writeFileSync(join(env.mnt, 'again'), 'ok');
  t.is(fs.readFileSync(join(env.mnt, 'again'), 'utf8'), 'ok');
  t.regex(fs.readFileSync(env.log, 'utf8'), /earlier mount is dead .*Transport endpoint is not connected/);
});

test('SIGTERM unmounts and stops the daemon', async (t) => {
  const env = makeEnv(t);
  t.is((await gfsMount([...env.opts(), env.memoryVolfile(), env.mnt])).code, 0);
  const pid = env.daemonPid()!;
  process.kill(pid, 'SIGTERM');
  t.true(await until(() => !alive(pid)));
  t.is(findMount(env.mnt), undefined);
});

test('--foreground stays attached, holds requests until CHILD_UP, and stops on SIGINT', async (t) => {
  const env = makeEnv(t);
  const vol = env.memoryVolfile('  option child-up-delay 1500\n');
  const child = gfsMountSpawn(['-f', ...env.opts(), vol, env.mnt]);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.teardown(() => void child.kill('SIGKILL'));
  // Starting gfs-mount from the sources (tsx) takes seconds, more on a loaded machine: a bound, not a timing.
  t.true(await until(() => findMount(env.mnt) !== undefined, 60_000), 'mounted before CHILD_UP');
  const started = Date.now();
  await fs.promises.writeFile(join(env.mnt, 'f'), 'x'); // waits for CHILD_UP
  t.true(Date.now() - started > 200, 'the request waited for the graph');
  child.kill('SIGINT');
  t.is(await exited, 0);
  t.is(findMount(env.mnt), undefined);
});

test('a volume that reports CHILD_DOWN is mounted but answers ENOTCONN', async (t) => {
  const env = makeEnv(t);
  const r = await gfsMount([...env.opts(), env.memoryVolfile('  option child-state down\n'), env.mnt]);
  t.is(r.code, 0, r.stderr);
  t.throws(() => fs.readdirSync(env.mnt), { code: 'ENOTCONN' });
});
