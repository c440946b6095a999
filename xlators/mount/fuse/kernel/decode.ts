import { bufferView } from '../../../../runtime/core/bytes.js';
import { Size } from './abi.js';

/** struct fuse_in_header. */
export interface InHeader {
  len: number;
  opcode: number;
  unique: bigint;
  nodeid: bigint;
  uid: number;
  gid: number;
  pid: number;
  /** Length of extension headers after the body, in 8-byte units. */
  totalExtlen: number;
}

const LE = true;

export function decodeHeader(buf: Buffer): InHeader {
  if (buf.length < Size.IN_HEADER) throw new RangeError(`short FUSE request: ${buf.length} bytes`);
  // `d` reaches past `buf` (bufferView): the length was checked above.
  const d = bufferView(buf);
  const o = buf.byteOffset;
  return {
    len: d.getUint32(o, LE),
    opcode: d.getUint32(o + 4, LE),
    unique: d.getBigUint64(o + 8, LE),
    nodeid: d.getBigUint64(o + 16, LE),
    uid: d.getUint32(o + 24, LE),
    gid: d.getUint32(o + 28, LE),
    pid: d.getUint32(o + 32, LE),
    totalExtlen: d.getUint16(o + 36, LE),
  };
}

/**
 * Reads one request body field by field. A short body throws RangeError, which the session
 * answers with EIO: the kernel never sends one, so it means our layouts are wrong.
 */
export class Reader {
  private pos: number;
  private readonly end: number;
  /** A view of the whole ArrayBuffer under `buf` (bufferView): reads add `base`. */
  private readonly view: DataView;
  private readonly base: number;

  constructor(private readonly buf: Buffer, start = Size.IN_HEADER, end = buf.length) {
    // The view reaches past `buf`: reads stay within it whatever the bounds say.
    this.pos = start > 0 ? start : 0;
    this.end = end < buf.length ? end : buf.length; // NaN compares false: the whole buffer
    this.view = bufferView(buf);
    this.base = buf.byteOffset;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    if (!(this.pos + n <= this.end)) throw new RangeError(`FUSE request body too short (need ${n} at ${this.pos}, end ${this.end})`);
    const at = this.pos;
    this.pos += n;
    return this.base + at;
  }

  u32(): number {
    return this.view.getUint32(this.need(4), LE);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), LE);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.need(8), LE);
  }

  /** A u64 that holds a file offset or size: exact below 2^53, which files never exceed here. */
  num64(): number {
    return Number(this.u64());
  }

  skip(n: number): void {
    this.need(n);
  }

  /** A NUL-terminated name (file names are bytes; we treat them as UTF-8). */
  cstr(): string {
    const nul = this.buf.indexOf(0, this.pos);
    const stop = nul === -1 || nul >= this.end ? this.end : nul;
    const s = this.buf.toString('utf8', this.pos, stop);
    this.pos = Math.min(this.end, stop + 1);
    return s;
  }

  /** The rest of the body, without copying. */
  rest(): Buffer {
    const b = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return b;
  }

  bytes(n: number): Buffer {
    const at = this.need(n) - this.base;
    return this.buf.subarray(at, at + n);
  }
}

/** A reader over the body of a request: after the header, before any extension headers. */
export function bodyReader(buf: Buffer, h: InHeader): Reader {
  const end = Math.min(buf.length, h.len) - h.totalExtlen * 8;
  return new Reader(buf, Size.IN_HEADER, Math.max(Size.IN_HEADER, end));
}
