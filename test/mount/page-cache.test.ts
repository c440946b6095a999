/**
 * The kernel page cache under gfs-mount: files keep their cached pages across opens (GlusterFS's
 * fopen-keep-cache, on by default in GlusterFS 10), our own writes do not throw them away, and a
 * change made elsewhere does once the attributes are refreshed.
 */
import test, { type ExecutionContext } from 'ava';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { gfsMount, makeEnv, type Env } from './fixtures/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * mtimes come from the kernel's coarse clock (one tick is a few ms): two changes within one tick
 * look alike to any mtime-based invalidation (the kernel's FUSE_AUTO_INVAL_DATA as ours), so the
 * tests let it tick between writers.
 */
const TICK = 30;
/** Attributes expire after 0.1 s, so each step below sees fresh ones from the volume. */
const SHORT = 'attribute-timeout=0.1,entry-timeout=0.1';

function readLog(env: Env): string[] {
  const f = join(env.dir, 'reads.log');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
}

async function mountMemory(t: ExecutionContext, more: string): Promise<Env> {
  const env = makeEnv(t);
  const vol = env.memoryVolfile(`  option read-log ${join(env.dir, 'reads.log')}\n`);
  const r = await gfsMount([...env.opts(more), vol, env.mnt]);
  t.is(r.code, 0, r.stderr);
  return env;
}

/** A storage/posix volume on a brick folder the test can also change directly (as another client would). */
async function mountPosix(t: ExecutionContext): Promise<{ env: Env; brick: string }> {
  const env = makeEnv(t);
  const brick = join(env.dir, 'brick');
  fs.mkdirSync(brick);
  const vol = env.volfile('posix.vol', `volume p\n  type storage/posix\n  option directory ${brick}\nend-volume\n`);
  const r = await gfsMount([...env.opts(SHORT), vol, env.mnt]);
  t.is(r.code, 0, r.stderr);
  return { env, brick };
}

test('a file written through the mount is read back from the page cache after close, expiry and reopen', async (t) => {
  const env = await mountMemory(t, SHORT);
  const data = Buffer.alloc(64 * 1024, 'a');
  fs.writeFileSync(join(env.mnt, 'f'), data);
  await sleep(300);
  fs.statSync(join(env.mnt, 'f')); // fresh attributes: the mtime our write caused
  await sleep(300);
  t.true(fs.readFileSync(join(env.mnt, 'f')).equals(data));
  t.deepEqual(readLog(env), [], 'no READ reached the volume');
});

test('with -o fopen-keep-cache=off every open reads from the volume again', async (t) => {
  const env = await mountMemory(t, `${SHORT},fopen-keep-cache=off`);
  const data = Buffer.alloc(64 * 1024, 'b');
  fs.writeFileSync(join(env.mnt, 'f'), data);
  t.true(fs.readFileSync(join(env.mnt, 'f')).equals(data));
  t.true(fs.readFileSync(join(env.mnt, 'f')).equals(data));
  t.true(readLog(env).length >= 2, `reads: ${readLog(env).join(', ')}`);
});

test('a change made behind the mount drops its kept pages once the attributes are refreshed', async (t) => {
  const { env, brick } = await mountPosix(t);
  const file = join(env.mnt, 'f');
  fs.writeFileSync(file, Buffer.alloc(8192, 'a'));
  t.is(fs.readFileSync(file, 'latin1')[0], 'a');
  // Another writer (as another client's brick write would): same size, new content and mtime.
  // The wait lets the filesystem's coarse clock tick, so the mtime differs from ours.
  await sleep(TICK);
  const fd = fs.openSync(join(brick, 'f'), 'r+');
  fs.writeSync(fd, Buffer.alloc(8192, 'b'), 0, 8192, 0);
  fs.closeSync(fd);
  await sleep(300);
  t.is(fs.readFileSync(file, 'latin1'), 'b'.repeat(8192), 'the new content, not the cached pages');
  // And our own later write is seen at once, by this mount, without a stale page in between.
  fs.writeFileSync(file, Buffer.alloc(8192, 'c'));
  t.is(fs.readFileSync(file, 'latin1'), 'c'.repeat(8192));
});

test('a write of ours after someone else changed the file still drops the pages they made stale', async (t) => {
  const { env, brick } = await mountPosix(t);
  const file = join(env.mnt, 'f');
  fs.writeFileSync(file, Buffer.alloc(8192, 'a'));
  t.is(fs.readFileSync(file, 'latin1'), 'a'.repeat(8192)); // both pages cached
  // Someone else rewrites the second page; before we look again, we write the first one.
  await sleep(TICK);
  const bfd = fs.openSync(join(brick, 'f'), 'r+');
  fs.writeSync(bfd, Buffer.alloc(4096, 'b'), 0, 4096, 4096);
  fs.closeSync(bfd);
  await sleep(TICK);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(4096, 'c'), 0, 4096, 0);
  fs.closeSync(fd);
  await sleep(300);
  t.is(fs.readFileSync(file, 'latin1'), 'c'.repeat(4096) + 'b'.repeat(4096));
});
