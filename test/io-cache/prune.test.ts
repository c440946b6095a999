import test from 'ava';
import { MiB, PAGE, pattern, startCache, type CacheGraph } from './harness.js';

/** Read a whole file through a fresh fd (16 pages for 2 MiB), then release it. */
async function readAll(c: CacheGraph, path: string, size: number): Promise<void> {
  const fd = await c.open(path);
  for (let off = 0; off < size; off += PAGE) await c.read(fd, off, PAGE);
  await c.close(fd);
}

test('pruning keeps the cache under cache-size, evicting the least recently used inode first', async (t) => {
  const c = await startCache(t, { 'cache-size': '4MB' });
  for (const name of ['a', 'b', 'c']) await c.g.create(`/${name}`, pattern(2 * MiB, name.charCodeAt(0)));
  await readAll(c, '/a', 2 * MiB);
  await readAll(c, '/b', 2 * MiB);
  t.is(c.dump().cacheUsed, 4 * MiB);
  await readAll(c, '/a', 2 * MiB); // a becomes the most recently used
  const before = c.counts.readv;
  await readAll(c, '/c', 2 * MiB);
  t.is(c.counts.readv - before, 16);
  const d = c.dump();
  t.true(d.cacheUsed <= 4 * MiB, `used ${d.cacheUsed}`);
  t.is(c.inodeDump('/a')?.pages, 16, 'the recently used inode stayed');
  t.is(c.inodeDump('/b')?.pages, 0, 'the least recently used inode went');
  t.is(c.inodeDump('/c')?.pages, 16);
  t.is(d.pruned, 2 * MiB);
});

test('pruning evicts the lowest priority first, whatever its age', async (t) => {
  const c = await startCache(t, { 'cache-size': '4MB', priority: '*.hi:2,*.lo:1' });
  for (const name of ['a.hi', 'b.lo', 'c.hi']) await c.g.create(`/${name}`, pattern(2 * MiB, name.length));
  await readAll(c, '/a.hi', 2 * MiB);
  await readAll(c, '/b.lo', 2 * MiB);
  await readAll(c, '/c.hi', 2 * MiB);
  t.true(c.dump().cacheUsed <= 4 * MiB);
  t.is(c.inodeDump('/a.hi')?.pages, 16, 'older but higher priority: kept');
  t.is(c.inodeDump('/b.lo')?.pages, 0, 'lower priority: evicted');
  t.is(c.inodeDump('/c.hi')?.pages, 16);
  t.is(c.inodeDump('/a.hi')?.weight, 2);
  t.is(c.inodeDump('/b.lo')?.weight, 1);
});

test('a file matching no priority pattern is not cached', async (t) => {
  const c = await startCache(t, { priority: '*.hi:2' });
  await c.g.create('/plain.txt', 'text');
  const fd = await c.open('/plain.txt');
  await c.read(fd, 0, 10);
  await c.read(fd, 0, 10);
  t.is(c.counts.readv, 2);
  t.is(c.inodeDump('/plain.txt')?.weight, 0);
  await c.close(fd);
});
