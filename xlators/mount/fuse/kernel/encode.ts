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

/**
 * A non-negative integer below 2^53 as a little-endian u64, written as two 32-bit words: no
 * BigInt per field (a READDIRPLUS record has nine 64-bit fields, and BigInt conversions were the
 * largest single cost of encoding a listing).
 */
function u64(b: Buffer, v: number, at: number): void {
  const n = v > 0 ? Math.trunc(v) : 0;
  const hi = Math.floor(n / TWO32);
  b.writeUInt32LE(n - hi * TWO32, at);
  b.writeUInt32LE(hi >>> 0, at + 4);
}

/** A signed 64-bit integer (times before 1970 are negative) from a number. */
function i64(b: Buffer, v: number, at: number): void {
  if (v >= 0) return u64(b, v, at);
  b.writeBigInt64LE(BigInt(Math.trunc(v)), at);
}

/** A u64 held as a bigint (inode numbers, node ids): two words when it fits a double exactly. */
function big64(b: Buffer, v: bigint, at: number): void {
  if (v >= 0n && v <= 0x1f_ffff_ffff_ffffn) return u64(b, Number(v), at);
  b.writeBigUInt64LE(BigInt.asUintN(64, v), at);
}

/** struct fuse_attr at `at`. */
export function writeAttr(b: Buffer, at: number, a: Attr): void {
  big64(b, a.ino, at);
  u64(b, a.size, at + 8);
  u64(b, a.blocks, at + 16);
  i64(b, a.atime.sec, at + 24);
  i64(b, a.mtime.sec, at + 32);
  i64(b, a.ctime.sec, at + 40);
  b.writeUInt32LE(a.atime.nsec >>> 0, at + 48);
  b.writeUInt32LE(a.mtime.nsec >>> 0, at + 52);
  b.writeUInt32LE(a.ctime.nsec >>> 0, at + 56);
  b.writeUInt32LE(a.mode >>> 0, at + 60);
  b.writeUInt32LE(a.nlink >>> 0, at + 64);
  b.writeUInt32LE(a.uid >>> 0, at + 68);
  b.writeUInt32LE(a.gid >>> 0, at + 72);
  b.writeUInt32LE(a.rdev >>> 0, at + 76);
  b.writeUInt32LE(a.blksize >>> 0, at + 80);
  b.writeUInt32LE(0, at + 84); // flags (submount, dax): never set
}

/** struct fuse_entry_out at `at`. */
export function writeEntry(b: Buffer, at: number, e: Entry): void {
  const [es, ens] = splitTimeout(e.entryValid);
  const [as, ans] = splitTimeout(e.attrValid);
  big64(b, e.nodeid, at);
  big64(b, e.generation, at + 8);
  u64(b, es, at + 16);
  u64(b, as, at + 24);
  b.writeUInt32LE(ens, at + 32);
  b.writeUInt32LE(ans, at + 36);
  writeAttr(b, at + 40, e.attr);
}

export function entryOut(e: Entry): Buffer {
  const b = Buffer.alloc(Size.ENTRY_OUT);
  writeEntry(b, 0, e);
  return b;
}

export function attrOut(attr: Attr, validSeconds: number): Buffer {
  const b = Buffer.alloc(Size.ATTR_OUT);
  const [s, ns] = splitTimeout(validSeconds);
  u64(b, s, 0);
  b.writeUInt32LE(ns, 8);
  writeAttr(b, 16, attr);
  return b;
}

export function openOut(fh: bigint, openFlags: number): Buffer {
  const b = Buffer.alloc(Size.OPEN_OUT);
  b.writeBigUInt64LE(fh, 0);
  b.writeUInt32LE(openFlags >>> 0, 8);
  return b;
}

export function u32Out(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

export function u64Out(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, n), 0);
  return b;
}

export function statfsOut(s: Statfs): Buffer {
  const b = Buffer.alloc(Size.STATFS_OUT);
  const u64 = (v: number, at: number) => b.writeBigUInt64LE(BigInt(Math.max(0, Math.trunc(v))), at);
  u64(s.blocks, 0);
  u64(s.bfree, 8);
  u64(s.bavail, 16);
  u64(s.files, 24);
  u64(s.ffree, 32);
  b.writeUInt32LE(s.bsize >>> 0, 40);
  b.writeUInt32LE(s.namelen >>> 0, 44);
  b.writeUInt32LE(s.frsize >>> 0, 48);
  return b;
}

export function lkOut(lk: FileLock): Buffer {
  const b = Buffer.alloc(Size.LK_OUT);
  b.writeBigUInt64LE(BigInt.asUintN(64, lk.start), 0);
  b.writeBigUInt64LE(BigInt.asUintN(64, lk.end), 8);
  b.writeUInt32LE(lk.type >>> 0, 16);
  b.writeUInt32LE(lk.pid >>> 0, 20);
  return b;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Builds struct fuse_dirent / fuse_direntplus records into a buffer of the size the kernel asked
 * for; an entry that does not fit is refused so the caller can stop (and not count its lookup).
 */
export class DirBuffer implements DirList {
  private readonly buf: Buffer;
  private used = 0;

  constructor(readonly size: number, readonly plus: boolean) {
    this.buf = Buffer.alloc(size);
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
      if (entry) writeEntry(this.buf, at, entry); // else all zero: nodeid 0 means "no entry"
      at += Size.ENTRY_OUT;
    }
    big64(this.buf, d.ino, at);
    big64(this.buf, d.off, at + 8);
    this.buf.writeUInt32LE(nameLength, at + 16);
    this.buf.writeUInt32LE(d.type >>> 0, at + 20);
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
  const b = into ?? Buffer.alloc(Size.OUT_HEADER);
  b.writeUInt32LE(Size.OUT_HEADER + payloadLength, 0);
  b.writeInt32LE(error, 4);
  b.writeBigUInt64LE(unique, 8);
  return b;
}
