import test from 'ava';
import { startGraph } from '../../runtime/testkit/index.js';
import { MiB, PAGE, pattern, startCache } from './harness.js';

const ioCache = (options: Record<string, string>) => startGraph({ stack: [{ type: 'performance/io-cache', options }] });

test('the io-cache volume glusterd writes into a client volfile validates', async (t) => {
  const g = await startGraph({
    volfile: `
volume dvol-client-0
    type storage/posix
end-volume

volume dvol-io-cache
    type performance/io-cache
    option cache-size 64MB
    subvolumes dvol-client-0
end-volume
`,
    brick: true,
  });
  t.teardown(() => g.stop());
  const state = g.graph.top.dump().state as { cacheSize: number; cacheTimeout: number };
  t.is(state.cacheSize, 64 * MiB);
  t.is(state.cacheTimeout, 1);
});

test('every GlusterFS io-cache option is accepted, force-revalidate-timeout as an alias', async (t) => {
  const g = await ioCache({
    'io-cache': 'on',
    priority: '*.jpg:3,*:1',
    'force-revalidate-timeout': '7',
    'cache-size': '8MB',
    'min-file-size': '0',
    'max-file-size': '1GB',
    'pass-through': 'false',
  });
  t.teardown(() => g.stop());
  t.is((g.graph.top.dump().state as { cacheTimeout: number }).cacheTimeout, 7);
});

test('out-of-range values are refused before the graph starts', async (t) => {
  await t.throwsAsync(ioCache({ 'cache-timeout': '61' }), { message: /cache-timeout/ });
  await t.throwsAsync(ioCache({ 'cache-size': '1MB' }), { message: /cache-size/ });
  await t.throwsAsync(ioCache({ priority: 'nocolon' }), { message: /priority/ });
  await t.throwsAsync(ioCache({ 'min-file-size': '2MB', 'max-file-size': '1MB' }), { message: /min-file-size/ });
});

test('reconfigure applies a smaller cache-size, a new timeout and new priorities', async (t) => {
  const c = await startCache(t);
  await c.g.create('/a.lo', pattern(3 * MiB, 1));
  await c.g.create('/b.hi', pattern(3 * MiB, 2));
  for (const path of ['/b.hi', '/a.lo']) {
    const fd = await c.open(path);
    await c.read(fd, 0, 3 * MiB);
    await c.close(fd);
  }
  t.is(c.dump().cacheUsed, 6 * MiB);
  await c.g.reconfigure(c.volumes({ 'cache-size': '4MB', 'cache-timeout': '5', priority: '*.hi:2,*.lo:1' }));
  const d = c.dump();
  t.is(d.cacheSize, 4 * MiB);
  t.is(d.cacheTimeout, 5);
  t.true(d.cacheUsed <= 4 * MiB);
  t.is(c.inodeDump('/b.hi')?.pages, 24, 'the higher priority kept its pages although read first');
  t.is(c.inodeDump('/a.lo')?.weight, 1);
  t.true((c.inodeDump('/a.lo')?.pages ?? 0) < 24);
});

test('a reconfigure with min-file-size above max-file-size is refused and the old values stay', async (t) => {
  const c = await startCache(t, { 'cache-timeout': '2' });
  await t.throwsAsync(c.g.reconfigure(c.volumes({ 'cache-timeout': '3', 'min-file-size': '2MB', 'max-file-size': '1MB' })));
  t.is(c.dump().cacheTimeout, 2);
});

test('turning pass-through on empties the cache', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', pattern(PAGE, 3));
  const fd = await c.open('/f');
  await c.read(fd, 0, PAGE);
  t.is(c.dump().cacheUsed, PAGE);
  await c.g.reconfigure(c.volumes({ 'pass-through': 'on' }));
  t.is(c.dump().cacheUsed, 0);
  await c.read(fd, 0, PAGE);
  t.is(c.counts.readv, 2);
  await c.close(fd);
});

test('dump shows usage, pages per inode and hit counts', async (t) => {
  const c = await startCache(t);
  await c.g.create('/f', pattern(2 * PAGE, 4));
  const fd = await c.open('/f');
  await c.read(fd, 0, 2 * PAGE);
  await c.read(fd, 0, 10);
  await c.close(fd);
  const d = c.dump();
  t.like(d, { cacheSize: 32 * MiB, cacheUsed: 2 * PAGE, inodeCount: 1, hits: 1, misses: 2, cacheTimeout: 1 });
  t.like(d.inodes[0], { path: '/f', weight: 1, pages: 2, bytes: 2 * PAGE });
});
