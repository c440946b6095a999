import type { Dict } from '../core/dict.js';
import type { Fd } from '../core/fd.js';
import type { Gfid } from '../core/gfid.js';
import type { Iatt, Statvfs } from '../core/iatt.js';
import type { Inode } from '../core/inode.js';
import type { Loc } from '../core/loc.js';

/** struct gf_flock: a POSIX record lock as fops carry it. `len` 0 means to the end of file. */
export interface Flock {
  type: number; // F_RDLCK 0, F_WRLCK 1, F_UNLCK 2 (Linux values)
  whence: number;
  start: bigint;
  len: bigint;
  pid: number;
  owner: Buffer;
}

/** One directory entry from readdir (stat and inode filled by readdirp). */
export interface DirEntry {
  name: string;
  /** Opaque cookie to resume after this entry (d_off). 64-bit: DHT packs the subvolume in it. */
  offset: bigint;
  ino: bigint;
  /** DT_* type as in dirent(5). */
  type: number;
  stat?: Iatt;
  inode?: Inode;
  dict?: Dict;
}

export interface Lease {
  cmd: number;
  type: number;
  id: Buffer;
  flags: number;
}

export interface LockInfo {
  flock: Flock;
  client: string;
  lkOwner: Buffer;
}

/**
 * The vocabulary of the fop table: each descriptor string names a TypeScript type. A descriptor
 * ending in `?` is optional. The wire codec reads the same descriptors.
 */
export interface FopTypeMap {
  loc: Loc;
  fd: Fd;
  inode: Inode;
  dict: Dict;
  xdata: Dict;
  iatt: Iatt;
  statvfs: Statvfs;
  data: Buffer;
  str: string;
  u32: number;
  i32: number;
  u64: number;
  off: number;
  dirOffset: bigint;
  bool: boolean;
  flock: Flock;
  entries: DirEntry[];
  lease: Lease;
  locks: LockInfo[];
  gfid: Gfid;
  checksum: Buffer;
}

export type TypeName = keyof FopTypeMap;
export type Descriptor = TypeName | `${TypeName}?`;
export type FieldSpec = Readonly<Record<string, Descriptor>>;

type FieldType<D> = D extends `${infer K}?` ? (K extends TypeName ? FopTypeMap[K] : never) : D extends TypeName ? FopTypeMap[D] : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends `${string}?` ? never : K }[keyof S];
type OptionalKeys<S> = { [K in keyof S]: S[K] extends `${string}?` ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Turn a field spec such as `{ loc: 'loc', xdata: 'xdata?' }` into `{ loc: Loc; xdata?: Dict }`. */
export type Fields<S> = Simplify<{ [K in RequiredKeys<S>]: FieldType<S[K]> } & { [K in OptionalKeys<S>]?: FieldType<S[K]> }>;

/**
 * xdata key on an `lk` call marking it as flock(2), not fcntl: the FUSE bridge sets it and
 * features/locks keeps flock locks in a namespace of their own (they never conflict with fcntl
 * locks, as on a local filesystem).
 */
export const FLOCK_KEY = 'gfs.flock';
