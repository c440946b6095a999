import { errnoError, native, STAT_FIELDS, StatField as F } from '../../../native/index.js';
import { E } from '../../../runtime/core/fop-error.js';
import { gfidFromBuffer, gfidToIno, type Gfid } from '../../../runtime/core/gfid.js';
import { gfidAt } from './handles.js';
import { IaType, iaTypeFromMode, type Iatt } from '../../../runtime/core/iatt.js';

const statBuf = new Float64Array(STAT_FIELDS);

/**
 * An lstat in plain numbers, what a resolved object (Ref) carries: fs.lstatSync's BigIntStats
 * makes some fifteen BigInts and four Dates per call, more than the statx itself costs, on the
 * path of every fop that names an object by gfid.
 */
export class Lstat {
  constructor(readonly a: Float64Array) {}
  get mode(): number { return this.a[F.mode]!; }
  get nlink(): number { return this.a[F.nlink]!; }
  get uid(): number { return this.a[F.uid]!; }
  get gid(): number { return this.a[F.gid]!; }
  isDirectory(): boolean { return iaTypeFromMode(this.mode) === IaType.DIR; }
  isFile(): boolean { return iaTypeFromMode(this.mode) === IaType.REG; }
  isSymbolicLink(): boolean { return iaTypeFromMode(this.mode) === IaType.LNK; }
}

/** lstat a path (not following a trailing symlink) into an Lstat; throws the errno error. */
export function lstatOf(path: string): Lstat {
  const r = native.lstatInto(path, statBuf);
  if (r < 0) throw errnoError(r, 'lstat', path);
  return new Lstat(statBuf.slice());
}

/** The iatt of a resolved object's Lstat. */
export const iattOf = (st: Lstat, gfid: Gfid): Iatt => iattFromStat(st.a, gfid);

/** lstat a path and convert it (plain-number statx: no bigint Stats on the hot paths). */
export function statIatt(path: string, gfid: Gfid): Iatt {
  const r = native.lstatInto(path, statBuf);
  if (r < 0) throw errnoError(r, 'lstat', path);
  return iattFromStat(statBuf, gfid);
}

/** fstat an fd (an open file, or a pinned O_PATH directory) and convert it. */
export function fstatIatt(fd: number, gfid: Gfid, path?: string): Iatt {
  const r = native.fstatInto(fd, statBuf);
  if (r < 0) throw errnoError(r, 'fstat', path);
  return iattFromStat(statBuf, gfid);
}


/** A directory, by its st_mode. */
export const isDirMode = (mode: number): boolean => iaTypeFromMode(mode) === IaType.DIR;

const entryStats = new Float64Array(STAT_FIELDS);
const entryGfid = Buffer.alloc(16);

/**
 * lstat and trusted.gfid of `name` in the directory pinned by `dirFd`, in one native call:
 * undefined when the entry does not exist. `stat` is a shared array, valid until the next call
 * (read it before any await); `gfid` is undefined when the entry has none (a failed read throws).
 */
export function statAt(dirFd: number, name: string, path: string): { stat: Float64Array; gfid: Gfid | undefined } | undefined {
  const found = native.statEntry(dirFd, name, entryStats, entryGfid);
  if (found === -E.ENOENT) return undefined;
  if (found < 0) throw errnoError(found, 'statx', path);
  // 0: no 16-byte gfid, or reading it failed: gfidAt tells the two apart (and throws the error).
  return { stat: entryStats, gfid: found === 1 ? gfidFromBuffer(entryGfid) : gfidAt(dirFd, name, path) };
}

/**
 * st_dev as a bigint: a brick's files are on one device, so the conversion of the last one is
 * kept (BigInt of a double is a runtime call in V8, twice per lookup reply).
 */
let lastDev = -1;
let lastDevBig = 0n;
function devOf(dev: number): bigint {
  if (dev !== lastDev) {
    lastDevBig = BigInt(dev);
    lastDev = dev;
  }
  return lastDevBig;
}

/**
 * struct iatt from a lstatInto/fstatInto array (plain numbers), from index `at`, as posix_pstat
 * builds it: ia_ino from the gfid, nanosecond times, and for a non-directory one link fewer,
 * because the gfid handle is a hard link the client must not count.
 */
export function iattFromStat(a: Float64Array, gfid: Gfid, at = 0): Iatt {
  const mode = a[at + F.mode]!;
  const nlink = a[at + F.nlink]!;
  const rdev = a[at + F.rdev]!;
  const iatt: Iatt = {
    gfid,
    ino: gfidToIno(gfid),
    dev: devOf(a[at + F.dev]!),
    type: iaTypeFromMode(mode),
    mode,
    nlink: !isDirMode(mode) && nlink > 1 ? nlink - 1 : nlink,
    uid: a[at + F.uid]!,
    gid: a[at + F.gid]!,
    rdev: rdev === 0 ? 0n : BigInt(rdev),
    size: a[at + F.size]!,
    blksize: a[at + F.blksize]!,
    blocks: a[at + F.blocks]!,
    atime: { sec: a[at + F.atime]!, nsec: a[at + F.atimeNs]! },
    mtime: { sec: a[at + F.mtime]!, nsec: a[at + F.mtimeNs]! },
    ctime: { sec: a[at + F.ctime]!, nsec: a[at + F.ctimeNs]! },
  };
  if (a[at + F.btime]! > 0 || a[at + F.btimeNs]! > 0) iatt.btime = { sec: a[at + F.btime]!, nsec: a[at + F.btimeNs]! };
  return iatt;
}
