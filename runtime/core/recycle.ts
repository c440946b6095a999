/**
 * Buffers for READ reply data that come back once the data is consumed, so a streaming read
 * allocates nothing per request.
 *
 * Why: each 1 MiB READ reply used to get a fresh buffer. V8 counts such buffers as external
 * memory and answers their churn with garbage collections: in a mount that had linked 20,000
 * files, reading 256 MiB kept its threads other than the event loop busy for 95-239 ms (GC
 * threads 26-59 ms each); with the pool, 53-66 ms (the thread pool's FUSE writes). A fresh mount
 * collects little either way.
 *
 * Who may give one back: only the consumer that holds the data last. A frame's `recycledReads`
 * (runtime/core/frame.ts) says its caller is such a consumer (the FUSE bridge answering a READ:
 * it writes the data to the kernel and drops it); translators that do not declare
 * `passesReadData` clear the flag on the way down, so a translator that keeps read data
 * (io-cache) never sees a pooled buffer. protocol/client reads a flagged call's reply into a
 * pooled buffer; the FUSE session gives it back once the reply is written.
 */

/**
 * Replies from this size on are read into pooled buffers. Their data (the record less its
 * header, which holds at most 64 KiB of xdata) is then at least 64 KiB, which XdrReader.rest()
 * hands on as a view of the record, not a copy, so it is that buffer that comes back.
 */
export const POOL_MIN = 128 * 1024;
/** Reply data below this size never comes from a pool: the consumer need not check it. */
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
 * Pools of a few buffer sizes: a length is lent from the smallest pool whose buffers hold it, so
 * a 128 KiB READ (the kernel's read-ahead unit without max_pages) does not pin 1 MiB.
 */
export class SizedPools {
  readonly pools: readonly BufferPool[];

  constructor(sizes: readonly number[], keep = 16) {
    this.pools = [...sizes].sort((a, b) => a - b).map((s) => new BufferPool(s, keep));
  }

  take(len: number): Buffer | undefined {
    for (const p of this.pools) if (len <= p.size) return p.take(len);
    return undefined;
  }

  /** The counts of all pools added up. */
  get counts(): { lent: number; returned: number; made: number } {
    const c = { lent: 0, returned: 0, made: 0 };
    for (const p of this.pools) (c.lent += p.counts.lent), (c.returned += p.counts.returned), (c.made += p.counts.made);
    return c;
  }
}

/**
 * Buffers READ replies are read into when their caller gives the data back (frame.recycledReads):
 * pools shared by every client of the process, for READs up to 256 KiB and up to the largest
 * (1 MiB), each with room for the reply's header and xdata.
 */
export const READ_REPLIES = new SizedPools([256 * 1024 + 64 * 1024, (1 << 20) + 64 * 1024]);

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
