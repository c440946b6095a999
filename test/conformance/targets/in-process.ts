import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHandle, SEEK_DATA, SEEK_HOLE, VolumeClient } from '../../../runtime/api/index.js';
import { IaType, type Iatt } from '../../../runtime/core/iatt.js';
import { startGraph, type TestGraph } from '../../../runtime/testkit/index.js';
import type { FileType, Fs, FsHandle, FsStat, Target } from '../fs.js';
import { volfileFor } from '../volfile.js';

const TYPES: Record<number, FileType> = {
  [IaType.REG]: 'file', [IaType.DIR]: 'dir', [IaType.LNK]: 'symlink', [IaType.FIFO]: 'fifo',
  [IaType.SOCK]: 'socket', [IaType.CHR]: 'char', [IaType.BLK]: 'block',
};

export function fromIatt(b: Iatt): FsStat {
  return {
    type: TYPES[b.type] ?? 'file', mode: b.mode & 0o7777, uid: b.uid, gid: b.gid, size: b.size, nlink: b.nlink,
    ino: b.ino, blocks: b.blocks, rdev: Number(b.rdev), atime: b.atime, mtime: b.mtime, ctime: b.ctime,
  };
}

function handle(h: FileHandle): FsHandle {
  return {
    read: (length, position) => h.read(length, position),
    write: (data, position) => h.write(data, position),
    truncate: (length) => h.ftruncate(length),
    stat: async () => fromIatt(await h.fstat()),
    sync: () => h.fsync(),
    seek: (offset, whence) => h.seek(offset, whence === 'data' ? SEEK_DATA : SEEK_HOLE),
    close: () => h.close(),
  };
}

/** The Fs interface over a VolumeClient: what runtime/api offers, one call each. */
export function clientFs(c: VolumeClient): Fs {
  return {
    writeFile: (p, data, mode) => c.writeFile(p, data, mode),
    readFile: (p) => c.readFile(p),
    stat: async (p) => fromIatt(await c.stat(p)),
    lstat: async (p) => fromIatt(await c.lstat(p)),
    access: (p, mode) => c.access(p, mode),
    mkdir: async (p, mode) => void (await c.mkdir(p, mode)),
    rmdir: (p) => c.rmdir(p),
    unlink: (p) => c.unlink(p),
    rename: (a, b) => c.rename(a, b),
    link: async (a, b) => void (await c.link(a, b)),
    symlink: async (target, p) => void (await c.symlink(target, p)),
    readlink: (p) => c.readlink(p),
    readdir: async (p) => (await c.readdir(p)).sort(),
    mkfifo: async (p, mode) => void (await c.mkfifo(p, mode)),
    mknod: async (p, mode, rdev) => void (await c.mknod(p, mode, rdev)),
    chmod: (p, mode) => c.chmod(p, mode),
    chown: (p, uid, gid) => c.chown(p, uid, gid),
    lchown: (p, uid, gid) => c.lchown(p, uid, gid),
    utimes: (p, a, m) => c.utimes(p, a, m),
    truncate: (p, len) => c.truncate(p, len),
    setxattr: (p, name, value, flags) => c.setxattr(p, name, value, flags),
    getxattr: (p, name) => c.getxattr(p, name),
    listxattr: (p) => c.listxattr(p),
    removexattr: (p, name) => c.removexattr(p, name),
    open: async (p, flags, mode) => handle(await c.open(p, flags, mode)),
    as: async (uid, gid, groups) => clientFs(c.as({ uid, gid, groups })),
  };
}

/**
 * In-process: `volfile(dir)` (which may create folders in the fresh temp folder `dir`) activated
 * with runtime/graph, used through runtime/api.
 */
export function graphTarget(name: string, tmpPrefix: string, volfile: (dir: string) => string | Promise<string>): Target {
  let dir: string | undefined;
  let g: TestGraph | undefined;
  return {
    name,
    async setup() {
      dir = await mkdtemp(join(tmpdir(), tmpPrefix));
      g = await startGraph({ volfile: await volfile(dir) });
      const c = new VolumeClient(g.graph);
      await c.chmod('/', 0o755);
      return clientFs(c);
    },
    async teardown() {
      await g?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
      g = dir = undefined;
    },
  };
}

/** In-process: the conformance volfile activated with runtime/graph, used through runtime/api. */
export function inProcessTarget(): Target {
  return graphTarget('in-process', 'gfs-conf-', volfileFor);
}
