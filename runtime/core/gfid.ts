import { randomUUID } from 'node:crypto';

/** A GlusterFS gfid in canonical text form (lowercase UUID). Buffers appear only at the edges. */
export type Gfid = string;

export const ROOT_GFID: Gfid = '00000000-0000-0000-0000-000000000001';
export const NULL_GFID: Gfid = '00000000-0000-0000-0000-000000000000';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function newGfid(): Gfid {
  return randomUUID();
}

export function isGfid(s: string): boolean {
  return UUID_RE.test(s);
}

/** Lower-case hex digits, and where each byte's two digits go in the canonical form (dashes
 * after bytes 4, 6, 8 and 10): shared by both directions. */
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Where each byte's two digits go in the canonical form (dashes after bytes 4, 6, 8 and 10). */
const DIGITS_AT = Array.from({ length: 16 }, (_, i) => 2 * i + (i >= 4 ? 1 : 0) + (i >= 6 ? 1 : 0) + (i >= 8 ? 1 : 0) + (i >= 10 ? 1 : 0));
const TEXT = Buffer.alloc(36, '-');
/** Value of each ASCII hex digit, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** The canonical form's dashes are where they belong (its digits are checked as they are read). */
const canonical = (g: string): boolean =>
  g.length === 36 && g.charCodeAt(8) === 45 && g.charCodeAt(13) === 45 && g.charCodeAt(18) === 45 && g.charCodeAt(23) === 45;

/** The byte written as the two hex digits at g[at], or -1 when they are not hex digits. */
function hexByte(g: string, at: number): number {
  const c0 = g.charCodeAt(at);
  const c1 = g.charCodeAt(at + 1);
  const hi = c0 < 128 ? HEX_VALUE[c0]! : -1;
  const lo = c1 < 128 ? HEX_VALUE[c1]! : -1;
  return (hi | lo) < 0 ? -1 : (hi << 4) | lo;
}

/**
 * The 16 bytes of a gfid. The canonical form is parsed digit by digit into a pooled buffer (this
 * runs for every iatt a brick encodes and every request a client sends: Buffer.from(hex) of the
 * joined slices cost several times more); anything else goes the general way.
 */
export function gfidToBuffer(g: Gfid): Buffer {
  if (canonical(g)) {
    const out = Buffer.allocUnsafe(16);
    let bad = 0;
    for (let k = 0; k < 16; k++) {
      const b = hexByte(g, DIGITS_AT[k]!);
      bad |= b;
      out[k] = b;
    }
    if (bad >= 0) return out;
  }
  return Buffer.from(g.length === 36 ? g.slice(0, 8) + g.slice(9, 13) + g.slice(14, 18) + g.slice(19, 23) + g.slice(24) : g.replace(/-/g, ''), 'hex');
}

/**
 * The canonical text, written digit by digit into one scratch buffer and read out as one flat
 * string: a third of the cost of hex + slices + concatenation (every message carries gfids, and
 * each becomes a Map key that is hashed as soon as it is used).
 */
export function gfidFromBuffer(b: Uint8Array): Gfid {
  if (b.length !== 16) throw new RangeError(`a gfid is 16 bytes, got ${b.length}`);
  return gfidFromBytes(b, 0);
}

/** The canonical text of the 16 bytes at `b[at]` (the caller checked they are there). */
export function gfidFromBytes(b: Uint8Array, from: number): Gfid {
  for (let i = 0; i < 16; i++) {
    const v = b[from + i]!;
    const at = DIGITS_AT[i]!;
    TEXT[at] = HEX[v >> 4]!;
    TEXT[at + 1] = HEX[v & 15]!;
  }
  return TEXT.toString('latin1', 0, 36);
}

/** GlusterFS derives ia_ino from the last 8 bytes of the gfid; the root is inode 1. */
export function gfidToIno(g: Gfid): bigint {
  if (g === ROOT_GFID) return 1n;
  // The last 8 bytes, read from the canonical form as two 32-bit halves: a third of the cost of
  // parsing a concatenated hex string (every iatt a brick sends has one).
  if (canonical(g)) {
    let hi = 0;
    let lo = 0;
    let bad = 0;
    for (let k = 8; k < 16; k++) {
      const b = hexByte(g, DIGITS_AT[k]!);
      bad |= b;
      if (k < 12) hi = hi * 256 + b;
      else lo = lo * 256 + b;
    }
    if (bad >= 0) {
      INO_VIEW.setUint32(0, hi);
      INO_VIEW.setUint32(4, lo);
      return INO_VIEW.getBigUint64(0);
    }
  }
  return gfidToBuffer(g).readBigUInt64BE(8);
}
const INO_VIEW = new DataView(new ArrayBuffer(8));
