import test from 'ava';
import { maximizeOverlap, shouldMaximizeOverlap } from '../../xlators/cluster/distribute/layout-overlap.js';
import { DHT_HASH_TYPE_DM } from '../../xlators/cluster/distribute/layout-xattr.js';
import type { Layout } from '../../xlators/cluster/distribute/layout-types.js';

/** A layout from [subvol, start, stop] triples (err -1 for the new one, as newDirectoryLayout leaves it). */
const layout = (entries: [string, number, number, number?][]): Layout => ({
  type: DHT_HASH_TYPE_DM,
  commitHash: 0,
  entries: entries.map(([subvol, start, stop, err]) => ({ subvol, start, stop, commitHash: 0, err: err ?? -1 })),
});
const ranges = (l: Layout) => Object.fromEntries(l.entries.map((e) => [e.subvol, [e.start.toString(16), e.stop.toString(16)]]));

// Two equal bricks, then a third: the new directory's ranges with the first one at "b" (hash
// mod 3 = 1) are b, c, a. Worked through dht_selfheal_layout_maximize_overlap by hand: a and b
// trade (a keeps 0x55555555 of its old hashes, b 0x55555556, instead of none), c keeps the middle.
const halves = layout([['a', 0, 0x7fffffff, 0], ['b', 0x80000000, 0xffffffff, 0], ['c', 0, 0, 0]]);

test('growing two bricks to three, each old brick keeps part of its range and the new one takes the middle', (t) => {
  const next = layout([['a', 0xaaaaaaaa, 0xffffffff], ['b', 0, 0x55555554], ['c', 0x55555555, 0xaaaaaaa9]]);
  maximizeOverlap(next, halves);
  t.deepEqual(ranges(next), { a: ['0', '55555554'], b: ['aaaaaaaa', 'ffffffff'], c: ['55555555', 'aaaaaaa9'] });
});

test('ranges already overlapping most stay as they are', (t) => {
  const next = layout([['a', 0, 0x55555554], ['b', 0xaaaaaaaa, 0xffffffff], ['c', 0x55555555, 0xaaaaaaa9]]);
  maximizeOverlap(next, halves);
  t.deepEqual(ranges(next), { a: ['0', '55555554'], b: ['aaaaaaaa', 'ffffffff'], c: ['55555555', 'aaaaaaa9'] });
});

test('the trades are greedy, as GlusterFS makes them: on a tie the first subvolume in name order wins, even where another choice keeps more', (t) => {
  // a had the upper half, b the lower; the new ranges start at a. Trading a with b or with c
  // gains the same (0x55555556): b comes first, so a ends in the middle, half of it b's old hashes.
  const old = layout([['a', 0x7fffffff, 0xffffffff, 0], ['b', 0, 0x7ffffffe, 0], ['c', 0, 0, 0]]);
  const next = layout([['a', 0, 0x55555554], ['b', 0x55555555, 0xaaaaaaa9], ['c', 0xaaaaaaaa, 0xffffffff]]);
  maximizeOverlap(next, old);
  t.deepEqual(ranges(next), { a: ['55555555', 'aaaaaaa9'], b: ['0', '55555554'], c: ['aaaaaaaa', 'ffffffff'] });
});

test('a subvolume with an error (decommissioned) neither gives nor takes a range', (t) => {
  const next = layout([['a', 0xaaaaaaaa, 0xffffffff], ['b', 0, 0x55555554, 22], ['c', 0x55555555, 0xaaaaaaa9]]);
  maximizeOverlap(next, halves);
  t.deepEqual(ranges(next).b, ['0', '55555554']);
});

test('overlaps are uint32, as in C: a range of every hash shares 2^32 with another, which wraps to 0, so it is not traded', (t) => {
  // One subvolume in use (directory-layout-spread 1): it had every hash on b, the new ranges put
  // them all on a. GlusterFS counts the shared 2^32 hashes as 0 and leaves it so.
  const old = layout([['a', 0, 0, 0], ['b', 0, 0xffffffff, 0]]);
  const next = layout([['a', 0, 0xffffffff], ['b', 0, 0]]);
  maximizeOverlap(next, old);
  t.deepEqual(ranges(next), { a: ['0', 'ffffffff'], b: ['0', '0'] });
});

test('overlap is maximized unless weighted-rebalance meets bricks of different sizes', (t) => {
  t.true(shouldMaximizeOverlap(true, [100, 100, 100]));
  t.true(shouldMaximizeOverlap(true, [0, 0]));
  t.false(shouldMaximizeOverlap(true, [100, 200]));
  t.true(shouldMaximizeOverlap(false, [100, 200]));
});
