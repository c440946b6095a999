import { constants } from 'node:fs';
import { Dict } from '../../../runtime/core/dict.js';
import type { Flock } from '../../../runtime/fops/types.js';
import { dictFromWire, flockFromWire } from '../../../rpc/programs/convert.js';
import type { GfProtoFlock, GfxDict } from '../../../rpc/programs/gfx-types.js';

/** Small conversions between GFS4 request fields and fop arguments. */

export const xd = (d: GfxDict): Dict | undefined => dictFromWire(d);
/** A dict argument the fop requires: "no dict" becomes an empty one. */
export const dictArg = (d: GfxDict): Dict => dictFromWire(d) ?? new Dict();

/** GF_O_* (rpc/xdr/src/glusterfs3.h, the x86 Linux values) -> this machine's open(2) flags. */
const GF_O: ReadonlyArray<[number, string]> = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'], [0o10000, 'O_SYNC'], [0o20000, 'O_ASYNC'], [0o40000, 'O_DIRECT'], [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o100000, 'O_LARGEFILE'], [0o10000000, 'O_PATH'],
];

export function gfFlagsToFlags(gf: number): number {
  let flags = gf & 3; // O_RDONLY, O_WRONLY, O_RDWR are the same everywhere
  const c = constants as unknown as Record<string, number | undefined>;
  for (const [bit, name] of GF_O) if (gf & bit && c[name] !== undefined) flags |= c[name]!;
  return flags >>> 0;
}

/** GF_LK_GETLK, SETLK, SETLKW, the RESLK ones and GETLK_FD -> the fcntl commands the fops carry (Linux values). */
const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
export const LK_CMD: Readonly<Record<number, number>> = { 0: F_GETLK, 1: F_SETLK, 2: F_SETLKW, 3: 200, 4: 201, 5: 202, 6: 203 };

/** inodelk/lk: the command and the lock type travel beside the flock. */
export function lockArgs(cmd: number, type: number, flock: GfProtoFlock): { cmd: number; flock: Flock } {
  const f = flockFromWire(flock);
  return { cmd: LK_CMD[cmd] ?? cmd, flock: { ...f, type } };
}
