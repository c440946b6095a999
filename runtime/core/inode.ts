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
  /** A directory's path, valid while the table's pathGen is still `pathGen` (see InodeTable.path). */
  pathCache = '';
  pathGen = -1;
  /** Was ever linked as a directory: paths below it may have been built through it. */
  everDir = false;
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

/**
 * parent gfid -> name -> inode. Two levels, so that finding a name hashes the name alone: the
 * parent's gfid is the string its inode holds (hashed once, the hash kept in the string), where
 * a key concatenated per lookup had to be flattened and hashed whole every time.
 */
class DentryIndex {
  private readonly byParent = new Map<Gfid, Map<string, Inode>>();

  get(parent: Gfid, name: string): Inode | undefined {
    return this.byParent.get(parent)?.get(name);
  }

  set(parent: Gfid, name: string, inode: Inode): void {
    let names = this.byParent.get(parent);
    if (!names) this.byParent.set(parent, (names = new Map()));
    names.set(name, inode);
  }

  delete(parent: Gfid, name: string): void {
    const names = this.byParent.get(parent);
    if (names && names.delete(name) && names.size === 0) this.byParent.delete(parent);
  }

  /** Delete by an Inode.dentries key (`parentGfid/name`: a gfid has no slash). */
  deleteKey(key: string): void {
    const slash = key.indexOf('/');
    this.delete(key.slice(0, slash), key.slice(slash + 1));
  }
}

/** Whether a dentry change of this inode can change directory paths (see InodeTable.path). */
const mayBeDir = (inode: Inode): boolean => inode.everDir || inode.type === IaType.DIR || inode.type === IaType.INVAL;

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
  private readonly byDentry = new DentryIndex();
  /**
   * Moves on whenever an inode that is or was a directory gains or loses a name, or leaves the
   * gfid index: cached directory paths made before are stale. (Entering the index alone changes
   * no path: a nameless directory's path is its gfid either way.)
   */
  private pathGen = 0;
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
    const inode = this.byDentry.get(p, name);
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
    // Sticky: a gfid back as another type (never in a sane volume) still invalidates the paths
    // that were built through it when its names change (mayBeDir).
    if (type === IaType.DIR) target.everDir = true;
    if (parent && name !== undefined && !(target.lastParent === parent && target.lastName === name)) {
      const key = dentryKey(parent.gfid, name);
      const old = this.byDentry.get(parent.gfid, name);
      if (old && old !== target) {
        old.dentries.delete(key);
        forgetLast(old, parent.gfid, name);
        if (mayBeDir(old)) this.pathGen++;
      }
      // A directory has one name: drop any older dentry (it was renamed behind our back).
      if (target.type === IaType.DIR) for (const k of target.dentries) if (k !== key) this.byDentry.deleteKey(k), target.dentries.delete(k);
      this.byDentry.set(parent.gfid, name, target);
      target.dentries.add(key);
      target.lastParent = parent;
      target.lastName = name;
      if (mayBeDir(target)) this.pathGen++;
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
    const inode = this.byDentry.get(pgfid, name);
    if (!inode) return;
    this.byDentry.delete(pgfid, name);
    inode.dentries.delete(dentryKey(pgfid, name));
    forgetLast(inode, pgfid, name);
    if (mayBeDir(inode)) this.pathGen++;
    this.maybePurge(inode);
  }

  rename(oldParent: Inode, oldName: string, newParent: Inode, newName: string): void {
    const inode = this.byDentry.get(oldParent.gfid, oldName);
    this.unlink(newParent, newName);
    if (!inode) return;
    this.byDentry.delete(oldParent.gfid, oldName);
    inode.dentries.delete(dentryKey(oldParent.gfid, oldName));
    this.byDentry.set(newParent.gfid, newName, inode);
    inode.dentries.add(dentryKey(newParent.gfid, newName));
    inode.lastParent = newParent;
    inode.lastName = newName;
    if (mayBeDir(inode)) this.pathGen++;
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

  /**
   * A path for logs and for loc.path: `/a/b`, or `<gfid:...>` when the chain is not known. Every
   * request's loc has one, so a directory's own path is kept on it until a directory anywhere
   * gains or loses a name (pathGen): a lookup in a directory then costs one concatenation.
   */
  path(inode: Inode, name?: string): string {
    const p = this.pathOf(inode);
    return name === undefined ? p : p === '/' ? `/${name}` : `${p}/${name}`;
  }

  private pathOf(inode: Inode): string {
    if (inode === this.root) return '/';
    if (inode.pathGen === this.pathGen) return inode.pathCache;
    const parts: string[] = [];
    let p: string | undefined;
    let cur: Inode = inode;
    for (let depth = 0; cur !== this.root; depth++) {
      const up: { parent: Inode | undefined; pgfid: Gfid; name: string } | undefined = depth <= 4096 ? this.up(cur) : undefined;
      if (up === undefined) {
        p = `<gfid:${cur.gfid}>`;
        break;
      }
      parts.push(up.name);
      if (up.parent === undefined) {
        // A name in a directory the table no longer has (purged): anchored at its gfid.
        p = `<gfid:${up.pgfid}>`;
        break;
      }
      cur = up.parent;
    }
    parts.reverse();
    p = p === undefined ? '/' + parts.join('/') : parts.length ? `${p}/${parts.join('/')}` : p;
    if (inode.type === IaType.DIR) {
      inode.pathCache = p;
      inode.pathGen = this.pathGen;
    }
    return p;
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
  private up(inode: Inode): { parent: Inode | undefined; pgfid: Gfid; name: string } | undefined {
    const last = inode.lastParent;
    if (last !== null && last.indexed) return { parent: last, pgfid: last.gfid, name: inode.lastName };
    const key: string | undefined = inode.dentries.values().next().value;
    if (key === undefined) return undefined;
    const slash = key.indexOf('/');
    const pgfid = key.slice(0, slash);
    return { parent: this.byGfid.get(pgfid), pgfid, name: key.slice(slash + 1) };
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
    for (const key of inode.dentries) this.byDentry.deleteKey(key);
    if (mayBeDir(inode) && (inode.dentries.size > 0 || inode.indexed)) this.pathGen++;
    inode.dentries.clear();
    inode.lastParent = null;
    if (inode.indexed) this.byGfid.delete(inode.gfid);
    inode.indexed = false;
    this.onForget?.(inode);
    inode.ctx.clear();
  }
}
