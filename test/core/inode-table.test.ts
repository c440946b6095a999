import test from 'ava';
import { InodeTable } from '../../runtime/core/inode.js';
import { IaType } from '../../runtime/core/iatt.js';
import { ROOT_GFID, newGfid } from '../../runtime/core/gfid.js';

test('the root inode is linked with the root gfid and never forgotten', (t) => {
  const table = new InodeTable({ lruLimit: 0 });
  t.is(table.root.gfid, ROOT_GFID);
  table.forget(table.root, 10);
  table.prune();
  t.is(table.find(ROOT_GFID), table.root);
});

test('a linked inode is found by gfid and by parent and name', (t) => {
  const table = new InodeTable();
  const g = newGfid();
  const inode = table.link(table.create(), g, IaType.REG, table.root, 'a');
  t.is(table.find(g), inode);
  t.is(table.findDentry(table.root, 'a'), inode);
  t.is(table.path(inode), '/a');
});

test('linking a gfid the table already knows returns the existing inode', (t) => {
  const table = new InodeTable();
  const g = newGfid();
  const first = table.link(table.create(), g, IaType.REG, table.root, 'a');
  const second = table.link(table.create(), g, IaType.REG, table.root, 'b');
  t.is(second, first);
  t.is(table.findDentry(table.root, 'b'), first);
});

test('rename moves the dentry and path follows it', (t) => {
  const table = new InodeTable();
  const dir = table.link(table.create(), newGfid(), IaType.DIR, table.root, 'd');
  const f = table.link(table.create(), newGfid(), IaType.REG, dir, 'f');
  table.lookedUp(dir);
  table.lookedUp(f);
  table.rename(dir, 'f', table.root, 'g');
  t.is(table.findDentry(dir, 'f'), undefined);
  t.is(table.findDentry(table.root, 'g'), f);
  t.is(table.path(f), '/g');
});

test('unused inodes beyond the LRU limit are purged oldest first and forget is called', (t) => {
  const forgotten: string[] = [];
  const table = new InodeTable({ lruLimit: 2, onForget: (i) => forgotten.push(i.gfid) });
  const gfids = [newGfid(), newGfid(), newGfid()];
  const inodes = gfids.map((g, i) => {
    const inode = table.link(table.create(), g, IaType.REG, table.root, `f${i}`);
    table.lookedUp(inode);
    return inode;
  });
  for (const inode of inodes) table.forget(inode, 1);
  t.deepEqual(forgotten, [gfids[0]]);
  t.is(table.find(gfids[0]!), undefined);
  t.is(table.findDentry(table.root, 'f0'), undefined);
  t.truthy(table.find(gfids[2]!));
});

test('an inode with references or kernel lookups is never purged', (t) => {
  const forgotten: string[] = [];
  const table = new InodeTable({ lruLimit: 0, onForget: (i) => forgotten.push(i.gfid) });
  const a = table.link(table.create(), newGfid(), IaType.REG, table.root, 'a');
  table.ref(a);
  table.lookedUp(a);
  table.forget(a, 1);
  t.deepEqual(forgotten, []);
  table.unref(a);
  t.deepEqual(forgotten, [a.gfid]);
});

test('an inode linked but never held joins the LRU, and the next release trims it', (t) => {
  const forgotten: string[] = [];
  const table = new InodeTable({ lruLimit: 1, onForget: (i) => forgotten.push(i.gfid) });
  // A listing links entries nobody keeps: they must not stay in the table forever.
  const unheld = [0, 1, 2].map((i) => table.link(table.create(), newGfid(), IaType.REG, table.root, `u${i}`));
  t.is(table.lruSize, 3, 'linked, still findable until something trims the LRU');
  t.is(table.find(unheld[2]!.gfid), unheld[2]);
  const held = table.link(table.create(), newGfid(), IaType.REG, table.root, 'held');
  table.lookedUp(held);
  table.forget(held, 1);
  t.deepEqual(forgotten, [unheld[0]!.gfid, unheld[1]!.gfid, unheld[2]!.gfid]);
  t.is(table.lruSize, 1);
  t.is(table.find(held.gfid), held);
});
test('linking a name again after it was unlinked, renamed away or given to another inode restores the index', (t) => {
  const table = new InodeTable();
  const root = table.root;
  const a = newGfid();
  const b = newGfid();
  const ia = table.link(table.create(), a, IaType.REG, root, 'x');
  table.link(ia, a, IaType.REG, root, 'x'); // the same name again: nothing changes
  t.is(table.findDentry(root, 'x'), ia);
  table.unlink(root, 'x');
  t.is(table.findDentry(root, 'x'), undefined);
  table.ref(ia);
  t.is(table.link(ia, a, IaType.REG, root, 'x'), ia);
  t.is(table.findDentry(root, 'x'), ia, 'relinked after unlink');
  table.rename(root, 'x', root, 'y');
  t.is(table.findDentry(root, 'x'), undefined);
  table.link(ia, a, IaType.REG, root, 'x');
  t.is(table.findDentry(root, 'x'), ia, 'relinked under the old name after rename');
  // another inode takes the name, then the first one is linked under it again
  const ib = table.link(table.create(), b, IaType.REG, root, 'x');
  t.is(table.findDentry(root, 'x'), ib);
  table.link(ia, a, IaType.REG, root, 'x');
  t.is(table.findDentry(root, 'x'), ia, 'relinked after the name went to another inode');
  table.link(ib, b, IaType.REG, root, 'x');
  t.is(table.findDentry(root, 'x'), ib);
  t.is(table.path(ib), '/x');
});

test('an inode purged from the table and linked again is indexed by its gfid again', (t) => {
  const table = new InodeTable({ lruLimit: 0 });
  const g = newGfid();
  const inode = table.link(table.create(), g, IaType.REG, table.root, 'a');
  table.prune();
  t.is(table.find(g), undefined);
  t.is(table.link(inode, g, IaType.REG, table.root, 'a'), inode);
  t.is(table.find(g), inode, 'the relinked inode is found by gfid');
  t.is(table.findDentry(table.root, 'a'), inode);
});

test('the path of a hard-linked file follows whichever of its names still stands', (t) => {
  const table = new InodeTable();
  const dir = table.link(table.create(), newGfid(), IaType.DIR, table.root, 'd');
  table.lookedUp(dir);
  const g = newGfid();
  const f = table.link(table.create(), g, IaType.REG, table.root, 'x');
  table.lookedUp(f);
  table.link(f, g, IaType.REG, dir, 'y');
  t.is(table.path(f), '/d/y', 'the name linked last');
  t.is(table.parentOf(f), dir);
  table.unlink(dir, 'y');
  t.is(table.path(f), '/x', 'the other name once that one is gone');
  t.is(table.parentOf(f), table.root);
  table.unlink(table.root, 'x');
  t.is(table.path(f), `<gfid:${g}>`, 'no name left');
  t.is(table.path(f, 'n'), `<gfid:${g}>/n`);
});

test('a directory renamed behind the table keeps one name, and paths below it follow', (t) => {
  const table = new InodeTable();
  const a = table.link(table.create(), newGfid(), IaType.DIR, table.root, 'a');
  const b = table.link(table.create(), newGfid(), IaType.DIR, table.root, 'b');
  table.lookedUp(a);
  table.lookedUp(b);
  const sub = table.link(table.create(), newGfid(), IaType.DIR, a, 's');
  table.lookedUp(sub);
  // A lookup finds the same directory under b/t: it moved elsewhere.
  table.link(table.create(), sub.gfid, IaType.DIR, b, 't');
  t.is(table.path(sub), '/b/t');
  t.is(table.path(sub, 'f'), '/b/t/f');
  t.is(table.findDentry(a, 's'), undefined);
});

test('paths below a directory follow it when it or a directory above it is renamed, unlinked or purged', (t) => {
  const table = new InodeTable({ lruLimit: 0 });
  const a = table.link(table.create(), newGfid(), IaType.DIR, table.root, 'a');
  table.lookedUp(a);
  const b = table.link(table.create(), newGfid(), IaType.DIR, a, 'b');
  table.lookedUp(b);
  t.is(table.path(b, 'f'), '/a/b/f');
  t.is(table.path(b, 'f'), '/a/b/f', 'asked again (kept)');
  table.rename(table.root, 'a', table.root, 'z');
  t.is(table.path(b, 'f'), '/z/b/f', 'the directory above renamed');
  table.link(table.create(), b.gfid, IaType.DIR, table.root, 'top');
  t.is(table.path(b, 'f'), '/top/f', 'found elsewhere by a lookup');
  const c = table.link(table.create(), newGfid(), IaType.DIR, b, 'c');
  t.is(table.path(c), '/top/c');
  table.unlink(table.root, 'top');
  t.is(table.path(c), `<gfid:${b.gfid}>/c`, 'the directory above lost its name');
  t.is(table.path(b, 'f'), `<gfid:${b.gfid}>/f`);
  // A file's name changing never changes a directory's path, but its own path follows.
  const f = table.link(table.create(), newGfid(), IaType.REG, a, 'f');
  table.lookedUp(f);
  t.is(table.path(f), '/z/f');
  table.rename(a, 'f', a, 'g');
  t.is(table.path(f), '/z/g');
});

test('a directory whose name is taken by another object loses its place in paths below it', (t) => {
  const table = new InodeTable();
  const d = table.link(table.create(), newGfid(), IaType.DIR, table.root, 'n');
  table.lookedUp(d);
  const c = table.link(table.create(), newGfid(), IaType.REG, d, 'c');
  table.lookedUp(c);
  t.is(table.path(d, 'c'), '/n/c');
  const f = table.link(table.create(), newGfid(), IaType.REG, table.root, 'n');
  table.lookedUp(f);
  t.is(table.path(d, 'c'), `<gfid:${d.gfid}>/c`);
  t.is(table.path(c), `<gfid:${d.gfid}>/c`);
});

test('a name in a purged directory is anchored at that directory gfid, and found again once it is relinked', (t) => {
  const table = new InodeTable({ lruLimit: 0 });
  const dg = newGfid();
  const d = table.link(table.create(), dg, IaType.DIR, table.root, 'd');
  const c = table.link(table.create(), newGfid(), IaType.DIR, d, 'c');
  table.lookedUp(c);
  t.is(table.path(c), '/d/c');
  table.prune(); // d: nothing holds it
  t.is(table.find(dg), undefined);
  t.is(table.path(c), `<gfid:${dg}>/c`);
  t.is(table.path(c, 'x'), `<gfid:${dg}>/c/x`);
  // A nameless lookup brings the directory back as a new inode, then a named one places it.
  const d2 = table.link(table.create(), dg, IaType.DIR);
  table.lookedUp(d2);
  t.not(d2, d);
  t.is(table.path(c), `<gfid:${dg}>/c`);
  table.link(d2, dg, IaType.DIR, table.root, 'e');
  t.is(table.path(c), '/e/c', 'through the new inode, not the purged one');
  t.is(table.parentOf(c), d2);
});

test('a gfid that comes back as another type is no longer taken for a directory in paths', (t) => {
  const table = new InodeTable();
  const g = newGfid();
  const x = table.link(table.create(), g, IaType.DIR, table.root, 'a');
  table.lookedUp(x);
  t.is(table.path(x), '/a');
  table.link(x, g, IaType.REG, table.root, 'b');
  table.unlink(table.root, 'a');
  t.is(table.path(x), '/b');
});
