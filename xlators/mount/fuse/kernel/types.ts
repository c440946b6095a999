/**
 * What the kernel layer hands to a filesystem and expects back. Nothing here knows about
 * translators: the bridge (../bridge/) implements RawFs on top of the fop table, and tests
 * implement it with a tiny in-memory filesystem.
 */

export interface Time {
  sec: number;
  nsec: number;
}

/** struct fuse_attr. `ino` is what stat(2) shows; the nodeid is separate. */
export interface Attr {
  ino: bigint;
  size: number;
  blocks: number;
  atime: Time;
  mtime: Time;
  ctime: Time;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  blksize: number;
}

/** struct fuse_entry_out: nodeid 0 with entryValid > 0 is a cached negative entry. */
export interface Entry {
  nodeid: bigint;
  generation: bigint;
  /** Seconds the kernel may cache the name (fractions allowed). */
  entryValid: number;
  /** Seconds the kernel may cache the attributes. */
  attrValid: number;
  attr: Attr;
}

export interface AttrReply {
  attr: Attr;
  attrValid: number;
}

export interface OpenReply {
  fh: bigint;
  /** FOPEN_* bits. */
  openFlags: number;
}

export interface Statfs {
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  bsize: number;
  namelen: number;
  frsize: number;
}

/** struct fuse_file_lock: `end` is inclusive; OFFSET_MAX (2^63-1) means to end of file. */
export interface FileLock {
  start: bigint;
  end: bigint;
  /** F_RDLCK 0, F_WRLCK 1, F_UNLCK 2. */
  type: number;
  pid: number;
}

/** Who sent a request, and a signal that fires when the kernel interrupts it. */
export interface RequestContext {
  readonly unique: bigint;
  readonly opcode: number;
  readonly nodeid: bigint;
  readonly uid: number;
  readonly gid: number;
  readonly pid: number;
  readonly signal: AbortSignal;
}

export interface DirEntryOut {
  name: string;
  ino: bigint;
  /** DT_* type. */
  type: number;
  /** Cookie for the next readdir after this entry. */
  off: bigint;
}

/**
 * Collects a readdir reply within the kernel's size limit. `add` returns false when the entry no
 * longer fits; a filesystem must count a lookup for a readdirplus entry only when it was added.
 */
export interface DirList {
  readonly plus: boolean;
  /** Bytes the kernel asked for. */
  readonly size: number;
  /** Whether a record for `name` still fits (add refuses one that does not). */
  fits(name: string): boolean;
  add(d: DirEntryOut, entry?: Entry): boolean;
}

/** What INIT settled on; the session fills it in before calling `init`. */
export interface ConnInfo {
  major: number;
  minor: number;
  /** Flags the kernel offered. */
  kernelFlags: number;
  /** Flags we enabled (a subset of kernelFlags). */
  flags: number;
  maxWrite: number;
  maxPages: number;
  maxReadahead: number;
}

export interface SetattrIn {
  valid: number;
  fh: bigint;
  size: number;
  lockOwner: bigint;
  atime: Time;
  mtime: Time;
  ctime: Time;
  mode: number;
  uid: number;
  gid: number;
}

export interface LkIn {
  fh: bigint;
  owner: bigint;
  lk: FileLock;
  /** LK_FLOCK when the call came from flock(2). */
  lkFlags: number;
}

/**
 * A low-level (inode-based) filesystem: one optional method per opcode, as go-fuse's
 * RawFileSystem. A method throws an error with a numeric `errno` (FopError) to fail; the session
 * turns that into the reply's negative errno. A missing method answers ENOSYS, which the kernel
 * remembers for most operations.
 */
export interface RawFs {
  init?(conn: ConnInfo): void | Promise<void>;
  destroy?(): void | Promise<void>;
  /** FORGET and BATCH_FORGET: the kernel dropped `nlookup` lookups of `nodeid`. No reply. */
  forget?(nodeid: bigint, nlookup: number): void;

  lookup?(ctx: RequestContext, name: string): Promise<Entry>;
  getattr?(ctx: RequestContext, fh: bigint | undefined): Promise<AttrReply>;
  setattr?(ctx: RequestContext, inp: SetattrIn): Promise<AttrReply>;
  readlink?(ctx: RequestContext): Promise<string | Buffer>;
  symlink?(ctx: RequestContext, name: string, target: string): Promise<Entry>;
  mknod?(ctx: RequestContext, name: string, mode: number, rdev: number, umask: number): Promise<Entry>;
  mkdir?(ctx: RequestContext, name: string, mode: number, umask: number): Promise<Entry>;
  unlink?(ctx: RequestContext, name: string): Promise<void>;
  rmdir?(ctx: RequestContext, name: string): Promise<void>;
  rename?(ctx: RequestContext, name: string, newdir: bigint, newname: string, flags: number): Promise<void>;
  link?(ctx: RequestContext, oldnodeid: bigint, newname: string): Promise<Entry>;
  /** `openFlags`: fuse_open_in.open_flags (OPEN_KILL_SUIDGID). */
  open?(ctx: RequestContext, flags: number, openFlags: number): Promise<OpenReply>;
  read?(ctx: RequestContext, fh: bigint, offset: number, size: number, lockOwner: bigint | undefined): Promise<Buffer>;
  write?(ctx: RequestContext, fh: bigint, offset: number, data: Buffer, writeFlags: number, lockOwner: bigint | undefined): Promise<number>;
  statfs?(ctx: RequestContext): Promise<Statfs>;
  release?(ctx: RequestContext, fh: bigint, flags: number, releaseFlags: number, lockOwner: bigint): Promise<void>;
  fsync?(ctx: RequestContext, fh: bigint, datasync: boolean): Promise<void>;
  setxattr?(ctx: RequestContext, name: string, value: Buffer, flags: number): Promise<void>;
  /** The whole value; the session answers size probes and ERANGE itself. */
  getxattr?(ctx: RequestContext, name: string): Promise<Buffer>;
  /** All names; the session answers size probes and ERANGE itself. */
  listxattr?(ctx: RequestContext): Promise<string[]>;
  removexattr?(ctx: RequestContext, name: string): Promise<void>;
  flush?(ctx: RequestContext, fh: bigint, lockOwner: bigint): Promise<void>;
  opendir?(ctx: RequestContext, flags: number, openFlags: number): Promise<OpenReply>;
  readdir?(ctx: RequestContext, fh: bigint, offset: bigint, list: DirList): Promise<void>;
  releasedir?(ctx: RequestContext, fh: bigint): Promise<void>;
  fsyncdir?(ctx: RequestContext, fh: bigint, datasync: boolean): Promise<void>;
  getlk?(ctx: RequestContext, inp: LkIn): Promise<FileLock>;
  /** SETLK (sleep false) and SETLKW (sleep true); flock(2) arrives here with LK_FLOCK. */
  setlk?(ctx: RequestContext, inp: LkIn, sleep: boolean): Promise<void>;
  access?(ctx: RequestContext, mask: number): Promise<void>;
  create?(ctx: RequestContext, name: string, flags: number, mode: number, umask: number, openFlags: number): Promise<{ entry: Entry; open: OpenReply }>;
  bmap?(ctx: RequestContext, block: bigint, blocksize: number): Promise<bigint>;
  fallocate?(ctx: RequestContext, fh: bigint, offset: number, length: number, mode: number): Promise<void>;
  lseek?(ctx: RequestContext, fh: bigint, offset: number, whence: number): Promise<number>;
  copyFileRange?(
    ctx: RequestContext,
    inp: { fhIn: bigint; offIn: number; nodeidOut: bigint; fhOut: bigint; offOut: number; len: number; flags: number },
  ): Promise<number>;
}
