import { FUSE_KERNEL_MINOR_VERSION, FUSE_KERNEL_VERSION, InitFlag, Size } from './abi.js';
import type { Reader } from './decode.js';
import type { ConnInfo } from './types.js';

export interface InitOptions {
  /** Largest WRITE payload we accept; 1 MiB needs max_pages (256 pages of 4 KiB). */
  maxWrite: number;
  maxReadahead?: number;
  maxBackground?: number;
  congestionThreshold?: number;
  /** Flags to request beyond WANTED_FLAGS (only those the kernel offers are kept). */
  extraFlags?: number;
  /** WANTED_FLAGS not to request. */
  flagsOff?: number;
}

/**
 * What we ask the kernel for. Writeback cache stays off: GlusterFS semantics need each write to
 * reach the graph (other mounts see it, write-behind decides about caching). ABORT_ERROR stays off
 * so a dead mount answers ENOTCONN, the error users and scripts know. HANDLE_KILLPRIV_V2: the
 * bridge clears set-user-ID and set-group-ID bits itself (bridge/suid.ts), so the kernel stops
 * asking for security.capability before every write (a whole round trip each): it asks once and
 * marks the inode S_NOSEC until its attributes are next refreshed.
 */
export const WANTED_FLAGS =
  InitFlag.ASYNC_READ |
  InitFlag.POSIX_LOCKS |
  InitFlag.ATOMIC_O_TRUNC |
  InitFlag.BIG_WRITES |
  InitFlag.FLOCK_LOCKS |
  InitFlag.AUTO_INVAL_DATA |
  InitFlag.DO_READDIRPLUS |
  InitFlag.ASYNC_DIO |
  InitFlag.PARALLEL_DIROPS |
  InitFlag.MAX_PAGES |
  InitFlag.HANDLE_KILLPRIV_V2;

const PAGE = 4096;
/**
 * The oldest protocol the requests are parsed for: dispatch reads fuse_create_in and
 * fuse_mknod_in with their umask, fuse_write_in with its lock owner, as 7.12 (Linux 2.6.31)
 * lays them out; an older kernel's shorter structs would be misread.
 */
const MIN_MINOR = 12;

/** Parse fuse_init_in, decide, and build fuse_init_out. */
export function negotiate(r: Reader, opts: InitOptions): { conn: ConnInfo; reply: Buffer } {
  const major = r.u32();
  const minor = r.u32();
  const maxReadahead = r.u32();
  const flags = r.u32();
  const flags2 = r.remaining >= 4 ? r.u32() : 0;
  void flags2; // the high flags (security context, DAX) are not used
  if (major !== FUSE_KERNEL_VERSION) {
    throw new Error(`unsupported FUSE protocol ${major}.${minor}; this build speaks ${FUSE_KERNEL_VERSION}.x`);
  }
  if (minor < MIN_MINOR) throw new Error(`FUSE protocol ${major}.${minor} is too old: this build needs ${FUSE_KERNEL_VERSION}.${MIN_MINOR} (Linux 2.6.31) or later`);
  const enabled = (WANTED_FLAGS | (opts.extraFlags ?? 0)) & ~(opts.flagsOff ?? 0) & flags & ~InitFlag.WRITEBACK_CACHE;
  const usesMaxPages = (enabled & InitFlag.MAX_PAGES) !== 0;
  const maxPages = usesMaxPages ? Math.min(256, Math.ceil(opts.maxWrite / PAGE)) : 32;
  const maxWrite = usesMaxPages ? Math.min(opts.maxWrite, maxPages * PAGE) : Math.min(opts.maxWrite, 128 * 1024);
  const readahead = Math.min(maxReadahead, opts.maxReadahead ?? maxReadahead);
  const agreedMinor = Math.min(minor, FUSE_KERNEL_MINOR_VERSION);

  const b = Buffer.alloc(Size.INIT_OUT);
  b.writeUInt32LE(FUSE_KERNEL_VERSION, 0);
  b.writeUInt32LE(agreedMinor, 4);
  b.writeUInt32LE(readahead, 8);
  b.writeUInt32LE(enabled >>> 0, 12);
  b.writeUInt16LE(opts.maxBackground ?? 64, 16);
  b.writeUInt16LE(opts.congestionThreshold ?? 48, 18);
  b.writeUInt32LE(maxWrite, 20);
  b.writeUInt32LE(1, 24); // time_gran: timestamps are kept to the nanosecond
  b.writeUInt16LE(maxPages, 28);
  // Older kernels read a shorter struct; send only what they know.
  const length = minor < 23 ? 24 : Size.INIT_OUT;
  return {
    conn: { major, minor: agreedMinor, kernelFlags: flags, flags: enabled, maxWrite, maxPages, maxReadahead: readahead },
    reply: b.subarray(0, length),
  };
}
