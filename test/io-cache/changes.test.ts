import { constants } from 'node:fs';
import { truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { KiB, PAGE, pattern, startCache } from './harness.js';

test('a write through the cache is visible to the next read without a new fetch', async (t) => {
  const c = await startCache(t);
  const content = pattern(2 * PAGE, 6);
  await c.g.create('/f', content);
  const fd = await c.open('/f', constants.O_RDWR);
  await c.read(fd, 0, 2 * PAGE);
  t.is(c.counts.readv, 2);
  await c.write(fd, PAGE - 3, 'hello');
  const expected = Buffer.from(content);
  expected.write('hello', PAGE - 3);
  t.deepEqual(await c.read(fd, 0, 2 * PAGE), expected);
  t.is(c.counts.readv, 2, 'both pages were patched in place');
  t.deepEqual(await c.onDisk('/f'), expected);
  await c.close(fd);
});

test('a write that grows the file keeps reads exact at the new end', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', pattern(1000, 7));
  const fd = await c.open('/f', constants.O_RDWR);
  await c.read(fd, 0, PAGE);
  await c.write(fd, 1000, 'appended'); // contiguous: the short page grows
  t.deepEqual(await c.read(fd, 0, PAGE), await c.onDisk('/f'));
  await c.write(fd, PAGE + 500, 'past a hole'); // leaves a hole: the short page cannot stay
  const disk = await c.onDisk('/f');
  t.is(disk.length, PAGE + 511);
  t.deepEqual(await c.read(fd, 0, 2 * PAGE), disk);
  t.deepEqual(await c.read(fd, 900, PAGE), disk.subarray(900, 900 + PAGE));
  await c.close(fd);
});

test('a change made on the brick behind the cache shows after cache-timeout and not before', async (t) => {
  const c = await startCache(t, { 'cache-timeout': '1' });
  await c.g.create('/f', 'old contents');
  const fd = await c.open('/f');
  t.is((await c.read(fd, 0, 100)).toString(), 'old contents');
  await writeFile(join(c.brick, 'f'), 'new contents, longer');
  t.is((await c.read(fd, 0, 100)).toString(), 'old contents', 'within cache-timeout the cached page is served');
  t.is(c.counts.fstat, 0);
  await sleep(1100);
  t.is((await c.read(fd, 0, 100)).toString(), 'new contents, longer');
  t.is(c.counts.fstat, 1, 'one fstat revalidated the inode');
  t.is(c.counts.readv, 2);
  t.is(c.dump().flushes, 1);
  await c.close(fd);
});

test('a changed mtime alone (same size) invalidates the cache', async (t) => {
  const c = await startCache(t, { 'cache-timeout': '0' });
  await c.g.create('/f', 'aaaa');
  const fd = await c.open('/f');
  t.is((await c.read(fd, 0, 10)).toString(), 'aaaa');
  await writeFile(join(c.brick, 'f'), 'bbbb');
  await utimes(join(c.brick, 'f'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  t.is((await c.read(fd, 0, 10)).toString(), 'bbbb', 'cache-timeout 0 revalidates every hit');
  t.is((await c.read(fd, 0, 10)).toString(), 'bbbb');
  t.is(c.counts.readv, 2);
  t.is(c.counts.fstat, 2);
  await c.close(fd);
});

test('an unchanged file keeps its pages across revalidation', async (t) => {
  const c = await startCache(t, { 'cache-timeout': '0' });
  await c.g.create('/f', pattern(PAGE, 8));
  const fd = await c.open('/f');
  await c.read(fd, 0, PAGE);
  await Promise.all([c.read(fd, 0, 10), c.read(fd, 100, 10), c.read(fd, 1000, 10)]);
  t.is(c.counts.readv, 1);
  t.is(c.counts.fstat, 1, 'readers waiting on revalidation share one fstat');
  await c.close(fd);
});

test('ftruncate and truncate flush the inode', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', pattern(2 * PAGE, 9));
  const fd = await c.open('/f', constants.O_RDWR);
  await c.read(fd, 0, 2 * PAGE);
  await c.g.fops.ftruncate(c.g.frame(), { fd, offset: 10 });
  t.is(c.inodeDump('/f')?.pages, 0);
  t.deepEqual(await c.read(fd, 0, 2 * PAGE), (await c.onDisk('/f')));
  t.is((await c.read(fd, 0, 2 * PAGE)).length, 10);
  const { loc } = await c.g.lookup('/f');
  await c.g.fops.truncate(c.g.frame(), { loc, offset: 3 * KiB });
  t.deepEqual(await c.read(fd, 0, 2 * PAGE), await c.onDisk('/f'));
  t.is(c.dump().cacheUsed, 3 * KiB);
  await c.close(fd);
});

test('discard, zerofill and a time-changing setattr flush; a mode change does not', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', pattern(PAGE, 10));
  const fd = await c.open('/f', constants.O_RDWR);
  const pages = () => c.inodeDump('/f')?.pages;
  await c.read(fd, 0, PAGE);
  await c.g.fops.zerofill(c.g.frame(), { fd, offset: 0, len: 100 });
  t.is(pages(), 0);
  t.deepEqual(await c.read(fd, 0, PAGE), await c.onDisk('/f'));
  const { loc, buf } = await c.g.lookup('/f');
  await c.g.fops.setattr(c.g.frame(), { loc, stbuf: { ...buf, mode: 0o100600 }, valid: 0x1 });
  t.is(pages(), 1, 'chmod keeps the pages');
  await c.g.fops.setattr(c.g.frame(), { loc, stbuf: { ...buf, mtime: { sec: 1, nsec: 0 } }, valid: 0x20 });
  t.is(pages(), 0, 'setting mtime flushes');
  await c.read(fd, 0, PAGE);
  // The brick filesystem must punch holes (ext4, xfs, tmpfs do): a failure here fails the test.
  await c.g.fops.discard(c.g.frame(), { fd, offset: 0, len: 4096 });
  t.is(pages(), 0);
  t.deepEqual(await c.read(fd, 0, PAGE), await c.onDisk('/f'));
  await c.close(fd);
});

test('releasing the last fd keeps the pages; forgetting the inode drops them', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', pattern(PAGE, 11));
  let fd = await c.open('/f');
  await c.read(fd, 0, PAGE);
  await c.close(fd);
  fd = await c.open('/f');
  await c.read(fd, 0, PAGE);
  t.is(c.counts.readv, 1, 'the cache belongs to the inode, not the fd');
  await c.close(fd);
  const itable = c.g.graph.itable;
  itable.unlink(itable.root, 'f');
  itable.prune(); // the inode leaves the table: io-cache's forget runs
  t.is(c.dump().inodeCount, 0);
  t.is(c.dump().cacheUsed, 0);
});

test('a failed fetch fails every waiting reader and caches nothing', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', pattern(PAGE, 12));
  const fd = await c.open('/f', constants.O_WRONLY);
  const results = await Promise.allSettled([c.read(fd, 0, 10), c.read(fd, 10, 10), c.read(fd, 20, 10)]);
  t.true(results.every((r) => r.status === 'rejected'));
  t.is(c.counts.readv, 1);
  t.is(c.dump().cacheUsed, 0);
  t.is(c.inodeDump('/f')?.pages, 0);
  await c.close(fd);
});

test('an open with O_TRUNC empties the cached pages', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', 'old and rather long contents');
  const reader = await c.open('/f');
  t.is((await c.read(reader, 0, 100)).toString(), 'old and rather long contents');
  const writer = await c.open('/f', constants.O_WRONLY | constants.O_TRUNC);
  await c.write(writer, 0, 'new');
  t.is((await c.read(reader, 0, 100)).toString(), 'new');
  await c.close(writer);
  await c.close(reader);
});

test('a write after the file shrank behind the cache does not resurrect old bytes', async (t) => {
  const c = await startCache(t, { 'cache-timeout': '60' });
  await c.g.create('/f', 'old and rather long contents');
  const fd = await c.open('/f', constants.O_RDWR);
  await c.read(fd, 0, 100);
  await truncate(join(c.brick, 'f'), 0);
  await c.write(fd, 0, 'new');
  t.is((await c.read(fd, 0, 100)).toString(), 'new');
  await c.close(fd);
});
