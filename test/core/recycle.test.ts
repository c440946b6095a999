import test from 'ava';
import { createFrame } from '../../runtime/core/frame.js';
import { BufferPool, SizedPools, isLent, recycle } from '../../runtime/core/recycle.js';
import { activateGraph } from '../../runtime/graph/create.js';
import { defineXlator } from '../../runtime/xlator/define.js';
import { recordingXlators, spec, type Journal } from '../helpers/recording.js';

test('a pool lends buffers of the asked length over its own memory and takes them back for the next taker', (t) => {
  const pool = new BufferPool(1024, 4);
  const a = pool.take(1000)!;
  t.is(a.length, 1000);
  t.true(isLent(a));
  a.fill(7);
  recycle(a.subarray(10, 20)); // any view of it gives the whole buffer back
  t.false(isLent(a));
  const b = pool.take(512)!;
  t.is(b.buffer, a.buffer, 'the same memory is lent again');
  t.deepEqual(pool.counts, { lent: 2, returned: 1, made: 1 });
});

test('a buffer given back twice is taken back once, so it is never lent to two takers', (t) => {
  const pool = new BufferPool(1024, 4);
  const a = pool.take(100)!;
  recycle(a);
  recycle(a);
  t.is(pool.available, 1);
  const b = pool.take(100)!;
  const c = pool.take(100)!;
  t.not(b.buffer, c.buffer);
});

test('lengths past the pool\'s buffers get none, buffers from elsewhere are left alone, and only `keep` free ones are kept', (t) => {
  const pool = new BufferPool(1024, 2);
  t.is(pool.take(1025), undefined);
  const plain = Buffer.alloc(2048);
  recycle(plain);
  t.is(pool.available, 0);
  const lent = [pool.take(1), pool.take(1), pool.take(1)];
  for (const b of lent) recycle(b!);
  t.is(pool.available, 2, 'the third is left to the garbage collector');
  t.deepEqual(pool.counts, { lent: 3, returned: 3, made: 3 });
});

test('sized pools lend a length from the smallest buffers that hold it, and none past the largest', (t) => {
  const pools = new SizedPools([4096, 1024]);
  const small = pools.take(1000)!;
  const big = pools.take(1025)!;
  t.is(small.buffer.byteLength, 1024);
  t.is(big.buffer.byteLength, 4096);
  t.is(pools.take(4097), undefined);
  recycle(small);
  t.deepEqual(pools.counts, { lent: 2, returned: 1, made: 2 });
});

test('a frame\'s recycledReads (and pipedReads) reach a translator below only through translators that declare passesReadData', async (t) => {
  const seen: [string, boolean, boolean][] = [];
  const fake = (type: string, passes: boolean, leaf: boolean) =>
    defineXlator({
      apiVersion: 1,
      type,
      options: {},
      ...(passes ? { passesReadData: true } : {}),
      fops: {
        readv: async (self, frame, a) => {
          seen.push([type, frame.recycledReads === true, frame.pipedReads === true]);
          if (!leaf) return self.firstChild!.fops.readv(frame, a);
          return { data: Buffer.alloc(0), stbuf: {} as never };
        },
      },
    });
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(
    spec([
      { name: 'leaf', type: 'test/leaf' },
      { name: 'keeper', type: 'test/keeper', subvolumes: ['leaf'] },
      { name: 'pass', type: 'test/pass', subvolumes: ['keeper'] },
    ]),
    { xlators: { ...recordingXlators(journal), 'test/leaf': fake('test/leaf', true, true), 'test/keeper': fake('test/keeper', false, false), 'test/pass': fake('test/pass', true, false) } },
  );
  t.teardown(() => graph.teardown());
  const frame = createFrame();
  frame.recycledReads = frame.pipedReads = true;
  await graph.fops.readv(frame, { fd: {} as never, size: 1, offset: 0, flags: 0 });
  t.deepEqual(seen, [
    ['test/pass', true, true],
    ['test/keeper', false, false],
    ['test/leaf', false, false],
  ]);
});
