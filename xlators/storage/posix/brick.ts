import fs from 'node:fs';
import { C, native } from '../../../native/index.js';

/**
 * openat2 resolve flags used for every path inside the brick: stay beneath the directory fd,
 * follow no symlink at all (brick-side symlinks are data, never part of a path we resolve) and no
 * /proc magic link.
 */
export const SAFE_RESOLVE = C.RESOLVE_BENEATH | C.RESOLVE_NO_SYMLINKS | C.RESOLVE_NO_MAGICLINKS;

/**
 * The brick directory, pinned by an O_PATH fd for the translator's life.
 *
 * Node's fs functions take paths, not directory fds. We give them paths of the form
 * `/proc/self/fd/<dirfd>/<name>`: the kernel enters the pinned directory through the fd (so a
 * rename or a planted symlink elsewhere cannot redirect us) and resolves only `<name>`, a single
 * checked component, inside it. Every directory fd itself is opened with openat2(SAFE_RESOLVE)
 * relative to the root fd, so it is a real directory beneath the brick reached without symlinks.
 */
export class Brick {
  private constructor(readonly rootFd: number) {}

  /** The admin's brick path itself may contain symlinks (it is configuration, not client input). */
  static open(dir: string): Brick {
    return new Brick(native.openat2Sync(C.AT_FDCWD, dir, C.O_PATH | C.O_DIRECTORY));
  }

  close(): void {
    fs.closeSync(this.rootFd);
  }

  /** A path naming `name` inside the directory pinned by `dirFd` (or that directory itself). */
  proc(dirFd: number, name?: string): string {
    return `/proc/self/fd/${dirFd}/${name ?? '.'}`;
  }

  /** O_PATH fd of a directory at `rel` (relative to the brick root, '' for the root), never via a symlink. */
  openDir(rel: string): number {
    return native.openat2Sync(this.rootFd, rel === '' ? '.' : rel, C.O_PATH | C.O_DIRECTORY, 0, SAFE_RESOLVE);
  }

  /** openDir, returning a failure as -errno instead of throwing it. */
  openDirNb(rel: string): number {
    return native.openat2Nb(this.rootFd, rel === '' ? '.' : rel, C.O_PATH | C.O_DIRECTORY, 0, SAFE_RESOLVE);
  }

  /** openat2 below a pinned directory, on the thread pool (an open may block: FIFOs, slow disks). */
  openAt(dirFd: number, name: string, flags: number, mode = 0): Promise<number> {
    return native.openat2(dirFd, name, flags | C.O_NOFOLLOW, mode, SAFE_RESOLVE);
  }

  /** openAt inline, for opens that cannot block (a new file created with O_EXCL). */
  openAtSync(dirFd: number, name: string, flags: number, mode = 0): number {
    return native.openat2Sync(dirFd, name, flags | C.O_NOFOLLOW, mode, SAFE_RESOLVE);
  }
}

/** Run `fn` with an fd and close the fd afterwards, whatever happens. */
export async function withFd<T>(fd: number, fn: (fd: number) => Promise<T>): Promise<T> {
  try {
    return await fn(fd);
  } finally {
    fs.closeSync(fd);
  }
}
