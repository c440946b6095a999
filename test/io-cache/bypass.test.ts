import { constants } from 'node:fs';
import test from 'ava';
import { KiB, PAGE, pattern, startCache } from './harness.js';

test('an O_DIRECT fd reads from the brick every time; other fds still cache', async (t) => {
  const c = await startCache(t);
  const content = pattern(PAGE, 12);
  await c.g.create('/f', content);
  const direct = await c.open('/f', constants.O_RDONLY | constants.O_DIRECT);
  t.deepEqual(await c.read(direct, 0, 4 * KiB), content.subarray(0, 4 * KiB));
  await c.read(direct, 0, 4 * KiB);
  t.is(c.counts.readv, 2);
  const plain = await c.open('/f');
  await c.read(plain, 0, 4 * KiB);
  await c.read(plain, 0, 4 * KiB);
  t.is(c.counts.readv, 3);
  await c.read(plain, 0, 4 * KiB, constants.O_DIRECT);
  t.is(c.counts.readv, 4, 'a read flagged O_DIRECT bypasses too');
  await c.close(direct);
  await c.close(plain);
});

test('files smaller than min-file-size or larger than max-file-size are not cached', async (t) => {
  const c = await startCache(t, { 'min-file-size': '1KB', 'max-file-size': '200KB' });
  await c.g.create('/small', 'tiny');
  await c.g.create('/medium', pattern(100 * KiB, 13));
  await c.g.create('/large', pattern(300 * KiB, 14));
  const reads = async (path: string) => {
    const before = c.counts.readv;
    const fd = await c.open(path);
    await c.read(fd, 0, 4 * KiB);
    await c.read(fd, 0, 4 * KiB);
    await c.close(fd);
    return c.counts.readv - before;
  };
  t.is(await reads('/small'), 2);
  t.is(await reads('/medium'), 1);
  t.is(await reads('/large'), 2);
});

test('pass-through forwards every read', async (t) => {
  const c = await startCache(t, { 'pass-through': 'on' });
  await c.g.create('/f', 'data');
  const fd = await c.open('/f');
  await c.read(fd, 0, 10);
  await c.read(fd, 0, 10);
  t.is(c.counts.readv, 2);
  t.is(c.dump().inodeCount, 0);
  await c.close(fd);
});
