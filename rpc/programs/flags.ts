import { E, FopError } from '../../runtime/core/fop-error.js';

/**
 * Open flags on the wire are GlusterFS's own GF_O_* numbering (rpc/xdr/src/glusterfs3.h,
 * gf_flags_from_flags), so that bricks on other systems read them. On Linux x86-64 most bits are
 * the same numbers; the differences are O_SYNC (one GF bit for both O_SYNC and O_DSYNC) and
 * O_LARGEFILE, which glibc defines as 0 on 64-bit systems: a real client never sends it in open
 * and create flags although the kernel's FUSE requests carry it.
 */
const GF_O = {
  ACCMODE: 0o3,
  CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000, APPEND: 0o2000, NONBLOCK: 0o4000,
  SYNC: 0o10000, ASYNC: 0o20000, DIRECT: 0o40000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000,
  NOATIME: 0o1000000, CLOEXEC: 0o2000000, LARGEFILE: 0o100000, FMODE_EXEC: 0o40, PATH: 0o10000000,
} as const;

/** Linux (x86-64, arm64 differ only in bits we map the same way) open(2) flags. */
const LINUX_O = {
  CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000, APPEND: 0o2000, NONBLOCK: 0o4000,
  /** O_SYNC is __O_SYNC | O_DSYNC; `flags & O_SYNC` is true for either, as in the C macro. */
  SYNC: 0o4010000, ASYNC: 0o20000, DIRECT: 0o40000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000,
  NOATIME: 0o1000000, CLOEXEC: 0o2000000, PATH: 0o10000000,
} as const;

const BITS = ['CREAT', 'EXCL', 'NOCTTY', 'TRUNC', 'APPEND', 'NONBLOCK', 'SYNC', 'ASYNC', 'DIRECT', 'DIRECTORY', 'NOFOLLOW', 'NOATIME', 'CLOEXEC', 'PATH'] as const;

/** gf_flags_from_flags: open(2) flags -> wire flags. */
export function gfFlagsFromFlags(flags: number): number {
  let out = flags & GF_O.ACCMODE; // O_RDONLY/O_WRONLY/O_RDWR are 0/1/2 on both sides
  for (const b of BITS) if (flags & LINUX_O[b]) out |= GF_O[b];
  return out >>> 0;
}

/** gf_flags_to_flags: wire flags -> open(2) flags (what a brick applies). */
export function gfFlagsToFlags(gf: number): number {
  let out = gf & GF_O.ACCMODE;
  for (const b of BITS) if (gf & GF_O[b]) out |= LINUX_O[b];
  return out >>> 0;
}

/** What a reopen after reconnect must not repeat (client_reopen: no truncation, no creation). */
export function reopenFlags(flags: number): number {
  return gfFlagsFromFlags(flags) & ~(GF_O.TRUNC | GF_O.CREAT | GF_O.EXCL);
}

/** fcntl commands as the runtime carries them (Linux numbers; F_*64 are the same on 64-bit). */
export const F = { GETLK: 5, SETLK: 6, SETLKW: 7, GETLK64: 12, SETLK64: 13, SETLKW64: 14 } as const;
/** glusterfs.h GF_LK_*: the lock commands on the wire. */
export const GF_LK = { GETLK: 0, SETLK: 1, SETLKW: 2 } as const;

/** client_cmd_to_gf_cmd; an unknown command is EINVAL before anything is sent. */
export function lkCmdToWire(cmd: number): number {
  switch (cmd) {
    case F.GETLK: case F.GETLK64: return GF_LK.GETLK;
    case F.SETLK: case F.SETLK64: return GF_LK.SETLK;
    case F.SETLKW: case F.SETLKW64: return GF_LK.SETLKW;
    default: throw new FopError(E.EINVAL, `unknown lock command ${cmd}`);
  }
}

/** O_DIRECT, for option filter-O_DIRECT. */
export const O_DIRECT = LINUX_O.DIRECT;

/**
 * The server side of client_cmd_to_gf_cmd: GF_LK_GETLK, SETLK, SETLKW, the reserve-lock ones
 * (3-5) and GETLK_FD (6) -> the fcntl commands fops carry (Linux numbers; the F_RESLK_* and
 * F_GETLK_FD values are GlusterFS's own, 200-203). An unknown command passes as it is.
 */
const LK_FROM_WIRE: Readonly<Record<number, number>> = { 0: F.GETLK, 1: F.SETLK, 2: F.SETLKW, 3: 200, 4: 201, 5: 202, 6: 203 };
export function lkCmdFromWire(cmd: number): number {
  return LK_FROM_WIRE[cmd] ?? cmd;
}
