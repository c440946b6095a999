import { viewOf } from '../../../../runtime/core/bytes.js';
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
  const d = viewOf(buf);
  return {
    len: d.getUint32(0, LE),
    opcode: d.getUint32(4, LE),
    unique: d.getBigUint64(8, LE),
    nodeid: d.getBigUint64(16, LE),
    uid: d.getUint32(24, LE),
    gid: d.getUint32(28, LE),
    pid: d.getUint32(32, LE),
    totalExtlen: d.getUint16(36, LE),
  };
}

/**
 * Reads one request body field by field. A short body throws RangeError, which the session
 * answers with EIO: the kernel never sends one, so it means our layouts are wrong.
 */
export class Reader {
  private pos: number;
  private readonly view: DataView;

  constructor(private readonly buf: Buffer, start = Size.IN_HEADER, private readonly end = buf.length) {
    this.pos = start;
    this.view = viewOf(buf);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    if (this.pos + n > this.end) throw new RangeError(`FUSE request body too short (need ${n} at ${this.pos}, end ${this.end})`);
    const at = this.pos;
    this.pos += n;
    return at;
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
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }
}

/** A reader over the body of a request: after the header, before any extension headers. */
export function bodyReader(buf: Buffer, h: InHeader): Reader {
  const end = Math.min(buf.length, h.len) - h.totalExtlen * 8;
  return new Reader(buf, Size.IN_HEADER, Math.max(Size.IN_HEADER, end));
}
