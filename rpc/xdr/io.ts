import { bufferView, copyOf } from '../../runtime/core/bytes.js';
import { RpcDecodeError, RpcEncodeError } from './errors.js';

/** Bytes of zero padding after `n` bytes of opaque data (XDR aligns to 4). */
export const pad = (n: number): number => (4 - (n & 3)) & 3;
const ZEROS = Buffer.alloc(4);
// Range limits computed once (a BigInt shift per call allocates).
const HYPER_MIN = -(1n << 63n);
const HYPER_END = 1n << 63n;
const UHYPER_END = 1n << 64n;
/** From this size on, `rest()` returns a view instead of a copy. */
const REST_VIEW_MIN = 64 * 1024;

/**
 * Appends XDR units (RFC 4506: big-endian, 4-byte aligned) to a buffer that grows as needed.
 * Integers go through a DataView of the buffer: V8 compiles its accessors inline, where Buffer's
 * writeUInt32BE is a checked JS call and writeBigUInt64BE splits the value with BigInt
 * arithmetic (a tenth of a brick's listing went to 64-bit fields: directory cookies and
 * gfid-derived inode numbers are past 2^53).
 */
export class XdrWriter {
  private buf: Buffer;
  /** A view of the whole ArrayBuffer under `buf` (bufferView): `base` is where `buf` starts in it. */
  private dv: DataView;
  private base: number;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
    this.dv = bufferView(this.buf);
    this.base = this.buf.byteOffset;
  }

  get length(): number { return this.pos; }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.dv = bufferView(next);
    this.base = next.byteOffset;
  }

  int(v: number): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RpcEncodeError(`int out of range: ${v}`);
    this.room(4);
    this.dv.setInt32(this.base + this.pos, v);
    this.pos += 4;
  }

  uint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RpcEncodeError(`unsigned int out of range: ${v}`);
    this.room(4);
    this.dv.setUint32(this.base + this.pos, v);
    this.pos += 4;
  }

  /**
   * A signed 64-bit field. Encoders that build a message only to send it may pass a safe-integer
   * number instead of a bigint (see iattToWireNumbers): same bytes, no BigInt made per field.
   */
  hyper(v: bigint): void {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new RpcEncodeError(`hyper out of range: ${String(v)}`);
      this.room(8);
      this.pos = this.words(v);
      return;
    }
    if (typeof v !== 'bigint' || v < HYPER_MIN || v >= HYPER_END) throw new RpcEncodeError(`hyper out of range: ${String(v)}`);
    this.room(8);
    this.dv.setBigInt64(this.base + this.pos, v);
    this.pos += 8;
  }

  /** An unsigned 64-bit field; a non-negative safe-integer number is taken too (see hyper). */
  uhyper(v: bigint): void {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) throw new RpcEncodeError(`unsigned hyper out of range: ${String(v)}`);
      this.room(8);
      this.pos = this.words(v);
      return;
    }
    if (typeof v !== 'bigint' || v < 0n || v >= UHYPER_END) throw new RpcEncodeError(`unsigned hyper out of range: ${String(v)}`);
    this.room(8);
    this.dv.setBigUint64(this.base + this.pos, v);
    this.pos += 8;
  }

  /** A 64-bit value that fits a double, as two 32-bit words (no BigInt made for it). */
  private words(n: number): number {
    const hi = Math.floor(n / 0x100000000);
    this.dv.setInt32(this.base + this.pos, hi | 0);
    this.dv.setUint32(this.base + this.pos + 4, n - hi * 0x100000000);
    return this.pos + 8;
  }

  double(v: number): void {
    this.room(8);
    this.dv.setFloat64(this.base + this.pos, v);
    this.pos += 8;
  }

  /** Bytes followed by zero padding to the next 4-byte boundary (fixed-length opaque). */
  bytes(b: Uint8Array): void {
    const p = pad(b.length);
    this.room(b.length + p);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    ZEROS.copy(this.buf, this.pos, 0, p);
    this.pos += p;
  }

  /**
   * string<max>: a counted UTF-8 text, encoded straight into the buffer (Buffer.from(text) made
   * a buffer per name, then copied it here). A UTF-16 unit takes at most 3 bytes of UTF-8, and
   * unpaired surrogates become U+FFFD as Buffer.from makes them.
   */
  string(v: string, max: number): void {
    // Every UTF-16 unit is at least one byte: a text this long is refused before room is made for it.
    if (v.length > max) throw new RpcEncodeError(`string of ${Buffer.byteLength(v, 'utf8')} bytes exceeds its maximum ${max}`);
    const most = v.length * 3;
    this.room(4 + most + 3);
    const n = most === 0 ? 0 : this.buf.write(v, this.pos + 4, most, 'utf8');
    if (n > max) throw new RpcEncodeError(`string of ${n} bytes exceeds its maximum ${max}`);
    this.dv.setUint32(this.base + this.pos, n);
    this.pos += 4 + n;
    const p = pad(n);
    ZEROS.copy(this.buf, this.pos, 0, p);
    this.pos += p;
  }

  /** Raw bytes, no padding: data that travels after an XDR body (read replies, write requests). */
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A copy of what was written. */
  finish(): Buffer {
    return copyOf(this.buf, 0, this.pos);
  }

  /**
   * What was written, without a copy: for a writer used once and dropped (the transport hands
   * the bytes to the socket). Writing more afterwards may overwrite or reallocate them.
   */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Overwrite a 4-byte word already written (a length known only at the end: record marks). */
  patchUint(at: number, v: number): void {
    // The view reaches past this writer's buffer: only words already written may be patched.
    if (!(at >= 0 && at + 4 <= this.pos)) throw new RangeError(`patch at ${at} outside the ${this.pos} bytes written`);
    this.dv.setUint32(this.base + at, v >>> 0);
  }
}

/** Reads XDR units from a buffer; every read is checked against the bytes left. */
export class XdrReader {
  pos: number;
  readonly end: number;
  /** A view of the whole ArrayBuffer under `buf` (bufferView): `base` is where `buf` starts in it. */
  private readonly dv: DataView;
  private readonly base: number;

  constructor(readonly buf: Buffer, start = 0, end = buf.length) {
    // The view reaches past `buf` (bufferView): reads stay within it whatever the bounds say
    // (NaN included: a comparison with it is false).
    this.pos = start > 0 ? start : 0;
    this.end = end < buf.length ? end : buf.length;
    this.dv = bufferView(buf);
    this.base = buf.byteOffset;
  }

  get remaining(): number { return this.end - this.pos; }

  need(n: number, what: string): void {
    // Written so that NaN fails, and a `pos` set below 0 by a caller reads nothing before `buf`.
    if (!(n <= this.end - this.pos && this.pos >= 0)) throw new RpcDecodeError(`truncated ${what}: need ${n} bytes, ${this.end - this.pos} left`, this.pos);
  }

  int(): number {
    this.need(4, 'int');
    const v = this.dv.getInt32(this.base + this.pos);
    this.pos += 4;
    return v;
  }

  uint(): number {
    this.need(4, 'unsigned int');
    const v = this.dv.getUint32(this.base + this.pos);
    this.pos += 4;
    return v;
  }

  hyper(): bigint {
    this.need(8, 'hyper');
    const v = this.dv.getBigInt64(this.base + this.pos);
    this.pos += 8;
    return v;
  }

  uhyper(): bigint {
    this.need(8, 'unsigned hyper');
    const v = this.dv.getBigUint64(this.base + this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * An unsigned hyper as a number (what a converter would do with Number(uhyper())), without
   * making the BigInt: exact up to 2^53, rounded to the nearest double above, as Number() rounds.
   */
  uhyperNumber(): number {
    this.need(8, 'unsigned hyper');
    const v = this.dv.getUint32(this.base + this.pos) * 4294967296 + this.dv.getUint32(this.base + this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** A hyper as a number, as uhyperNumber. */
  hyperNumber(): number {
    this.need(8, 'hyper');
    const v = this.dv.getInt32(this.base + this.pos) * 4294967296 + this.dv.getUint32(this.base + this.pos + 4);
    this.pos += 8;
    return v;
  }

  double(): number {
    this.need(8, 'double');
    const v = this.dv.getFloat64(this.base + this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * `n` bytes plus their padding. The padding's content is not checked: libtirpc skips it
   * unread, and refusing what GlusterFS accepts would only break interoperability.
   */
  bytes(n: number, what: string): Buffer {
    const p = pad(n);
    this.need(n + p, what);
    const out = copyOf(this.buf, this.pos, this.pos + n);
    this.pos += n + p;
    return out;
  }

  /** `n` bytes plus their padding as UTF-8 text, decoded in place (no copy of the bytes first). */
  text(n: number, what: string): string {
    const p = pad(n);
    this.need(n + p, what);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n + p;
    return s;
  }

  /** A length word, checked against a declared maximum and against the bytes left. */
  length(max: number, what: string, unit = 1): number {
    const at = this.pos;
    const n = this.uint();
    if (n > max) throw new RpcDecodeError(`${what} length ${n} exceeds its maximum ${max}`, at);
    if (n * unit > this.end - this.pos) throw new RpcDecodeError(`${what} length ${n} exceeds the ${this.end - this.pos} bytes left`, at);
    return n;
  }

  /**
   * Everything left, unpadded (trailing payload). Large data (a read reply's or a write
   * request's 1 MiB) is a view of the record, not a copy: the record is a buffer of its own
   * that nothing writes to while it is in use (a pooled one, runtime/core/recycle.ts, only once
   * its last consumer gives it back). Small leftovers are copied so they do not keep a whole
   * socket chunk alive.
   */
  rest(): Buffer {
    const view = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return view.length >= REST_VIEW_MIN ? view : copyOf(view);
  }
}
