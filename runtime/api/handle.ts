import { Dict } from '../core/dict.js';
import { E, FopError } from '../core/fop-error.js';
import type { Fd } from '../core/fd.js';
import type { Frame } from '../core/frame.js';
import { SetAttr, type Iatt } from '../core/iatt.js';
import type { Inode } from '../core/inode.js';
import type { Graph } from '../graph/graph.js';
import { blankIatt, SEEK_DATA, SEEK_HOLE, type TimeArg } from './types.js';
import { timesFor } from './times.js';

/**
 * An open file (glfs_fd_t): positional reads and writes and the fd forms of the other fops.
 * close() flushes and releases the fd through every translator; a handle not closed keeps its
 * inode referenced.
 */
export class FileHandle {
  /** Where read()/write() without a position start (advanced by them, as read(2) does). */
  position = 0;
  private closed = false;

  constructor(
    private readonly graph: Graph,
    readonly fd: Fd,
    readonly path: string,
    private readonly frame: () => Frame,
    /** The inode this handle keeps referenced until close. */
    private readonly pinned: Inode,
  ) {}

  private check(): Fd {
    if (this.closed) throw new FopError(E.EBADF, `${this.path} is closed`);
    return this.fd;
  }

  /** Up to `length` bytes at `position` (fewer only at the end of the file). */
  async read(length: number, position?: number): Promise<Buffer> {
    const offset = position ?? this.position;
    const { data } = await this.graph.fops.readv(this.frame(), { fd: this.check(), size: length, offset, flags: 0 });
    if (position === undefined) this.position += data.length;
    return data;
  }

  /** Write all of `data` at `position`; returns the bytes written. */
  async write(data: Buffer | string, position?: number): Promise<number> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const offset = position ?? this.position;
    await this.graph.fops.writev(this.frame(), { fd: this.check(), data: buf, offset, flags: 0 });
    if (position === undefined) this.position += buf.length;
    return buf.length;
  }

  async fstat(): Promise<Iatt> {
    return (await this.graph.fops.fstat(this.frame(), { fd: this.check() })).buf;
  }

  async ftruncate(length = 0): Promise<void> {
    await this.graph.fops.ftruncate(this.frame(), { fd: this.check(), offset: length });
  }

  async fsync(datasync = false): Promise<void> {
    await this.graph.fops.fsync(this.frame(), { fd: this.check(), datasync: datasync ? 1 : 0 });
  }

  async fallocate(offset: number, length: number, keepSize = false): Promise<void> {
    await this.graph.fops.fallocate(this.frame(), { fd: this.check(), keepSize: keepSize ? 1 : 0, offset, len: length });
  }

  /** Punch a hole (the size stays). */
  async discard(offset: number, length: number): Promise<void> {
    await this.graph.fops.discard(this.frame(), { fd: this.check(), offset, len: length });
  }

  async zerofill(offset: number, length: number): Promise<void> {
    await this.graph.fops.zerofill(this.frame(), { fd: this.check(), offset, len: length });
  }

  /** lseek with SEEK_DATA or SEEK_HOLE; ENXIO past the end, as lseek(2). */
  async seek(offset: number, whence: typeof SEEK_DATA | typeof SEEK_HOLE): Promise<number> {
    if (whence !== SEEK_DATA && whence !== SEEK_HOLE) throw new FopError(E.EINVAL, 'seek takes SEEK_DATA or SEEK_HOLE');
    const what = whence === SEEK_DATA ? 0 : 1;
    return (await this.graph.fops.seek(this.frame(), { fd: this.check(), offset, what })).offset;
  }

  async fchmod(mode: number): Promise<void> {
    await this.setattr({ ...blankIatt(), mode }, SetAttr.MODE);
  }

  async fchown(uid: number, gid: number): Promise<void> {
    const valid = (uid >= 0 ? SetAttr.UID : 0) | (gid >= 0 ? SetAttr.GID : 0);
    if (valid) await this.setattr({ ...blankIatt(), uid, gid }, valid);
  }

  async futimes(atime: TimeArg, mtime: TimeArg): Promise<void> {
    const { stbuf, valid } = timesFor(atime, mtime);
    if (valid) await this.setattr(stbuf, valid);
  }

  private async setattr(stbuf: Iatt, valid: number): Promise<void> {
    await this.graph.fops.fsetattr(this.frame(), { fd: this.check(), stbuf, valid });
  }

  async setxattr(name: string, value: Buffer | string, flags = 0): Promise<void> {
    const dict = new Dict().setBin(name, typeof value === 'string' ? Buffer.from(value) : value);
    await this.graph.fops.fsetxattr(this.frame(), { fd: this.check(), dict, flags });
  }

  async getxattr(name: string): Promise<Buffer> {
    const { dict } = await this.graph.fops.fgetxattr(this.frame(), { fd: this.check(), name });
    const v = dict.getBin(name);
    if (!v) throw new FopError(E.ENODATA, name);
    return v;
  }

  async listxattr(): Promise<string[]> {
    const { dict } = await this.graph.fops.fgetxattr(this.frame(), { fd: this.check() });
    return [...dict.keys()];
  }

  async removexattr(name: string): Promise<void> {
    await this.graph.fops.fremovexattr(this.frame(), { fd: this.check(), name });
  }

  /** flush (what close(2) reports errors from), then release through every translator. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.graph.fops.flush(this.frame(), { fd: this.fd });
    } finally {
      await this.graph.release(this.fd);
      this.graph.itable.unref(this.pinned);
    }
  }
}
