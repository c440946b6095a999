import test from 'ava';
import { chmodSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FopError } from '../../runtime/core/fop-error.js';
import { native } from '../../native/index.js';
import { hashedBrick, makeBricks, start, volfile, where, linkto, SUBVOLS, type Bricks } from './helpers.js';

/** Names in `dir` hashing to the given bricks (first found for each). */
function nameOn(b: Bricks, dir: string, brick: string, prefix: string, skip: string[] = []): string {
  for (let i = 0; ; i++) if (hashedBrick(b, dir, `${prefix}${i}`) === brick && !skip.includes(`${prefix}${i}`)) return `${prefix}${i}`;
}

const rename = async (g: Awaited<ReturnType<typeof start>>, from: string, to: string) => {
  const { loc: oldloc } = await g.lookup(from);
  const newloc = await g.newLoc(to);
  await g.fops.rename(g.frame(), { oldloc, newloc });
  // a fresh table view, as a new mount would have
  g.graph.itable.prune();
};

test('rename matrix: same brick, across bricks, over an existing file; no entry lost or doubled', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/r');
  const [b0, b1, b2] = SUBVOLS as [string, string, string];
  // same brick: old and new names hash to b0
  const s1 = nameOn(b, 'r', b0, 'a'); const d1 = nameOn(b, 'r', b0, 'z');
  await g.create(`/r/${s1}`, 'one');
  await rename(g, `/r/${s1}`, `/r/${d1}`);
  t.deepEqual(where(b, `r/${d1}`), { data: [b0], links: [] });
  t.deepEqual(where(b, `r/${s1}`), { data: [], links: [] });
  // across bricks: data stays, the new name's brick gets a link file
  const s2 = nameOn(b, 'r', b0, 'b'); const d2 = nameOn(b, 'r', b1, 'y');
  await g.create(`/r/${s2}`, 'two');
  await rename(g, `/r/${s2}`, `/r/${d2}`);
  t.deepEqual(where(b, `r/${d2}`), { data: [b0], links: [b1] });
  t.is(linkto(b, b1, `r/${d2}`), `${b0}\0`);
  t.is((await g.read(`/r/${d2}`)).toString(), 'two');
  // rename a file that is only reachable through a link file, to a third brick
  const d3 = nameOn(b, 'r', b2, 'x');
  await rename(g, `/r/${d2}`, `/r/${d3}`);
  t.deepEqual(where(b, `r/${d3}`), { data: [b0], links: [b2] });
  t.deepEqual(where(b, `r/${d2}`), { data: [], links: [] });
  // back onto the data's own brick: link files vanish
  const d4 = nameOn(b, 'r', b0, 'w');
  await rename(g, `/r/${d3}`, `/r/${d4}`);
  t.deepEqual(where(b, `r/${d4}`), { data: [b0], links: [] });
  t.deepEqual(where(b, `r/${d3}`), { data: [], links: [] });
  // over an existing file living on another brick: the old target's data goes
  const victim = nameOn(b, 'r', b1, 'v');
  await g.create(`/r/${victim}`, 'old target');
  await rename(g, `/r/${d4}`, `/r/${victim}`);
  t.deepEqual(where(b, `r/${victim}`), { data: [b0], links: [b1] });
  t.is((await g.read(`/r/${victim}`)).toString(), 'two');
  // over an existing file reached through a link file
  const other = nameOn(b, 'r', b2, 'u');
  await g.create(`/r/${other}`, 'three');
  await rename(g, `/r/${other}`, `/r/${victim}`);
  t.is((await g.read(`/r/${victim}`)).toString(), 'three');
  t.deepEqual(where(b, `r/${victim}`), { data: [b2], links: [b1] });
  const names = (await g.readdir('/r')).sort();
  t.deepEqual(names, [d1, victim].sort());
});

test('directories rename on every brick, keep their layout, and refuse a non-empty target', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/d1');
  for (let i = 0; i < 9; i++) await g.create(`/d1/f${i}`, `${i}`);
  const before = SUBVOLS.map((sv) => native.lgetxattrSync(join(b.dirs[sv]!, 'd1'), 'trusted.glusterfs.dht').toString('hex'));
  await rename(g, '/d1', '/d2');
  for (const [i, sv] of SUBVOLS.entries()) {
    t.false(readdirSync(b.dirs[sv]!).includes('d1'));
    t.is(native.lgetxattrSync(join(b.dirs[sv]!, 'd2'), 'trusted.glusterfs.dht').toString('hex'), before[i]);
  }
  t.is((await g.readdir('/d2')).length, 9);
  t.is((await g.read('/d2/f3')).toString(), '3');
  await g.mkdir('/full');
  await g.create('/full/x', 'x');
  const err = await t.throwsAsync(rename(g, '/d2', '/full'));
  t.is((err as FopError).code, 'ENOTEMPTY');
  await g.mkdir('/empty');
  await rename(g, '/d2', '/empty');
  t.is((await g.readdir('/empty')).length, 9);
});

test('renaming over a directory that is not empty on a later brick keeps the link files of earlier bricks', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/src');
  await g.mkdir('/full');
  // A file renamed across bricks leaves its data on one brick and a link file on another; find a
  // name whose link file's brick comes before its data's brick in subvolume order.
  let name: string | undefined;
  for (let i = 0; i < 200 && !name; i++) {
    await g.create(`/full/a${i}`, 'data');
    await rename(g, `/full/a${i}`, `/full/b${i}`);
    const w = where(b, `full/b${i}`);
    if (w.links.length === 1 && w.data.length === 1 && SUBVOLS.indexOf(w.links[0]!) < SUBVOLS.indexOf(w.data[0]!)) name = `b${i}`;
    else await g.fops.unlink(g.frame(), { loc: (await g.lookup(`/full/b${i}`)).loc, xflag: 0 });
  }
  t.truthy(name, 'a layout with a link file before its data exists among 200 names');
  const before = where(b, `full/${name}`);
  const err = await t.throwsAsync(rename(g, '/src', '/full'));
  t.is((err as FopError).code, 'ENOTEMPTY');
  t.deepEqual(where(b, `full/${name}`), before, 'nothing was removed from the refused target');
  t.is((await g.read(`/full/${name}`)).toString(), 'data');
});

test('link files are followed, skipped in listings, healed and cleaned up', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b, { options: { 'lookup-optimize': 'off' } }));
  t.teardown(() => g.stop());
  await g.mkdir('/l');
  const [b0, b1] = SUBVOLS as [string, string];
  const s = nameOn(b, 'l', b0, 'a'); const d = nameOn(b, 'l', b1, 'b');
  await g.create(`/l/${s}`, 'data');
  await rename(g, `/l/${s}`, `/l/${d}`);
  t.deepEqual(where(b, `l/${d}`), { data: [b0], links: [b1] });
  t.deepEqual(await g.readdir('/l'), [d]);
  // the link file is lost: a lookup finds the data everywhere and makes it again
  const gfid = native.lgetxattrSync(join(b.dirs[b1]!, 'l', d), 'trusted.gfid').toString('hex');
  rmSync(join(b.dirs[b1]!, 'l', d));
  rmSync(join(b.dirs[b1]!, '.glusterfs', gfid.slice(0, 2), gfid.slice(2, 4), `${gfid.slice(0, 8)}-${gfid.slice(8, 12)}-${gfid.slice(12, 16)}-${gfid.slice(16, 20)}-${gfid.slice(20)}`));
  g.graph.itable.prune();
  t.is((await g.read(`/l/${d}`)).toString(), 'data');
  t.deepEqual(where(b, `l/${d}`), { data: [b0], links: [b1] });
  // unlink removes the data and the link file
  const { loc } = await g.lookup(`/l/${d}`);
  await g.fops.unlink(g.frame(), { loc, xflag: 0 });
  t.deepEqual(where(b, `l/${d}`), { data: [], links: [] });
  // a stale link file (pointing at nothing) is removed by the lookup that trips on it
  const stale = nameOn(b, 'l', b1, 'c');
  await g.create(`/l/${stale}`, 'x');
  const { loc: sl } = await g.lookup(`/l/${stale}`);
  await g.fops.unlink(g.frame(), { loc: sl, xflag: 0 });
  writeFileSync(join(b.dirs[b1]!, 'l', stale), '');
  native.lsetxattrSync(join(b.dirs[b1]!, 'l', stale), 'trusted.gfid', Buffer.alloc(16, 7));
  native.lsetxattrSync(join(b.dirs[b1]!, 'l', stale), 'trusted.glusterfs.dht.linkto', Buffer.from(`${b0}\0`));
  const { chmodSync } = await import('node:fs');
  chmodSync(join(b.dirs[b1]!, 'l', stale), 0o1000);
  g.graph.itable.prune();
  const e = await t.throwsAsync(g.lookup(`/l/${stale}`));
  t.is((e as FopError).code, 'ENOENT');
  t.deepEqual(where(b, `l/${stale}`), { data: [], links: [] });
  t.deepEqual(await g.readdir('/l'), []);
});

test('rmdir removes every copy, ignores link files, refuses real entries', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/x');
  await g.create('/x/file', 'f');
  const { loc } = await g.lookup('/x');
  const e = await t.throwsAsync(g.fops.rmdir(g.frame(), { loc, flags: 0 }));
  t.is((e as FopError).code, 'ENOTEMPTY');
  for (const sv of SUBVOLS) t.true(readdirSync(b.dirs[sv]!).includes('x'));
  const [b0, b1] = SUBVOLS as [string, string];
  const s = nameOn(b, 'x', b0, 'a'); const d = nameOn(b, 'x', b1, 'b');
  const { loc: fl } = await g.lookup('/x/file');
  await g.fops.unlink(g.frame(), { loc: fl, xflag: 0 });
  await g.create(`/x/${s}`, 'y');
  await rename(g, `/x/${s}`, `/x/${d}`);
  const { loc: fl2 } = await g.lookup(`/x/${d}`);
  // unlink just the data by hand: a link file stays behind on b1
  rmSync(join(b.dirs[b0]!, 'x', d));
  void fl2;
  g.graph.itable.prune();
  const { loc: again } = await g.lookup('/x');
  await g.fops.rmdir(g.frame(), { loc: again, flags: 0 });
  for (const sv of SUBVOLS) t.false(readdirSync(b.dirs[sv]!).includes('x'));
});

test('a file being migrated looks as it did: the setgid and sticky marks and the link key stay on the brick', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/m');
  await g.create('/m/f', 'moving', 0o640);
  const [brick] = where(b, 'm/f').data;
  const to = SUBVOLS.find((s) => s !== brick)!;
  // Rebalance's first phase (DHT_MIGRATION_IN_PROGRESS): setgid + sticky on the source, whose
  // linkto names the destination.
  const p = join(b.dirs[brick!]!, 'm/f');
  chmodSync(p, 0o640 | 0o2000 | 0o1000);
  native.lsetxattr(p, 'trusted.glusterfs.dht.linkto', Buffer.from(`${to}\0`, 'latin1'));
  const { loc, buf } = await g.lookup('/m/f');
  t.is(buf.mode & 0o7777, 0o640);
  const again = await g.fops.lookup(g.frame(), { loc });
  t.is(again.buf.mode & 0o7777, 0o640);
  t.false(again.xdata?.has('trusted.glusterfs.dht.linkto') ?? false);
  // An ordinary file beside it keeps its own mode.
  await g.create('/m/plain', 'still', 0o600);
  const plain = await g.lookup('/m/plain');
  t.is(plain.buf.mode & 0o7777, 0o600);
  t.is((await g.read('/m/f')).toString(), 'moving');
});
