import test from 'ava';
import fc from 'fast-check';
import { KiB, PAGE, pattern, startCache } from './harness.js';

test('a second read of the same range is served from memory', async (t) => {
  const c = await startCache(t);
  const content = pattern(300 * KiB);
  await c.g.create('/f', content);
  const fd = await c.open('/f');
  t.deepEqual(await c.read(fd, 0, PAGE), content.subarray(0, PAGE));
  t.is(c.counts.readv, 1);
  t.deepEqual(await c.read(fd, 10, 4 * KiB), content.subarray(10, 10 + 4 * KiB));
  t.deepEqual(await c.read(fd, 0, PAGE), content.subarray(0, PAGE));
  t.is(c.counts.readv, 1, 'no further read reached the brick');
  const d = c.dump();
  t.is(d.misses, 1);
  t.is(d.hits, 2);
  t.is(c.inodeDump('/f')?.pages, 1);
  t.is(d.cacheUsed, PAGE);
  await c.close(fd);
});

test('concurrent readers of one page share a single fetch', async (t) => {
  const c = await startCache(t);
  const content = pattern(200 * KiB, 2);
  await c.g.create('/f', content);
  const fd = await c.open('/f');
  const reads = await Promise.all(Array.from({ length: 8 }, (_, i) => c.read(fd, i * 1000, 4000)));
  reads.forEach((r, i) => t.deepEqual(r, content.subarray(i * 1000, i * 1000 + 4000)));
  t.is(c.counts.readv, 1);
  t.is(c.dump().shared, 7);
  await c.close(fd);
});

test('a read across page boundaries is assembled from whole pages', async (t) => {
  const c = await startCache(t);
  const content = pattern(3 * PAGE + 5000, 3);
  await c.g.create('/f', content);
  const fd = await c.open('/f');
  t.deepEqual(await c.read(fd, PAGE - 100, PAGE + 200), content.subarray(PAGE - 100, 2 * PAGE + 100));
  t.is(c.counts.readv, 3, 'pages 0, 1 and 2 were fetched whole');
  t.deepEqual(await c.read(fd, 0, 4 * PAGE), content, 'a read past the end stops at the end');
  t.is(c.counts.readv, 4, 'only the last, short page was new');
  await c.close(fd);
});

test('reads at and past the end of the file are short or empty', async (t) => {
  const c = await startCache(t);
  const content = pattern(PAGE + 10, 4);
  await c.g.create('/f', content);
  const fd = await c.open('/f');
  t.deepEqual(await c.read(fd, PAGE + 5, 100), content.subarray(PAGE + 5));
  t.is((await c.read(fd, PAGE + 10, 100)).length, 0);
  t.is((await c.read(fd, 5 * PAGE, 100)).length, 0);
  t.deepEqual(await c.read(fd, PAGE + 5, 100), content.subarray(PAGE + 5), 'the cached short page still ends the file');
  await c.close(fd);
});

test('an empty file reads as empty and stays cached', async (t) => {
  const c = await startCache(t);
  await c.g.create('/empty');
  const fd = await c.open('/empty');
  t.is((await c.read(fd, 0, 4096)).length, 0);
  t.is((await c.read(fd, 0, 4096)).length, 0);
  t.is(c.counts.readv, 1);
  await c.close(fd);
});

test('random reads match the file on disk byte for byte', async (t) => {
  const c = await startCache(t);
  const size = 5 * PAGE + 1234;
  await c.g.create('/r', pattern(size, 5));
  const disk = await c.onDisk('/r');
  const fd = await c.open('/r');
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: size + 2 * PAGE }), fc.integer({ min: 0, max: 3 * PAGE }), async (offset, len) => {
      const got = await c.read(fd, offset, len);
      return got.equals(disk.subarray(offset, offset + len));
    }),
    { numRuns: 200 },
  );
  // Every page (including empty ones past the end) is fetched at most once; empty reads pass through.
  const d = c.dump();
  t.true(d.misses <= Math.ceil((size + 5 * PAGE) / PAGE), `${d.misses} pages fetched`);
  t.is(c.counts.readv, d.misses + d.bypassed);
  await c.close(fd);
});
