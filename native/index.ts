/**
 * Typed loader for gfs_native, our small N-API addon (native/src/*.c): the Linux syscalls Node's
 * fs module lacks. Build it with `npm run build:native`.
 *
 * Every operation comes three times: `name(...)` returns a Promise and runs the syscall on the
 * libuv thread pool (use it for anything that may block on disk); `nameSync(...)` runs inline
 * (fine for quick metadata calls such as openat2 of an O_PATH fd or a small xattr read);
 * `nameNb(...)` runs inline and returns a failure as a negative errno instead of throwing, for
 * hot paths where the failure is an expected answer (a missing xattr, an existing directory).
 *
 * Failures are Node-style errors: `err.code` ('ENODATA', 'ENOENT', ...), `err.errno` (negative,
 * as in Node's fs), `err.syscall`, `err.path`; FopError.from() converts them.
 *
 * Paths given to the l*xattr, utimensat(nofollow) and mknod calls are used as they are: the
 * l-prefixed calls never follow a trailing symlink.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getSystemErrorMap } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Statvfs } from '../runtime/core/iatt.js';
import { viewOf } from '../runtime/core/bytes.js';

/** A timestamp for utimensat/futimens: seconds and nanoseconds, or UTIME_NOW / UTIME_OMIT. */
export type TimeArg = { sec: number | bigint; nsec: number } | number;

export interface DirentRaw {
  name: string;
  ino: bigint;
  /** DT_* value from dirent(5). */
  type: number;
  /** d_off: the cookie to resume after this entry (pass it to getdentsInto as offset). */
  off: bigint;
}

type Bytes = Buffer | Uint8Array | string;
type Int = number | bigint;

interface Ops {
  lgetxattr(path: string, name: string): Buffer;
  fgetxattr(fd: number, name: string): Buffer;
  /** flags: 0, XATTR_CREATE or XATTR_REPLACE. */
  lsetxattr(path: string, name: string, value: Bytes, flags?: number): void;
  fsetxattr(fd: number, name: string, value: Bytes, flags?: number): void;
  llistxattr(path: string): string[];
  flistxattr(fd: number): string[];
  lremovexattr(path: string, name: string): void;
  fremovexattr(fd: number, name: string): void;
  /** mkdirat(2): `name` inside the directory pinned by `dirfd` (no /proc path). */
  mkdirat(dirfd: number, name: string, mode: number): void;
  /** mode includes the S_IF* type bits; dev is makedev(major, minor) for devices. */
  mknod(path: string, mode: number, dev?: Int): void;
  utimensat(path: string, atime: TimeArg, mtime: TimeArg, nofollow?: boolean): void;
  futimens(fd: number, atime: TimeArg, mtime: TimeArg): void;
  /** mode: 0 or FALLOC_FL_* bits. */
  fallocate(fd: number, mode: number, offset: Int, len: Int): void;
  /** Returns the new offset; SEEK_DATA/SEEK_HOLE past the data fail with ENXIO. */
  lseek(fd: number, offset: Int, whence: number): number;
  /**
   * splice(2) of up to `len` bytes of a file from `offset` into a pipe (page-cache pages are
   * referenced, not copied): bytes moved, 0 at end of file; short when the pipe is full or a
   * failure came after some data (the caller checks against the file's size).
   */
  spliceFile(fd: number, offset: Int, len: Int, pipeW: number): number;
  /** fcntl(F_DUPFD_CLOEXEC): another fd for the same open file (a socket handed to a new owner). */
  dup(fd: number): number;
  /** openat2(2): `resolve` takes RESOLVE_* bits; O_CLOEXEC is always added. */
  openat2(dirfd: number, path: string, flags: number, mode?: number, resolve?: number): number;
  statvfs(path: string): Statvfs;
  mount(source: string, target: string, fstype: string, flags?: number, data?: string | null): void;
  umount2(target: string, flags?: number): void;
}

type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };
type Sync<T> = { [K in keyof T as `${K & string}Sync`]: T[K] };
/** Inline, and a failure is returned as a negative errno instead of thrown (`undefined` for success of a void call). */
type Nb<T> = { [K in keyof T as `${K & string}Nb`]: T[K] extends (...a: infer A) => infer R ? (...a: A) => R | number : never };

export interface NativeConstants {
  XATTR_CREATE: number;
  XATTR_REPLACE: number;
  UTIME_NOW: number;
  UTIME_OMIT: number;
  FALLOC_FL_KEEP_SIZE: number;
  FALLOC_FL_PUNCH_HOLE: number;
  FALLOC_FL_ZERO_RANGE: number;
  SEEK_SET: number;
  SEEK_CUR: number;
  SEEK_END: number;
  SEEK_DATA: number;
  SEEK_HOLE: number;
  RESOLVE_BENEATH: number;
  RESOLVE_NO_SYMLINKS: number;
  RESOLVE_NO_MAGICLINKS: number;
  RESOLVE_NO_XDEV: number;
  RESOLVE_IN_ROOT: number;
  O_PATH: number;
  O_DIRECTORY: number;
  O_NOFOLLOW: number;
  O_RDONLY: number;
  O_RDWR: number;
  O_WRONLY: number;
  O_CREAT: number;
  O_EXCL: number;
  O_TRUNC: number;
  O_APPEND: number;
  O_CLOEXEC: number;
  AT_FDCWD: number;
  MS_RDONLY: number;
  MS_NOSUID: number;
  MS_NODEV: number;
  MS_NOEXEC: number;
  MNT_FORCE: number;
  MNT_DETACH: number;
  UMOUNT_NOFOLLOW: number;
}

/** A registration of waitReadable. */
export interface Waiter {
  pause(): void;
  resume(): void;
  close(): void;
}

/** Inline helpers that are not syscall ops (native/src/poll.c, waitloop.c). */
interface Inline {
  /**
   * `callback()` on the main thread whenever `fd` is readable, waited for in a loop of our own
   * that serves these fds without a libuv iteration per wake-up (native/src/waitloop.c). With
   * `own` the waiter closes `fd` when it is closed (give it a dup). Never close a registered fd:
   * close() the waiter first. pause() stops waiting until resume().
   */
  waitReadable(fd: number, callback: () => void, own: boolean): Waiter;
  /**
   * statx (not following a trailing symlink) into `out` (STAT_FIELDS numbers, see StatField):
   * 0, or -errno. Plain numbers instead of Node's bigint Stats.
   */
  lstatInto(path: string, out: Float64Array): number;
  /** fstat of an fd into `out`, as lstatInto. */
  fstatInto(fd: number, out: Float64Array): number;
  /**
   * For each name in the directory pinned by `dirfd`: statx into `stats` (STAT_FIELDS numbers
   * per entry) and trusted.gfid into `gfids` (16 bytes per entry). Per entry: 1 = stat and gfid,
   * 0 = stat but no 16-byte gfid, -errno = stat failed. statx is relative to the fd; the xattr
   * is read with getxattrat(2) where the kernel has it (6.13+), else through /proc/self/fd.
   */
  statEntries(dirfd: number, names: string[], stats: Float64Array, gfids: Buffer): Int32Array;
  /** statEntries for one name: its entry's 1, 0 or -errno, with nothing allocated for the result. */
  statEntry(dirfd: number, name: string, stats: Float64Array, gfid: Buffer): number;
  /**
   * The xattr `key` of `name` in the directory pinned by `dirfd`, into `out`: its length, or
   * -errno (-ENODATA: none, -ERANGE: larger than `out`). getxattrat(2), /proc fallback.
   */
  getxattrAt(dirfd: number, name: string, key: string, out: Buffer): number;
  /**
   * getdents64(2) into `buf` (linux_dirent64 records: d_ino u64, d_off i64, d_reclen u16,
   * d_type u8, name NUL-terminated), after seeking to `offset` when it is a bigint: bytes
   * written (0 at the end), or -errno. parseDirents reads the records.
   */
  getdentsInto(dirfd: number, offset: bigint | null, buf: Buffer): number;
  /**
   * glibc mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (bytes, at most 2^31 - 1): serving
   * processes keep freed large buffers for reuse instead of mapping fresh zeroed pages for each.
   * true when both were taken.
   */
  tuneMalloc(mmapThreshold: number, trimThreshold: number): boolean;
  /** read(2) into the whole buffer: bytes read, or -errno (-EAGAIN when a non-blocking fd is empty). Never throws an errno error. */
  readNb(fd: number, buf: Buffer): number;
  /**
   * preadv2(2) with RWF_NOWAIT into the whole buffer at `position`: bytes read (short when only
   * part is cached, 0 at the end of the file), -EAGAIN when the data is not in the page cache,
   * -EOPNOTSUPP where that cannot be told. Never waits on the disk, never throws an errno error.
   */
  preadNowait(fd: number, buf: Buffer, position: number): number;
  /** writev(2) of `head` then the buffers of `rest` (at most 63): bytes written, or -errno. Never throws an errno error. */
  writevNb(fd: number, head: Buffer, rest: readonly Buffer[]): number;
  /** A non-blocking pipe holding at least `size` bytes (F_SETPIPE_SZ): [readFd, writeFd], or -errno. */
  pipeNb(size: number): [number, number] | number;
  /** splice(2) of up to `len` bytes, never blocking (SPLICE_F_NONBLOCK | SPLICE_F_MOVE): bytes moved, or -errno. */
  spliceNb(fdIn: number, fdOut: number, len: number): number;
  /** tee(2) of up to `len` bytes from one pipe to another, never blocking: bytes duplicated (they stay in `fdIn`), or -errno. */
  teeNb(fdIn: number, fdOut: number, len: number): number;
}

export type GfsNative = Async<Ops> & Sync<Ops> & Nb<Ops> & Inline & { readonly constants: NativeConstants };

const ADDON = 'build/Release/gfs_native.node';

/** Where the addon may be: beside this file (source tree) or in the source tree from dist/native. */
function candidates(): string[] {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return [`${here}${ADDON}`, `${here}../../native/${ADDON}`];
}

function load(): GfsNative {
  const found = candidates().find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `the native addon gfs_native.node is not built (looked in ${candidates().join(', ')}): run \`npm run build:native\``,
    );
  }
  return createRequire(import.meta.url)(found) as GfsNative;
}

/** The addon, loaded once when this module is first imported. */
export const native: GfsNative = load();
export const C: NativeConstants = native.constants;

const systemErrors = getSystemErrorMap();

/**
 * The error a `nameSync` call would have thrown, from the negative errno a `nameNb` call
 * returned: callers that handled the expected failures throw this for the rest.
 */
export function errnoError(negErrno: number, syscall: string, path?: string): NodeJS.ErrnoException {
  const [code, text] = systemErrors.get(negErrno) ?? [`E${-negErrno}`, 'unknown error'];
  const err = new Error(`${code}: ${text}, ${syscall}${path === undefined ? '' : ` '${path}'`}`) as NodeJS.ErrnoException;
  err.code = code;
  err.errno = negErrno;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}

/** Positions in the Float64Array lstatInto/fstatInto fill. */
export const StatField = {
  mode: 0, nlink: 1, uid: 2, gid: 3, size: 4, blksize: 5, blocks: 6,
  atime: 7, atimeNs: 8, mtime: 9, mtimeNs: 10, ctime: 11, ctimeNs: 12, btime: 13, btimeNs: 14,
  dev: 15, rdev: 16, ino: 17,
} as const;
export const STAT_FIELDS = 18;

/** makedev(3): the dev_t of a device node from its major and minor numbers (glibc's layout). */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

export function major(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}

export function minor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}

/**
 * The linux_dirent64 records getdentsInto wrote into `buf[0, len)`. d_ino and d_off are read as
 * bigints (ext4's cookies are 63-bit hashes); a name ends at its NUL or its record's end.
 */
export function parseDirents(buf: Buffer, len: number): DirentRaw[] {
  const out: DirentRaw[] = [];
  const d = viewOf(buf);
  for (let pos = 0; pos + 19 < len; ) {
    const reclen = d.getUint16(pos + 16, true);
    if (reclen < 20) throw new Error(`getdents64: record of ${reclen} bytes at ${pos}`);
    const end = buf.indexOf(0, pos + 19);
    const nameEnd = end < 0 || end > pos + reclen ? pos + reclen : end;
    out.push({ name: buf.toString('utf8', pos + 19, nameEnd), ino: d.getBigUint64(pos, true), type: buf[pos + 18]!, off: d.getBigInt64(pos + 8, true) });
    pos += reclen;
  }
  return out;
}
