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
 */
export class RecordDecoder {
  private chunks: Buffer[] = [];
  private have = 0;
  private fragments: Buffer[] = [];
  private recordSize = 0;
  private fragLen = -1;
  private lastFrag = false;

  constructor(readonly maxRecord = DEFAULT_MAX_RECORD) {}

  /** Bytes held for a record not yet complete (non-zero at end of stream means a truncated record). */
  get pending(): number {
    return this.have + this.recordSize;
  }

  push(chunk: Buffer): Buffer[] {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.have += chunk.length;
    }
    const out: Buffer[] = [];
    for (;;) {
      if (this.fragLen < 0) {
        if (this.have < 4) break;
        const h = this.take(4).readUInt32BE(0);
        this.fragLen = h & MAX_FRAGMENT;
        this.lastFrag = (h & LAST) !== 0;
        if (this.recordSize + this.fragLen > this.maxRecord) throw new RecordTooLargeError(this.recordSize + this.fragLen, this.maxRecord);
      }
      if (this.have < this.fragLen) break;
      const frag = this.take(this.fragLen);
      this.fragments.push(frag);
      this.recordSize += frag.length;
      this.fragLen = -1;
      if (this.lastFrag) {
        out.push(this.fragments.length === 1 ? frag : Buffer.concat(this.fragments));
        this.fragments = [];
        this.recordSize = 0;
      }
    }
    return out;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.have -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.have -= n;
    return out;
  }
}
