import type { FieldSpec } from './types.js';

/**
 * THE fop table. Every GlusterFS fop, in glusterfs_fop_t order with its number, its arguments and
 * its result. From this one declaration come the TypeScript signatures (fops/signatures.ts), the
 * pass-through defaults (graph/defaults.ts), tracing (debug/trace), the read-only filter
 * (`modifies`) and the wire codec. Argument names follow xlator.h.
 *
 * `modifies`: the fop can change the filesystem (features/read-only refuses these with EROFS).
 * `cbk`: not a fop but a callback (cbks table): forget, release, releasedir.
 */
const entry = <const A extends FieldSpec, const R extends FieldSpec, const C extends boolean = false>(e: {
  id: number;
  args: A;
  result: R;
  modifies?: boolean;
  cbk?: C;
}) => ({ ...e, modifies: e.modifies ?? false, cbk: (e.cbk ?? false) as C });

const ENTRY_RESULT = { inode: 'inode', buf: 'iatt', preparent: 'iatt', postparent: 'iatt', xdata: 'xdata?' } as const;
const PREPOST = { prebuf: 'iatt', postbuf: 'iatt', xdata: 'xdata?' } as const;
const NOTHING = { xdata: 'xdata?' } as const;

export const FOP_TABLE = {
  stat: entry({ id: 1, args: { loc: 'loc', xdata: 'xdata?' }, result: { buf: 'iatt', xdata: 'xdata?' } }),
  readlink: entry({ id: 2, args: { loc: 'loc', size: 'u32', xdata: 'xdata?' }, result: { path: 'str', buf: 'iatt', xdata: 'xdata?' } }),
  mknod: entry({ id: 3, args: { loc: 'loc', mode: 'u32', rdev: 'u64', umask: 'u32', xdata: 'xdata?' }, result: ENTRY_RESULT, modifies: true }),
  mkdir: entry({ id: 4, args: { loc: 'loc', mode: 'u32', umask: 'u32', xdata: 'xdata?' }, result: ENTRY_RESULT, modifies: true }),
  unlink: entry({ id: 5, args: { loc: 'loc', xflag: 'i32', xdata: 'xdata?' }, result: { preparent: 'iatt', postparent: 'iatt', xdata: 'xdata?' }, modifies: true }),
  rmdir: entry({ id: 6, args: { loc: 'loc', flags: 'i32', xdata: 'xdata?' }, result: { preparent: 'iatt', postparent: 'iatt', xdata: 'xdata?' }, modifies: true }),
  symlink: entry({ id: 7, args: { linkname: 'str', loc: 'loc', umask: 'u32', xdata: 'xdata?' }, result: ENTRY_RESULT, modifies: true }),
  rename: entry({
    id: 8,
    args: { oldloc: 'loc', newloc: 'loc', xdata: 'xdata?' },
    result: { buf: 'iatt', preoldparent: 'iatt', postoldparent: 'iatt', prenewparent: 'iatt', postnewparent: 'iatt', xdata: 'xdata?' },
    modifies: true,
  }),
  link: entry({ id: 9, args: { oldloc: 'loc', newloc: 'loc', xdata: 'xdata?' }, result: ENTRY_RESULT, modifies: true }),
  truncate: entry({ id: 10, args: { loc: 'loc', offset: 'off', xdata: 'xdata?' }, result: PREPOST, modifies: true }),
  open: entry({ id: 11, args: { loc: 'loc', flags: 'i32', fd: 'fd', xdata: 'xdata?' }, result: { fd: 'fd', xdata: 'xdata?' } }),
  readv: entry({ id: 12, args: { fd: 'fd', size: 'u32', offset: 'off', flags: 'u32', xdata: 'xdata?' }, result: { data: 'data', stbuf: 'iatt', xdata: 'xdata?' } }),
  writev: entry({ id: 13, args: { fd: 'fd', data: 'data', offset: 'off', flags: 'u32', xdata: 'xdata?' }, result: PREPOST, modifies: true }),
  statfs: entry({ id: 14, args: { loc: 'loc', xdata: 'xdata?' }, result: { buf: 'statvfs', xdata: 'xdata?' } }),
  flush: entry({ id: 15, args: { fd: 'fd', xdata: 'xdata?' }, result: NOTHING }),
  fsync: entry({ id: 16, args: { fd: 'fd', datasync: 'i32', xdata: 'xdata?' }, result: PREPOST }),
  setxattr: entry({ id: 17, args: { loc: 'loc', dict: 'dict', flags: 'i32', xdata: 'xdata?' }, result: NOTHING, modifies: true }),
  getxattr: entry({ id: 18, args: { loc: 'loc', name: 'str?', xdata: 'xdata?' }, result: { dict: 'dict', xdata: 'xdata?' } }),
  removexattr: entry({ id: 19, args: { loc: 'loc', name: 'str', xdata: 'xdata?' }, result: NOTHING, modifies: true }),
  opendir: entry({ id: 20, args: { loc: 'loc', fd: 'fd', xdata: 'xdata?' }, result: { fd: 'fd', xdata: 'xdata?' } }),
  fsyncdir: entry({ id: 21, args: { fd: 'fd', datasync: 'i32', xdata: 'xdata?' }, result: NOTHING }),
  access: entry({ id: 22, args: { loc: 'loc', mask: 'i32', xdata: 'xdata?' }, result: NOTHING }),
  create: entry({
    id: 23,
    args: { loc: 'loc', flags: 'i32', mode: 'u32', umask: 'u32', fd: 'fd', xdata: 'xdata?' },
    result: { fd: 'fd', inode: 'inode', buf: 'iatt', preparent: 'iatt', postparent: 'iatt', xdata: 'xdata?' },
    modifies: true,
  }),
  ftruncate: entry({ id: 24, args: { fd: 'fd', offset: 'off', xdata: 'xdata?' }, result: PREPOST, modifies: true }),
  fstat: entry({ id: 25, args: { fd: 'fd', xdata: 'xdata?' }, result: { buf: 'iatt', xdata: 'xdata?' } }),
  lk: entry({ id: 26, args: { fd: 'fd', cmd: 'i32', flock: 'flock', xdata: 'xdata?' }, result: { flock: 'flock', xdata: 'xdata?' } }),
  lookup: entry({ id: 27, args: { loc: 'loc', xdata: 'xdata?' }, result: { inode: 'inode', buf: 'iatt', postparent: 'iatt?', xdata: 'xdata?' } }),
  // eof: no entries follow these (a brick says so with op_errno ENOENT, saving the call that
  // would return none).
  readdir: entry({ id: 28, args: { fd: 'fd', size: 'u32', offset: 'dirOffset', xdata: 'xdata?' }, result: { entries: 'entries', eof: 'bool?', xdata: 'xdata?' } }),
  inodelk: entry({ id: 29, args: { volume: 'str', loc: 'loc', cmd: 'i32', flock: 'flock', xdata: 'xdata?' }, result: NOTHING }),
  finodelk: entry({ id: 30, args: { volume: 'str', fd: 'fd', cmd: 'i32', flock: 'flock', xdata: 'xdata?' }, result: NOTHING }),
  entrylk: entry({ id: 31, args: { volume: 'str', loc: 'loc', basename: 'str?', cmd: 'i32', type: 'i32', xdata: 'xdata?' }, result: NOTHING }),
  fentrylk: entry({ id: 32, args: { volume: 'str', fd: 'fd', basename: 'str?', cmd: 'i32', type: 'i32', xdata: 'xdata?' }, result: NOTHING }),
  xattrop: entry({ id: 33, args: { loc: 'loc', optype: 'i32', dict: 'dict', xdata: 'xdata?' }, result: { dict: 'dict', xdata: 'xdata?' }, modifies: true }),
  fxattrop: entry({ id: 34, args: { fd: 'fd', optype: 'i32', dict: 'dict', xdata: 'xdata?' }, result: { dict: 'dict', xdata: 'xdata?' }, modifies: true }),
  fgetxattr: entry({ id: 35, args: { fd: 'fd', name: 'str?', xdata: 'xdata?' }, result: { dict: 'dict', xdata: 'xdata?' } }),
  fsetxattr: entry({ id: 36, args: { fd: 'fd', dict: 'dict', flags: 'i32', xdata: 'xdata?' }, result: NOTHING, modifies: true }),
  rchecksum: entry({ id: 37, args: { fd: 'fd', offset: 'off', len: 'u32', xdata: 'xdata?' }, result: { weakChecksum: 'u32', strongChecksum: 'checksum', xdata: 'xdata?' } }),
  setattr: entry({ id: 38, args: { loc: 'loc', stbuf: 'iatt', valid: 'i32', xdata: 'xdata?' }, result: { statpre: 'iatt', statpost: 'iatt', xdata: 'xdata?' }, modifies: true }),
  fsetattr: entry({ id: 39, args: { fd: 'fd', stbuf: 'iatt', valid: 'i32', xdata: 'xdata?' }, result: { statpre: 'iatt', statpost: 'iatt', xdata: 'xdata?' }, modifies: true }),
  readdirp: entry({ id: 40, args: { fd: 'fd', size: 'u32', offset: 'dirOffset', xdata: 'xdata?' }, result: { entries: 'entries', eof: 'bool?', xdata: 'xdata?' } }),
  forget: entry({ id: 41, args: { inode: 'inode' }, result: {}, cbk: true }),
  release: entry({ id: 42, args: { fd: 'fd' }, result: {}, cbk: true }),
  releasedir: entry({ id: 43, args: { fd: 'fd' }, result: {}, cbk: true }),
  getspec: entry({ id: 44, args: { key: 'str', flags: 'i32', xdata: 'xdata?' }, result: { spec: 'str', xdata: 'xdata?' } }),
  fremovexattr: entry({ id: 45, args: { fd: 'fd', name: 'str', xdata: 'xdata?' }, result: NOTHING, modifies: true }),
  fallocate: entry({ id: 46, args: { fd: 'fd', keepSize: 'i32', offset: 'off', len: 'off', xdata: 'xdata?' }, result: PREPOST, modifies: true }),
  discard: entry({ id: 47, args: { fd: 'fd', offset: 'off', len: 'off', xdata: 'xdata?' }, result: PREPOST, modifies: true }),
  zerofill: entry({ id: 48, args: { fd: 'fd', offset: 'off', len: 'off', xdata: 'xdata?' }, result: PREPOST, modifies: true }),
  ipc: entry({ id: 49, args: { op: 'i32', xdata: 'xdata?' }, result: NOTHING }),
  seek: entry({ id: 50, args: { fd: 'fd', offset: 'off', what: 'i32', xdata: 'xdata?' }, result: { offset: 'off', xdata: 'xdata?' } }),
  lease: entry({ id: 51, args: { loc: 'loc', lease: 'lease', xdata: 'xdata?' }, result: { lease: 'lease', xdata: 'xdata?' } }),
  compound: entry({ id: 52, args: { xdata: 'xdata?' }, result: NOTHING }),
  getactivelk: entry({ id: 53, args: { loc: 'loc', xdata: 'xdata?' }, result: { locks: 'locks', xdata: 'xdata?' } }),
  setactivelk: entry({ id: 54, args: { loc: 'loc', locks: 'locks', xdata: 'xdata?' }, result: NOTHING, modifies: true }),
  put: entry({
    id: 55,
    args: { loc: 'loc', mode: 'u32', umask: 'u32', flags: 'u32', data: 'data', offset: 'off', xattr: 'dict', xdata: 'xdata?' },
    result: { inode: 'inode', buf: 'iatt', preparent: 'iatt', postparent: 'iatt', xdata: 'xdata?' },
    modifies: true,
  }),
  icreate: entry({ id: 56, args: { loc: 'loc', mode: 'u32', xdata: 'xdata?' }, result: { inode: 'inode', buf: 'iatt', xdata: 'xdata?' }, modifies: true }),
  namelink: entry({ id: 57, args: { loc: 'loc', xdata: 'xdata?' }, result: { prebuf: 'iatt', postbuf: 'iatt', xdata: 'xdata?' }, modifies: true }),
  copy_file_range: entry({
    id: 58,
    args: { fdIn: 'fd', offIn: 'off', fdOut: 'fd', offOut: 'off', len: 'u64', flags: 'u32', xdata: 'xdata?' },
    result: { stbuf: 'iatt', prebufDst: 'iatt', postbufDst: 'iatt', xdata: 'xdata?' },
    modifies: true,
  }),
} as const;

export type FopTable = typeof FOP_TABLE;
export type AnyFopName = keyof FopTable;
/** The callable fops (everything but the cbks). */
export type FopName = { [K in AnyFopName]: FopTable[K]['cbk'] extends true ? never : K }[AnyFopName];

/** Fop names in GlusterFS order (by number). */
export const FOP_NAMES: readonly FopName[] = (Object.keys(FOP_TABLE) as AnyFopName[])
  .filter((n) => !FOP_TABLE[n].cbk)
  .sort((a, b) => FOP_TABLE[a].id - FOP_TABLE[b].id) as FopName[];

export const FOP_BY_ID: ReadonlyMap<number, AnyFopName> = new Map(
  (Object.keys(FOP_TABLE) as AnyFopName[]).map((n) => [FOP_TABLE[n].id, n]),
);

export const MODIFYING_FOPS: ReadonlySet<FopName> = new Set(FOP_NAMES.filter((n) => FOP_TABLE[n].modifies));
