import test from 'ava';
import { FopError } from '../../runtime/core/fop-error.js';
import { newGfid } from '../../runtime/core/gfid.js';
import { IaType } from '../../runtime/core/iatt.js';
import { InodeTable } from '../../runtime/core/inode.js';
import { NodeMap } from '../../xlators/mount/fuse/bridge/nodes.js';

function setup() {
  const itable = new InodeTable();
  const nodes = new NodeMap(itable);
  const inode = itable.link(itable.create(), newGfid(), IaType.REG, itable.root, 'f');
  return { itable, nodes, inode };
}

test('the root is nodeid 1 and the kernel can always reach it', (t) => {
  const { itable, nodes } = setup();
  t.is(nodes.inode(1n), itable.root);
  t.is(nodes.knownId(itable.root), 1n);
  nodes.forget(1n, 100);
  t.is(nodes.inode(1n), itable.root);
});

test('a nodeid is reachable from the first reply that hands it out until the kernel forgets every lookup', (t) => {
  const { nodes, inode } = setup();
  const id = nodes.idOf(inode);
  t.is(nodes.knownId(inode), undefined, 'assigned, not yet handed out');
  t.throws(() => nodes.inode(id), { instanceOf: FopError, message: /unknown nodeid/ });
  nodes.handedOut(inode);
  nodes.handedOut(inode);
  t.is(inode.nlookup, 2);
  t.is(nodes.size, 2, 'the root and this one, once');
  t.is(nodes.inode(id), inode);
  nodes.forget(id, 1);
  t.is(nodes.inode(id), inode, 'one lookup left');
  nodes.forget(id, 1);
  t.is(nodes.knownId(inode), undefined);
  t.throws(() => nodes.inode(id), { instanceOf: FopError });
  t.is(nodes.size, 1);
  nodes.handedOut(inode);
  t.is(nodes.inode(id), inode, 'handed out again under the same nodeid');
  t.is(nodes.knownId(inode), id);
});

test('nodeids are never reused for another inode', (t) => {
  const { itable, nodes, inode } = setup();
  const other = itable.link(itable.create(), newGfid(), IaType.REG, itable.root, 'g');
  const a = nodes.idOf(inode);
  const b = nodes.idOf(other);
  t.not(a, b);
  nodes.handedOut(inode);
  nodes.forget(a, 1);
  const third = itable.link(itable.create(), newGfid(), IaType.REG, itable.root, 'h');
  const thirdId = nodes.idOf(third);
  t.true(thirdId > b);
  // Forgotten and purged (its ctx, where the nodeid was kept, cleared), then found again: the
  // same gfid comes back under a new nodeid, and the old one stays unknown.
  itable.prune();
  t.is(itable.find(inode.gfid), undefined, 'purged');
  const again = itable.link(itable.create(), inode.gfid, IaType.REG, itable.root, 'f');
  const c = nodes.idOf(again);
  t.true(c > thirdId);
  nodes.handedOut(again);
  t.is(nodes.inode(c), again);
  t.throws(() => nodes.inode(a), { instanceOf: FopError });
});
