import { modeTypeBits, SetAttr, type Iatt, type Statvfs } from '../../../../runtime/core/iatt.js';
import type { Flock } from '../../../../runtime/fops/types.js';
import { Fattr } from '../kernel/abi.js';
import type { Attr, FileLock, SetattrIn, Statfs } from '../kernel/types.js';

/** struct iatt -> struct fuse_attr. The type bits come from ia_type when mode lacks them. */
export function toAttr(b: Iatt): Attr {
  const mode = b.mode & 0o170000 ? b.mode : modeTypeBits(b.type) | (b.mode & 0o7777);
  return {
    ino: b.ino,
    size: b.size,
    blocks: b.blocks,
    atime: b.atime,
    mtime: b.mtime,
    ctime: b.ctime,
    mode,
    nlink: b.nlink,
    uid: b.uid,
    gid: b.gid,
    rdev: devToKernel(b.rdev),
    blksize: b.blksize,
  };
}

/** glibc dev_t (gnu_dev_makedev) -> the kernel's 32-bit new_encode_dev form FUSE carries. */
export function devToKernel(dev: bigint): number {
  if (dev === 0n) return 0; // every file that is not a device
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** The kernel's new_encode_dev form -> glibc dev_t, as mknod(2) on the brick expects. */
export function devFromKernel(rdev: number): bigint {
  const major = BigInt((rdev & 0xfff00) >>> 8);
  const minor = BigInt((rdev & 0xff) | ((rdev >>> 12) & 0xfff00));
  return ((major & 0xfffn) << 8n) | ((major & ~0xfffn) << 32n) | (minor & 0xffn) | ((minor & ~0xffn) << 12n);
}

/** DT_* of an ia_type, for readdir entries. */
export function dtype(t: number): number {
  return [0, 8, 4, 10, 6, 2, 1, 12][t] ?? 0;
}

export function toStatfs(s: Statvfs): Statfs {
  return { blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree, bsize: s.bsize, namelen: s.namemax, frsize: s.frsize };
}

/**
 * FATTR_* -> GF_SET_ATTR_* and the iatt carrying the new values. SIZE is not here: GlusterFS
 * (and we) send it as a separate (f)truncate. `*_NOW` keep their own bits, and the time is
 * also filled in so a translator that ignores the bit still sets "now".
 */
export function toSetattr(s: SetattrIn, base: Iatt): { valid: number; stbuf: Iatt } {
  let valid = 0;
  const stbuf: Iatt = { ...base };
  const now = Date.now();
  const nowTs = { sec: Math.floor(now / 1000), nsec: (now % 1000) * 1e6 };
  if (s.valid & Fattr.MODE) (valid |= SetAttr.MODE), (stbuf.mode = (base.mode & 0o170000) | (s.mode & 0o7777));
  if (s.valid & Fattr.UID) (valid |= SetAttr.UID), (stbuf.uid = s.uid);
  if (s.valid & Fattr.GID) (valid |= SetAttr.GID), (stbuf.gid = s.gid);
  if (s.valid & Fattr.ATIME) (valid |= SetAttr.ATIME), (stbuf.atime = s.atime);
  if (s.valid & Fattr.MTIME) (valid |= SetAttr.MTIME), (stbuf.mtime = s.mtime);
  if (s.valid & Fattr.ATIME_NOW) (valid |= SetAttr.ATIME | SetAttr.ATIME_NOW), (stbuf.atime = nowTs);
  if (s.valid & Fattr.MTIME_NOW) (valid |= SetAttr.MTIME | SetAttr.MTIME_NOW), (stbuf.mtime = nowTs);
  if (s.valid & Fattr.CTIME) (valid |= SetAttr.CTIME), (stbuf.ctime = s.ctime);
  return { valid, stbuf };
}

const OFFSET_MAX = 0x7fffffffffffffffn;

/** The kernel's lock (inclusive end, OFFSET_MAX = to EOF) -> struct gf_flock (len 0 = to EOF). */
export function toFlock(lk: FileLock, owner: Buffer): Flock {
  const len = lk.end >= OFFSET_MAX ? 0n : lk.end - lk.start + 1n;
  return { type: lk.type, whence: 0, start: lk.start, len, pid: lk.pid, owner };
}

export function fromFlock(f: Flock): FileLock {
  const end = f.len === 0n ? OFFSET_MAX : f.start + f.len - 1n;
  return { type: f.type, start: f.start, end, pid: f.pid };
}

/** The kernel's 64-bit lock owner as the 8 bytes GlusterFS carries (lk-owner). */
export function ownerBytes(owner: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, owner));
  return b;
}
