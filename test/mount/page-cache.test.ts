/**
 * The kernel page cache under gfs-mount: files keep their cached pages across opens (GlusterFS's
 * fopen-keep-cache, on by default in GlusterFS 10), our own writes do not throw them away, and a
 * change made elsewhere does once the attributes are refreshed.
 */
import test, { type ExecutionContext } from 'ava';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../fuse/fixtures/server.js';
import { gfsMount, makeEnv, mountMemoryLogging, type Env } from './fixtures/harness.js';

/**
 * Another writer's change made on the brick gets a known mtime far from ours: two changes within
 * one tick of the kernel's coarse clock look alike to any mtime-based invalidation (the kernel's
 * FUSE_AUTO_INVAL_DATA as ours), and the tests must not bet on the clock ticking in between.
 */
function writtenElsewhere(file: string, data: Buffer, offset: number): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, data, 0, data.length, offset);
  fs.closeSync(fd);
  const then = new Date('2001-02-03T04:05:06Z');
  fs.utimesSync(file, then, then);
}
/** Attributes expire after 0.1 s, so each step below sees fresh ones from the volume. */
const SHORT = 'attribute-timeout=0.1,entry-timeout=0.1';

/** The memory volume with its read log: the env and the logged READs so far. */
const mountMemory = (t: ExecutionContext, more: string) => mountMemoryLogging(t, 'read-log', more);

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
  const { env, lines: readLog } = await mountMemory(t, SHORT);
  const data = Buffer.alloc(64 * 1024, 'a');
  fs.writeFileSync(join(env.mnt, 'f'), data);
  await sleep(300);
  fs.statSync(join(env.mnt, 'f')); // fresh attributes: the mtime our write caused
  await sleep(300);
  t.true(fs.readFileSync(join(env.mnt, 'f')).equals(data));
  t.deepEqual(readLog(), [], 'no READ reached the volume');
});

test('a file rewritten through the mount (open with O_TRUNC, then write) is read back from the kept pages; one truncated or re-timed by us reads right', async (t) => {
  const { env, lines: readLog } = await mountMemory(t, SHORT);
  const file = join(env.mnt, 'f');
  fs.writeFileSync(file, Buffer.alloc(64 * 1024, 'a'));
  // Rewritten over (open with O_TRUNC, then a write), as an editor or cp does.
  const data = Buffer.alloc(64 * 1024, 'b');
  fs.writeFileSync(file, data);
  await sleep(300);
  fs.statSync(file); // fresh attributes: the mtime our own changes caused
  t.true(fs.readFileSync(file).equals(data));
  t.deepEqual(readLog(), [], 'no READ reached the volume');
  // Truncated by us (the kernel drops its pages on a size change itself).
  fs.truncateSync(file, 32 * 1024);
  await sleep(300);
  fs.statSync(file);
  t.true(fs.readFileSync(file).equals(data.subarray(0, 32 * 1024)));
  t.deepEqual(readLog(), ['0 32768'], 'the kernel read again what is left, once');
  // New times set through the mount (no size change, so the kernel keeps its pages): our own
  // change, not taken for another writer's, so the pages stay and no READ follows.
  fs.utimesSync(file, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
  await sleep(300);
  fs.statSync(file);
  t.true(fs.readFileSync(file).equals(data.subarray(0, 32 * 1024)));
  t.deepEqual(readLog(), ['0 32768'], 'no READ after our own utimes');
});

test('with -o fopen-keep-cache=off every open reads from the volume again', async (t) => {
  const { env, lines: readLog } = await mountMemory(t, `${SHORT},fopen-keep-cache=off`);
  const data = Buffer.alloc(64 * 1024, 'b');
  fs.writeFileSync(join(env.mnt, 'f'), data);
  t.true(fs.readFileSync(join(env.mnt, 'f')).equals(data));
  t.true(fs.readFileSync(join(env.mnt, 'f')).equals(data));
  t.true(readLog().length >= 2, `reads: ${readLog().join(', ')}`);
});

test('a change made behind the mount drops its kept pages once the attributes are refreshed', async (t) => {
  const { env, brick } = await mountPosix(t);
  const file = join(env.mnt, 'f');
  fs.writeFileSync(file, Buffer.alloc(8192, 'a'));
  t.is(fs.readFileSync(file, 'latin1')[0], 'a');
  // Another writer (as another client's brick write would): same size, new content and mtime.
  writtenElsewhere(join(brick, 'f'), Buffer.alloc(8192, 'b'), 0);
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
  writtenElsewhere(join(brick, 'f'), Buffer.alloc(4096, 'b'), 4096);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(4096, 'c'), 0, 4096, 0);
  fs.closeSync(fd);
  await sleep(300);
  t.is(fs.readFileSync(file, 'latin1'), 'c'.repeat(4096) + 'b'.repeat(4096));
});
