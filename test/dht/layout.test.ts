import test from 'ava';
import { constants } from 'node:os';
import {
  decodeDiskLayout, diskLayoutFromHex, diskLayoutToHex, encodeDiskLayout, DHT_HASH_TYPE_DM_USER, DHT_LAYOUT_HASH_INVALID,
} from '../../xlators/cluster/distribute/layout-xattr.js';
import {
  layoutFromReplies, layoutAnomalies, normalizeLayout, sortByStart, subvolForHash, entryXattr, type Layout, type LayoutEntry,
} from '../../xlators/cluster/distribute/layout.js';
import { layouts } from './fixtures.js';

const { ENOENT, ENOTCONN, ENOSPC, EIO } = constants.errno;

test('the layout xattr is four big-endian words: commit hash, type, start, stop', (t) => {
  const raw = encodeDiskLayout({ commitHash: 1, type: 0, start: 0x55555555, stop: 0xaaaaaaa9 });
  t.is(Buffer.from(raw).toString('hex'), '000000010000000055555555aaaaaaa9');
  t.deepEqual(decodeDiskLayout(raw), { commitHash: 1, type: 0, start: 0x55555555, stop: 0xaaaaaaa9 });
});

test('every layout xattr recorded on real bricks decodes and re-encodes to the same bytes', (t) => {
  let n = 0;
  for (const d of layouts.directories) {
    for (const hex of Object.values(d.layout)) {
      const decoded = diskLayoutFromHex(`0x${hex}`);
      t.not(decoded, null);
      t.is(diskLayoutToHex(decoded!), hex);
      n++;
    }
  }
  t.is(n, layouts.directories.length * 3);
});

test('a layout xattr of the wrong size or an unknown type is refused', (t) => {
  t.is(decodeDiskLayout(new Uint8Array(12)), null);
  t.is(decodeDiskLayout(new Uint8Array(20)), null);
  t.is(diskLayoutFromHex('000000000000000200000000ffffffff'), null);
  t.is(diskLayoutFromHex('zz'), null);
  t.is(decodeDiskLayout(Buffer.from('000000000000000100000000ffffffff', 'hex'))!.type, DHT_HASH_TYPE_DM_USER);
});

const entry = (subvol: string, start: number, stop: number, err = 0): LayoutEntry => ({ subvol, start, stop, commitHash: 0, err });
const lay = (...entries: LayoutEntry[]): Layout => ({ type: 0, commitHash: 0, entries });

test('a complete layout has no anomalies and finds a subvolume for every hash', (t) => {
  const l = lay(entry('a', 0, 0x55555554), entry('b', 0x55555555, 0xaaaaaaa9), entry('c', 0xaaaaaaaa, 0xffffffff));
  t.deepEqual(layoutAnomalies(l), { holes: 0, overlaps: 0, missing: 0, down: 0, misc: 0, noSpace: 0 });
  t.is(subvolForHash(l, 0), 'a');
  t.is(subvolForHash(l, 0x55555555), 'b');
  t.is(subvolForHash(l, 0xffffffff), 'c');
  t.is(normalizeLayout(l).result, 0);
});

test('a gap between ranges is a hole and a shared stretch an overlap', (t) => {
  const holes = sortByStart(lay(entry('b', 0x60000000, 0xffffffff), entry('a', 0, 0x55555554)));
  t.is(layoutAnomalies(holes).holes, 1);
  t.is(subvolForHash(holes, 0x58000000), undefined);
  const overlap = sortByStart(lay(entry('a', 0, 0x60000000), entry('b', 0x55555555, 0xffffffff)));
  t.deepEqual([layoutAnomalies(overlap).holes, layoutAnomalies(overlap).overlaps], [0, 1]);
});

test('ranges that stop short of 0xffffffff leave a hole at the end', (t) => {
  t.is(layoutAnomalies(lay(entry('a', 0, 0x7fffffff), entry('b', 0x80000000, 0xfffffff0))).holes, 1);
  t.is(layoutAnomalies(lay(entry('a', 0x10, 0x7fffffff), entry('b', 0x80000000, 0xffffffff))).holes, 1);
});

test('missing, down, full and failed subvolumes are counted apart from ranges', (t) => {
  const l = sortByStart(lay(
    entry('a', 0, 0xffffffff), entry('b', 0, 0, ENOENT), entry('c', 0, 0, -1),
    entry('d', 0, 0, ENOTCONN), entry('e', 0, 0, ENOSPC), entry('f', 0, 0, EIO),
  ));
  t.deepEqual(layoutAnomalies(l), { holes: 0, overlaps: 0, missing: 2, down: 1, misc: 1, noSpace: 1 });
  const n = normalizeLayout(l);
  t.is(n.result, 2, 'two directories to create or lay out');
});

test('a directory no subvolume has laid out yet is one big hole, seen on first lookup', (t) => {
  const fresh = layoutFromReplies(['a', 'b'].map((subvol) => ({ subvol })));
  t.deepEqual(fresh.entries.map((e) => e.err), [0, 0]);
  const n = normalizeLayout(fresh);
  t.is(n.result, -1);
  t.is(n.anomalies.holes, 1);
  const absent = normalizeLayout(layoutFromReplies(['a', 'b'].map((subvol) => ({ subvol, errno: ENOENT }))));
  t.true(absent.firstLookup);
});

test('a subvolume taking no part (start == stop) is not an anomaly', (t) => {
  const l = sortByStart(lay(entry('a', 0, 0xffffffff), entry('b', 0, 0)));
  t.is(normalizeLayout(l).result, 0);
});

test('merging replies keeps errors, ranges and a common commit hash', (t) => {
  const x = (commitHash: number, start: number, stop: number): Uint8Array => encodeDiskLayout({ commitHash, type: 0, start, stop });
  const same = layoutFromReplies([
    { subvol: 'a', xattr: x(7, 0, 0x7fffffff) }, { subvol: 'b', xattr: x(7, 0x80000000, 0xffffffff) }, { subvol: 'c', errno: ENOTCONN },
  ]);
  t.is(same.commitHash, 7);
  t.deepEqual(same.entries.map((e) => e.err), [0, 0, ENOTCONN]);
  t.is(Buffer.from(entryXattr(same, 'b')!).toString('hex'), '000000070000000080000000ffffffff');
  const mixed = layoutFromReplies([{ subvol: 'a', xattr: x(7, 0, 1) }, { subvol: 'b', xattr: x(9, 2, 3) }]);
  t.is(mixed.commitHash, DHT_LAYOUT_HASH_INVALID);
  const broken = layoutFromReplies([{ subvol: 'a', xattr: new Uint8Array(3) }]);
  t.is(broken.entries[0]!.err, -1);
});
