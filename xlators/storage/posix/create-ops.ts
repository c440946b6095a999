import fs from 'node:fs';
import { C, native } from '../../../native/index.js';
import type { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { Loc } from '../../../runtime/core/loc.js';
import { gfidToBuffer } from '../../../runtime/core/gfid.js';
import { IaType, S_ISGID } from '../../../runtime/core/iatt.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { GFID_XATTR, gfidAt, handleDirIfAny, parseDirHandle, symlinkHandle, writeGfid } from './handles.js';
import { fstatIatt, statIatt } from './iatt.js';
import { meta } from './meta.js';
import type { EntryRef } from './resolve.js';
import { replyInode, setFdCtx, type PosixSelf } from './state.js';
import { gfidFor, setCreateXattrs } from './xdata.js';

type EntryResult = FopResult<'mkdir'>;

/** A gfid must not already name another object on this brick (its handle exists). */
async function checkGfidFree(self: PosixSelf, gfid: string): Promise<void> {
  let hfd: number | undefined;
  try {
    hfd = handleDirIfAny(self.priv.brick, gfid);
  } catch {
    return;
  }
  if (hfd === undefined) return;
  try {
    if (meta.lstatOrNull(self.priv.brick.proc(hfd, gfid))) throw new FopError(E.EEXIST, `gfid ${gfid} already exists on this brick`);
  } finally {
    fs.closeSync(hfd);
  }
}

/** Where an object is created: a directory fd, a name in it, and the same as a path. */
interface Place {
  dirFd: number;
  name: string;
  path: string;
}

/**
 * What every entry creation shares (posix_gfid_set and friends): pin the parent, create the
 * object, give it its gfid, owner and exact mode, link its handle, set the xattrs the caller
 * sent, and reply with the iatts. A failure after the object exists removes it again.
 *
 * A non-directory is made complete at its handle (.glusterfs/xx/yy/<gfid>) first and only then
 * linked under its name, so the name never appears without its gfid: a lookup racing the
 * create, or a process killed half-way, can never see (or heal with another gfid) an entry
 * that has none. A directory cannot be hard-linked and is made in place, as GlusterFS does.
 *
 * `create` returns the new object's open fd when it has one (create(2)): the gfid, owner, mode
 * and final stat then go through that fd instead of a /proc path walk each.
 */
async function makeEntry(
  self: PosixSelf,
  frame: Frame,
  loc: Loc,
  xdata: Dict | undefined,
  isDir: boolean,
  mode: number | undefined,
  create: (at: Place) => Promise<number | void>,
): Promise<EntryResult & { entry?: EntryRef; gfid: string }> {
  const { resolver, brick } = self.priv;
  const e = await resolver.locEntry(loc);
  try {
    const preparent = fstatIatt(e.dirFd, e.pargfid, e.parentPath);
    const parentMode = preparent.mode;
    const gfid = gfidFor(xdata);
    const gid = parentMode & S_ISGID ? preparent.gid : frame.gid;
    const perm = (m: number) => m | (isDir && parentMode & S_ISGID ? S_ISGID : 0);
    const finish = async (path: string, fd: number | void) => {
      if (typeof fd === 'number') {
        native.fsetxattrSync(fd, GFID_XATTR, gfidToBuffer(gfid), C.XATTR_CREATE);
        fs.fchownSync(fd, frame.uid, gid);
        if (mode !== undefined) fs.fchmodSync(fd, perm(mode));
      } else {
        writeGfid(path, gfid);
        meta.lchown(path, frame.uid, gid);
        if (mode !== undefined) meta.chmod(path, perm(mode));
      }
      await setCreateXattrs(path, xdata);
    };
    let objFd: number | void = undefined;
    if (isDir) {
      await checkGfidFree(self, gfid);
      // A directory made again with the gfid of one removed behind our back (self-heal asks with
      // gfid-req) must not be reached through a kept fd of the old one.
      resolver.invalidate(gfid);
      await create(e);
      try {
        await finish(e.path);
        await symlinkHandle(resolver, gfid, e.pargfid, e.name);
      } catch (err) {
        try {
          meta.rmdir(e.path);
        } catch {
          // already gone: nothing to undo
        }
        throw err;
      }
    } else {
      const h = resolver.handleDir(gfid, true);
      try {
        const hfd = h.fd;
        const handle = brick.proc(hfd, gfid);
        try {
          objFd = await create({ dirFd: hfd, name: gfid, path: handle });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          // The handle exists. With no name anywhere (one link: the handle itself) it is what a
          // create killed between making the object and linking its name leaves behind (an
          // interrupted rebalance re-run asks for that very gfid): reclaimed. Otherwise that
          // gfid names another object on this brick.
          const st = meta.lstatOrNull(handle);
          // A directory's handle is a symlink of one link too: it names a live directory.
          const dirHandle = st?.isSymbolicLink() && parseDirHandle(meta.readlink(handle)) !== null;
          if (!st || st.isDirectory() || st.nlink !== 1n || dirHandle) throw new FopError(E.EEXIST, `gfid ${gfid} already exists on this brick`);
          meta.unlink(handle);
          objFd = await create({ dirFd: hfd, name: gfid, path: handle });
        }
        try {
          await finish(handle, objFd);
          meta.link(handle, e.path);
        } catch (err) {
          try {
            meta.unlink(handle);
          } catch {
            // already gone: nothing to undo
          }
          throw err;
        }
      } finally {
        resolver.release(h);
      }
    }
    const buf = typeof objFd === 'number' ? fstatIatt(objFd, gfid, e.path) : statIatt(e.path, gfid);
    return { inode: replyInode(self, loc), buf, preparent, postparent: fstatIatt(e.dirFd, e.pargfid, e.parentPath), gfid };
  } finally {
    e.close();
  }
}

function fileMode(self: PosixSelf, mode: number, umask: number): number {
  const m = self.priv.modes;
  return ((mode & 0o7777 & ~umask) & (m.createMask | 0o7000)) | m.forceCreate;
}

function dirMode(self: PosixSelf, mode: number, umask: number): number {
  const m = self.priv.modes;
  return ((mode & 0o7777 & ~umask) & (m.dirMask | 0o7000)) | m.forceDir;
}

const strip = ({ gfid: _g, entry: _e, ...r }: EntryResult & { gfid: string; entry?: EntryRef }) => r;

export async function mkdir(self: PosixSelf, frame: Frame, a: FopArgs<'mkdir'>): Promise<FopResult<'mkdir'>> {
  const mode = dirMode(self, a.mode, a.umask ?? 0);
  return strip(await makeEntry(self, frame, a.loc, a.xdata, true, mode, async (at) => meta.mkdir(at.path, 0o700)));
}

export async function mknod(self: PosixSelf, frame: Frame, a: FopArgs<'mknod'>): Promise<FopResult<'mknod'>> {
  const perm = fileMode(self, a.mode, a.umask ?? 0);
  const type = a.mode & 0o170000;
  if (![0o010000, 0o140000, 0o020000, 0o060000, 0o100000].includes(type)) throw new FopError(E.EINVAL, 'mknod of an unsupported file type');
  return strip(await makeEntry(self, frame, a.loc, a.xdata, false, perm, async (at) => native.mknodSync(at.path, type | 0o600, BigInt(a.rdev))));
}

export async function symlink(self: PosixSelf, frame: Frame, a: FopArgs<'symlink'>): Promise<FopResult<'symlink'>> {
  if (a.linkname === '' || a.linkname.includes('\0')) throw new FopError(E.EINVAL, 'invalid symlink target');
  // The target is stored as given: it is data, resolved only by clients, never by posix.
  return strip(await makeEntry(self, frame, a.loc, a.xdata, false, undefined, async (at) => meta.symlink(a.linkname, at.path)));
}

/** Open flags posix passes to the kernel: creation is its own business, O_DIRECT is not supported. */
export function openFlags(flags: number): number {
  const O_DIRECT = 0o40000;
  const O_NOCTTY = 0o400;
  return flags & ~(C.O_CREAT | C.O_EXCL | O_NOCTTY | O_DIRECT | C.O_CLOEXEC);
}

export async function create(self: PosixSelf, frame: Frame, a: FopArgs<'create'>): Promise<FopResult<'create'>> {
  const perm = fileMode(self, a.mode, a.umask ?? 0);
  const flags = openFlags(a.flags);
  let kfd = -1;
  try {
    const r = await makeEntry(self, frame, a.loc, a.xdata, false, perm, async (at) => {
      // O_EXCL: a brand-new regular file, so the open cannot block (no FIFO, nothing to truncate).
      kfd = self.priv.brick.openAtSync(at.dirFd, at.name, flags | C.O_CREAT | C.O_EXCL, 0o600);
      return kfd;
    });
    setFdCtx(self, a.fd, { kfd, gfid: r.gfid, isDir: false, isFile: true });
    return { fd: a.fd, ...strip(r) };
  } catch (err) {
    if (kfd >= 0) fs.closeSync(kfd);
    // Without O_EXCL an existing file is opened, as open(2) with O_CREAT does.
    if (err instanceof FopError || (err as NodeJS.ErrnoException).code !== 'EEXIST' || a.flags & C.O_EXCL) throw err;
    return openExisting(self, a);
  }
}

async function openExisting(self: PosixSelf, a: FopArgs<'create'>): Promise<FopResult<'create'>> {
  const e = await self.priv.resolver.locEntry(a.loc);
  try {
    const preparent = fstatIatt(e.dirFd, e.pargfid, e.parentPath);
    const gfid = gfidAt(e.dirFd, e.name, e.path);
    if (!gfid) throw new FopError(E.ESTALE, `${a.loc.path} has no gfid`);
    const kfd = await self.priv.brick.openAt(e.dirFd, e.name, openFlags(a.flags));
    const buf = statIatt(e.path, gfid);
    setFdCtx(self, a.fd, { kfd, gfid, isDir: false, isFile: buf.type === IaType.REG });
    return { fd: a.fd, inode: replyInode(self, a.loc), buf, preparent, postparent: preparent };
  } finally {
    e.close();
  }
}

export async function link(self: PosixSelf, _frame: Frame, a: FopArgs<'link'>): Promise<FopResult<'link'>> {
  const { resolver, maxHardlinks } = self.priv;
  const src = await resolver.locObject(a.oldloc);
  try {
    if (src.st.isDirectory()) throw new FopError(E.EPERM, 'hard links to directories are not allowed');
    const links = src.st.nlink - 1; // the gfid handle is one of them
    if (maxHardlinks > 0 && links >= maxHardlinks) throw new FopError(E.EMLINK, `inode has ${links} links (max-hardlinks ${maxHardlinks})`);
    const e = await resolver.locEntry(a.newloc);
    try {
      const preparent = fstatIatt(e.dirFd, e.pargfid, e.parentPath);
      meta.link(src.path, e.path);
      const buf = statIatt(e.path, src.gfid);
      const postparent = fstatIatt(e.dirFd, e.pargfid, e.parentPath);
      return { inode: a.oldloc.inode ?? replyInode(self, a.newloc), buf, preparent, postparent };
    } finally {
      e.close();
    }
  } finally {
    src.close();
  }
}
