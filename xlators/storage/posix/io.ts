import fs from 'node:fs';
import { C, native, STAT_FIELDS, StatField } from '../../../native/index.js';
import type { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { SetAttr, type Iatt } from '../../../runtime/core/iatt.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { openFlags } from './create-ops.js';
import { fstatIatt } from './iatt.js';
import { timesFor } from './inode-ops.js';
import { kfd } from './kfd.js';
import { attachPipeBytes, PIPE_BYTES, PipeBytes, SPLICE_MIN } from '../../../runtime/core/pipe-bytes.js';
import { fdCtx, setFdCtx, type PosixFd, type PosixSelf } from './state.js';

/** fstat of an open fd never waits on the disk (the inode is pinned): inline, see meta.ts. */
const fdIatt = (c: PosixFd): Iatt => fstatIatt(c.kfd, c.gfid);
const closeStat = new Float64Array(STAT_FIELDS);

/** Run a change on an fd and answer with the iatt before and after, as most fd fops do. */
async function prePost(self: PosixSelf, fd: Fd, change: (c: PosixFd) => Promise<unknown> | void): Promise<{ prebuf: Iatt; postbuf: Iatt }> {
  const c = fdCtx(self, fd);
  const prebuf = fdIatt(c);
  const pending = change(c);
  if (pending) await pending; // an inline change needs no turn of the queue
  return { prebuf, postbuf: fdIatt(c) };
}

export async function open(self: PosixSelf, _f: Frame, a: FopArgs<'open'>): Promise<FopResult<'open'>> {
  const r = await self.priv.resolver.locObject(a.loc);
  try {
    if (r.st.isDirectory() && (a.flags & 3) !== C.O_RDONLY) throw new FopError(E.EISDIR);
    if (r.st.isSymbolicLink()) throw new FopError(E.ELOOP, 'a symlink cannot be opened');
    const name = r.path.slice(r.path.lastIndexOf('/') + 1);
    // A regular file or a directory opens without waiting on anything: inline. Anything else (a
    // FIFO waits for its other end, a device for its driver), and an O_TRUNC (it frees the
    // file's blocks), on the thread pool.
    const k = (r.st.isFile() || r.st.isDirectory()) && !(a.flags & C.O_TRUNC)
      ? self.priv.brick.openAtSync(r.fd, name, openFlags(a.flags))
      : await self.priv.brick.openAt(r.fd, name, openFlags(a.flags));
    setFdCtx(self, a.fd, { kfd: k, gfid: r.gfid, isDir: r.st.isDirectory(), isFile: r.st.isFile() });
    return { fd: a.fd };
  } finally {
    r.close();
  }
}

/**
 * Reads from SPLICE_MIN up to half a pipe made for protocol/server (the frame's pipedReads) are
 * spliced from the file into a pipe: the reply's data then goes from the page cache to the
 * socket without being copied through the brick (runtime/core/pipe-bytes.ts). Larger ones are
 * copied: a splice stops where the pipe is full.
 */
const SPLICE_READ_MAX = PIPE_BYTES / 2;

/**
 * Reads up to this size are first tried inline from the page cache alone (preadv2 RWF_NOWAIT):
 * a small file's data is cached on every read after the first, and copying a few cached pages
 * costs less than the thread pool's round trip (a pool thread woken, then the loop). What is not
 * all cached is read on the thread pool as before, so a read never holds the loop on the disk.
 */
const INLINE_READ = 64 * 1024;

export async function readv(self: PosixSelf, f: Frame, a: FopArgs<'readv'>): Promise<FopResult<'readv'>> {
  const c = fdCtx(self, a.fd);
  if (a.offset < 0) throw new FopError(E.EINVAL, 'negative offset');
  // Regular files only: a directory, FIFO or device refuses splice with EINVAL, which would
  // otherwise turn splicing off for the whole brick.
  if (f.pipedReads && c.isFile && a.size >= SPLICE_MIN && a.size <= SPLICE_READ_MAX && self.priv.spliceReads) {
    const piped = await splicedRead(self, c, a.offset, a.size);
    if (piped) return piped;
  }
  const buf = Buffer.allocUnsafe(a.size);
  let got = 0;
  if (a.size <= INLINE_READ && c.isFile && self.priv.nowaitReads) {
    const n = native.preadNowait(c.kfd, buf, a.offset);
    if (n > 0) got = n;
    else if (n === -E.EOPNOTSUPP || n === -E.ENOSYS) self.priv.nowaitReads = false;
    // All of it, or all there is: the stat taken after the read says where the file ends.
    const stbuf = n >= 0 ? fdIatt(c) : undefined;
    if (stbuf && (got === a.size || a.offset + got >= stbuf.size)) return { data: buf.subarray(0, got), stbuf };
  }
  // A short read before EOF is retried so callers see a full buffer or the end of the file.
  while (got < a.size) {
    const n = await kfd.read(c.kfd, buf.subarray(got), a.offset + got);
    if (n === 0) break;
    got += n;
  }
  return { data: buf.subarray(0, got), stbuf: fdIatt(c) };
}

/** `size` bytes from `offset` spliced into a pipe: the result with a placeholder, or undefined to read instead. */
async function splicedRead(self: PosixSelf, c: PosixFd, offset: number, size: number): Promise<FopResult<'readv'> | undefined> {
  const pool = self.priv.readPipes;
  const pipe = pool.take();
  if (!pipe) return undefined;
  let n: number;
  try {
    n = await native.spliceFile(c.kfd, offset, size, pipe.w); // on the thread pool: it may wait on the disk
  } catch (err) {
    pool.give(pipe);
    // A filesystem without splice_read says EINVAL (only regular files get here): read from now
    // on. Anything else (EIO): the read path tries again and reports it.
    if ((err as { code?: string }).code === 'EINVAL') self.priv.spliceReads = false;
    return undefined;
  }
  const stbuf = fdIatt(c);
  if (n === 0 || (n < size && offset + n < stbuf.size)) {
    pool.give(pipe);
    // Nothing (the end of the file), or short before the end (an error after some data): the
    // latter is read the usual way, which retries and reports the error (a short READ would
    // read as the end of the file).
    return n === 0 ? { data: Buffer.alloc(0), stbuf } : undefined;
  }
  const pb = new PipeBytes(pipe, Buffer.allocUnsafeSlow(n), (p) => pool.give(p), true);
  attachPipeBytes(pb);
  return { data: pb.placeholder, stbuf };
}

/**
 * Writes up to this size are made inline: copying a few pages into the page cache takes a few
 * microseconds, a thread-pool round trip tens (a small-file create spent more on the hop than on
 * the write). Larger writes, which can wait on writeback throttling, stay on the thread pool.
 */
const INLINE_WRITE = 64 * 1024;

export async function writev(self: PosixSelf, _f: Frame, a: FopArgs<'writev'>): Promise<FopResult<'writev'>> {
  if (a.offset < 0) throw new FopError(E.EINVAL, 'negative offset');
  if (a.data.length <= INLINE_WRITE) {
    return prePost(self, a.fd, (c) => {
      for (let done = 0; done < a.data.length; ) done += fs.writeSync(c.kfd, a.data, done, a.data.length - done, a.offset + done);
    });
  }
  return prePost(self, a.fd, async (c) => {
    for (let done = 0; done < a.data.length; ) done += await kfd.write(c.kfd, a.data, done, a.offset + done);
  });
}

/** flush is a no-op on the brick, as in GlusterFS: data is written through on every writev. */
export async function flush(self: PosixSelf, _f: Frame, a: FopArgs<'flush'>): Promise<FopResult<'flush'>> {
  fdCtx(self, a.fd);
  return {};
}

export async function fsync(self: PosixSelf, _f: Frame, a: FopArgs<'fsync'>): Promise<FopResult<'fsync'>> {
  return prePost(self, a.fd, (c) => (a.datasync ? kfd.fdatasync(c.kfd) : kfd.fsync(c.kfd)));
}

export async function fstat(self: PosixSelf, _f: Frame, a: FopArgs<'fstat'>): Promise<FopResult<'fstat'>> {
  return { buf: fdIatt(fdCtx(self, a.fd)) };
}

export async function ftruncate(self: PosixSelf, _f: Frame, a: FopArgs<'ftruncate'>): Promise<FopResult<'ftruncate'>> {
  if (a.offset < 0) throw new FopError(E.EINVAL, 'negative size');
  return prePost(self, a.fd, (c) => kfd.ftruncate(c.kfd, a.offset));
}

export async function fsetattr(self: PosixSelf, _f: Frame, a: FopArgs<'fsetattr'>): Promise<FopResult<'fsetattr'>> {
  const { prebuf, postbuf } = await prePost(self, a.fd, async (c) => {
    const v = a.valid;
    if (v & SetAttr.MODE) fs.fchmodSync(c.kfd, a.stbuf.mode & 0o7777);
    if (v & (SetAttr.UID | SetAttr.GID)) fs.fchownSync(c.kfd, v & SetAttr.UID ? a.stbuf.uid : -1, v & SetAttr.GID ? a.stbuf.gid : -1);
    if (v & SetAttr.SIZE && !c.isDir) await kfd.ftruncate(c.kfd, a.stbuf.size);
    if (v & (SetAttr.ATIME | SetAttr.MTIME | SetAttr.ATIME_NOW | SetAttr.MTIME_NOW)) {
      const [at, mt] = timesFor(a.stbuf, v);
      native.futimensSync(c.kfd, at, mt);
    }
  });
  return { statpre: prebuf, statpost: postbuf };
}

export async function fallocate(self: PosixSelf, _f: Frame, a: FopArgs<'fallocate'>): Promise<FopResult<'fallocate'>> {
  return prePost(self, a.fd, (c) => native.fallocate(c.kfd, a.keepSize ? C.FALLOC_FL_KEEP_SIZE : 0, a.offset, a.len));
}

export async function discard(self: PosixSelf, _f: Frame, a: FopArgs<'discard'>): Promise<FopResult<'discard'>> {
  return prePost(self, a.fd, (c) => native.fallocate(c.kfd, C.FALLOC_FL_PUNCH_HOLE | C.FALLOC_FL_KEEP_SIZE, a.offset, a.len));
}

/** zerofill: ZERO_RANGE, or writing zeros where the filesystem lacks it (as posix_do_zerofill falls back). */
export async function zerofill(self: PosixSelf, _f: Frame, a: FopArgs<'zerofill'>): Promise<FopResult<'zerofill'>> {
  return prePost(self, a.fd, async (c) => {
    try {
      await native.fallocate(c.kfd, C.FALLOC_FL_ZERO_RANGE, a.offset, a.len);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EOPNOTSUPP') throw err;
      const zeros = Buffer.alloc(Math.min(a.len, 1 << 20));
      for (let done = 0; done < a.len; ) {
        const chunk = zeros.subarray(0, Math.min(zeros.length, a.len - done));
        done += await kfd.write(c.kfd, chunk, 0, a.offset + done);
      }
    }
  });
}

/** gf_seek_what_t: GF_SEEK_DATA 0, GF_SEEK_HOLE 1. */
export async function seek(self: PosixSelf, _f: Frame, a: FopArgs<'seek'>): Promise<FopResult<'seek'>> {
  const c = fdCtx(self, a.fd);
  const whence = a.what === 0 ? C.SEEK_DATA : a.what === 1 ? C.SEEK_HOLE : -1;
  if (whence < 0) throw new FopError(E.EINVAL, `unknown seek type ${a.what}`);
  return { offset: await native.lseek(c.kfd, a.offset, whence) };
}

/** release/releasedir: close the kernel fd. */
export async function releaseFd(self: PosixSelf, fd: Fd): Promise<void> {
  const c = fd.ctxGet<PosixFd>(self);
  if (!c) return;
  fd.ctx.delete(self);
  self.priv.openFds.delete(c.kfd);
  // Closing a file that still has a name (or its gfid handle) frees nothing: inline. The last
  // close of an unlinked file frees its blocks, which can take long: thread pool.
  // Not a usable fd any more (fstat fails): nlink stays 0 and the thread-pool close below
  // reports nothing either.
  const nlink = native.fstatInto(c.kfd, closeStat) < 0 ? 0 : closeStat[StatField.nlink]!;
  if (nlink > 0) {
    try {
      fs.closeSync(c.kfd);
    } catch {
      // already closed: nothing to release
    }
    return;
  }
  await kfd.close(c.kfd).catch(() => undefined);
}
