import { copyOf } from '../../runtime/core/bytes.js';
import { RpcDecodeError } from '../xdr/errors.js';

/**
 * Record marking (RFC 5531 section 11): each fragment has a 4-byte big-endian header whose top
 * bit marks the last fragment of a record and whose low 31 bits give the fragment's length.
 */
const LAST = 0x80000000;
const MAX_FRAGMENT = 0x7fffffff;

/** 1 MiB of data plus 64 KiB for headers: a full-size write or read and its XDR body. */
export const DEFAULT_MAX_RECORD = 1024 * 1024 + 64 * 1024;

export class RecordTooLargeError extends RpcDecodeError {
  constructor(readonly size: number, readonly max: number) {
    super(`record of at least ${size} bytes exceeds the limit of ${max}`);
    this.name = 'RecordTooLargeError';
  }
}

/** Frame one record. GlusterFS sends a record as one fragment; `fragmentSize` splits it (for tests and peers that care). */
export function frameRecord(body: Buffer | readonly Buffer[], fragmentSize = MAX_FRAGMENT): Buffer {
  const data = Buffer.isBuffer(body) ? body : Buffer.concat(body as Buffer[]);
  const size = Math.max(1, Math.min(fragmentSize, MAX_FRAGMENT));
  const parts: Buffer[] = [];
  let off = 0;
  do {
    const n = Math.min(size, data.length - off);
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE((off + n >= data.length ? LAST : 0) + n, 0);
    parts.push(header, data.subarray(off, off + n));
    off += n;
  } while (off < data.length);
  return Buffer.concat(parts);
}

/**
 * Reassembles records from stream chunks. `push` returns the records completed by a chunk and
 * throws RecordTooLargeError as soon as a record's declared size passes the limit (before
 * buffering it). After an error the decoder is unusable: the stream has lost its framing.
 *
 * A fragment that arrives whole in one chunk is returned as a view of that chunk (no copy);
 * one that spans chunks is copied once into a buffer of exactly its size, allocated when its
 * header arrives. With `transient` chunks (a read buffer the socket reuses, see
 * RpcConnection.receive) every fragment is copied out before `push` returns. Either way a
 * 1 MiB record costs one allocation, not one per 64 KiB socket read plus a concatenation:
 * those short-lived external buffers were what drove V8 into major GCs under streaming I/O.
 */
export class RecordDecoder {
  /** The 4-byte fragment header, when it arrives split. */
  private readonly head = Buffer.alloc(4);
  private headHave = 0;
  /** The fragment being assembled (exactly its size) and how much of it is filled. */
  private frag: Buffer | undefined;
  private fragHave = 0;
  private lastFrag = false;
  /** Earlier fragments of a multi-fragment record. */
  private fragments: Buffer[] = [];
  private recordSize = 0;

  /**
   * `alloc` may supply the buffer a single-fragment record is assembled in, given its length and
   * its first bytes (`start`, at least 8: an RPC message's xid and type); undefined: a new one.
   */
  constructor(
    readonly maxRecord = DEFAULT_MAX_RECORD,
    private readonly alloc?: (len: number, start: Buffer) => Buffer | undefined,
  ) {}

  /** Bytes held for a record not yet complete (non-zero at end of stream means a truncated record). */
  get pending(): number {
    return this.headHave + this.fragHave + this.recordSize;
  }

  /** The records completed by `chunk[0, end)` (see the class comment for `transient`). */
  push(chunk: Buffer, transient = false, end = chunk.length): Buffer[] {
    const out: Buffer[] = [];
    let o = 0;
    const n = end;
    while (o < n) {
      if (!this.frag) {
        // A header: four bytes, possibly split across chunks.
        let h: number;
        if (this.headHave === 0 && n - o >= 4) {
          h = chunk.readUInt32BE(o);
          o += 4;
        } else {
          const k = Math.min(4 - this.headHave, n - o);
          chunk.copy(this.head, this.headHave, o, o + k);
          this.headHave += k;
          o += k;
          if (this.headHave < 4) break;
          h = this.head.readUInt32BE(0);
          this.headHave = 0;
        }
        const len = h & MAX_FRAGMENT;
        this.lastFrag = (h & LAST) !== 0;
        if (this.recordSize + len > this.maxRecord) throw new RecordTooLargeError(this.recordSize + len, this.maxRecord);
        if (n - o >= len) {
          // The whole fragment is here: a view (or, for a transient chunk, one copy).
          const frag = transient ? copyOf(chunk, o, o + len) : chunk.subarray(o, o + len);
          o += len;
          this.fragmentDone(frag, out);
          continue;
        }
        const own = this.alloc && this.lastFrag && this.recordSize === 0 && n - o >= 8 ? this.alloc(len, chunk.subarray(o, o + 8)) : undefined;
        this.frag = own ?? Buffer.allocUnsafe(len);
        this.fragHave = 0;
      }
      const frag = this.frag;
      const k = Math.min(frag.length - this.fragHave, n - o);
      chunk.copy(frag, this.fragHave, o, o + k);
      this.fragHave += k;
      o += k;
      if (this.fragHave < frag.length) break;
      this.frag = undefined;
      this.fragHave = 0;
      this.fragmentDone(frag, out);
    }
    return out;
  }

  /**
   * Where the next read may land directly: the unfilled rest of the fragment being assembled,
   * when at least `min` bytes of it are missing (a READ reply's data). Reading into it spares
   * copying the data out of a shared read buffer. Report what was read with `pushDirect`.
   */
  directTarget(min: number): Buffer | undefined {
    const frag = this.frag;
    if (!frag || frag.length - this.fragHave < min) return undefined;
    return frag.subarray(this.fragHave);
  }

  /** `n` bytes were read into the buffer `directTarget` gave: the records this completes. */
  pushDirect(n: number): Buffer[] {
    const frag = this.frag;
    if (!frag || n > frag.length - this.fragHave) throw new RpcDecodeError(`direct read of ${n} bytes past the fragment`);
    this.fragHave += n;
    const out: Buffer[] = [];
    if (this.fragHave === frag.length) {
      this.frag = undefined;
      this.fragHave = 0;
      this.fragmentDone(frag, out);
    }
    return out;
  }

  private fragmentDone(frag: Buffer, out: Buffer[]): void {
    if (!this.lastFrag) {
      this.fragments.push(frag);
      this.recordSize += frag.length;
      return;
    }
    if (this.fragments.length === 0) out.push(frag);
    else {
      this.fragments.push(frag);
      out.push(Buffer.concat(this.fragments));
      this.fragments = [];
      this.recordSize = 0;
    }
  }
}
