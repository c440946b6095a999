import fs from 'node:fs';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { ROOT_GFID, type Gfid } from '../../../runtime/core/gfid.js';
import { locGfid, locParentGfid, type Loc } from '../../../runtime/core/loc.js';
import type { Brick } from './brick.js';
import { handleDirRel, openHandleDir, parseDirHandle, readGfid } from './handles.js';
import { lstatOf, type Lstat } from './iatt.js';
import { meta } from './meta.js';
import { checkName, checkNotHidden } from './names.js';
import { PinnedFds, type Pin } from './pinned-fds.js';

/** An object on the brick, pinned: `path` is valid until `close()`. */
export interface Ref {
  /** O_PATH fd of the directory the path starts from. */
  readonly fd: number;
  /** `/proc/self/fd/<fd>/<name>`: hand this to fs and native calls (l* variants for xattrs). */
  readonly path: string;
  readonly gfid: Gfid;
  /** lstat taken when resolving. */
  readonly st: Lstat;
  close(): void;
}

/** A name inside a pinned parent directory; the entry itself may not exist yet. */
export interface EntryRef {
  readonly dirFd: number;
  readonly name: string;
  readonly path: string;
  readonly parentPath: string;
  readonly pargfid: Gfid;
  close(): void;
}

const MAX_DEPTH = 4096;
const CACHE_LIMIT = 16384;
/** Directory fds kept open (pinned-fds.ts). */
const PINNED_LIMIT = 1024;
/**
 * Hash directories (`.glusterfs/xx/yy`) whose fds are kept open, in a table of their own so that
 * busy directories and hash directories do not evict each other. Every new file lands in another
 * of the 65,536, so a small table is emptied by any pass over more files than it holds (each
 * miss an open and a close). Sized from the fd limit: an eighth of it, 256 to 8,192.
 */
const HASH_PINNED_LIMIT = Math.min(8192, Math.max(256, Math.floor(openFileLimit() / 8)));
/**
 * Hash directories are made by the brick and never removed, so their fds are checked again (the
 * path opened afresh) only every minute: often enough to recover from someone removing or
 * replacing one behind the brick's back, rarely enough that a pass over many files pays nothing.
 */
const HASH_MAX_AGE_MS = 60_000;

/** The soft RLIMIT_NOFILE (Node raises it to the hard limit at start); 1024 if unreadable. */
function openFileLimit(): number {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s+/)[3]);
    return Number.isFinite(soft) && soft > 0 ? soft : 1024;
  } catch {
    return 1024;
  }
}

/** Errors that mean "this gfid does not lead to a valid object inside the brick". */
const STALE_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EXDEV', 'EINVAL', 'ENODATA']);

function stale(gfid: Gfid, why: string, cause?: unknown): FopError {
  return new FopError(E.ESTALE, `gfid ${gfid}: ${why}`, { cause });
}

function rethrowStale(gfid: Gfid, err: unknown): never {
  if (err instanceof FopError) throw err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (STALE_CODES.has(code)) throw stale(gfid, `no valid handle (${code})`, err);
  throw err;
}

const closeFd = (fd: number) => () => fs.closeSync(fd);

/** The name a loc gives its entry: `name`, else the last component of its path. */
const entryName = (loc: Loc): string | undefined => loc.name ?? loc.path.split('/').pop();

/** A name checked as a path component and as one a client may reach in `pargfid`. */
function checkedName(pargfid: Gfid, name: string | undefined): string {
  const n = checkName(name);
  checkNotHidden(pargfid, n);
  return n;
}

/**
 * Resolves gfids and (parent gfid, name) pairs to pinned objects inside the brick.
 *
 * A directory gfid is turned into a path relative to the brick root by reading the chain of
 * handle symlinks in user space ("pumping" them, as posix_handle_pump does), each link checked
 * against the exact GlusterFS form. The path is then opened with openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS, and the directory reached must carry the requested trusted.gfid. A
 * non-directory gfid is its hard-link handle, whose trusted.gfid must match too. So a forged or
 * planted handle can neither leave the brick nor name another object. Resolved directory paths
 * are cached; a cached path is used only after the same open-and-verify step. The verified fds
 * of directories and of handle directories are kept open too (PinnedFds): a directory fd stays
 * that directory through renames, so the entry fops in a busy directory open nothing.
 */
export class Resolver {
  /**
   * The clock this brick's kept fds age by (PinnedFds re-verifies a directory fd a second after
   * it was opened). A test that must land on one side of that second sets it on its own brick.
   */
  now: () => number = () => Date.now();
  private readonly dirCache = new Map<Gfid, string>();
  private readonly pins = new PinnedFds(PINNED_LIMIT, 1000, () => this.now());
  private readonly hashPins = new PinnedFds(HASH_PINNED_LIMIT, HASH_MAX_AGE_MS, () => this.now());
  /** The brick root's own fd, never closed by a release. */
  private readonly rootPin: Pin;

  constructor(private readonly brick: Brick) {
    // Never in the table and never dead: releases count down from infinity and never close it.
    this.rootPin = { fd: brick.rootFd, at: 0, users: Infinity, dead: false };
  }

  /**
   * Forget what was cached of a removed directory (rmdir, rename over it), or with no gfid the
   * cached paths of every directory (after a directory moved: paths below it changed; the kept
   * fds follow their directories and stay).
   */
  invalidate(gfid?: Gfid): void {
    if (gfid === undefined) return this.dirCache.clear();
    this.dirCache.delete(gfid);
    this.pins.drop(gfid);
  }

  /** Close every kept fd (fini). */
  close(): void {
    this.dirCache.clear();
    this.pins.clear();
    this.hashPins.clear();
  }

  release(pin: Pin): void {
    this.pins.release(pin);
  }

  private releaser(pin: Pin): () => void {
    return () => this.pins.release(pin);
  }

  /**
   * The kept fd of `.glusterfs/xx/yy` for a gfid (opened on first use, and made first when
   * `create` is set), held by the caller until it releases it. Hash directories are never removed.
   */
  handleDir(gfid: Gfid, create = false): Pin {
    const rel = handleDirRel(gfid);
    return this.hashPins.acquire(rel) ?? this.hashPins.add(rel, openHandleDir(this.brick, gfid, create));
  }

  /** Path of a directory relative to the brick root, by pumping its handle symlinks. */
  private async pump(gfid: Gfid): Promise<string> {
    const names: string[] = [];
    let g = gfid;
    for (let depth = 0; g !== ROOT_GFID; depth++) {
      if (depth > MAX_DEPTH) throw stale(gfid, 'handle chain too deep');
      const hfd = openHandleDir(this.brick, g, false);
      let link: string;
      try {
        link = meta.readlink(this.brick.proc(hfd, g));
      } catch (err) {
        // EINVAL: the handle is a hard link, i.e. not a directory.
        if ((err as NodeJS.ErrnoException).code === 'EINVAL') throw new FopError(E.ENOTDIR, `gfid ${g} is not a directory`);
        throw err;
      } finally {
        fs.closeSync(hfd);
      }
      const parsed = parseDirHandle(link);
      if (parsed === null || parsed === 'root') throw stale(gfid, `malformed directory handle ${JSON.stringify(link)}`);
      names.push(parsed.name);
      g = parsed.pargfid;
    }
    return names.reverse().join('/');
  }

  /** Open `rel` and check it is the directory with trusted.gfid `gfid`; the fd, or undefined. */
  private openVerified(rel: string, gfid: Gfid): number | undefined {
    let fd: number;
    try {
      fd = this.brick.openDir(rel);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (STALE_CODES.has(code)) return undefined;
      throw err;
    }
    let found: Gfid | undefined;
    try {
      found = gfid === ROOT_GFID && rel === '' ? ROOT_GFID : readGfid(this.brick.proc(fd));
    } catch {
      found = undefined;
    }
    if (found === gfid) return fd;
    fs.closeSync(fd);
    return undefined;
  }

  /**
   * dirFd without waiting: the root, a pinned directory or one whose path is cached (nearly every
   * call); undefined when the path must be worked out from the handles (call dirFd). Callers on
   * every request's path try this first: an async call and its await cost a promise and a turn
   * of the microtask queue each.
   */
  dirFdNow(gfid: Gfid): Pin | undefined {
    if (gfid === ROOT_GFID) return this.rootPin;
    const pinned = this.pins.acquire(gfid);
    if (pinned) return pinned;
    const cached = this.dirCache.get(gfid);
    if (cached !== undefined) {
      const fd = this.openVerified(cached, gfid);
      if (fd !== undefined) return this.pins.add(gfid, fd);
      this.dirCache.delete(gfid);
    }
    return undefined;
  }

  /** O_PATH fd of the directory with this gfid, held by the caller until it releases it. */
  async dirFd(gfid: Gfid): Promise<Pin> {
    const now = this.dirFdNow(gfid);
    if (now) return now;
    let rel: string;
    try {
      rel = await this.pump(gfid);
    } catch (err) {
      rethrowStale(gfid, err);
    }
    const fd = this.openVerified(rel, gfid);
    if (fd === undefined) throw stale(gfid, `directory handle leads to ${JSON.stringify(rel)}, which is not that directory inside the brick`);
    if (this.dirCache.size >= CACHE_LIMIT) this.dirCache.delete(this.dirCache.keys().next().value as Gfid);
    this.dirCache.set(gfid, rel);
    return this.pins.add(gfid, fd);
  }

  /** Any object by gfid: a directory through its resolved path, anything else through its hard-link handle. */
  async byGfid(gfid: Gfid): Promise<Ref> {
    // Only directories are cached (and dirFd verifies what it opens): skip the handle probe.
    if (gfid !== ROOT_GFID && !this.dirCache.has(gfid)) {
      let h: Pin;
      try {
        h = this.handleDir(gfid);
      } catch (err) {
        rethrowStale(gfid, err);
      }
      const path = this.brick.proc(h.fd, gfid);
      try {
        const st = lstatOf(path);
        const own = st.isSymbolicLink() || !st.isDirectory() ? readGfid(path) : undefined;
        if (!st.isSymbolicLink() || own === gfid) {
          // A hard link (or a hard-linked user symlink): it must carry the gfid it is filed under.
          if (own !== gfid) throw stale(gfid, 'handle does not carry this gfid');
          return { fd: h.fd, path, gfid, st, close: this.releaser(h) };
        }
      } catch (err) {
        this.release(h);
        rethrowStale(gfid, err);
      }
      this.release(h);
    }
    const pin = await this.dirFd(gfid);
    const path = this.brick.proc(pin.fd);
    try {
      const st = lstatOf(path);
      // A directory removed behind our back (by hand on the brick) keeps its fd alive, unlinked.
      if (st.nlink === 0) {
        this.invalidate(gfid);
        throw stale(gfid, 'directory was removed');
      }
      return { fd: pin.fd, path, gfid, st, close: this.releaser(pin) };
    } catch (err) {
      this.release(pin);
      throw err;
    }
  }

  /** A name in a parent directory, checked and pinned. */
  async entry(pargfid: Gfid, name: string | undefined): Promise<EntryRef> {
    const n = checkedName(pargfid, name);
    return this.entryRef(await this.dirFd(pargfid), pargfid, n);
  }

  private entryRef(pin: Pin, pargfid: Gfid, name: string): EntryRef {
    const dirFd = pin.fd;
    return { dirFd, name, path: this.brick.proc(dirFd, name), parentPath: this.brick.proc(dirFd), pargfid, close: this.releaser(pin) };
  }

  /**
   * locEntry without waiting, for a loc naming its parent's gfid whose directory fd is at hand
   * (dirFdNow); undefined otherwise: then call locEntry. A bad name throws here as there.
   */
  locEntryNow(loc: Loc): EntryRef | undefined {
    const pargfid = locParentGfid(loc);
    if (!pargfid) return undefined;
    const n = checkedName(pargfid, entryName(loc));
    const pin = this.dirFdNow(pargfid);
    return pin && this.entryRef(pin, pargfid, n);
  }

  /** The entry named by a loc: parent gfid + name, or (for callers without gfids) an absolute path. */
  async locEntry(loc: Loc): Promise<EntryRef> {
    const pargfid = locParentGfid(loc);
    if (pargfid) return this.entry(pargfid, entryName(loc));
    const parts = pathParts(loc.path);
    const name = parts.pop();
    if (name === undefined) throw new FopError(E.EINVAL, 'the root has no parent entry');
    const dirFd = this.brick.openDir(parts.join('/'));
    const gfid = parts.length === 0 ? ROOT_GFID : readGfid(this.brick.proc(dirFd));
    if (!gfid) {
      fs.closeSync(dirFd);
      throw new FopError(E.ESTALE, `${loc.path}: parent has no gfid`);
    }
    checkNotHidden(gfid, name);
    return { dirFd, name, path: this.brick.proc(dirFd, name), parentPath: this.brick.proc(dirFd), pargfid: gfid, close: closeFd(dirFd) };
  }

  /** The object a loc names: by gfid when known, else by its entry. */
  async locObject(loc: Loc): Promise<Ref> {
    const gfid = locGfid(loc);
    if (gfid) return this.byGfid(gfid);
    if (loc.path === '/' && !loc.name) return this.byGfid(ROOT_GFID);
    const e = await this.locEntry(loc);
    try {
      const st = lstatOf(e.path);
      const g = readGfid(e.path);
      if (!g) throw new FopError(E.ESTALE, `${loc.path} has no gfid`);
      return { fd: e.dirFd, path: e.path, gfid: g, st, close: e.close };
    } catch (err) {
      e.close();
      throw err;
    }
  }
}

/** Components of an absolute path from a caller without gfids, each checked as a name. */
export function pathParts(path: string): string[] {
  if (!path.startsWith('/')) throw new FopError(E.EINVAL, `a loc without gfids needs an absolute path, got ${JSON.stringify(path)}`);
  const parts = path.split('/').filter((p) => p !== '');
  for (const p of parts) checkName(p);
  if (parts.length > 0) checkNotHidden(ROOT_GFID, parts[0]!);
  return parts;
}
