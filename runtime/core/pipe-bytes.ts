import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { native } from '../../native/index.js';

/**
 * Write data held in a pipe instead of in memory: a large FUSE WRITE's payload, spliced from
 * /dev/fuse (the kernel puts references to the written pages in the pipe, no copy). The mount
 * passes `writev` a placeholder buffer of the payload's size with the pipe attached;
 * protocol/client sends the pipe's pages to the socket (tee + splice, still no copy), so a 1 MiB
 * write is never copied through the mount's memory (two copies of 1 MiB before, each missing
 * the CPU caches: the mount's system time for sequential writes fell by two thirds).
 *
 * The placeholder never carries wrong bytes to anyone who reads it: a translator that does not
 * declare `passesWriteData` gets it filled from the pipe before its writev runs (Xlator), and
 * sending only duplicates the pipe's pages (tee), so the bytes stay readable until the request
 * is answered, whatever happens to the send. A brick's READ data (storage/posix) goes the other
 * way, finished once sent (`finishOnSend`). Reading a placeholder whose payload was finished
 * unfilled throws.
 */
export interface Pipe {
  readonly r: number;
  readonly w: number;
}

/** Payloads this large or larger are worth a pipe: below, the extra syscalls cost more than the copies. */
export const SPLICE_MIN = 256 * 1024;
/**
 * The size of every payload pipe: a 1 MiB payload's pages, unaligned, and a request header
 * (F_SETPIPE_SZ rounds sizes up to a power of two; 512 slots where 258 are needed).
 */
export const PIPE_BYTES = 2 << 20;

/** The pipe a payload sits in, until the request that brought it is answered. */
export class PipeBytes {
  private filled = false;
  /** The pipe and its owner, for finish and the collection safety net (never the placeholder itself). */
  private readonly held: Held;

  constructor(
    pipe: Pipe,
    /** The placeholder: the payload's size, its bytes only once filled. */
    readonly placeholder: Buffer,
    release: (p: Pipe) => void,
    /**
     * Done once sent (a brick's READ data, which nothing needs after the reply left): sent
     * straight from its pipe, and finished by the connection once sent, copied or dropped.
     */
    readonly finishOnSend = false,
  ) {
    this.held = { pipe, release, done: false };
    unfinished.register(placeholder, this.held, this);
  }

  get pipe(): Pipe {
    return this.held.pipe;
  }

  /** The request was answered: the pipe is no longer this payload's. */
  get answered(): boolean {
    return this.held.done;
  }

  get length(): number {
    return this.placeholder.length;
  }

  /**
   * Splice the payload to `fd`: bytes sent, or -errno when nothing was (the caller copies). Data
   * that is done once sent goes straight from its pipe; other data is tee'd into `scratch` (an
   * empty pipe at least as large) and spliced from there, so it stays readable until answered.
   * What a full socket did not take: rest().
   */
  sendTo(fd: number, scratch: Pipe | undefined): number {
    if (this.held.done || this.filled) return -EBADF; // the pipe is no longer (or not only) this payload's
    if (this.finishOnSend) return native.spliceNb(this.held.pipe.r, fd, this.length);
    if (!scratch) return -EAGAIN;
    const t = native.teeNb(this.held.pipe.r, scratch.w, this.length);
    if (t !== this.length) {
      // Short: the scratch pipe held something (a bug). Empty it whole; the caller copies.
      drainPipe(scratch);
      return t < 0 ? t : -EAGAIN;
    }
    const n = native.spliceNb(scratch.r, fd, t);
    if (n <= 0) {
      drainPipe(scratch);
      return n < 0 ? n : -EAGAIN;
    }
    return n;
  }

  /** After sendTo sent `n` bytes of it, the rest, read out of the pipe that holds it. */
  rest(n: number, scratch: Pipe | undefined): Buffer {
    return readPipe(this.finishOnSend ? this.held.pipe : scratch!, Buffer.allocUnsafe(this.length - n));
  }

  /** A send is done with it (spliced, copied or dropped): data done once sent is finished. */
  sent(): void {
    if (this.finishOnSend) this.finish();
  }

  /** The payload's bytes: the placeholder, filled from the pipe the first time. */
  bytes(): Buffer {
    if (this.filled) return this.placeholder;
    if (this.held.done) throw new Error('the payload of an answered request was read');
    readPipe(this.held.pipe, this.placeholder);
    this.filled = true;
    (this.placeholder.buffer as Marked)[PIPED] = undefined; // an ordinary buffer from now on
    return this.placeholder;
  }

  /**
   * The request was answered: the pipe goes back to its owner, which empties it (PipePool.give).
   * The placeholder stays known (a tombstone): read again unfilled, bytes() throws instead of
   * handing out its uninitialised memory.
   */
  finish(): void {
    if (this.held.done) return;
    unfinished.unregister(this);
    giveBack(this.held);
  }
}

const { EAGAIN, EBADF } = constants.errno;

interface Held {
  pipe: Pipe;
  release: (p: Pipe) => void;
  done: boolean;
}

/**
 * A payload dropped without being finished (a reply that was never sent, a bug) would keep its
 * pipe forever: once its placeholder is collected, the pipe is given back (never after finish).
 */
const unfinished = new FinalizationRegistry<Held>(giveBack);

/** Hand a pipe back to its owner once. Never throws: it runs where a throw would end the process. */
function giveBack(held: Held): void {
  if (held.done) return;
  held.done = true;
  try {
    held.release(held.pipe);
  } catch {
    // a pipe that cannot be given back is lost; nothing else is at stake
  }
}

/**
 * A placeholder's ArrayBuffer (its own: allocUnsafeSlow) carries its PipeBytes under this symbol,
 * kept after an unfilled finish as a tombstone. A property, not a WeakMap: with the tombstones
 * kept in a WeakMap (ephemerons keyed by 1 MiB buffers), sequential writes ran at 0.85 and
 * reads at 0.73 of the build before them in one bench run; with the property, 0.94-0.98 and
 * 0.95-1.05 (run-to-run noise).
 */
const PIPED = Symbol('gfs.pipedBytes');
type Marked = ArrayBufferLike & { [PIPED]?: PipeBytes };

/** Attach `p` to its placeholder, which must own its whole ArrayBuffer (Buffer.allocUnsafeSlow). */
export function attachPipeBytes(p: PipeBytes): void {
  (p.placeholder.buffer as Marked)[PIPED] = p;
}

/**
 * The pipe behind `b` when `b` is exactly an unfilled placeholder (not a slice of one: a slice
 * is filled by whoever reads it, through realBytes).
 */
export function pipeBytesOf(b: Buffer): PipeBytes | undefined {
  const p = (b.buffer as Marked)[PIPED];
  return p && !p.answered && b.byteOffset === p.placeholder.byteOffset && b.length === p.length ? p : undefined;
}

/**
 * Fill `b` from its pipe if it is a placeholder (or a slice of one); `b` itself either way.
 * Throws for the placeholder of a payload answered unfilled: its bytes are gone.
 */
export function realBytes(b: Buffer): Buffer {
  // Not a Buffer: a caller's mistake the translator reports better than this would.
  const p = b instanceof Uint8Array ? (b.buffer as Marked)[PIPED] : undefined;
  if (p) p.bytes();
  return b;
}

/** Where drained pipes are spliced to; opened once, when the first pipe is made. */
let devNull = -1;

/**
 * Empty a pipe: its contents spliced to /dev/null, so the pages are released uncopied. True when
 * it is empty after (a pipe that cannot be emptied must not be used again).
 */
export function drainPipe(p: Pipe): boolean {
  if (devNull < 0) return false;
  for (;;) {
    const n = native.spliceNb(p.r, devNull, 1 << 30);
    if (n === -EAGAIN) return true; // non-blocking and empty
    // 0 with our own write end open: a buffer that would not go (a truncated page that is not
    // up to date); an error: either way the pipe is not known empty.
    if (n <= 0) return false;
  }
}

/** Fill `b` from a pipe that holds at least that much (it never waits). */
export function readPipe(p: Pipe, b: Buffer): Buffer {
  for (let got = 0; got < b.length; ) {
    const n = native.readNb(p.r, b.subarray(got));
    if (n <= 0) throw new Error(`reading a pipe failed (${n < 0 ? `errno ${-n}` : 'it held less than expected'})`);
    got += n;
  }
  return b;
}


/** Close both ends; never throws (an end already closed is closed). */
export function closePipe(p: Pipe): void {
  for (const fd of [p.r, p.w]) {
    try {
      closeSync(fd);
    } catch {
      // EBADF: already closed
    }
  }
}

/** A pipe that holds `size` bytes, or undefined when the system will not make one that large. */
export function makePipe(size: number): Pipe | undefined {
  if (devNull < 0) {
    try {
      devNull = openSync('/dev/null', 'w');
    } catch {
      return undefined; // no fd to drain pipes to (EMFILE): no pipes either
    }
  }
  const r = native.pipeNb(size);
  return typeof r === 'number' ? undefined : { r: r[0], w: r[1] };
}
