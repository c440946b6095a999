/**
 * Buffers for READ reply data that come back once the data is consumed, so a streaming read
 * allocates nothing per request.
 *
 * Why: each 1 MiB READ reply used to get a fresh buffer. V8 counts such buffers as external
 * memory and answers their churn with garbage collections: at 1 GB/s the mount's GC threads used
 * about as much CPU as its event loop (measured: 60-90 ms of 220-320 ms for 256 MiB).
 *
 * Who may give one back: only the consumer that holds the data last. A frame's `recycledReads`
 * (runtime/core/frame.ts) says its caller is such a consumer (the FUSE bridge answering a READ:
 * it writes the data to the kernel and drops it); translators that do not declare
 * `passesReadData` clear the flag on the way down, so a translator that keeps read data
 * (io-cache) never sees a pooled buffer. protocol/client reads a flagged call's reply into a
 * pooled buffer; the FUSE session gives it back once the reply is written.
 */

/** Replies smaller than this are not worth a pooled buffer (nor the check when they are written). */
export const RECYCLE_MIN = 64 * 1024;

/** Kept on a pooled buffer's ArrayBuffer: its pool, and whether it is lent out. */
const LENT = Symbol('gfs.recycle.lent');
const POOL = Symbol('gfs.recycle.pool');

interface Pooled extends ArrayBuffer {
  [POOL]?: BufferPool;
  [LENT]?: boolean;
}

export class BufferPool {
  private readonly free: Pooled[] = [];
  /** Buffers lent and returned (for stats and tests). */
  readonly counts = { lent: 0, returned: 0, made: 0 };

  /** `size`: bytes of each buffer; `keep`: how many free ones are kept (more are left to the GC). */
  constructor(
    readonly size: number,
    readonly keep = 16,
  ) {}

  /** A buffer of `len` bytes from the pool, or undefined when `len` is larger than its buffers. */
  take(len: number): Buffer | undefined {
    if (len > this.size) return undefined;
    let ab = this.free.pop();
    if (!ab) {
      ab = new ArrayBuffer(this.size) as Pooled;
      ab[POOL] = this;
      this.counts.made++;
    }
    ab[LENT] = true;
    this.counts.lent++;
    return Buffer.from(ab, 0, len);
  }

  get available(): number {
    return this.free.length;
  }

  /** @internal see recycle() */
  give(ab: Pooled): void {
    ab[LENT] = false;
    this.counts.returned++;
    if (this.free.length < this.keep) this.free.push(ab);
  }
}

/**
 * Buffers READ replies are read into when their caller gives the data back (frame.recycledReads):
 * one pool for every client of the process, buffers for the largest READ (1 MiB) with its reply
 * header and xdata.
 */
export const READ_REPLIES = new BufferPool((1 << 20) + 64 * 1024);

/**
 * `b`'s memory goes back to its pool, when it came from one and is lent out; anything else is
 * left alone, so a consumer may hand every buffer it is done with. Giving one back twice is
 * harmless: the second time it is no longer lent.
 */
export function recycle(b: Uint8Array): void {
  const ab = b.buffer as Pooled;
  if (ab[LENT] === true) ab[POOL]!.give(ab);
}

/** Whether `b` is a pooled buffer still lent out (tests, asserts). */
export function isLent(b: Uint8Array): boolean {
  return (b.buffer as Pooled)[LENT] === true;
}
