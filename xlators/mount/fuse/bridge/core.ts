import { readFileSync } from 'node:fs';
import { FdTable, type Fd } from '../../../../runtime/core/fd.js';
import { E, FopError } from '../../../../runtime/core/fop-error.js';
import { createFrame, type Frame } from '../../../../runtime/core/frame.js';
import { IaType, S_ISGID, S_ISUID, type Iatt } from '../../../../runtime/core/iatt.js';
import type { Inode } from '../../../../runtime/core/inode.js';
import { childLoc, type Loc } from '../../../../runtime/core/loc.js';
import type { BoundFops } from '../../../../runtime/fops/signatures.js';
import type { Graph } from '../../../../runtime/graph/graph.js';
import type { Logger } from '../../../../runtime/log/logger.js';
import { Fopen, InitFlag } from '../kernel/abi.js';
import type { ConnInfo, Entry, RequestContext } from '../kernel/types.js';
import { toAttr } from './attr.js';
import { NodeMap } from './nodes.js';

export interface BridgeOptions {
  attributeTimeout: number;
  entryTimeout: number;
  negativeTimeout: number;
  /** FOPEN_DIRECT_IO on every open. */
  directIo: boolean;
  /**
   * FOPEN_KEEP_CACHE on file opens (GlusterFS's fopen-keep-cache, on by default there): pages
   * outlive opens, and attrsSeen/changedHere drop them when another client changed the file.
   */
  keepCache?: boolean;
  /** Identifies this mount as a client (locks and fds are released by it). */
  client: string;
  /** Pass security.selinux (and security.capability) to the volume; otherwise answered here. */
  selinux?: boolean;
  /** Pass security.capability to the volume; otherwise answered here. */
  capability?: boolean;
  /** Bytes of entries a readdir(p) asks of the volume (at least the kernel's request size). */
  readdirSize?: number;
  /** FOPEN_CACHE_DIR on directory opens: the kernel keeps listings for up to attributeTimeout. */
  readdirCache?: boolean;
}

/**
 * GlusterFS's fuse bridge (fuse_check_selinux_cap_xattr) keeps security.selinux and
 * security.capability away from the volume unless asked to: the kernel probes
 * security.capability on every write and create, and a round trip for an xattr that is never
 * there costs a whole request. `undefined` means the name goes to the volume.
 */
export function securityXattrRefused(opts: BridgeOptions, name: string): boolean {
  if (name === 'security.selinux') return !opts.selinux;
  if (name === 'security.capability') return !(opts.capability || opts.selinux);
  return false;
}

type State = 'waiting' | 'up' | 'down';

/** Inode ctx key: the mtime (ns) a regular file had when this mount last changed or reported it. */
const MTIME = { name: 'mount/fuse mtime' };
/**
 * Inode ctx key: attributes a reply to this mount's own fop left, kept to answer the kernel's next
 * GETATTR (a directory's from an entry fop's postparent, a file's from a WRITE's postbuf).
 */
const KEPT_ATTRS = { name: 'mount/fuse kept attrs' };
/** Inode ctx key: WRITEs of this mount in flight on a file, and how many were ever started. */
const WRITES = { name: 'mount/fuse writes' };
/** Inode ctx key: the kernel's pages of this file are known stale (see dropPages). */
const STALE_PAGES = { name: 'mount/fuse stale pages' };
const nsOf = (b: Iatt): number => b.mtime.sec * 1e9 + b.mtime.nsec;
/** Inode ctx key: names this mount removed from a directory, with when (see nameRemoved). */
const REMOVED = { name: 'mount/fuse removed names' };
/** Names remembered per directory at most, and for how long (listings are used for a second). */
const REMOVED_LIMIT = 4096;
const REMOVED_MS = 10_000;
/** A directory's removed names: when (removal count and time), in removal order. */
type Removed = Map<string, { clock: number; at: number }>;
/** Inode ctx key: a regular file's last attributes, when they had S_ISUID or S_ISGID (see suid.ts). */
const SUID_SEEN = { name: 'mount/fuse suid seen' };

/** What /proc/PID/status tells of a caller: supplementary groups, effective capabilities. */
export interface Caller {
  groups: number[];
  /** CapEff; undefined when the process is gone. */
  capEff?: bigint;
}

/**
 * Callers' /proc/PID/status, cached briefly (/proc is cheap but not free on every request), by
 * pid and credentials: a process that changes its uid or gid is read afresh.
 */
class CallerCache {
  private readonly cache = new Map<number, { caller: Caller; uid: number; gid: number; at: number }>();

  get(ctx: { pid: number; uid: number; gid: number }): Caller {
    if (ctx.pid <= 0) return { groups: [] };
    const now = Date.now();
    const hit = this.cache.get(ctx.pid);
    if (hit && hit.uid === ctx.uid && hit.gid === ctx.gid && now - hit.at < 1000) return hit.caller;
    const caller: Caller = { groups: [] };
    try {
      const status = readFileSync(`/proc/${ctx.pid}/status`, 'utf8');
      caller.groups = (/^Groups:(.*)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
      const cap = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
      if (cap) caller.capEff = BigInt(`0x${cap}`);
    } catch {
      // the process is gone already: no groups
    }
    if (this.cache.size > 1024) this.cache.clear();
    this.cache.set(ctx.pid, { caller, uid: ctx.uid, gid: ctx.gid, at: now });
    return caller;
  }
}

/**
 * What every request handler needs: the graph's entry fops, nodeid and fh tables, loc and entry
 * builders, frames, and the gate that holds requests until the graph reports CHILD_UP.
 */
export class BridgeCore {
  readonly nodes: NodeMap;
  readonly fds = new FdTable();
  private state: State = 'waiting';
  private waiters: (() => void)[] = [];
  private readonly callers = new CallerCache();
  /** HANDLE_KILLPRIV_V2 was agreed: clearing S_ISUID/S_ISGID is ours (suid.ts). */
  killPrivV2 = false;
  /** A count of this mount's removals of names (nameRemoved): removedAfter compares against it. */
  private removals = 0;
  /** open_flags for every file open, settled at INIT (see BridgeOptions.keepCache). */
  fileOpenFlags = 0;
  /** open_flags for every directory open, settled at INIT (see BridgeOptions.readdirCache). */
  dirOpenFlags = 0;
  /** The kernel's cached listings are dropped by the mount once as old as attributes may be. */
  private listingsExpire = false;
  /** Directories whose kernel listing is due to be dropped (listingRead). */
  private readonly listingTimers = new Map<Inode, NodeJS.Timeout>();
  /** Sends FUSE_NOTIFY_INVAL_INODE (set by mount/fuse once the session exists). */
  invalidate: ((nodeid: bigint) => void) | undefined;

  constructor(
    readonly graph: Graph,
    readonly opts: BridgeOptions,
    readonly log: Logger,
  ) {
    this.nodes = new NodeMap(graph.itable);
    this.fileOpenFlags = opts.directIo ? Fopen.DIRECT_IO : 0;
  }

  /** Pages are kept across opens: changes seen from elsewhere must invalidate them (see `attrsSeen`). */
  get keepingCache(): boolean {
    return (this.fileOpenFlags & Fopen.KEEP_CACHE) !== 0;
  }

  /** INIT answered: decide what the kernel may cache, now that its flags are known. */
  negotiated(conn: ConnInfo): void {
    // Keeping pages needs our own invalidations: inode notifications arrived in protocol 7.12.
    const keep = this.opts.keepCache === true && conn.minor >= 12;
    this.fileOpenFlags = this.opts.directIo ? Fopen.DIRECT_IO : keep ? Fopen.KEEP_CACHE : 0;
    // FOPEN_CACHE_DIR came with protocol 7.28; without KEEP_CACHE every opendir would drop it.
    this.dirOpenFlags = this.opts.readdirCache === true && conn.minor >= 28 ? Fopen.CACHE_DIR | Fopen.KEEP_CACHE : 0;
    // With FUSE_AUTO_INVAL_DATA the kernel itself refreshes a directory's mtime before it answers
    // a listing from its cache (fuse_readdir_cached); without it (fopen-keep-cache, see
    // attrsSeen) cached listings need the mount to drop them (listingRead).
    this.listingsExpire = this.dirOpenFlags !== 0 && (conn.flags & InitFlag.AUTO_INVAL_DATA) === 0;
    this.killPrivV2 = (conn.flags & InitFlag.HANDLE_KILLPRIV_V2) !== 0;
  }

  /**
   * A listing of `dir` starts (a request at offset 0) on a directory fd the kernel may cache: the
   * kernel fills its cache from this listing and answers later ones from it until this mount
   * changes the directory or the kernel sees another mtime for it. Without AUTO_INVAL_DATA,
   * another client's change shows only once something refreshes the directory's attributes,
   * which a process that keeps the directory open and rewinds it never does: so the cached
   * listing is dropped (its pages invalidated, FUSE_NOTIFY_INVAL_INODE) once it is as old as
   * attributes may be. A timer already running is kept: it drops a newer listing early, never an
   * older one late.
   */
  listingRead(dir: Inode): void {
    if (!this.listingsExpire || this.listingTimers.has(dir)) return;
    const timer = setTimeout(() => {
      this.listingTimers.delete(dir);
      const nodeid = this.nodes.knownId(dir);
      if (nodeid !== undefined) this.invalidate?.(nodeid);
    }, this.opts.attributeTimeout * 1000);
    timer.unref();
    this.listingTimers.set(dir, timer);
  }

  /** The mount is going away: pending listing expiries are dropped with the inodes they hold. */
  stop(): void {
    for (const timer of this.listingTimers.values()) clearTimeout(timer);
    this.listingTimers.clear();
    this.setChildState('down');
  }

  /** The groups and capabilities of the process behind a request. */
  caller(ctx: RequestContext): Caller {
    return this.callers.get(ctx);
  }

  /**
   * Page-cache coherence when pages are kept across opens. The kernel's own FUSE_AUTO_INVAL_DATA
   * drops a file's pages whenever a refreshed mtime differs from the one it holds, which our own
   * writes always cause (a WRITE reply carries no attributes), so every read after a write would
   * go to the volume again. Instead we remember the mtime each regular file had after the last
   * change made through this mount (or last reported to the kernel) and invalidate the pages only
   * when attributes from the volume show a different one: a change made by someone else.
   * GlusterFS 10.3's mount keeps pages across opens with no invalidation at all unless md-cache
   * upcalls tell it; this is that cache with the coherence of auto-invalidation.
   */
  attrsSeen(inode: Inode, buf: Iatt): void {
    // Fresher attributes (a lookup, a setattr) supersede what parentSeen or writeDone kept.
    this.forgetKeptAttrs(inode);
    this.suidSeen(inode, buf);
    if (!this.keepingCache || buf.type !== IaType.REG) return;
    const mtime = nsOf(buf);
    const known = inode.ctxGet<number>(MTIME);
    inode.ctxSet(MTIME, mtime);
    if (known !== undefined && known !== mtime) this.dropPages(inode);
  }

  /**
   * A change made through this mount: its new mtime (`post`) is expected, not a reason to
   * invalidate. But when the file's mtime before it (`pre`) is not the one we knew, someone else
   * changed the file first, and our pages may hold their old bytes: dropped.
   */
  changedHere(inode: Inode, pre: Iatt | undefined, post: Iatt | undefined): void {
    this.forgetKeptAttrs(inode);
    if (post) this.suidSeen(inode, post);
    if (!this.keepingCache || !post || post.type !== IaType.REG) return;
    const known = inode.ctxGet<number>(MTIME);
    if (known !== undefined && (!pre || nsOf(pre) !== known)) this.dropPages(inode);
    inode.ctxSet(MTIME, nsOf(post));
  }

  /** Remember whether a regular file's latest attributes carry S_ISUID or S_ISGID. */
  private suidSeen(inode: Inode, buf: Iatt): void {
    if (buf.type === IaType.REG && (buf.mode & (S_ISUID | S_ISGID)) !== 0) inode.ctxSet(SUID_SEEN, buf);
    else if (inode.ctx.size !== 0) inode.ctx.delete(SUID_SEEN);
  }

  /** Now, on the scale `removedAfter` uses: note it when asking the volume for a listing. */
  get removalClock(): number {
    return this.removals;
  }

  /**
   * This mount removed `name` from `dir` (unlink, rmdir, rename away or over). Entries of a
   * listing asked for before that are not handed to the kernel under that name: it would take
   * them for names that exist, or for the file a rename replaced. (A name that is back by then is
   * left out too: a listing may miss names created while it runs.) Records older than a listing
   * can be used (REMOVED_MS) are dropped, the oldest first when a directory has too many.
   */
  nameRemoved(dir: Inode, name: string): void {
    let r = dir.ctxGet<Removed>(REMOVED);
    if (!r) dir.ctxSet(REMOVED, (r = new Map()));
    const now = Date.now();
    for (const [k, v] of r) {
      if (v.at > now - REMOVED_MS && r.size < REMOVED_LIMIT) break;
      r.delete(k);
    }
    r.delete(name); // re-inserted last: the map stays in removal order
    r.set(name, { clock: ++this.removals, at: now });
  }

  /** The names removed from `dir` after `clock` (removalClock when a listing was asked for), if any. */
  removedAfter(dir: Inode, clock: number): ((name: string) => boolean) | undefined {
    const r = dir.ctxGet<Removed>(REMOVED);
    if (!r || this.removals <= clock) return undefined;
    return (name) => (r.get(name)?.clock ?? 0) > clock;
  }

  /** The file's last attributes, if they had S_ISUID or S_ISGID. */
  seenWithSuid(inode: Inode): Iatt | undefined {
    return inode.ctxGet<Iatt>(SUID_SEEN);
  }

  /** This mount changed the file in a way no reply describes (O_TRUNC at open): forget what it knew. */
  changedUnseen(inode: Inode): void {
    inode.ctx.delete(MTIME);
    this.forgetKeptAttrs(inode);
  }

  /**
   * Another client changed the file: its kept pages are stale. The kernel is told at once
   * (FUSE_NOTIFY_INVAL_INODE, for opens already in progress), and the next OPEN answers without
   * FOPEN_KEEP_CACHE so the kernel drops the pages before that open returns: the notification is
   * written from the thread pool and could otherwise land after the read that follows the open.
   */
  private dropPages(inode: Inode): void {
    inode.ctxSet(STALE_PAGES, true);
    const nodeid = this.nodes.knownId(inode);
    if (nodeid !== undefined) this.invalidate?.(nodeid);
  }

  /**
   * The parent's attributes after an entry fop of ours (the reply's postparent). The kernel
   * drops its cached attributes of a directory whose entries it changed and asks for them again
   * with the next request in it (a permission check): that GETATTR is answered from here, once,
   * within the attribute timeout, instead of a round trip (a stat of the directory on every
   * brick under distribute), as GlusterFS's md-cache serves it from the same postparent.
   */
  parentSeen(parent: Inode, buf: Iatt | undefined): void {
    if (!buf || buf.type !== IaType.DIR || this.opts.attributeTimeout <= 0 || buf.gfid !== parent.gfid) return;
    parent.ctxSet(KEPT_ATTRS, { buf, at: Date.now() });
  }

  /**
   * Something changed the attributes (this mount's setattr, xattrs, renames, reads moving atime,
   * fresher attributes seen): what was kept is stale, and so is the postbuf of any WRITE already
   * in flight, whose reply may come back after this (the generation moves on).
   */
  forgetKeptAttrs(inode: Inode | undefined): void {
    if (!inode) return;
    inode.ctx.delete(KEPT_ATTRS);
    const w = inode.ctxGet<{ inflight: number; gen: number }>(WRITES);
    if (w) w.gen++;
  }

  /**
   * A WRITE of this mount is about to go out. The kernel drops a file's cached size and times
   * after every write it sends (a WRITE reply carries no attributes) and asks for them with the
   * next stat: writeDone keeps the attributes the volume sent back (postbuf) to answer that
   * GETATTR, once, within the attribute timeout, as GlusterFS's md-cache serves a stat from the
   * last writev's postbuf. The token is the file's generation after this start, or 0 (never a
   * generation) when another write was in flight: with several, replies can come back in another
   * order than the writes landed.
   */
  writeStarted(inode: Inode): number {
    inode.ctx.delete(KEPT_ATTRS);
    let w = inode.ctxGet<{ inflight: number; gen: number }>(WRITES);
    if (!w) inode.ctxSet(WRITES, (w = { inflight: 0, gen: 0 }));
    const alone = w.inflight === 0;
    w.inflight++;
    w.gen++;
    return alone ? w.gen : 0;
  }

  /**
   * The WRITE started as `token` is over (`post` undefined: it failed): our own change
   * (changedHere), and its postbuf kept when nothing moved the file's generation since it started
   * (no other write, no forgetKeptAttrs).
   */
  writeDone(inode: Inode, token: number, pre: Iatt | undefined, post: Iatt | undefined): void {
    const w = inode.ctxGet<{ inflight: number; gen: number }>(WRITES);
    const kept = w !== undefined && token === w.gen;
    if (w) w.inflight--;
    if (!post) return;
    this.changedHere(inode, pre, post);
    if (kept && this.opts.attributeTimeout > 0 && post.type === IaType.REG && post.gfid === inode.gfid) inode.ctxSet(KEPT_ATTRS, { buf: post, at: Date.now() });
  }

  /** What parentSeen or writeDone kept for `inode`, if still fresh; taken (used once). */
  takeKeptAttrs(inode: Inode): Iatt | undefined {
    const kept = inode.ctxGet<{ buf: Iatt; at: number }>(KEPT_ATTRS);
    if (!kept) return undefined;
    inode.ctx.delete(KEPT_ATTRS);
    return Date.now() - kept.at < this.opts.attributeTimeout * 1000 ? kept.buf : undefined;
  }

  /** open_flags for an OPEN or CREATE of `inode` (see dropPages). */
  openFlagsFor(inode: Inode): number {
    if (!this.keepingCache || !inode.ctxGet<boolean>(STALE_PAGES)) return this.fileOpenFlags;
    inode.ctx.delete(STALE_PAGES);
    return this.fileOpenFlags & ~Fopen.KEEP_CACHE;
  }

  get fops(): BoundFops {
    return this.graph.fops;
  }

  get itable() {
    return this.graph.itable;
  }

  get childState(): State {
    return this.state;
  }

  /** CHILD_UP opens the gate; CHILD_DOWN makes every request fail with ENOTCONN. */
  setChildState(state: 'up' | 'down'): void {
    this.state = state;
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  /** Wait for the graph (GlusterFS blocks fuse requests until the first CHILD_UP/CHILD_DOWN). */
  async gate(req: { readonly signal: AbortSignal }): Promise<void> {
    while (this.state === 'waiting') {
      const signal = req.signal;
      if (signal.aborted) throw new FopError(E.EINTR);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    if (this.state === 'down') throw new FopError(E.ENOTCONN, 'the volume is not connected (CHILD_DOWN)');
  }

  frame(ctx: RequestContext, lkOwner?: Buffer, withGroups = true): Frame {
    return createFrame({
      uid: ctx.uid,
      gid: ctx.gid,
      pid: ctx.pid,
      groups: withGroups ? this.callers.get(ctx).groups : [],
      lkOwner,
      signal: ctx,
      client: this.opts.client,
    });
  }

  /** loc of an inode the kernel knows (getattr, open, setxattr, ...). */
  locOf(inode: Inode): Loc {
    const parent = this.itable.parentOf(inode);
    const path = this.itable.path(inode);
    const name = inode === this.itable.root ? '' : path.slice(path.lastIndexOf('/') + 1);
    return { path, name, inode, gfid: inode.gfid, parent, pargfid: parent?.gfid };
  }

  /** loc of `name` in `parent`, with the inode it is known to have or a fresh one. */
  entryLoc(parent: Inode, name: string, known = false): Loc {
    const inode = known ? this.itable.findDentry(parent, name) : undefined;
    return childLoc(this.itable.path(parent, name), parent, name, inode ?? this.itable.create(), inode?.gfid);
  }

  /** Link what a lookup/create returned into the table; returns the table's inode. */
  link(inode: Inode | undefined, buf: Iatt, parent: Inode, name: string): Inode {
    return this.itable.link(inode ?? this.itable.create(), buf.gfid, buf.type, parent, name);
  }

  /** An entry reply: the kernel now holds one more lookup of the inode. */
  entry(inode: Inode, buf: Iatt): Entry {
    const e = this.entryFor(inode, buf);
    this.nodes.handedOut(inode);
    return e;
  }

  /** An entry for a readdirplus record; count it with `nodes.handedOut` only once it is sent. */
  entryFor(inode: Inode, buf: Iatt): Entry {
    this.attrsSeen(inode, buf);
    return {
      nodeid: this.nodes.idOf(inode),
      generation: 0n,
      entryValid: this.opts.entryTimeout,
      attrValid: this.opts.attributeTimeout,
      attr: toAttr(buf),
    };
  }

  /** The fd behind a kernel fh. */
  fd(fh: bigint): Fd {
    const fd = this.fds.get(Number(fh));
    if (!fd) throw new FopError(E.EBADF, `unknown file handle ${fh}`);
    return fd;
  }

  /** Resolve an entry to a linked inode (looked up when the table does not know it yet). */
  async resolveEntry(ctx: RequestContext, parent: Inode, name: string): Promise<{ loc: Loc; buf?: Iatt }> {
    const known = this.itable.findDentry(parent, name);
    if (known) return { loc: this.entryLoc(parent, name, true) };
    const loc = this.entryLoc(parent, name);
    const res = await this.fops.lookup(this.frame(ctx), { loc });
    const inode = this.link(res.inode, res.buf, parent, name);
    return { loc: { ...loc, inode, gfid: inode.gfid }, buf: res.buf };
  }
}
