/**
 * The Linux FUSE protocol, version 7.x, as include/uapi/linux/fuse.h defines it: opcodes, flag
 * bits and struct sizes. Only numbers live here; decode.ts and encode.ts lay the structs out.
 * All structs are little-endian on the machines we run on (x86-64, arm64).
 */

export const FUSE_KERNEL_VERSION = 7;
/** The newest minor we know the layouts of; the kernel answers with min(its, ours). */
export const FUSE_KERNEL_MINOR_VERSION = 38;
export const FUSE_ROOT_ID = 1n;

export const Op = {
  LOOKUP: 1,
  FORGET: 2,
  GETATTR: 3,
  SETATTR: 4,
  READLINK: 5,
  SYMLINK: 6,
  MKNOD: 8,
  MKDIR: 9,
  UNLINK: 10,
  RMDIR: 11,
  RENAME: 12,
  LINK: 13,
  OPEN: 14,
  READ: 15,
  WRITE: 16,
  STATFS: 17,
  RELEASE: 18,
  FSYNC: 20,
  SETXATTR: 21,
  GETXATTR: 22,
  LISTXATTR: 23,
  REMOVEXATTR: 24,
  FLUSH: 25,
  INIT: 26,
  OPENDIR: 27,
  READDIR: 28,
  RELEASEDIR: 29,
  FSYNCDIR: 30,
  GETLK: 31,
  SETLK: 32,
  SETLKW: 33,
  ACCESS: 34,
  CREATE: 35,
  INTERRUPT: 36,
  BMAP: 37,
  DESTROY: 38,
  IOCTL: 39,
  POLL: 40,
  NOTIFY_REPLY: 41,
  BATCH_FORGET: 42,
  FALLOCATE: 43,
  READDIRPLUS: 44,
  RENAME2: 45,
  LSEEK: 46,
  COPY_FILE_RANGE: 47,
  SETUPMAPPING: 48,
  REMOVEMAPPING: 49,
  SYNCFS: 50,
  TMPFILE: 51,
} as const;
export type Opcode = (typeof Op)[keyof typeof Op];

export const OP_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(Op).map(([k, v]) => [v, k]));

/** fuse_init_in/out flags (the first 32 bits). */
export const InitFlag = {
  ASYNC_READ: 1 << 0,
  POSIX_LOCKS: 1 << 1,
  FILE_OPS: 1 << 2,
  ATOMIC_O_TRUNC: 1 << 3,
  EXPORT_SUPPORT: 1 << 4,
  BIG_WRITES: 1 << 5,
  DONT_MASK: 1 << 6,
  SPLICE_WRITE: 1 << 7,
  SPLICE_MOVE: 1 << 8,
  SPLICE_READ: 1 << 9,
  FLOCK_LOCKS: 1 << 10,
  HAS_IOCTL_DIR: 1 << 11,
  AUTO_INVAL_DATA: 1 << 12,
  DO_READDIRPLUS: 1 << 13,
  READDIRPLUS_AUTO: 1 << 14,
  ASYNC_DIO: 1 << 15,
  WRITEBACK_CACHE: 1 << 16,
  NO_OPEN_SUPPORT: 1 << 17,
  PARALLEL_DIROPS: 1 << 18,
  HANDLE_KILLPRIV: 1 << 19,
  POSIX_ACL: 1 << 20,
  ABORT_ERROR: 1 << 21,
  MAX_PAGES: 1 << 22,
  CACHE_SYMLINKS: 1 << 23,
  NO_OPENDIR_SUPPORT: 1 << 24,
  EXPLICIT_INVAL_DATA: 1 << 25,
  MAP_ALIGNMENT: 1 << 26,
  SUBMOUNTS: 1 << 27,
  HANDLE_KILLPRIV_V2: 1 << 28,
  SETXATTR_EXT: 1 << 29,
  INIT_EXT: 1 << 30,
} as const;

/** fuse_setattr_in.valid bits. */
export const Fattr = {
  MODE: 1 << 0,
  UID: 1 << 1,
  GID: 1 << 2,
  SIZE: 1 << 3,
  ATIME: 1 << 4,
  MTIME: 1 << 5,
  FH: 1 << 6,
  ATIME_NOW: 1 << 7,
  MTIME_NOW: 1 << 8,
  LOCKOWNER: 1 << 9,
  CTIME: 1 << 10,
  KILL_SUIDGID: 1 << 11,
} as const;

/** fuse_notify_code: the error field of a message we send unasked (unique 0). */
export const Notify = {
  INVAL_INODE: 2,
} as const;

/** fuse_open_out.open_flags. */
export const Fopen = {
  DIRECT_IO: 1 << 0,
  KEEP_CACHE: 1 << 1,
  NONSEEKABLE: 1 << 2,
  CACHE_DIR: 1 << 3,
  STREAM: 1 << 4,
  NOFLUSH: 1 << 5,
  PARALLEL_DIRECT_WRITES: 1 << 6,
} as const;

export const RELEASE_FLUSH = 1 << 0;
export const RELEASE_FLOCK_UNLOCK = 1 << 1;
export const GETATTR_FH = 1 << 0;
export const LK_FLOCK = 1 << 0;
export const WRITE_CACHE = 1 << 0;
export const WRITE_LOCKOWNER = 1 << 1;
/** With HANDLE_KILLPRIV_V2: the writer lacks CAP_FSETID, so the write clears S_ISUID (and S_ISGID with S_IXGRP). */
export const WRITE_KILL_SUIDGID = 1 << 2;
/** fuse_open_in/fuse_create_in.open_flags: the same for an O_TRUNC open. */
export const OPEN_KILL_SUIDGID = 1 << 0;
export const READ_LOCKOWNER = 1 << 1;
export const FSYNC_FDATASYNC = 1 << 0;

/** Struct sizes in bytes. */
export const Size = {
  IN_HEADER: 40,
  /** fuse_write_in: fh, offset, size, write_flags, lock_owner, flags, padding. */
  WRITE_IN: 40,
  OUT_HEADER: 16,
  NOTIFY_INVAL_INODE: 24,
  ATTR: 88,
  ENTRY_OUT: 40 + 88,
  ATTR_OUT: 16 + 88,
  OPEN_OUT: 16,
  WRITE_OUT: 8,
  STATFS_OUT: 80,
  GETXATTR_OUT: 8,
  LK_OUT: 24,
  INIT_OUT: 64,
  LSEEK_OUT: 8,
  BMAP_OUT: 8,
  DIRENT_HEADER: 24,
  FORGET_ONE: 16,
} as const;

/** The kernel rejects a read buffer smaller than this (FUSE_MIN_READ_BUFFER). */
export const MIN_READ_BUFFER = 8192;
/** Requests carry at most max_write bytes of payload after a header of at most one page. */
export const REQUEST_OVERHEAD = 4096;
