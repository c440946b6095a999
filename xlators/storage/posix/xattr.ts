import { native } from '../../../native/index.js';
import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { isPathinfoKey } from '../../../runtime/core/virtual-xattrs.js';
import { hostname } from 'node:os';
import type { Ref } from './resolve.js';
import { fdCtx, type PosixSelf } from './state.js';
import { isGfid2Path, isInternalXattr, PROTECTED_XATTRS } from './xattr-policy.js';
import { xattrBytes } from './xdata.js';

/** One object's xattrs, by path (l* calls: never following a symlink) or by kernel fd; inline (meta.ts says why). */
interface XattrTarget {
  get(name: string): Promise<Buffer>;
  set(name: string, value: Buffer, flags: number): Promise<void>;
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
  gfid: string;
}

function byPath(r: Ref): XattrTarget {
  return {
    get: async (n) => native.lgetxattrSync(r.path, n),
    set: async (n, v, f) => native.lsetxattrSync(r.path, n, v, f),
    list: async () => native.llistxattrSync(r.path),
    remove: async (n) => native.lremovexattrSync(r.path, n),
    gfid: r.gfid,
  };
}

function byFd(self: PosixSelf, fd: FopArgs<'fgetxattr'>['fd']): XattrTarget {
  const c = fdCtx(self, fd);
  return {
    get: async (n) => native.fgetxattrSync(c.kfd, n),
    set: async (n, v, f) => native.fsetxattrSync(c.kfd, n, v, f),
    list: async () => native.flistxattrSync(c.kfd),
    remove: async (n) => native.fremovexattrSync(c.kfd, n),
    gfid: c.gfid,
  };
}

async function withLoc<T>(self: PosixSelf, loc: FopArgs<'getxattr'>['loc'], fn: (t: XattrTarget) => Promise<T>): Promise<T> {
  const r = await self.priv.resolver.locObject(loc);
  try {
    return await fn(byPath(r));
  } finally {
    r.close();
  }
}

/**
 * setxattr: trusted.gfid and the volume-id are dropped from the dict, as posix_setxattr does,
 * so a client can never re-identify an entry; the other internal keys likewise.
 */
async function doSet(t: XattrTarget, dict: Dict, flags: number): Promise<void> {
  for (const key of dict.keys()) {
    if (isInternalXattr(key)) continue;
    if (key === '' || key.includes('\0')) throw new FopError(E.EINVAL, 'invalid xattr name');
    await t.set(key, xattrBytes(dict, key), flags);
  }
}

/** Virtual keys answered by posix itself. */
function virtual(t: XattrTarget, name: string): Buffer | undefined {
  if (name === 'glusterfs.gfid.string') return Buffer.from(t.gfid);
  return undefined;
}

/** getxattr: one key, or every key but posix's own (the full dict, as posix_getxattr returns it). */
async function doGet(t: XattrTarget, name: string | undefined): Promise<Dict> {
  const dict = new Dict();
  if (name) {
    const v = virtual(t, name);
    if (v) return dict.setBin(name, v);
    if (isGfid2Path(name)) throw new FopError(E.ENODATA);
    return dict.setBin(name, await t.get(name));
  }
  for (const key of await t.list()) {
    if (isInternalXattr(key)) continue;
    try {
      dict.setBin(key, await t.get(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENODATA') throw err;
    }
  }
  return dict;
}

async function doRemove(t: XattrTarget, name: string): Promise<void> {
  if (PROTECTED_XATTRS.has(name)) throw new FopError(E.EPERM, `${name} belongs to the brick`);
  if (isInternalXattr(name)) throw new FopError(E.ENODATA);
  await t.remove(name);
}

export async function setxattr(self: PosixSelf, _f: Frame, a: FopArgs<'setxattr'>): Promise<FopResult<'setxattr'>> {
  await withLoc(self, a.loc, (t) => doSet(t, a.dict, a.flags));
  return {};
}

export async function fsetxattr(self: PosixSelf, _f: Frame, a: FopArgs<'fsetxattr'>): Promise<FopResult<'fsetxattr'>> {
  await doSet(byFd(self, a.fd), a.dict, a.flags);
  return {};
}

export async function getxattr(self: PosixSelf, _f: Frame, a: FopArgs<'getxattr'>): Promise<FopResult<'getxattr'>> {
  if (isPathinfoKey(a.name)) return { dict: await withLoc(self, a.loc, async (t) => new Dict().setStr(a.name!, pathinfo(self, a.loc, t.gfid))) };
  return { dict: await withLoc(self, a.loc, (t) => doGet(t, a.name)) };
}

/**
 * posix_getxattr's pathinfo: `<POSIX(brick):host:real path>`, the real path being the brick
 * directory joined with the loc's path when it is one ("/a/b"), else the object's gfid handle.
 * (With node-uuid-pathinfo GlusterFS names glusterd's uuid instead of the host; a brick run
 * without glusterd has none, so the host it is.)
 */
function pathinfo(self: PosixSelf, loc: FopArgs<'getxattr'>['loc'], gfid: string): string {
  const base = self.options.directory;
  const real = loc.path.startsWith('/') ? `${base}${loc.path}` : `${base}/.glusterfs/${gfid.slice(0, 2)}/${gfid.slice(2, 4)}/${gfid}`;
  return `<POSIX(${base}):${hostname()}:${real}>`;
}

export async function fgetxattr(self: PosixSelf, _f: Frame, a: FopArgs<'fgetxattr'>): Promise<FopResult<'fgetxattr'>> {
  return { dict: await doGet(byFd(self, a.fd), a.name) };
}

export async function removexattr(self: PosixSelf, _f: Frame, a: FopArgs<'removexattr'>): Promise<FopResult<'removexattr'>> {
  await withLoc(self, a.loc, (t) => doRemove(t, a.name));
  return {};
}

export async function fremovexattr(self: PosixSelf, _f: Frame, a: FopArgs<'fremovexattr'>): Promise<FopResult<'fremovexattr'>> {
  await doRemove(byFd(self, a.fd), a.name);
  return {};
}
