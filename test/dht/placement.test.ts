import test from 'ava';
import { layoutFromReplies, subvolForName, type Layout } from '../../xlators/cluster/distribute/layout.js';
import { layouts, placements, fileName, mountOf } from './fixtures.js';

const dirLayouts = new Map<string, Layout>(
  layouts.directories.map((d) => [
    d.path,
    layoutFromReplies(layouts.subvolumes.map((subvol) => ({ subvol, xattr: Buffer.from(d.layout[subvol]!, 'hex') }))),
  ]),
);

const misplaced = (kinds: (k: string) => boolean): string[] =>
  placements.files
    .filter((f) => kinds(f.kind))
    .filter((f) => subvolForName(dirLayouts.get(f.dir)!, fileName(f), mountOf(f.dir).hash) !== f.subvol)
    .map((f) => `${f.dir} ${f.name ?? f.hex} -> ${f.subvol}`);

test('real GlusterFS created no link files, so every file sits on its hashed brick', (t) => {
  t.is(placements.linkFiles, 0);
  t.true(placements.files.length > 1500);
});

test('every ASCII name of length 1 to 255 lands on the brick GlusterFS put it on', (t) => {
  t.deepEqual(misplaced((k) => k === 'ascii-length' || k === 'len16'), []);
});

test('UTF-8 and raw non-UTF-8 names land on the brick GlusterFS put them on', (t) => {
  t.deepEqual(misplaced((k) => k === 'utf8' || k === 'raw-bytes'), []);
});

test('rsync temporary names land where GlusterFS put them, in both locales', (t) => {
  t.deepEqual(misplaced((k) => k.startsWith('rsync')), []);
});

test('all recorded names are placed right, in every directory and layout', (t) => {
  t.deepEqual(misplaced(() => true), []);
  t.true(new Set(placements.files.map((f) => f.dir)).size >= 40);
});

test('an rsync temporary file landed on the same brick as its final name', (t) => {
  const byName = new Map(placements.files.map((f) => [`${f.dir}\0${f.name ?? f.hex}`, f.subvol]));
  let checked = 0;
  for (const f of placements.files.filter((x) => x.kind === 'rsync' && x.dir.endsWith('/files'))) {
    const base = /^\.(.+)\.[^.]+$/s.exec(f.name!)![1]!;
    const final = byName.get(`${f.dir}\0${base}`);
    if (final === undefined) continue;
    t.is(f.subvol, final, f.name);
    checked++;
  }
  t.true(checked >= 18);
});
