import { closeSync, constants as fsc, openSync, writev } from 'node:fs';
import { errnoError, native } from '../../../../native/index.js';
import { copyOf, viewOf } from '../../../../runtime/core/bytes.js';
import { IdTable } from '../../../../runtime/core/id-table.js';
import { constants } from 'node:os';
import { attachPipeBytes, PIPE_BYTES, PipeBytes, readPipe, SPLICE_MIN, type Pipe } from '../../../../runtime/core/pipe-bytes.js';
import { PipePool } from '../../../../runtime/core/pipe-pool.js';
import { RECYCLE_MIN } from '../../../../runtime/core/recycle.js';
import { Notify, Op, OP_NAMES, REQUEST_OVERHEAD, Size } from './abi.js';
import { bodyReader, decodeHeader, type InHeader } from './decode.js';
import { dispatch, type Reply } from './dispatch.js';
import { outHeader } from './encode.js';
import { negotiate } from './init.js';
import { kernelMount, kernelUnmount, type KernelMountOptions } from './mount.js';
import { errnoOf, giveBack, KernelRequest } from './request.js';
import type { ConnInfo, RawFs } from './types.js';

/**
 * Replies of at least this many bytes (READ data) are written from the thread pool: the kernel
 * copies them into the page cache page by page (~0.5 ms per MiB here), and meanwhile this thread
 * can take the next READ's data off the socket (dd of 256 MiB over the wire, brick's cache warm,
 * 4 MiB readahead: 187 -> 170 ms). Smaller replies cost less inline than a thread handoff.
 */
const THREADED_REPLY = 256 * 1024;

const { EIO, EINTR, EAGAIN, ENOENT, ENODEV, EPROTO } = constants.errno;


export interface SessionOptions extends KernelMountOptions {
  mountpoint: string;
  fs: RawFs;
  /** Largest write request (default 1 MiB, the kernel's max_pages limit of 256 pages). */
  maxWrite?: number;
  /** Reports errors that are not errno results (bugs, protocol trouble). */
  onError?: (err: unknown, what: string) => void;
  /** INIT flags not to ask for even when the kernel offers them. */
  initFlagsOff?: number;
  /**
   * Splice large WRITEs' data into pipes instead of reading it (see SPLICE_MIN). Off by default:
   * `fs.write` then gets a placeholder whose bytes only the graph's translators fill
   * (runtime/core/pipe-bytes.ts), which suits the bridge and nothing else.
   */
  splice?: boolean;
  /** Told once whether splicing works here: true with the first pipe made, false when none can be. */
  onSplice?: (ok: boolean) => void;
}

/** Requests read in one readiness callback before the loop gets a turn for other I/O. */
const READ_BATCH = 64;

/**
 * WRITEs carrying at least this much data are spliced (runtime/core/pipe-bytes.ts): their pages
 * go on to the brick's socket without being copied through the mount. Below it the copies cost
 * less than the extra syscalls. Whether the next request is such a WRITE is not known before
 * reading it: the session splices after a large WRITE (a sequential writer sends them back to
 * back) and goes on splicing while WRITEs come, and reads again after anything else (which,
 * spliced, cost two more syscalls). SPLICE_MIN comes from pipe-bytes.ts.
 */
/** A WRITE's in_header and write_in: what is read out of the pipe before the data. */
const WRITE_HEAD = Size.IN_HEADER + Size.WRITE_IN;
/**
 * Large WRITEs spliced at once (each holds a pipe until answered); more are read. The pipes are
 * PIPE_BYTES: 512 slots, where a 1 MiB WRITE needs 258 at most (its header, and 257 pages when
 * unaligned); fewer slots would fail such a request with EIO after the kernel dequeued it.
 */
const MAX_PIPES = 8;

/**
 * One FUSE connection: /dev/fuse opened non-blocking, mounted, and read on the main thread
 * itself: it is waited for in epoll beside the bricks' sockets (native waitReadable, which
 * serves it without a libuv iteration per wake-up), and when it is readable the queued requests
 * are read (up to READ_BATCH while others are in flight) and each dispatched without waiting for
 * the previous ones, so requests run concurrently. No thread-pool thread sits in a blocking
 * read: a request costs one wake-up, as a GlusterFS request costs one of its fuse thread.
 * Replies are written synchronously: a write to /dev/fuse never blocks, and one writev keeps each
 * reply whole.
 */
export class FuseSession {
  readonly mountpoint: string;
  /** Resolves with the negotiated parameters once INIT is answered. */
  readonly ready: Promise<ConnInfo>;
  /** Resolves when the kernel ended the connection (unmount, abort); rejects on a read failure. */
  readonly done: Promise<void>;
  conn: ConnInfo | undefined;
  /** Requests received, by opcode (an array: a Map keyed by name cost a lookup and a set per request). */
  private readonly byOpcode: number[] = [];
  private fd: number;
  /** The buffer the next read fills; replaced (not copied) when a large request takes it. */
  private buf: Buffer;
  private poller: { close(): void } | undefined;
  /** Notifications and large replies being written on the thread pool (see end()). */
  private threadWrites = 0;
  /** Of those, notifications (see reply()). */
  private notifying = 0;
  /** The reply header, reused by the replies written inline, one at a time. */
  private readonly header = Buffer.alloc(Size.OUT_HEADER);
  /**
   * Requests being served, by unique as a number (an IdTable: nothing allocated per request).
   * The kernel counts uniques up by a fixed step: exact as numbers for longer than any mount
   * lives (2^53).
   */
  private readonly inflight = new IdTable<KernelRequest>();
  private resolveReady!: (c: ConnInfo) => void;
  private rejectReady!: (e: unknown) => void;
  private resolveDone!: () => void;
  private rejectDone!: (e: unknown) => void;
  private ended = false;
  /** Splice the next request (the last was a large WRITE); see SPLICE_MIN. */
  private spliceNext = false;
  private canSplice: boolean;
  private readonly pipes = new PipePool(PIPE_BYTES, MAX_PIPES);
  /** Large WRITEs whose data was spliced (for statedump and tests). */
  splicedWrites = 0;

  private constructor(fd: number, private readonly opts: SessionOptions) {
    this.fd = fd;
    this.mountpoint = opts.mountpoint;
    this.canSplice = opts.splice === true;
    this.buf = Buffer.allocUnsafe(this.bufSize);
    this.ready = new Promise((res, rej) => ((this.resolveReady = res), (this.rejectReady = rej)));
    this.done = new Promise((res, rej) => ((this.resolveDone = res), (this.rejectDone = rej)));
    this.ready.catch(() => {});
    this.done.catch(() => {});
  }

  /** Open /dev/fuse, mount it, start serving; resolves once INIT has been answered. */
  static async mount(opts: SessionOptions): Promise<FuseSession> {
    let fd: number;
    try {
      fd = openSync('/dev/fuse', fsc.O_RDWR | fsc.O_NONBLOCK);
    } catch (err) {
      throw Object.assign(new Error(`cannot open /dev/fuse: ${(err as Error).message}`), { code: 'FUSE_UNAVAILABLE', cause: err });
    }
    const s = new FuseSession(fd, opts);
    try {
      await kernelMount(fd, opts.mountpoint, opts);
    } catch (err) {
      s.end();
      throw err;
    }
    s.poller = native.waitReadable(fd, s.onReadable, false);
    await Promise.race([s.ready, s.done.then(() => Promise.reject(new Error('the kernel ended the connection before INIT')))]);
    return s;
  }

  private get bufSize(): number {
    return (this.opts.maxWrite ?? 1 << 20) + REQUEST_OVERHEAD;
  }

  /** Requests received, by opcode name (for statedumps and tests). */
  get counts(): Map<string, number> {
    const out = new Map<string, number>();
    this.byOpcode.forEach((n, op) => {
      if (n) out.set(OP_NAMES.get(op) ?? `OP_${op}`, n);
    });
    return out;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Unmount; the read loop then sees ENODEV and `done` resolves. */
  async unmount(opts: { lazy?: boolean } = {}): Promise<void> {
    if (this.ended) return;
    const r = await kernelUnmount(this.mountpoint, opts);
    if (r.code !== 0 && !this.ended) throw new Error(`umount ${this.mountpoint} failed: ${(r.stderr || r.stdout).trim()}`);
    await this.done;
  }

  /** Read what the kernel has queued (a failed read ends the session: the wait reports none). */
  private readonly onReadable = (): void => {
    for (let i = 0; i < READ_BATCH && !this.ended; i++) {
      const buf = this.buf;
      const pipe = this.spliceNext ? this.takePipe() : undefined;
      const n = pipe ? native.spliceNb(this.fd, pipe.w, this.bufSize) : native.readNb(this.fd, buf);
      if (n < 0 && pipe) {
        this.pipes.give(pipe);
        if (n !== -EAGAIN && n !== -ENOENT && n !== -EINTR && n !== -ENODEV) {
          // Splicing itself failed (not a state of the connection): read from now on.
          this.opts.onError?.(errnoError(n, 'splice from /dev/fuse'), 'splicing writes (turned off)');
          this.canSplice = this.spliceNext = false;
          continue;
        }
      }
      if (n < 0) {
        // EAGAIN: nothing more queued. ENOENT: the request was interrupted before we read it.
        // EINTR: retry. ENODEV: unmounted (the connection is over, which is no error: the
        // EPOLLERR that comes with it is what woke this read).
        if (n === -EAGAIN) break;
        if (n === -ENOENT || n === -EINTR) continue;
        return this.end(n === -ENODEV ? undefined : Object.assign(new Error(`reading /dev/fuse failed: errno ${-n}`), { errno: -n }));
      }
      if (n === 0) {
        if (pipe) this.pipes.give(pipe);
        return this.end();
      }
      if (pipe) {
        const idle = this.inflight.size === 0;
        if (this.fromPipe(pipe, n)) {
          if (idle) break;
          continue;
        }
        // Not a large WRITE: the request is now in `buf`, read as below.
      } else {
        this.spliceNext = this.canSplice && n >= WRITE_HEAD + SPLICE_MIN && buf.readUInt32LE(4) === Op.WRITE;
      }
      // A request is copied out and the buffer reused, unless it fills at least half the buffer
      // (a large WRITE): that one keeps the buffer and the next read gets a fresh one, so a 1 MiB
      // payload is never copied, while a 64 KiB write does not pin a whole 1 MiB buffer.
      let req: Buffer;
      if (n >= buf.length / 2) {
        req = buf.subarray(0, n);
        this.buf = Buffer.allocUnsafe(this.bufSize);
      } else {
        req = copyOf(buf, 0, n);
      }
      const idle = this.inflight.size === 0;
      const awaited = this.handle(req);
      // Nothing else in flight: a caller waiting for this answer (one request at a time, as most
      // programs make them) has queued nothing more, and reading on would only find EAGAIN, a
      // wasted syscall per request. Epoll is level-triggered: anything queued meanwhile calls
      // back at once. With requests in flight (concurrent callers, read-ahead), or after one
      // nobody waits for (see handle), keep draining.
      if (idle && awaited) break;
    }
    // More may be queued: epoll is level-triggered, so the loop calls back after other I/O.
  };

  private end(err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.poller?.close();
    this.poller = undefined;
    for (const req of this.inflight.values()) req.interrupt();
    this.pipes.close();
    // A notification or reply still being written on the thread pool holds the fd number: closing it now
    // could let a new open reuse the number and receive those bytes. The last one closes it.
    if (this.threadWrites === 0) this.closeFd();
    this.rejectReady(err ?? new Error('connection ended'));
    if (err) this.rejectDone(err);
    else this.resolveDone();
  }

  private closeFd(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = -1;
  }

  private reply(unique: bigint, error: number, payload: Reply): void {
    if (this.ended) return;
    let len = 0;
    for (const b of payload) len += b.length;
    // Not while a notification is on the thread pool: it may wait for page locks that only this
    // READ's reply releases, and the reply must not queue behind it (16 such would stall the pool).
    if (len >= THREADED_REPLY && this.notifying === 0) return this.replyThreaded(unique, error, len, payload);
    let n: number;
    try {
      const head = outHeader(unique, error, len, this.header);
      // One inline writev (a write to /dev/fuse never blocks, and takes the reply whole or not at all).
      n = native.writevNb(this.fd, head, payload);
    } catch (err) {
      // A reply we could not even build (a bug): say so, and still answer, so the caller is not
      // left waiting in the kernel.
      this.opts.onError?.(err, `reply to request ${unique}`);
      if (error === 0) this.reply(unique, -EIO, []);
      return;
    }
    // ENOENT: the kernel gave up on the request (interrupted); nothing to do.
    if (n < 0 && n !== -ENOENT) this.opts.onError?.(errnoError(n, 'writev'), `reply to request ${unique}`);
    if (len >= RECYCLE_MIN) giveBack(payload);
  }

  /** A large reply (READ data), written from the thread pool: see THREADED_REPLY. */
  private replyThreaded(unique: bigint, error: number, len: number, payload: Reply): void {
    try {
      const parts = [outHeader(unique, error, len), ...payload];
      writev(this.fd, parts, (err) => {
        giveBack(payload);
        if (err && err.code !== 'ENOENT' && !this.ended) this.opts.onError?.(err, `reply to request ${unique}`);
        if (--this.threadWrites === 0 && this.ended && this.fd >= 0) this.closeFd();
      });
    } catch (err) {
      // A reply we could not even hand over (a bug): say so and still answer, as reply() does.
      this.opts.onError?.(err, `reply to request ${unique}`);
      if (error === 0) this.reply(unique, -EIO, []);
      return;
    }
    this.threadWrites++;
  }

  /**
   * FUSE_NOTIFY_INVAL_INODE: drop the kernel's attributes of `nodeid` and its cached pages from
   * `offset` (whole file with offset 0 and len 0). Written from the thread pool, not inline:
   * the kernel takes page locks to invalidate, and a READ we have not answered yet may hold one,
   * so an inline write could wait for a reply only this thread can send.
   */
  invalidateInode(nodeid: bigint, offset = 0n, len = 0n): void {
    if (this.ended || this.conn === undefined || this.conn.minor < 12) return;
    const body = Buffer.allocUnsafe(Size.NOTIFY_INVAL_INODE);
    const d = viewOf(body);
    d.setBigUint64(0, nodeid, true);
    d.setBigInt64(8, offset, true);
    d.setBigInt64(16, len, true);
    const head = outHeader(0n, Notify.INVAL_INODE, body.length);
    this.threadWrites++;
    this.notifying++;
    writev(this.fd, [head, body], (err) => {
      this.notifying--;
      // ENOENT: the kernel no longer knows the inode (forgotten): nothing was cached.
      if (err && err.code !== 'ENOENT' && !this.ended) this.opts.onError?.(err, `invalidate inode ${nodeid}`);
      if (--this.threadWrites === 0 && this.ended && this.fd >= 0) this.closeFd();
    });
  }

  /**
   * A request spliced into `pipe` (`n` bytes). A large WRITE is served with its data left in the
   * pipe (true); anything else is read out into this.buf and the pipe given back (false).
   */
  private fromPipe(pipe: Pipe, n: number): boolean {
    const head = Math.min(n, WRITE_HEAD);
    const buf = this.buf;
    let gotHead = false;
    let pb: PipeBytes | undefined;
    try {
      readPipe(pipe, buf.subarray(0, head));
      gotHead = true;
      if (n - head >= SPLICE_MIN && buf.readUInt32LE(4) === Op.WRITE) {
        // The request as the dispatcher reads it: its header, then a placeholder for the data
        // (its own allocation, never touched unless a translator reads it: see PipeBytes).
        const req = Buffer.allocUnsafeSlow(n);
        buf.copy(req, 0, 0, head);
        pb = new PipeBytes(pipe, req.subarray(head), this.givePipe);
        attachPipeBytes(pb);
        if (this.splicedWrites++ === 0) this.opts.onSplice?.(true);
        this.handle(req, pb);
        return true;
      }
      // A smaller WRITE keeps splicing on: an unaligned 1 MiB write(2) arrives as a large WRITE
      // and a small one for its last page, and a writer's next large one follows.
      this.spliceNext = head >= Size.IN_HEADER && buf.readUInt32LE(4) === Op.WRITE;
      if (n > head) readPipe(pipe, buf.subarray(head, n));
    } catch (err) {
      // The pipe did not give back what the kernel put in it, or serving threw (cannot happen):
      // that request is lost. Answer it if its header came out, give the pipe back (emptied,
      // through its payload when there is one), and read from now on.
      if (pb) pb.finish();
      else this.givePipe(pipe);
      this.canSplice = this.spliceNext = false;
      this.opts.onError?.(err, 'reading a request from its pipe (splicing turned off)');
      if (gotHead && head >= Size.IN_HEADER) this.reply(buf.readBigUInt64LE(8), -EIO, []);
      return true;
    }
    this.givePipe(pipe);
    return false;
  }

  /** A free pipe; none when all are in use, or when pipes that large cannot be made here. */
  private takePipe(): Pipe | undefined {
    const p = this.pipes.take();
    if (!p && this.pipes.count.made === 0) {
      // Pipes this large need CAP_SYS_RESOURCE or fs.pipe-max-size >= 2 MiB: read instead.
      this.canSplice = false;
      this.opts.onSplice?.(false);
    }
    if (!p) this.spliceNext = false;
    return p;
  }

  /** A pipe back from a request: the pool empties it (or closes it, or it after the end). */
  private readonly givePipe = (p: Pipe): void => this.pipes.give(p);

  /**
   * Decode and start one request. Returns whether a caller waits for its answer: FORGET,
   * BATCH_FORGET and INTERRUPT have none (the kernel sends them beside other requests, forgets
   * in bursts), and neither has a request that could not be decoded.
   */
  private handle(buf: Buffer, pb?: PipeBytes): boolean {
    let h: InHeader;
    try {
      h = decodeHeader(buf);
    } catch (err) {
      this.opts.onError?.(err, 'decode');
      pb?.finish();
      return false;
    }
    const r = bodyReader(buf, h);
    const fs = this.opts.fs;
    // Opcodes are small numbers; anything else the kernel might send is counted under its own.
    this.byOpcode[h.opcode] = (this.byOpcode[h.opcode] ?? 0) + 1;
    try {
      switch (h.opcode) {
        case Op.INIT: {
          let negotiated;
          try {
            negotiated = negotiate(r, { maxWrite: this.opts.maxWrite ?? 1 << 20, flagsOff: this.opts.initFlagsOff });
          } catch (err) {
            // A kernel we cannot serve: the refusal ends its connection, and the mount fails
            // with the reason instead of waiting for an INIT that was never answered.
            this.reply(h.unique, -EPROTO, []);
            this.rejectReady(err);
            return true;
          }
          const { conn, reply } = negotiated;
          this.conn = conn;
          Promise.resolve(fs.init?.(conn)).then(
            () => (this.reply(h.unique, 0, [reply]), this.resolveReady(conn)),
            (err) => (this.reply(h.unique, -EIO, []), this.rejectReady(err)),
          );
          return true;
        }
        case Op.FORGET:
          fs.forget?.(h.nodeid, Number(r.u64()));
          return false;
        case Op.BATCH_FORGET: {
          const count = r.u32();
          r.skip(4);
          for (let i = 0; i < count && r.remaining >= Size.FORGET_ONE; i++) fs.forget?.(r.u64(), Number(r.u64()));
          return false;
        }
        case Op.INTERRUPT:
          // Abort the call; it answers (EINTR or its result) as usual. Unknown: already answered
          // (the kernel interrupts only requests it has handed to us, and we read in order).
          this.inflight.get(Number(r.u64()))?.interrupt();
          return false;
        case Op.DESTROY:
          Promise.resolve(fs.destroy?.()).finally(() => this.reply(h.unique, 0, []));
          return true;
      }
    } catch (err) {
      this.opts.onError?.(err, OP_NAMES.get(h.opcode) ?? `opcode ${h.opcode}`);
      return false;
    }
    void this.serve(h, r, pb);
    return true;
  }

  /**
   * `pb`: the request's data still in a pipe, emptied and given back once it is answered. One
   * async function around the handler: a .then/.finally chain made three more promises and
   * three more microtask turns per request.
   */
  private async serve(h: InHeader, r: ReturnType<typeof bodyReader>, pb?: PipeBytes): Promise<void> {
    const ctx = new KernelRequest(h.unique, h.opcode, h.nodeid, h.uid, h.gid, h.pid);
    const key = Number(h.unique);
    this.inflight.set(key, ctx);
    try {
      // Inside the try: a synchronous throw (a short body) is answered like a rejection.
      const payload = await dispatch(this.opts.fs, this.conn!, ctx, r);
      this.reply(h.unique, 0, payload);
    } catch (err) {
      const errno = errnoOf(err, ctx.interrupted);
      if (errno === undefined) this.opts.onError?.(err, OP_NAMES.get(h.opcode) ?? `opcode ${h.opcode}`);
      this.reply(h.unique, -(errno ?? EIO), []);
    } finally {
      this.inflight.delete(key);
      pb?.finish();
    }
  }
}
