import { E, FopError } from '../../../../runtime/core/fop-error.js';
import type { Inode, InodeTable } from '../../../../runtime/core/inode.js';

/** Key of the nodeid in an inode's ctx (ctx maps are keyed by objects). */
const NODEID = { name: 'mount/fuse nodeid' };

/**
 * Kernel nodeids <-> inodes. A nodeid is a counter, never a gfid-derived number, so it can never
 * collide; the root is 1. An inode stays reachable by nodeid while the kernel holds lookups on
 * it (Inode.nlookup, counted through the inode table); FORGET gives them back.
 */
export class NodeMap {
  private readonly byId = new Map<bigint, Inode>();
  private next = 2n;

  constructor(readonly itable: InodeTable) {
    this.byId.set(1n, itable.root);
    itable.root.ctxSet(NODEID, 1n);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The inode of a nodeid the kernel sent. Unknown nodeids are stale (never happens unless we lose count). */
  inode(nodeid: bigint): Inode {
    const inode = this.byId.get(nodeid);
    if (!inode) throw new FopError(E.ESTALE, `unknown nodeid ${nodeid}`);
    return inode;
  }

  /** The nodeid this inode has or gets; not yet known to the kernel until `handedOut`. */
  idOf(inode: Inode): bigint {
    let id = inode.ctxGet<bigint>(NODEID);
    if (id === undefined) {
      id = this.next++;
      inode.ctxSet(NODEID, id);
    }
    return id;
  }

  /** The nodeid of an inode the kernel may know, without assigning one. */
  knownId(inode: Inode): bigint | undefined {
    const id = inode.ctxGet<bigint>(NODEID);
    return id !== undefined && this.byId.get(id) === inode ? id : undefined;
  }

  /** A reply gave the kernel one more lookup of this inode. */
  handedOut(inode: Inode): void {
    this.byId.set(this.idOf(inode), inode);
    this.itable.lookedUp(inode);
  }

  /** FORGET: the kernel dropped `n` lookups; at zero the nodeid is gone from the kernel. */
  forget(nodeid: bigint, n: number): void {
    const inode = this.byId.get(nodeid);
    if (!inode || inode === this.itable.root) return;
    this.itable.forget(inode, n);
    if (inode.nlookup === 0) this.byId.delete(nodeid);
  }
}
