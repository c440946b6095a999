/**
 * The small fs-like interface every conformance target provides. Paths are absolute inside the
 * volume ("/dir/file"). Failures reject with an error whose `code` is the errno name ('EACCES').
 */
export interface Ts {
  sec: number;
  nsec: number;
}

export type FileType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block';

export interface FsStat {
  type: FileType;
  /** Permission bits with setuid/setgid/sticky (st_mode & 07777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  ino: bigint;
  blocks: number;
  rdev: number;
  atime: Ts;
  mtime: Ts;
  ctime: Ts;
}

export type Whence = 'data' | 'hole';

/** A positional handle on an open file. */
export interface FsHandle {
  read(length: number, position: number): Promise<Buffer>;
  /** Writes all of `data`; resolves to its length. */
  write(data: Buffer, position: number): Promise<number>;
  truncate(length: number): Promise<void>;
  stat(): Promise<FsStat>;
  sync(): Promise<void>;
  /** lseek SEEK_DATA / SEEK_HOLE. */
  seek(offset: number, whence: Whence): Promise<number>;
  close(): Promise<void>;
}

export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;
export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;

export interface Fs {
  writeFile(path: string, data: Buffer | string, mode?: number): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  stat(path: string): Promise<FsStat>;
  lstat(path: string): Promise<FsStat>;
  access(path: string, mode: number): Promise<void>;
  mkdir(path: string, mode?: number): Promise<void>;
  rmdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, path: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  readlink(path: string): Promise<string>;
  /** Names without `.` and `..`, sorted. */
  readdir(path: string): Promise<string[]>;
  mkfifo(path: string, mode: number): Promise<void>;
  /** mode includes the S_IF* type; rdev is makedev(major, minor). */
  mknod(path: string, mode: number, rdev: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  chown(path: string, uid: number, gid: number): Promise<void>;
  lchown(path: string, uid: number, gid: number): Promise<void>;
  /** utimensat with nanoseconds; 'now' sets the current time (needs only write permission). */
  utimes(path: string, atime: Ts | 'now', mtime: Ts | 'now'): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
  setxattr(path: string, name: string, value: Buffer, flags?: number): Promise<void>;
  getxattr(path: string, name: string): Promise<Buffer>;
  listxattr(path: string): Promise<string[]>;
  removexattr(path: string, name: string): Promise<void>;
  /** flags as Node's: 'r', 'r+', 'w', 'wx', 'a', ... */
  open(path: string, flags: string, mode?: number): Promise<FsHandle>;
  /** The same interface acting as another user (supplementary groups optional). */
  as(uid: number, gid: number, groups?: number[]): Promise<Fs>;
}

/** One stack to run the suite against: how to start it and how to stop it. */
export interface Target {
  name: string;
  /** Start the stack; the Fs acts as root on an empty volume whose root is mode 0755. */
  setup(): Promise<Fs>;
  /** Stop everything setup started, even after failures. Safe to call twice. */
  teardown(): Promise<void>;
}
