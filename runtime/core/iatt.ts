import type { Gfid } from './gfid.js';

/** ia_type_t in GlusterFS's order (IA_INVAL 0 .. IA_IFSOCK 7). */
export const IaType = {
  INVAL: 0,
  REG: 1,
  DIR: 2,
  LNK: 3,
  BLK: 4,
  CHR: 5,
  FIFO: 6,
  SOCK: 7,
} as const;
export type IaType = (typeof IaType)[keyof typeof IaType];

/** A timestamp with nanoseconds, kept as two integers so nothing is rounded. */
export interface Timespec {
  sec: number;
  nsec: number;
}

/**
 * struct iatt: what a stat returns in GlusterFS. `mode` holds the full st_mode (type and
 * permission bits); `type` repeats the type as ia_type for code that switches on it.
 */
export interface Iatt {
  gfid: Gfid;
  ino: bigint;
  dev: bigint;
  type: IaType;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: bigint;
  size: number;
  blksize: number;
  blocks: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  btime?: Timespec;
}

const S_IFMT = 0o170000;

export function iaTypeFromMode(mode: number): IaType {
  switch (mode & S_IFMT) {
    case 0o100000: return IaType.REG;
    case 0o040000: return IaType.DIR;
    case 0o120000: return IaType.LNK;
    case 0o060000: return IaType.BLK;
    case 0o020000: return IaType.CHR;
    case 0o010000: return IaType.FIFO;
    case 0o140000: return IaType.SOCK;
    default: return IaType.INVAL;
  }
}

export function modeTypeBits(t: IaType): number {
  return [0, 0o100000, 0o040000, 0o120000, 0o060000, 0o020000, 0o010000, 0o140000][t] ?? 0;
}

/** st_mode's set-user-ID, set-group-ID, sticky and group-execute bits (sys/stat.h). */
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
export const S_IXGRP = 0o0010;

/** statvfs as statfs returns it. */
export interface Statvfs {
  bsize: number;
  frsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  favail: number;
  /** The filesystem id: 64 opaque bits (ext4 often sets the top one), so a bigint, never negative. */
  fsid: bigint;
  flag: number;
  namemax: number;
}

/** Bits of `valid` in setattr/fsetattr (GF_SET_ATTR_*), as GlusterFS numbers them. */
export const SetAttr = {
  MODE: 0x1,
  UID: 0x2,
  GID: 0x4,
  SIZE: 0x8,
  ATIME: 0x10,
  MTIME: 0x20,
  CTIME: 0x40,
  ATIME_NOW: 0x80,
  MTIME_NOW: 0x100,
} as const;
