import { bufferView, viewOf } from '../../../../runtime/core/bytes.js';
import { Size } from './abi.js';
import type { Attr, DirEntryOut, DirList, Entry, FileLock, Statfs } from './types.js';

/**
 * Whole seconds and nanoseconds of a timeout given in (fractional) seconds. A mount's timeouts
 * are fixed, and every entry of a listing carries two: the last split is kept.
 */
let lastTimeout = NaN;
let lastSplit: readonly [number, number] = [0, 0];
function splitTimeout(seconds: number): readonly [number, number] {
  if (seconds === lastTimeout) return lastSplit;
  const s = Math.max(0, seconds);
  const whole = Math.floor(s);
  lastTimeout = seconds;
  lastSplit = [whole, Math.min(999_999_999, Math.round((s - whole) * 1e9))];
  return lastSplit;
}

const TWO32 = 0x1_0000_0000;
const LE = true;


/**
 * A non-negative integer below 2^53 as a little-endian u64, written as two 32-bit words: no
 * BigInt per field (a READDIRPLUS record has nine 64-bit fields, and BigInt conversions were the
 * largest single cost of encoding a listing).
 */
function u64(d: DataView, v: number, at: number): void {
  const n = v > 0 ? Math.trunc(v) : 0;
  const hi = Math.floor(n / TWO32);
  d.setUint32(at, n - hi * TWO32, LE);
  d.setUint32(at + 4, hi >>> 0, LE);
}

/** A signed 64-bit integer (times before 1970 are negative) from a number. */
function i64(d: DataView, v: number, at: number): void {
  if (v >= 0) return u64(d, v, at);
  d.setBigInt64(at, BigInt(Math.trunc(v)), LE);
}

/** A u64 held as a bigint (inode numbers, node ids, offsets), wrapped to 64 bits. */
function big64(d: DataView, v: bigint, at: number): void {
  d.setBigUint64(at, v, LE);
}

/** struct fuse_attr at `at`. */
export function writeAttr(d: DataView, at: number, a: Attr): void {
  big64(d, a.ino, at);
  u64(d, a.size, at + 8);
  u64(d, a.blocks, at + 16);
  i64(d, a.atime.sec, at + 24);
  i64(d, a.mtime.sec, at + 32);
  i64(d, a.ctime.sec, at + 40);
  d.setUint32(at + 48, a.atime.nsec >>> 0, LE);
  d.setUint32(at + 52, a.mtime.nsec >>> 0, LE);
  d.setUint32(at + 56, a.ctime.nsec >>> 0, LE);
  d.setUint32(at + 60, a.mode >>> 0, LE);
  d.setUint32(at + 64, a.nlink >>> 0, LE);
  d.setUint32(at + 68, a.uid >>> 0, LE);
  d.setUint32(at + 72, a.gid >>> 0, LE);
  d.setUint32(at + 76, a.rdev >>> 0, LE);
  d.setUint32(at + 80, a.blksize >>> 0, LE);
  d.setUint32(at + 84, 0, LE); // flags (submount, dax): never set
}

/** struct fuse_entry_out at `at`. */
export function writeEntry(d: DataView, at: number, e: Entry): void {
  const [es, ens] = splitTimeout(e.entryValid);
  const [as, ans] = splitTimeout(e.attrValid);
  big64(d, e.nodeid, at);
  big64(d, e.generation, at + 8);
  u64(d, es, at + 16);
  u64(d, as, at + 24);
  d.setUint32(at + 32, ens, LE);
  d.setUint32(at + 36, ans, LE);
  writeAttr(d, at + 40, e.attr);
}

/**
 * Replies are made with allocUnsafe (a slice of Node's pool) and every byte written: Buffer.alloc
 * makes a zeroed ArrayBuffer of its own, which cost a lookup reply more than encoding it.
 */
export function entryOut(e: Entry): Buffer {
  const b = Buffer.allocUnsafe(Size.ENTRY_OUT); // writeEntry writes all 128 bytes
  writeEntry(bufferView(b), b.byteOffset, e);
  return b;
}

export function attrOut(attr: Attr, validSeconds: number): Buffer {
  const b = Buffer.allocUnsafe(Size.ATTR_OUT);
  const d = bufferView(b);
  const o = b.byteOffset;
  const [s, ns] = splitTimeout(validSeconds);
  u64(d, s, o);
  d.setUint32(o + 8, ns, LE);
  d.setUint32(o + 12, 0, LE); // dummy
  writeAttr(d, o + 16, attr);
  return b;
}

export function openOut(fh: bigint, openFlags: number): Buffer {
  const b = Buffer.allocUnsafe(Size.OPEN_OUT);
  const d = viewOf(b);
  big64(d, fh, 0);
  d.setUint32(8, openFlags >>> 0, LE);
  d.setUint32(12, 0, LE); // backing_id (unused)
  return b;
}

export function u32Out(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

export function u64Out(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  big64(viewOf(b), n, 0);
  return b;
}

export function statfsOut(s: Statfs): Buffer {
  const b = Buffer.alloc(Size.STATFS_OUT);
  const d = viewOf(b);
  u64(d, s.blocks, 0);
  u64(d, s.bfree, 8);
  u64(d, s.bavail, 16);
  u64(d, s.files, 24);
  u64(d, s.ffree, 32);
  d.setUint32(40, s.bsize >>> 0, LE);
  d.setUint32(44, s.namelen >>> 0, LE);
  d.setUint32(48, s.frsize >>> 0, LE);
  return b;
}

export function lkOut(lk: FileLock): Buffer {
  const b = Buffer.alloc(Size.LK_OUT);
  const d = viewOf(b);
  big64(d, lk.start, 0);
  big64(d, lk.end, 8);
  d.setUint32(16, lk.type >>> 0, LE);
  d.setUint32(20, lk.pid >>> 0, LE);
  return b;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Builds struct fuse_dirent / fuse_direntplus records into a buffer of the size the kernel asked
 * for; an entry that does not fit is refused so the caller can stop (and not count its lookup).
 */
export class DirBuffer implements DirList {
  private readonly buf: Buffer;
  private readonly view: DataView;
  private used = 0;

  constructor(readonly size: number, readonly plus: boolean) {
    this.buf = Buffer.alloc(size);
    this.view = viewOf(this.buf);
  }

  private recordSize(nameLength: number): number {
    return align8((this.plus ? Size.ENTRY_OUT + Size.DIRENT_HEADER : Size.DIRENT_HEADER) + nameLength);
  }

  fits(name: string): boolean {
    return this.used + this.recordSize(Buffer.byteLength(name, 'utf8')) <= this.size;
  }

  add(d: DirEntryOut, entry?: Entry): boolean {
    const nameLength = Buffer.byteLength(d.name, 'utf8');
    const rec = this.recordSize(nameLength);
    if (this.used + rec > this.size) return false;
    let at = this.used;
    if (this.plus) {
      if (entry) writeEntry(this.view, at, entry); // else all zero: nodeid 0 means "no entry"
      at += Size.ENTRY_OUT;
    }
    big64(this.view, d.ino, at);
    big64(this.view, d.off, at + 8);
    this.view.setUint32(at + 16, nameLength, LE);
    this.view.setUint32(at + 20, d.type >>> 0, LE);
    this.buf.write(d.name, at + 24, nameLength, 'utf8');
    this.used += rec;
    return true;
  }

  get length(): number {
    return this.used;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }
}

/** struct fuse_out_header followed by the payload pieces (written into `into` when given). */
export function outHeader(unique: bigint, error: number, payloadLength: number, into?: Buffer): Buffer {
  const b = into ?? Buffer.allocUnsafe(Size.OUT_HEADER); // all 16 bytes written
  // The view reaches past `b` (bufferView): a short `into` would be written past.
  if (b.length < Size.OUT_HEADER) throw new RangeError(`a reply header needs ${Size.OUT_HEADER} bytes, got ${b.length}`);
  const d = bufferView(b);
  const o = b.byteOffset;
  d.setUint32(o, Size.OUT_HEADER + payloadLength, LE);
  d.setInt32(o + 4, error, LE);
  d.setBigUint64(o + 8, unique, LE);
  return b;
}
