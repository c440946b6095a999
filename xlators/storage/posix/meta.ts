import fs, { type BigIntStats } from 'node:fs';

/**
 * Metadata syscalls on entries inside pinned brick directories, run inline on the event loop.
 *
 * Why inline: each of these takes 1-3 µs in the kernel once the directory is cached, while a trip
 * through the libuv thread pool costs 15-20 µs plus two thread wake-ups (measured on the bench
 * machine; see bench/README.md). A create used to make about a dozen such trips. GlusterFS's posix
 * makes the same calls synchronously on its io-threads; we have one thread, so only calls that
 * cannot wait on data I/O or on another process are made inline:
 *   - inline: lstat, fstat of an open fd, xattrs, chown/chmod/utimens, mkdir, symlink, readlink,
 *     link, rename, rmdir, unlink of a name that is not the last link (the gfid handle keeps the
 *     data: no blocks are freed), opening a regular file or directory, writes up to 64 KiB (a
 *     copy into the page cache), reads up to 64 KiB whose data is all cached (preadv2 with
 *     RWF_NOWAIT, which says EAGAIN rather than wait on the disk), closing an fd whose file still
 *     has links, reading directory entries (getdents of a cached directory), and removing the
 *     last link of a small file;
 *   - thread pool (kfd.ts, native async): opening anything else (a FIFO open blocks), other
 *     reads, larger writes, fsync, truncate, fallocate, the last close of an unlinked file, and
 *     removing the last link of a large file (freeing its blocks can take long).
 * The Node fs errors are the same either way (err.code), so callers did not change.
 */
export const meta = {
  lstat: (path: string): BigIntStats => fs.lstatSync(path, { bigint: true }),
  /** lstat, or null when the entry does not exist. */
  lstatOrNull: (path: string): BigIntStats | null => fs.lstatSync(path, { bigint: true, throwIfNoEntry: false }) ?? null,
  lchown: (path: string, uid: number, gid: number): void => fs.lchownSync(path, uid, gid),
  chmod: (path: string, mode: number): void => fs.chmodSync(path, mode),
  mkdir: (path: string, mode: number): void => fs.mkdirSync(path, mode),
  rmdir: (path: string): void => fs.rmdirSync(path),
  symlink: (target: string, path: string): void => fs.symlinkSync(target, path),
  readlink: (path: string): string => fs.readlinkSync(path),
  link: (from: string, to: string): void => fs.linkSync(from, to),
  rename: (from: string, to: string): void => fs.renameSync(from, to),
  unlink: (path: string): void => fs.unlinkSync(path),
};
