import type { BigIntStats } from 'node:fs';
import fsp from 'node:fs/promises';
import { C, native } from '../../../native/index.js';
import type { FileType, Fs, FsHandle, FsStat, Ts } from '../fs.js';

const NS = 1_000_000_000n;
const ts = (ns: bigint): Ts => ({ sec: Number(ns / NS), nsec: Number(ns % NS) });

function fileType(s: BigIntStats): FileType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'char';
  return 'block';
}

export function fromStats(s: BigIntStats): FsStat {
  return {
    type: fileType(s), mode: Number(s.mode) & 0o7777, uid: Number(s.uid), gid: Number(s.gid), size: Number(s.size),
    nlink: Number(s.nlink), ino: s.ino, blocks: Number(s.blocks), rdev: Number(s.rdev),
    atime: ts(s.atimeNs), mtime: ts(s.mtimeNs), ctime: ts(s.ctimeNs),
  };
}

function handle(h: fsp.FileHandle): FsHandle {
  return {
    async read(length, position) {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await h.read(buf, got, length - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    },
    async write(data, position) {
      for (let done = 0; done < data.length; ) done += (await h.write(data, done, data.length - done, position + done)).bytesWritten;
      return data.length;
    },
    truncate: (length) => h.truncate(length),
    stat: async () => fromStats(await h.stat({ bigint: true })),
    sync: () => h.sync(),
    seek: (offset, whence) => native.lseek(h.fd, offset, whence === 'data' ? C.SEEK_DATA : C.SEEK_HOLE),
    close: () => h.close(),
  };
}

/**
 * The Fs interface over node:fs and our native addon (xattrs, mknod, nanosecond utimensat),
 * rooted at `root` (a mountpoint). `as` is supplied by the caller: switching users needs
 * another process. The addon only has the l* xattr calls: the suite sets xattrs on files and
 * directories, never through a symlink, so the two forms agree.
 */
export function nodeFs(root: string, as: Fs['as']): Fs {
  const p = (path: string) => root + path;
  return {
    writeFile: (path, data, mode) => fsp.writeFile(p(path), data, { mode }),
    readFile: (path) => fsp.readFile(p(path)),
    stat: async (path) => fromStats(await fsp.stat(p(path), { bigint: true })),
    lstat: async (path) => fromStats(await fsp.lstat(p(path), { bigint: true })),
    access: (path, mode) => fsp.access(p(path), mode),
    mkdir: async (path, mode) => void (await fsp.mkdir(p(path), { mode })),
    rmdir: (path) => fsp.rmdir(p(path)),
    unlink: (path) => fsp.unlink(p(path)),
    rename: (a, b) => fsp.rename(p(a), p(b)),
    link: (a, b) => fsp.link(p(a), p(b)),
    symlink: (target, path) => fsp.symlink(target, p(path)),
    readlink: (path) => fsp.readlink(p(path)),
    readdir: async (path) => (await fsp.readdir(p(path))).sort(),
    mkfifo: (path, mode) => native.mknod(p(path), 0o010000 | mode, 0),
    mknod: (path, mode, rdev) => native.mknod(p(path), mode, rdev),
    chmod: (path, mode) => fsp.chmod(p(path), mode),
    chown: (path, uid, gid) => fsp.chown(p(path), uid, gid),
    lchown: (path, uid, gid) => fsp.lchown(p(path), uid, gid),
    utimes: (path, a, m) => native.utimensat(p(path), a === 'now' ? C.UTIME_NOW : a, m === 'now' ? C.UTIME_NOW : m, false),
    truncate: (path, len) => fsp.truncate(p(path), len),
    setxattr: (path, name, value, flags) => native.lsetxattr(p(path), name, value, flags ?? 0),
    getxattr: (path, name) => native.lgetxattr(p(path), name),
    listxattr: (path) => native.llistxattr(p(path)),
    removexattr: (path, name) => native.lremovexattr(p(path), name),
    open: async (path, flags, mode) => handle(await fsp.open(p(path), flags, mode)),
    as,
  };
}
