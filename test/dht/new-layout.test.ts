import test from 'ava';
import { entryXattr, newDirectoryLayout, chunksFromStatfs } from '../../xlators/cluster/distribute/layout.js';
import { dhtHashName } from '../../xlators/cluster/distribute/hash.js';
import { DHT_LAYOUT_HASH_INVALID } from '../../xlators/cluster/distribute/layout-xattr.js';
import { layouts, mountOf, chunks, canonicalGfid } from './fixtures.js';

const hex = (b: Uint8Array | undefined): string => Buffer.from(b!).toString('hex');

for (const d of layouts.directories) {
  test(`the layout of ${d.mount} ${d.path} equals the one GlusterFS wrote, byte for byte`, (t) => {
    const m = mountOf(d);
    const layout = newDirectoryLayout({
      path: d.path,
      gfid: canonicalGfid(d.gfid),
      subvols: layouts.volfileOrder,
      chunks,
      weighted: m.weighted,
      randomizeByGfid: m.byGfid,
      // New directories carry the volume's commit hash (0); the root was healed on lookup.
      commitHash: d.path === '/' ? DHT_LAYOUT_HASH_INVALID : 0,
      hash: m.hash,
    });
    for (const subvol of layouts.subvolumes) t.is(hex(entryXattr(layout, subvol)), d.layout[subvol], subvol);
  });
}

test('the fixtures cover every start position, weighted and unweighted', (t) => {
  const starts = new Set(
    layouts.directories.map((d) => {
      const first = layouts.subvolumes.find((s) => d.layout[s]!.slice(16, 24) === '00000000')!;
      return `${mountOf(d).weighted}:${first}`;
    }),
  );
  t.is(starts.size, 6);
});

test('the first range goes to the sorted subvolume at hash(path) mod N', (t) => {
  const subvols = ['c', 'a', 'b', 'd', 'e'];
  for (const path of ['/', '/x', '/x/y', '/日本', '/deep/er/still']) {
    const layout = newDirectoryLayout({ path, subvols });
    t.deepEqual(layout.entries.map((e) => e.subvol), ['a', 'b', 'c', 'd', 'e']);
    const first = dhtHashName(path) % 5;
    t.is(layout.entries[first]!.start, 0, path);
    t.is(layout.entries[(first + 4) % 5]!.stop, 0xffffffff, path);
  }
});

test('unweighted ranges are 0xffffffff / N, the last one stretched to the end', (t) => {
  const layout = newDirectoryLayout({ path: '/q', subvols: ['s0', 's1', 's2', 's3', 's4', 's5', 's6'], weighted: false });
  const sorted = [...layout.entries].sort((a, b) => a.start - b.start);
  const size = Math.trunc(0xffffffff / 7);
  sorted.forEach((e, i) => {
    t.is(e.start, i * size);
    t.is(e.stop, i === 6 ? 0xffffffff : (i + 1) * size - 1);
  });
});

test('weighted ranges follow brick sizes; an unknown size turns weighting off', (t) => {
  const subvols = ['a', 'b'];
  const w = newDirectoryLayout({ path: '/', subvols, chunks: { a: 1, b: 3 } });
  const a = w.entries.find((e) => e.subvol === 'a')!;
  t.is(((a.stop - a.start) >>> 0) + 1, Math.trunc(0xffffffff / 4));
  const u = newDirectoryLayout({ path: '/', subvols, chunks: { a: 1, b: 0 } });
  t.is(u.entries.find((e) => e.subvol === 'a')!.stop - u.entries.find((e) => e.subvol === 'a')!.start + 1 >>> 0, Math.trunc(0xffffffff / 2) >>> 0);
  t.is(chunksFromStatfs(4096, 24576), 96);
  t.is(chunksFromStatfs(4096, 24577), 97);
});

test('subvolumes that are down get no range; the others share the space', (t) => {
  const layout = newDirectoryLayout({ path: '/d', subvols: ['a', 'b', 'c'], errors: { b: 107 /* ENOTCONN */ } });
  const b = layout.entries.find((e) => e.subvol === 'b')!;
  t.deepEqual([b.start, b.stop], [0, 0]);
  const used = layout.entries.filter((e) => e.subvol !== 'b').sort((x, y) => x.start - y.start);
  t.is(used[0]!.start, 0);
  t.is(used[0]!.stop + 1, used[1]!.start);
  t.is(used[1]!.stop, 0xffffffff);
});

test('directory-layout-spread limits how many subvolumes get a range', (t) => {
  const layout = newDirectoryLayout({ path: '/s', subvols: ['a', 'b', 'c', 'd'], spreadCount: 2 });
  const withRange = layout.entries.filter((e) => e.start !== e.stop);
  t.is(withRange.length, 2);
  t.true(withRange.some((e) => e.stop === 0xffffffff));
});

test('subvolume names sort by their UTF-8 bytes, as strcmp does', (t) => {
  const layout = newDirectoryLayout({ path: '/', subvols: ['\u{1F600}', '\uFFFD', 'Z', 'a'] });
  t.deepEqual(layout.entries.map((e) => e.subvol), ['Z', 'a', '\uFFFD', '\u{1F600}']);
});

test('hashing the gfid needs the gfid', (t) => {
  t.throws(() => newDirectoryLayout({ path: '/', subvols: ['a'], randomizeByGfid: true }), { instanceOf: TypeError });
});
