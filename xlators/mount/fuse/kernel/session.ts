import { closeSync, openSync, read, writevSync } from 'node:fs';
import { constants } from 'node:os';
import { Op, OP_NAMES, REQUEST_OVERHEAD, Size } from './abi.js';
import { bodyReader, decodeHeader, type InHeader } from './decode.js';
import { dispatch, type Reply } from './dispatch.js';
import { outHeader } from './encode.js';
import { negotiate } from './init.js';
import { kernelMount, kernelUnmount, type KernelMountOptions } from './mount.js';
import type { ConnInfo, RawFs, RequestContext } from './types.js';

const { EIO, EINTR } = constants.errno;

/** Requests at least this long take the read buffer instead of being copied out of it. */
const LARGE_REQUEST = 64 * 1024;

export interface SessionOptions extends KernelMountOptions {
  mountpoint: string;
  fs: RawFs;
  /** Largest write request (default 1 MiB, the kernel's max_pages limit of 256 pages). */
  maxWrite?: number;
  /** Reports errors that are not errno results (bugs, protocol trouble). */
  onError?: (err: unknown, what: string) => void;
  /**
   * Reads kept outstanding on /dev/fuse, each blocking one libuv thread-pool thread (default: a
   * quarter of UV_THREADPOOL_SIZE, 1 to 4, so the pool always keeps threads for storage I/O).
   */
  readers?: number;
}

/** One reader per four thread-pool threads: 1 with Node's default pool of 4, 4 with gfs-mount's 16. */
export function defaultReaders(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(4, Math.floor(pool / 4)));
}

/** INTERRUPTs remembered for requests not seen yet (another reader may still hold them). */
const EARLY_INTERRUPTS = 256;

/** Turn whatever a filesystem threw into a positive errno. */
function errnoOf(err: unknown, signal: AbortSignal): number | undefined {
  const e = err as { errno?: unknown; code?: unknown } | null;
  if (typeof e?.errno === 'number' && e.errno > 0) return e.errno;
  if (typeof e?.code === 'string' && e.code in constants.errno) return constants.errno[e.code as keyof typeof constants.errno];
  if (signal.aborted) return EINTR;
  return undefined;
}

/**
 * One FUSE connection: /dev/fuse opened, mounted, and read loops that each keep one read
 * outstanding (occupying one libuv threadpool thread while it waits) and dispatch every request
 * without waiting for the previous ones, so requests run concurrently. With several readers,
 * requests the kernel queues together (readahead READs, parallel clients) are picked up at once
 * and their completions handled in one turn of the event loop, instead of one thread hand-off
 * each. Replies are written synchronously: a write to /dev/fuse never blocks, and one writev
 * keeps each reply whole.
 */
export class FuseSession {
  readonly mountpoint: string;
  /** Resolves with the negotiated parameters once INIT is answered. */
  readonly ready: Promise<ConnInfo>;
  /** Resolves when the kernel ended the connection (unmount, abort); rejects on a read failure. */
  readonly done: Promise<void>;
  conn: ConnInfo | undefined;
  /** Requests received, by opcode name (for statedumps and tests). */
  readonly counts = new Map<string, number>();
  private fd: number;
  /** The buffer each reader's next read fills; replaced (not copied) when a large request takes it. */
  private readonly bufs: Buffer[];
  /** INTERRUPTs that arrived before the request they name (read by another reader). */
  private readonly earlyInterrupts = new Set<bigint>();
  /** The reply header, reused: replies are written synchronously, one at a time. */
  private readonly header = Buffer.alloc(Size.OUT_HEADER);
  private readonly inflight = new Map<bigint, AbortController>();
  private resolveReady!: (c: ConnInfo) => void;
  private rejectReady!: (e: unknown) => void;
  private resolveDone!: () => void;
  private rejectDone!: (e: unknown) => void;
  private ended = false;

  private constructor(fd: number, private readonly opts: SessionOptions) {
    this.fd = fd;
    this.mountpoint = opts.mountpoint;
    this.bufs = Array.from({ length: Math.max(1, opts.readers ?? defaultReaders()) }, () => Buffer.allocUnsafe(this.bufSize));
    this.ready = new Promise((res, rej) => ((this.resolveReady = res), (this.rejectReady = rej)));
    this.done = new Promise((res, rej) => ((this.resolveDone = res), (this.rejectDone = rej)));
    this.ready.catch(() => {});
    this.done.catch(() => {});
  }

  /** Open /dev/fuse, mount it, start serving; resolves once INIT has been answered. */
  static async mount(opts: SessionOptions): Promise<FuseSession> {
    let fd: number;
    try {
      fd = openSync('/dev/fuse', 'r+');
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
    for (let i = 0; i < s.bufs.length; i++) s.readNext(i);
    await Promise.race([s.ready, s.done.then(() => Promise.reject(new Error('the kernel ended the connection before INIT')))]);
    return s;
  }

  private get bufSize(): number {
    return (this.opts.maxWrite ?? 1 << 20) + REQUEST_OVERHEAD;
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

  private readNext(slot: number): void {
    if (this.ended) return;
    const buf = this.bufs[slot]!;
    read(this.fd, buf, 0, buf.length, null, (err, n) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // ENOENT: the request was interrupted before we read it. EINTR/EAGAIN: just retry.
        if (code === 'ENOENT' || code === 'EINTR' || code === 'EAGAIN') return this.readNext(slot);
        return this.end(code === 'ENODEV' ? undefined : err);
      }
      if (n === 0) return this.end();
      // The buffer is refilled by the next read while this request is served. A small request is
      // copied out; a large one (a WRITE) keeps the buffer and the next read gets a fresh one, so
      // a 1 MiB payload is never copied in user space.
      let req: Buffer;
      if (n >= LARGE_REQUEST) {
        req = buf.subarray(0, n);
        this.bufs[slot] = Buffer.allocUnsafe(this.bufSize);
      } else {
        req = Buffer.allocUnsafe(n);
        buf.copy(req, 0, 0, n);
      }
      this.readNext(slot);
      this.handle(req);
    });
  }

  private end(err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    for (const ac of this.inflight.values()) ac.abort();
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = -1;
    this.rejectReady(err ?? new Error('connection ended'));
    if (err) this.rejectDone(err);
    else this.resolveDone();
  }

  private reply(unique: bigint, error: number, payload: Reply): void {
    if (this.ended) return;
    let len = 0;
    for (const b of payload) len += b.length;
    try {
      const head = outHeader(unique, error, len, this.header);
      writevSync(this.fd, payload.length === 0 ? [head] : [head, ...payload]);
    } catch (err) {
      // ENOENT: the kernel gave up on the request (interrupted); nothing to do.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onError?.(err, `reply to request ${unique}`);
    }
  }

  private handle(buf: Buffer): void {
    let h: InHeader;
    try {
      h = decodeHeader(buf);
    } catch (err) {
      this.opts.onError?.(err, 'decode');
      return;
    }
    const r = bodyReader(buf, h);
    const fs = this.opts.fs;
    const name = OP_NAMES.get(h.opcode) ?? `OP_${h.opcode}`;
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    try {
      switch (h.opcode) {
        case Op.INIT: {
          const { conn, reply } = negotiate(r, { maxWrite: this.opts.maxWrite ?? 1 << 20 });
          this.conn = conn;
          Promise.resolve(fs.init?.(conn)).then(
            () => (this.reply(h.unique, 0, [reply]), this.resolveReady(conn)),
            (err) => (this.reply(h.unique, -EIO, []), this.rejectReady(err)),
          );
          return;
        }
        case Op.FORGET:
          fs.forget?.(h.nodeid, Number(r.u64()));
          return;
        case Op.BATCH_FORGET: {
          const count = r.u32();
          r.skip(4);
          for (let i = 0; i < count && r.remaining >= Size.FORGET_ONE; i++) fs.forget?.(r.u64(), Number(r.u64()));
          return;
        }
        case Op.INTERRUPT: {
          // Abort the call; it answers (EINTR or its result) as usual. Unknown: already answered,
          // or (with several readers) not handled yet: remembered, so serve() aborts it on arrival.
          const unique = r.u64();
          const ac = this.inflight.get(unique);
          if (ac) ac.abort();
          else if (this.bufs.length > 1) {
            if (this.earlyInterrupts.size >= EARLY_INTERRUPTS) this.earlyInterrupts.delete(this.earlyInterrupts.values().next().value as bigint);
            this.earlyInterrupts.add(unique);
          }
          return;
        }
        case Op.DESTROY:
          Promise.resolve(fs.destroy?.()).finally(() => this.reply(h.unique, 0, []));
          return;
      }
    } catch (err) {
      this.opts.onError?.(err, OP_NAMES.get(h.opcode) ?? `opcode ${h.opcode}`);
      return;
    }
    this.serve(h, r);
  }

  private serve(h: InHeader, r: ReturnType<typeof bodyReader>): void {
    const ac = new AbortController();
    this.inflight.set(h.unique, ac);
    if (this.earlyInterrupts.size > 0 && this.earlyInterrupts.delete(h.unique)) ac.abort();
    const ctx: RequestContext = { unique: h.unique, opcode: h.opcode, nodeid: h.nodeid, uid: h.uid, gid: h.gid, pid: h.pid, signal: ac.signal };
    const conn = this.conn!;
    // The async wrapper turns a synchronous throw (a short body) into a rejection as well.
    (async () => dispatch(this.opts.fs, conn, ctx, r))()
      .then(
        (payload) => this.reply(h.unique, 0, payload),
        (err) => {
          const errno = errnoOf(err, ac.signal);
          if (errno === undefined) this.opts.onError?.(err, OP_NAMES.get(h.opcode) ?? `opcode ${h.opcode}`);
          this.reply(h.unique, -(errno ?? EIO), []);
        },
      )
      .finally(() => this.inflight.delete(h.unique));
  }
}
