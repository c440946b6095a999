import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { Fd } from '../core/fd.js';
import { E, FopError } from '../core/fop-error.js';
import { createFrame, type Frame } from '../core/frame.js';
import { IaType, SetAttr, type Iatt, type Statvfs } from '../core/iatt.js';
import type { Graph } from '../graph/graph.js';
import { listDirectory } from './dir.js';
import { FileHandle } from './handle.js';
import { gfidReq, Resolver, type Node } from './resolver.js';
import { timesFor } from './times.js';
import { blankIatt, openFlags, type DirEntryPlus, type Identity, type TimeArg, type VolumeClientOptions } from './types.js';
import { XattrOps } from './xattr.js';

const S_IFIFO = 0o010000;
const S_IFREG = 0o100000;
const READ_CHUNK = 1 << 20;

/**
 * A path-based POSIX client over a graph's fops, as libgfapi's glfs_* calls are: resolves paths
 * with named lookups, sends `gfid-req` on creation, keeps the graph's inode table linked. Every
 * failure is a FopError. `as(identity)` gives the same client acting as another user.
 */
export class VolumeClient extends XattrOps {
  readonly identity: Required<Identity>;
  readonly umask: number;
  readonly clientId: string;
  protected readonly resolver: Resolver;

  constructor(
    readonly graph: Graph,
    identity: Identity = { uid: 0, gid: 0 },
    opts: VolumeClientOptions = {},
  ) {
    super();
    this.identity = { uid: identity.uid, gid: identity.gid, groups: identity.groups ?? [], pid: identity.pid ?? process.pid };
    this.umask = opts.umask ?? 0o022;
    this.clientId = opts.client ?? `gfapi-${randomUUID()}`;
    this.resolver = new Resolver(graph, () => this.frame());
  }

  /** The same client acting as another user (shares the graph, the inode table and the client id). */
  as(identity: Identity): VolumeClient {
    return new VolumeClient(this.graph, identity, { umask: this.umask, client: this.clientId });
  }

  frame(): Frame {
    const { uid, gid, groups, pid } = this.identity;
    return createFrame({ uid, gid, groups, pid, client: this.clientId });
  }

  protected get fops() {
    return this.graph.fops;
  }

  protected node(path: string, follow: boolean): Promise<Node> {
    return this.resolver.resolve(path, follow);
  }

  // ---- attributes -------------------------------------------------------------------------

  async stat(path: string): Promise<Iatt> {
    return (await this.node(path, true)).buf!;
  }

  async lstat(path: string): Promise<Iatt> {
    return (await this.node(path, false)).buf!;
  }

  /** access(2): mode is F_OK (0) or R_OK|W_OK|X_OK. */
  async access(path: string, mode = 0): Promise<void> {
    const n = await this.node(path, true);
    await this.fops.access(this.frame(), { loc: n.loc, mask: mode });
  }

  async statfs(path = '/'): Promise<Statvfs> {
    return (await this.fops.statfs(this.frame(), { loc: (await this.node(path, true)).loc })).buf;
  }

  async chmod(path: string, mode: number): Promise<void> {
    await this.setattr(path, true, { ...blankIatt(), mode: mode & 0o7777 }, SetAttr.MODE);
  }

  /** chown(2): -1 leaves the owner or group unchanged. */
  async chown(path: string, uid: number, gid: number, follow = true): Promise<void> {
    const valid = (uid >= 0 ? SetAttr.UID : 0) | (gid >= 0 ? SetAttr.GID : 0);
    const n = await this.node(path, follow);
    if (valid) await this.fops.setattr(this.frame(), { loc: n.loc, stbuf: { ...blankIatt(), uid, gid }, valid });
  }

  lchown(path: string, uid: number, gid: number): Promise<void> {
    return this.chown(path, uid, gid, false);
  }

  /** utimensat(2) with nanoseconds, 'now' or 'omit' for each time. */
  async utimes(path: string, atime: TimeArg, mtime: TimeArg, follow = true): Promise<void> {
    const { stbuf, valid } = timesFor(atime, mtime);
    const n = await this.node(path, follow);
    if (valid) await this.fops.setattr(this.frame(), { loc: n.loc, stbuf, valid });
  }

  lutimes(path: string, atime: TimeArg, mtime: TimeArg): Promise<void> {
    return this.utimes(path, atime, mtime, false);
  }

  async truncate(path: string, length = 0): Promise<void> {
    await this.fops.truncate(this.frame(), { loc: (await this.node(path, true)).loc, offset: length });
  }

  private async setattr(path: string, follow: boolean, stbuf: Iatt, valid: number): Promise<void> {
    await this.fops.setattr(this.frame(), { loc: (await this.node(path, follow)).loc, stbuf, valid });
  }

  // ---- entries ----------------------------------------------------------------------------

  async mkdir(path: string, mode = 0o777): Promise<Iatt> {
    const e = await this.resolver.entry(path);
    const loc = { ...e.loc, inode: this.graph.itable.create() };
    const res = await this.fops.mkdir(this.frame(), { loc, mode: mode & 0o7777, umask: this.umask, xdata: gfidReq() });
    this.resolver.link(res.inode, res.buf, e.dir.inode, e.name);
    return res.buf;
  }

  /** mknod(2): `mode` carries the file type (S_IFIFO, S_IFCHR, ...); rdev is makedev(major, minor). */
  async mknod(path: string, mode: number, rdev: number | bigint = 0): Promise<Iatt> {
    const e = await this.resolver.entry(path);
    const loc = { ...e.loc, inode: this.graph.itable.create() };
    const type = mode & 0o170000 || S_IFREG;
    const res = await this.fops.mknod(this.frame(), { loc, mode: type | (mode & 0o7777), rdev: Number(rdev), umask: this.umask, xdata: gfidReq() });
    this.resolver.link(res.inode, res.buf, e.dir.inode, e.name);
    return res.buf;
  }

  mkfifo(path: string, mode = 0o666): Promise<Iatt> {
    return this.mknod(path, S_IFIFO | (mode & 0o7777));
  }

  async symlink(target: string, path: string): Promise<Iatt> {
    const e = await this.resolver.entry(path);
    const loc = { ...e.loc, inode: this.graph.itable.create() };
    const res = await this.fops.symlink(this.frame(), { linkname: target, loc, umask: this.umask, xdata: gfidReq() });
    this.resolver.link(res.inode, res.buf, e.dir.inode, e.name);
    return res.buf;
  }

  async readlink(path: string): Promise<string> {
    const n = await this.node(path, false);
    if (n.inode.type !== IaType.LNK) throw new FopError(E.EINVAL, `${path} is not a symlink`);
    return this.resolver.readlink(n);
  }

  async link(existing: string, path: string): Promise<Iatt> {
    const src = await this.node(existing, false);
    const e = await this.resolver.entry(path);
    const res = await this.fops.link(this.frame(), { oldloc: src.loc, newloc: { ...e.loc, inode: src.inode } });
    this.resolver.link(res.inode, res.buf, e.dir.inode, e.name);
    return res.buf;
  }

  async unlink(path: string): Promise<void> {
    const e = await this.resolver.entry(path);
    const n = await this.resolver.lookup(e.dir, e.name);
    await this.fops.unlink(this.frame(), { loc: n.loc, xflag: 0 });
    this.graph.itable.unlink(e.dir.inode, e.name);
  }

  async rmdir(path: string): Promise<void> {
    const e = await this.resolver.entry(path);
    const n = await this.resolver.lookup(e.dir, e.name);
    await this.fops.rmdir(this.frame(), { loc: n.loc, flags: 0 });
    this.graph.itable.unlink(e.dir.inode, e.name);
  }

  /** rename(2), including over an existing target; a rename between two names of one inode does nothing. */
  async rename(from: string, to: string): Promise<void> {
    const src = await this.resolver.entry(from);
    const dst = await this.resolver.entry(to);
    const s = await this.resolver.lookup(src.dir, src.name);
    const target = await this.resolver.lookup(dst.dir, dst.name).catch((err: unknown) => {
      if (err instanceof FopError && err.errno === E.ENOENT) return undefined;
      throw err;
    });
    await this.fops.rename(this.frame(), { oldloc: s.loc, newloc: { ...dst.loc, inode: target?.inode, gfid: target?.inode.gfid } });
    if (target?.inode === s.inode) return;
    this.graph.itable.rename(src.dir.inode, src.name, dst.dir.inode, dst.name);
  }

  // ---- directories ------------------------------------------------------------------------

  /** Entry names without `.` and `..`, in the order the graph returns them. */
  async readdir(path: string): Promise<string[]> {
    return (await this.listDir(path, false)).map((e) => e.name);
  }

  /** Entries with their types and iatts (readdirp), linked into the inode table. */
  readdirp(path: string): Promise<DirEntryPlus[]> {
    return this.listDir(path, true);
  }

  private async listDir(path: string, plus: boolean): Promise<DirEntryPlus[]> {
    const n = await this.node(path, true);
    return listDirectory(this.graph, this.resolver, () => this.frame(), n, plus, this.identity.pid);
  }

  // ---- files ------------------------------------------------------------------------------

  /**
   * open(2). With O_CREAT a missing file is created (mode & ~umask); O_EXCL makes an existing
   * name EEXIST; O_NOFOLLOW refuses a final symlink (ELOOP); O_DIRECTORY wants a directory.
   */
  async open(path: string, flags: number | string = 'r', mode = 0o666): Promise<FileHandle> {
    const f = openFlags(flags);
    let node: Node | undefined;
    if (f & constants.O_CREAT) {
      const e = await this.resolver.entry(path);
      if (!this.graph.itable.findDentry(e.dir.inode, e.name)) {
        // Nothing cached under the name: try creating straight away (the brick opens an existing
        // file unless O_EXCL), saving a lookup per new file. A symlink or directory in the way
        // fails and takes the careful path below.
        try {
          return await this.createIn(e.dir, e.name, e.loc, f, mode);
        } catch (err) {
          if (!(err instanceof FopError) || f & constants.O_EXCL || ![E.ELOOP, E.EISDIR, E.EEXIST].includes(err.errno)) throw err;
        }
      }
      try {
        node = await this.resolver.lookup(e.dir, e.name);
      } catch (err) {
        if (!(err instanceof FopError) || err.errno !== E.ENOENT) throw err;
        return this.createIn(e.dir, e.name, e.loc, f, mode);
      }
      if (f & constants.O_EXCL) throw new FopError(E.EEXIST);
      if (node.inode.type === IaType.LNK) node = await this.node(path, !(f & constants.O_NOFOLLOW));
    } else {
      node = await this.node(path, !(f & constants.O_NOFOLLOW));
    }
    if (node.inode.type === IaType.LNK) throw new FopError(E.ELOOP);
    if (f & constants.O_DIRECTORY && node.inode.type !== IaType.DIR) throw new FopError(E.ENOTDIR);
    if (node.inode.type === IaType.DIR && (f & 3) !== constants.O_RDONLY) throw new FopError(E.EISDIR);
    const fd = new Fd(node.inode, f & ~(constants.O_CREAT | constants.O_EXCL), this.identity.pid);
    await this.fops.open(this.frame(), { loc: node.loc, flags: fd.flags, fd });
    return this.handle(fd, node.loc.path);
  }

  /** creat(2) / glfs_creat: open with O_CREAT added (default O_WRONLY|O_TRUNC). */
  create(path: string, mode = 0o666, flags: number | string = constants.O_WRONLY | constants.O_TRUNC): Promise<FileHandle> {
    return this.open(path, openFlags(flags) | constants.O_CREAT, mode);
  }

  private async createIn(dir: Node, name: string, base: Node['loc'], flags: number, mode: number): Promise<FileHandle> {
    const loc = { ...base, inode: this.graph.itable.create() };
    const fd = new Fd(loc.inode, flags, this.identity.pid);
    const res = await this.fops.create(this.frame(), { loc, flags, mode: S_IFREG | (mode & 0o7777), umask: this.umask, fd, xdata: gfidReq() });
    // Should the name have been created meanwhile, the fd keeps the fresh inode; the handle pins the table's.
    const inode = this.resolver.link(res.inode, res.buf, dir.inode, name);
    return this.handle(res.fd, loc.path, inode);
  }

  private handle(fd: Fd, path: string, inode = fd.inode): FileHandle {
    return new FileHandle(this.graph, fd, path, () => this.frame(), this.graph.itable.ref(inode));
  }

  /** The whole file, read in 1 MiB requests: usually one readv for a small file. */
  async readFile(path: string): Promise<Buffer> {
    const h = await this.open(path, constants.O_RDONLY);
    try {
      const chunks: Buffer[] = [];
      for (let offset = 0; ; ) {
        const { data, stbuf } = await this.fops.readv(this.frame(), { fd: h.fd, size: READ_CHUNK, offset, flags: 0 });
        if (data.length === 0) break;
        chunks.push(data);
        offset += data.length;
        // A short read at the size the brick reports is the end; a full one may be followed by more.
        if (data.length < READ_CHUNK && offset >= stbuf.size) break;
      }
      return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    } finally {
      await h.close();
    }
  }

  /** Create or truncate `path` and write `data` (O_WRONLY|O_CREAT|O_TRUNC, as fs.writeFile). */
  async writeFile(path: string, data: Buffer | string, mode = 0o666): Promise<void> {
    const h = await this.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < buf.length; off += READ_CHUNK) await h.write(buf.subarray(off, off + READ_CHUNK), off);
    } finally {
      await h.close();
    }
  }
}
