import { NULL_GFID, ROOT_GFID, type Gfid } from './gfid.js';
import { IaType } from './iatt.js';

/**
 * An in-memory inode, identified by gfid once a lookup has linked it. Translators keep per-inode
 * state in `ctx`, keyed by the translator object, instead of GlusterFS's uint64 casts.
 */
export class Inode {
  gfid: Gfid = NULL_GFID;
  type: IaType = IaType.INVAL;
  /** Lookups the kernel (or a remote client) holds; FORGET gives them back. */
  nlookup = 0;
  /** References held by in-flight calls and open fds. */
  refs = 0;
  /** The table's gfid index holds this inode (linked and not purged); see InodeTable.link. */
  indexed = false;
  readonly ctx = new Map<object, unknown>();
  /** Names this inode is linked under: `parentGfid/name` keys. */
  readonly dentries = new Set<string>();
  /**
   * The dentry linked last (parent and name), while it still stands: linking the same name again
   * (a lookup, then the FUSE bridge; every entry of every listing) skips building its key.
   */
  lastParent: Inode | null = null;
  lastName = '';
  /** Neighbours in the table's LRU list (null when not in it): see InodeTable.lru. */
  lruPrev: Inode | null = null;
  lruNext: Inode | null = null;

  constructor(readonly table: InodeTable) {}

  get linked(): boolean {
    return this.gfid !== NULL_GFID;
  }

  ctxGet<T>(owner: object): T | undefined {
    return this.ctx.get(owner) as T | undefined;
  }

  ctxSet(owner: object, value: unknown): void {
    this.ctx.set(owner, value);
  }
}

export interface InodeTableOptions {
  /** Unused inodes kept before the least recently used are purged (GlusterFS: 65536 fuse, 16384 server). */
  lruLimit?: number;
  /** Called once per purged inode, so translators can drop their ctx (cbks.forget). */
  onForget?: (inode: Inode) => void;
}

const dentryKey = (parent: Gfid, name: string) => `${parent}/${name}`;

/** The inode lost the dentry parent/name: its remembered last dentry goes if it was that one. */
function forgetLast(inode: Inode, parent: Gfid, name: string): void {
  if (inode.lastParent !== null && inode.lastParent.gfid === parent && inode.lastName === name) inode.lastParent = null;
}

/**
 * gfid index plus parent+name index, as libglusterfs/src/inode.c keeps them. An inode is purged
 * only when nothing refers to it (no refs, no kernel lookups) and the LRU is over its limit.
 */
export class InodeTable {
  readonly root: Inode;
  readonly lruLimit: number;
  private readonly byGfid = new Map<Gfid, Inode>();
  private readonly byDentry = new Map<string, Inode>();
  /**
   * Unused inodes, least recently used first: an intrusive doubly-linked list through
   * Inode.lruPrev/lruNext around a sentinel. Every lookup moves an inode in this list; with a JS
   * Set (delete + add) that move cost a seventh of a brick's CPU in a stat loop (hash churn and
   * table compaction), here it is four pointer writes.
   */
  private readonly lru: Inode;
  private lruCount = 0;
  private readonly onForget?: (inode: Inode) => void;

  constructor(opts: InodeTableOptions = {}) {
    this.lruLimit = opts.lruLimit ?? 65536;
    this.onForget = opts.onForget;
    this.lru = new Inode(this);
    this.lru.lruPrev = this.lru.lruNext = this.lru;
    this.root = new Inode(this);
    this.root.gfid = ROOT_GFID;
    this.root.indexed = true;
    this.root.type = IaType.DIR;
    this.root.nlookup = 1; // the root is never forgotten
    this.byGfid.set(ROOT_GFID, this.root);
  }

  get size(): number { return this.byGfid.size; }
  get lruSize(): number { return this.lruCount; }

  /** A fresh inode not yet linked: its gfid comes from the lookup or create that follows. */
  create(): Inode {
    return new Inode(this);
  }

  find(gfid: Gfid): Inode | undefined {
    const inode = this.byGfid.get(gfid);
    if (inode) this.touch(inode);
    return inode;
  }

  findDentry(parent: Inode | Gfid, name: string): Inode | undefined {
    const p = typeof parent === 'string' ? parent : parent.gfid;
    const inode = this.byDentry.get(dentryKey(p, name));
    if (inode) this.touch(inode);
    return inode;
  }

  /**
   * Link an inode under parent/name with the gfid a lookup returned. When the table already has
   * an inode for that gfid, that one is returned: callers must use the result.
   */
  link(inode: Inode, gfid: Gfid, type: IaType, parent?: Inode, name?: string): Inode {
    // Relinking the inode a lookup was made with (every revalidation) needs no index lookup:
    // that would hash the gfid string the reply just made.
    let target = inode.indexed && inode.gfid === gfid ? inode : this.byGfid.get(gfid);
    if (!target) {
      target = inode;
      target.gfid = gfid;
      target.indexed = true;
      this.byGfid.set(gfid, target);
    }
    if (type !== IaType.INVAL) target.type = type;
    if (parent && name !== undefined && !(target.lastParent === parent && target.lastName === name)) {
      const key = dentryKey(parent.gfid, name);
      const old = this.byDentry.get(key);
      if (old && old !== target) {
        old.dentries.delete(key);
        forgetLast(old, parent.gfid, name);
      }
      // A directory has one name: drop any older dentry (it was renamed behind our back).
      if (target.type === IaType.DIR) for (const k of target.dentries) if (k !== key) this.byDentry.delete(k), target.dentries.delete(k);
      this.byDentry.set(key, target);
      target.dentries.add(key);
      target.lastParent = parent;
      target.lastName = name;
    }
    // An inode nobody holds yet is still subject to the LRU, so linking alone can never grow the
    // table without bound (a listing's surplus entries, a lookup nobody keeps). It is trimmed by
    // the next release, not here: the caller is about to take a reference or a kernel lookup.
    if (target.lruNext === null && target !== this.root && target.refs === 0 && target.nlookup === 0) this.lruAppend(target);
    else this.touch(target);
    return target;
  }

  unlink(parent: Inode | Gfid, name: string): void {
    const pgfid = typeof parent === 'string' ? parent : parent.gfid;
    const key = dentryKey(pgfid, name);
    const inode = this.byDentry.get(key);
    if (!inode) return;
    this.byDentry.delete(key);
    inode.dentries.delete(key);
    forgetLast(inode, pgfid, name);
    this.maybePurge(inode);
  }

  rename(oldParent: Inode, oldName: string, newParent: Inode, newName: string): void {
    const inode = this.byDentry.get(dentryKey(oldParent.gfid, oldName));
    this.unlink(newParent, newName);
    if (!inode) return;
    this.byDentry.delete(dentryKey(oldParent.gfid, oldName));
    inode.dentries.delete(dentryKey(oldParent.gfid, oldName));
    const key = dentryKey(newParent.gfid, newName);
    this.byDentry.set(key, inode);
    inode.dentries.add(key);
    inode.lastParent = newParent;
    inode.lastName = newName;
  }

  ref(inode: Inode): Inode {
    inode.refs++;
    this.lruRemove(inode);
    return inode;
  }

  unref(inode: Inode): void {
    if (inode.refs > 0) inode.refs--;
    this.maybePurge(inode);
  }

  /** The kernel or a client looked this inode up once more. */
  lookedUp(inode: Inode): void {
    inode.nlookup++;
    this.lruRemove(inode);
  }

  /** The kernel forgot `n` lookups. */
  forget(inode: Inode, n: number): void {
    if (inode === this.root) return;
    inode.nlookup = Math.max(0, inode.nlookup - n);
    this.maybePurge(inode);
  }

  /** A path for logs and for loc.path: `/a/b`, or `<gfid:...>` when the chain is not known. */
  path(inode: Inode, name?: string): string {
    const parts: string[] = [];
    if (name !== undefined) parts.push(name);
    let cur: Inode | undefined = inode;
    for (let depth = 0; cur && cur !== this.root; depth++) {
      const up: { parent: Inode | undefined; name: string } | undefined = depth <= 4096 ? this.up(cur) : undefined;
      if (up === undefined) return `<gfid:${cur.gfid}>${parts.length ? '/' + parts.reverse().join('/') : ''}`;
      parts.push(up.name);
      cur = up.parent;
    }
    return '/' + parts.reverse().join('/');
  }

  /** Parent inode of the first dentry, if known. */
  parentOf(inode: Inode): Inode | undefined {
    return this.up(inode)?.parent;
  }

  /**
   * One of the inode's names and the parent it is in. The dentry linked last is at hand on the
   * inode itself while it stands and its parent is in the table (the usual case); otherwise the
   * first dentry's key is split, and its parent looked up by gfid, which hashes a string made
   * for it (loc paths are built for every request).
   */
  private up(inode: Inode): { parent: Inode | undefined; name: string } | undefined {
    const last = inode.lastParent;
    if (last !== null && last.indexed) return { parent: last, name: inode.lastName };
    const key: string | undefined = inode.dentries.values().next().value;
    if (key === undefined) return undefined;
    const slash = key.indexOf('/');
    return { parent: this.byGfid.get(key.slice(0, slash)), name: key.slice(slash + 1) };
  }

  private lruRemove(inode: Inode): void {
    if (inode.lruNext === null) return;
    inode.lruPrev!.lruNext = inode.lruNext;
    inode.lruNext.lruPrev = inode.lruPrev;
    inode.lruPrev = inode.lruNext = null;
    this.lruCount--;
  }

  /** Put at the most recently used end. */
  private lruAppend(inode: Inode): void {
    const tail = this.lru.lruPrev!;
    inode.lruPrev = tail;
    inode.lruNext = this.lru;
    tail.lruNext = inode;
    this.lru.lruPrev = inode;
    this.lruCount++;
  }

  private touch(inode: Inode): void {
    if (inode.lruNext !== null) {
      this.lruRemove(inode);
      this.lruAppend(inode);
    }
  }

  private maybePurge(inode: Inode): void {
    if (inode === this.root || inode.refs > 0 || inode.nlookup > 0) return;
    this.lruRemove(inode);
    this.lruAppend(inode);
    while (this.lruCount > this.lruLimit) this.purge(this.lru.lruNext!);
  }

  /** Drop every unused inode now (used at teardown and by tests). */
  prune(): void {
    while (this.lruCount > 0) this.purge(this.lru.lruNext!);
  }

  private purge(inode: Inode): void {
    this.lruRemove(inode);
    for (const key of inode.dentries) this.byDentry.delete(key);
    inode.dentries.clear();
    inode.lastParent = null;
    if (this.byGfid.get(inode.gfid) === inode) this.byGfid.delete(inode.gfid);
    inode.indexed = false;
    this.onForget?.(inode);
    inode.ctx.clear();
  }
}
