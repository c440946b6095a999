import type { IocInode, Usage } from './pages.js';

/**
 * ioc_table_t's bookkeeping: bytes used, and one least-recently-used list of inodes per
 * priority (GlusterFS's inode_lru[weight]). Sets keep insertion order, so re-inserting an inode
 * on use makes the first entry the least recently used.
 */
export class CacheTable implements Usage {
  used = 0;
  /** Bytes given back by pruning since init (for dump). */
  pruned = 0;
  private readonly lru = new Map<number, Set<IocInode>>();

  constructor(public size: number) {}

  get inodeCount(): number {
    let n = 0;
    for (const set of this.lru.values()) n += set.size;
    return n;
  }

  /** Add or move an inode to the most recently used end of its priority's list. */
  touch(ioc: IocInode): void {
    for (const [weight, set] of this.lru) if (weight !== ioc.weight) set.delete(ioc);
    let set = this.lru.get(ioc.weight);
    if (!set) this.lru.set(ioc.weight, (set = new Set()));
    set.delete(ioc);
    set.add(ioc);
  }

  remove(ioc: IocInode): void {
    this.lru.get(ioc.weight)?.delete(ioc);
  }

  /** Every inode, lowest priority first, least recently used first within a priority. */
  *inodes(): Generator<IocInode> {
    for (const weight of [...this.lru.keys()].sort((a, b) => a - b)) yield* [...this.lru.get(weight)!];
  }

  /**
   * ioc_prune: over the limit, drop ready pages (oldest first within an inode) from the lowest
   * priority, least recently used inode onwards until usage is back under the limit. Pages in
   * flight are not counted yet and are left alone.
   */
  prune(): number {
    const target = this.used - this.size;
    if (target <= 0) return 0;
    let freed = 0;
    for (const ioc of this.inodes()) {
      for (const page of [...ioc.pages.values()]) {
        if (!page.data) continue;
        freed += ioc.drop(page);
        if (freed >= target) break;
      }
      if (freed >= target) break;
    }
    this.pruned += freed;
    return freed;
  }
}
