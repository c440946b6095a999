import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { C, errnoError, native } from '../../../native/index.js';
import { E } from '../../../runtime/core/fop-error.js';
import { gfidFromBuffer, gfidToBuffer, isGfid, ROOT_GFID, type Gfid } from '../../../runtime/core/gfid.js';
import type { Brick } from './brick.js';
import { meta } from './meta.js';
import { HIDDEN_DIR } from './names.js';

/**
 * GlusterFS's on-disk identity of an entry (posix-handle.c): xattr `trusted.gfid` (16 raw bytes)
 * on the entry, and a handle `.glusterfs/<g0g1>/<g2g3>/<gfid>` that is a hard link for anything
 * but a directory, and for a directory a symlink `../../<p0p1>/<p2p3>/<pgfid>/<name>` naming its
 * parent's handle and its own name. The root's handle is the symlink `../../..`.
 */
export const GFID_XATTR = 'trusted.gfid';
export const VOLUME_ID_XATTR = 'trusted.glusterfs.volume-id';

/** `.glusterfs/ab/cd` for gfid abcd....: the directory holding the handle. */
export function handleDirRel(gfid: Gfid): string {
  return `${HIDDEN_DIR}/${gfid.slice(0, 2)}/${gfid.slice(2, 4)}`;
}

/** What a directory handle symlink contains for a directory `name` inside `pargfid`. */
export function dirHandleTarget(pargfid: Gfid, name: string): string {
  return `../../${pargfid.slice(0, 2)}/${pargfid.slice(2, 4)}/${pargfid}/${name}`;
}

const DIR_HANDLE_RE = /^\.\.\/\.\.\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f-]{36})\/([^/\0]+)$/;

/**
 * Parse a directory handle symlink. Anything but the exact GlusterFS form is refused (null): the
 * two hash levels must match the parent gfid and the name must be one plain component, so a
 * forged handle cannot lead anywhere but to `<parent dir>/<name>`.
 */
export function parseDirHandle(link: string): { pargfid: Gfid; name: string } | 'root' | null {
  if (link === '../../..') return 'root';
  const m = DIR_HANDLE_RE.exec(link);
  if (!m) return null;
  const [, h1, h2, pargfid, name] = m as unknown as [string, string, string, string, string];
  if (!isGfid(pargfid) || pargfid.slice(0, 2) !== h1 || pargfid.slice(2, 4) !== h2) return null;
  if (name === '.' || name === '..') return null;
  return { pargfid, name };
}

/** trusted.gfid of a path (not following a trailing symlink), or undefined when it has none. */
const PROC_FD = /^\/proc\/self\/fd\/(\d+)\/([^/]+)$/;
const gfidBuf = Buffer.alloc(16);

export function readGfid(path: string): Gfid | undefined {
  // Our paths name an entry through a pinned directory fd: read it relative to the fd
  // (getxattrat), without the kernel walking /proc/self/fd for every lookup.
  const m = PROC_FD.exec(path);
  if (m) return gfidAt(Number(m[1]), m[2]!, path);
  const b = native.lgetxattrNb(path, GFID_XATTR);
  if (typeof b === 'number') {
    if (b === -E.ENODATA) return undefined;
    throw errnoError(b, 'lgetxattr', path);
  }
  return b.length === 16 ? gfidFromBuffer(b) : undefined;
}

/** trusted.gfid of `name` in the directory pinned by `dirFd`, or undefined when it has none. */
export function gfidAt(dirFd: number, name: string, path = name): Gfid | undefined {
  const n = native.getxattrAt(dirFd, name, GFID_XATTR, gfidBuf);
  if (n === 16) return gfidFromBuffer(gfidBuf);
  if (n >= 0 || n === -E.ENODATA || n === -E.ERANGE) return undefined; // none, or not a 16-byte gfid
  throw errnoError(n, 'getxattrat', path);
}

export function writeGfid(path: string, gfid: Gfid): void {
  native.lsetxattrSync(path, GFID_XATTR, gfidToBuffer(gfid), C.XATTR_CREATE);
}

/** O_PATH fd of `.glusterfs/xx/yy`, or undefined when it does not exist (no throw: a new gfid's usual case). */
export function handleDirIfAny(brick: Brick, gfid: Gfid): number | undefined {
  const fd = brick.openDirNb(handleDirRel(gfid));
  if (fd >= 0) return fd;
  if (fd === -E.ENOENT) return undefined;
  throw errnoError(fd, 'openat2', handleDirRel(gfid));
}

/** O_PATH fd of `.glusterfs/xx/yy`, created (mode 0700, as GlusterFS) when `create` is set. */
export function openHandleDir(brick: Brick, gfid: Gfid, create: boolean): number {
  const rel = handleDirRel(gfid);
  // A missing hash directory is the common case of a create: no thrown error on the way.
  const fd = handleDirIfAny(brick, gfid);
  if (fd !== undefined) return fd;
  if (!create) throw errnoError(-E.ENOENT, 'openat2', rel);
  // Create each level through the fd of the level above, so a planted symlink is never followed.
  const parts = rel.split('/');
  let sofar = '';
  for (const part of parts) {
    const parent = brick.openDir(sofar);
    const r = native.mkdiratNb(parent, part, 0o700);
    fs.closeSync(parent);
    if (r !== undefined && r !== -E.EEXIST) throw errnoError(r, 'mkdirat', `${sofar}/${part}`);
    sofar = sofar ? `${sofar}/${part}` : part;
  }
  return brick.openDir(rel);
}

/**
 * Where the handle helpers get the fd of a gfid's `.glusterfs/xx/yy`: the resolver's kept fds
 * (made when `create` is set), held until released.
 */
export interface HandleDirs {
  handleDir(gfid: Gfid, create?: boolean): { readonly fd: number };
  release(pin: { readonly fd: number }): void;
}

async function withHandleDir<T>(dirs: HandleDirs, gfid: Gfid, create: boolean, fn: (hfd: number) => T | Promise<T>): Promise<T> {
  const pin = dirs.handleDir(gfid, create);
  try {
    return await fn(pin.fd);
  } finally {
    dirs.release(pin);
  }
}

const handleIn = (hfd: number, name: string) => `/proc/self/fd/${hfd}/${name}`;

/** Hard-link a non-directory at `entryPath` as its gfid handle (an existing identical handle is kept). */
export async function linkHandle(dirs: HandleDirs, gfid: Gfid, entryPath: string): Promise<void> {
  await withHandleDir(dirs, gfid, true, (hfd) => {
    try {
      meta.link(entryPath, handleIn(hfd, gfid));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (meta.lstat(entryPath).ino !== meta.lstat(handleIn(hfd, gfid)).ino) throw err;
    }
  });
}

/** Create (or repoint) the symlink handle of a directory named `name` in `pargfid`. */
export async function symlinkHandle(dirs: HandleDirs, gfid: Gfid, pargfid: Gfid, name: string): Promise<void> {
  const target = gfid === ROOT_GFID ? '../../..' : dirHandleTarget(pargfid, name);
  await withHandleDir(dirs, gfid, true, (hfd) => {
    const p = handleIn(hfd, gfid);
    // Read first: on a lookup the handle is almost always there already and right.
    let old: string | undefined;
    try {
      old = meta.readlink(p);
    } catch {
      // missing, or not a symlink (replaced below)
    }
    if (old === target) return;
    if (old === undefined) {
      try {
        return meta.symlink(target, p);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    // A stale handle from before a rename: replace it atomically.
    const tmp = `${gfid}.tmp-${process.pid}`;
    // A crash between these two calls leaves the temporary behind, and a restarted brick may get
    // the same pid: clear it first.
    fs.rmSync(handleIn(hfd, tmp), { force: true });
    meta.symlink(target, handleIn(hfd, tmp));
    meta.rename(handleIn(hfd, tmp), p);
  });
}

/** Remove a gfid handle (on the thread pool: a file's last link frees its blocks); a missing one is not an error. */
export async function removeHandle(dirs: HandleDirs, gfid: Gfid): Promise<void> {
  if (gfid === ROOT_GFID) return;
  let pin;
  try {
    pin = dirs.handleDir(gfid, false);
  } catch {
    return; // no hash directory: no handle
  }
  try {
    await fsp.unlink(handleIn(pin.fd, gfid)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  } finally {
    dirs.release(pin);
  }
}
