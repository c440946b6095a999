import test from 'ava';
import { layouts, placements, fileName, chunks } from '../dht/fixtures.js';
import { diskLayoutToHex } from '../../xlators/cluster/distribute/layout-xattr.js';
import { dhtHashName } from '../../xlators/cluster/distribute/hash.js';
import { newDirectoryLayout, diskLayouts } from '../../xlators/cluster/distribute/layout.js';
import { diskLayout, makeBricks, start, volfile, where, SUBVOLS } from './helpers.js';

const ORDER = layouts.volfileOrder;

test('directories made through distribute get the very layouts real GlusterFS gave them', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b, { order: ORDER, options: { 'weighted-rebalance': 'off' } }));
  t.teardown(() => g.stop());
  const dirs = layouts.directories.filter((d) => d.mount === 'unweighted');
  t.true(dirs.length >= 10);
  for (const d of dirs) {
    await g.mkdir(d.path);
    for (const sv of SUBVOLS) t.is(diskLayoutToHex(diskLayout(b, sv, d.path)!), d.layout[sv], `${d.path} on ${sv}`);
  }
});

test('files land on the brick GlusterFS put the same names on', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b, { order: ORDER, options: { 'weighted-rebalance': 'off' } }));
  t.teardown(() => g.stop());
  const dirs = new Set(layouts.directories.filter((d) => d.mount === 'unweighted').map((d) => d.path));
  for (const d of [...dirs].sort()) await g.mkdir(d);
  const files = placements.files.filter((f) => dirs.has(f.dir) && f.name !== undefined && !f.name.includes('/'));
  t.true(files.length > 500);
  const wrong: string[] = [];
  for (const f of files) {
    const path = `${f.dir}/${f.name}`;
    await g.create(path, 'x');
    const w = where(b, path);
    if (w.data.length !== 1 || w.data[0] !== f.subvol || w.links.length) wrong.push(`${path}: ${JSON.stringify(w)} want ${f.subvol}`);
  }
  t.deepEqual(wrong, []);
  void fileName;
});

test('a weighted layout follows the brick sizes, and the root is healed with commit hash 1', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  // All three bricks share one filesystem here: equal weights, computed the weighted way.
  const du = (await g.fops.statfs(g.frame(), { loc: (await g.lookup('/')).loc })).buf;
  t.true(du.blocks > 0);
  const root = SUBVOLS.map((sv) => diskLayout(b, sv, '/')!);
  t.true(root.every((l) => l.commitHash === 1));
  await g.mkdir('/d');
  const layout = SUBVOLS.map((sv) => diskLayout(b, sv, '/d')!);
  t.true(layout.every((l) => l.commitHash === 0));
  const covered = layout.map((l) => l.stop - l.start + 1).reduce((a, x) => a + x, 0);
  t.is(covered, 2 ** 32);
  const first = SUBVOLS[dhtHashName('/d') % 3]!;
  t.is(diskLayout(b, first, '/d')!.start, 0);
  void newDirectoryLayout; void diskLayouts; void chunks;
});

test('a file is created on the subvolume its name hashes to, and nowhere else', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/dir');
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    await g.create(`/dir/f${i}`, `content ${i}`);
    const w = where(b, `dir/f${i}`);
    t.is(w.data.length, 1);
    t.deepEqual(w.links, []);
    seen.add(w.data[0]!);
    t.is((await g.read(`/dir/f${i}`)).toString(), `content ${i}`);
  }
  t.is(seen.size, 3);
  t.is((await g.readdir('/dir')).length, 30);
});
