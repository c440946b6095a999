import { constants } from 'node:fs';
import { E, FopError } from '../core/fop-error.js';
import { NULL_GFID } from '../core/gfid.js';
import type { Iatt, Timespec } from '../core/iatt.js';

/** Who a VolumeClient acts as: the frame identity every fop carries. */
export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups?: readonly number[];
  /** Defaults to this process's pid; negative pids are GlusterFS's internal clients. */
  pid?: number;
}

export interface VolumeClientOptions {
  /** Applied to the mode of created files and directories (default 0o022, as glfs_umask). */
  umask?: number;
  /** Names this client in frames (locks and fds are released per client). */
  client?: string;
}

/** A time for utimes: exact seconds + nanoseconds, the current time, or left unchanged. */
export type TimeArg = Timespec | 'now' | 'omit';
export const UTIME_NOW = 'now' as const;
export const UTIME_OMIT = 'omit' as const;

/** lseek(2) whence values the handle's seek accepts (Linux numbering). */
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

/** setxattr flags (Linux numbering). */
export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;

/** Most symlinks followed while resolving one path (Linux MAXSYMLINKS). */
export const MAX_SYMLINKS = 40;

/** A directory entry from readdirp: its name, type (IaType) and, when the brick gave one, its iatt. */
export interface DirEntryPlus {
  name: string;
  type: number;
  stat?: Iatt;
}

const STRING_FLAGS: Record<string, number> = {
  r: constants.O_RDONLY,
  'r+': constants.O_RDWR,
  w: constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC,
  wx: constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_EXCL,
  'w+': constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC,
  'wx+': constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_EXCL,
  a: constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND,
  ax: constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_EXCL,
  'a+': constants.O_RDWR | constants.O_CREAT | constants.O_APPEND,
};

/** open(2) flags from a number or a Node-style string ('r', 'w', 'a+', ...). */
export function openFlags(flags: number | string): number {
  if (typeof flags === 'number') return flags;
  const f = STRING_FLAGS[flags];
  if (f === undefined) throw new FopError(E.EINVAL, `unknown open flags ${JSON.stringify(flags)}`);
  return f;
}

const ZERO: Timespec = { sec: 0, nsec: 0 };

/** An iatt with nothing set: setattr reads only the fields its `valid` bits name. */
export function blankIatt(): Iatt {
  return {
    gfid: NULL_GFID, ino: 0n, dev: 0n, type: 0, mode: 0, nlink: 0, uid: 0, gid: 0, rdev: 0n, size: 0,
    blksize: 0, blocks: 0, atime: ZERO, mtime: ZERO, ctime: ZERO,
  };
}

export function nowTimespec(): Timespec {
  const ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}
