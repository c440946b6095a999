import { E, FopError } from '../../../../runtime/core/fop-error.js';
import type { Inode, InodeTable } from '../../../../runtime/core/inode.js';

/** Key of an inode's Node in its ctx (ctx maps are keyed by objects). */
const NODEID = { name: 'mount/fuse nodeid' };

/** An inode's nodeid, as the table's key and as the kernel sees it, and whether the kernel holds it. */
interface Node {
  readonly id: number;
  readonly big: bigint;
  /** In byId: the kernel holds lookups on it. */
  live: boolean;
}

/**
 * Kernel nodeids <-> inodes. A nodeid is a counter, never a gfid-derived number, so it can never
 * collide; the root is 1. An inode stays reachable by nodeid while the kernel holds lookups on
 * it (Inode.nlookup, counted through the inode table); FORGET gives them back.
 *
 * The table is keyed by numbers, not the bigints the kernel's requests carry: a Map hashes a
 * small integer key for free, where a bigint key is hashed digit by digit on every request. A
 * counter stays exact as a number far beyond what a mount hands out (2^53).
 */
export class NodeMap {
  private readonly byId = new Map<number, Inode>();
  private next = 2;

  constructor(readonly itable: InodeTable) {
    const root: Node = { id: 1, big: 1n, live: true };
    this.byId.set(1, itable.root);
    itable.root.ctxSet(NODEID, root);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The inode of a nodeid the kernel sent. Unknown nodeids are stale (never happens unless we lose count). */
  inode(nodeid: bigint): Inode {
    const inode = this.byId.get(Number(nodeid));
    if (!inode) throw new FopError(E.ESTALE, `unknown nodeid ${nodeid}`);
    return inode;
  }

  private node(inode: Inode): Node {
    let n = inode.ctxGet<Node>(NODEID);
    if (n === undefined) {
      const id = this.next++;
      n = { id, big: BigInt(id), live: false };
      inode.ctxSet(NODEID, n);
    }
    return n;
  }

  /** The nodeid this inode has or gets; not yet known to the kernel until `handedOut`. */
  idOf(inode: Inode): bigint {
    return this.node(inode).big;
  }

  /** The nodeid of an inode the kernel may know, without assigning one. */
  knownId(inode: Inode): bigint | undefined {
    const n = inode.ctxGet<Node>(NODEID);
    return n?.live ? n.big : undefined;
  }

  /**
   * A reply gave the kernel one more lookup of this inode. Most replies are of an inode the
   * kernel holds already (a revalidating lookup): only the first puts it in the table.
   */
  handedOut(inode: Inode): void {
    const n = this.node(inode);
    if (!n.live) {
      this.byId.set(n.id, inode);
      n.live = true;
    }
    this.itable.lookedUp(inode);
  }

  /** FORGET: the kernel dropped `n` lookups; at zero the nodeid is gone from the kernel. */
  forget(nodeid: bigint, n: number): void {
    const id = Number(nodeid);
    const inode = this.byId.get(id);
    if (!inode || inode === this.itable.root) return;
    this.itable.forget(inode, n);
    if (inode.nlookup === 0) {
      this.byId.delete(id);
      const node = inode.ctxGet<Node>(NODEID);
      if (node) node.live = false;
    }
  }
}
