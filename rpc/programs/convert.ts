import { Dict, type DictValue } from '../../runtime/core/dict.js';
import { gfidFromBuffer, gfidToBuffer } from '../../runtime/core/gfid.js';
import { iaTypeFromMode, modeTypeBits, type Iatt, type Statvfs } from '../../runtime/core/iatt.js';
import type { Flock } from '../../runtime/fops/types.js';
import { RpcDecodeError } from '../xdr/errors.js';
import { pad } from '../xdr/io.js';
import { array, encode, type Infer } from '../xdr/schema.js';
import {
  GF_DATA_TYPE, gf_statfs, gfx_dict_pair, gfx_value, gfx_mdata_iatt, type GfProtoFlock, type GfxDict, type GfxIattx, type GfxValue,
} from './gfx-types.js';

/**
 * Wire structures <-> runtime types, the counterpart of GlusterFS's gfx_stat_to_iattx /
 * gfx_stat_from_iattx, dict_to_xdr / xdr_to_dict and gf_proto_flock_{to,from}_flock.
 */

/** iatt.h IATT_*: which fields of an iattx are valid. */
export const IATT = {
  TYPE: 0x1n, MODE: 0x2n, NLINK: 0x4n, UID: 0x8n, GID: 0x10n, ATIME: 0x20n, MTIME: 0x40n, CTIME: 0x80n,
  INO: 0x100n, SIZE: 0x200n, BLOCKS: 0x400n, BTIME: 0x800n, GFID: 0x1000n,
} as const;
/** What a brick sets for a stat it filled from lstat (everything but btime): 0x17ff. */
export const IATT_BASIC = 0x17ffn;

export function iattFromWire(x: GfxIattx): Iatt {
  const type = iaTypeFromMode(x.mode);
  const iatt: Iatt = {
    gfid: gfidFromBuffer(x.ia_gfid),
    ino: x.ia_ino,
    dev: x.ia_dev,
    type,
    // ia_type + ia_prot, as gfx_stat_to_iattx splits them, joined again into one st_mode.
    mode: (x.mode & 0o7777) | modeTypeBits(type),
    nlink: x.ia_nlink,
    uid: x.ia_uid,
    gid: x.ia_gid,
    rdev: rdevFromWire(x.ia_rdev),
    size: Number(x.ia_size),
    blksize: x.ia_blksize,
    blocks: Number(x.ia_blocks),
    atime: { sec: Number(x.ia_atime), nsec: x.ia_atime_nsec },
    mtime: { sec: Number(x.ia_mtime), nsec: x.ia_mtime_nsec },
    ctime: { sec: Number(x.ia_ctime), nsec: x.ia_ctime_nsec },
  };
  if (x.ia_flags & IATT.BTIME) iatt.btime = { sec: Number(x.ia_btime), nsec: x.ia_btime_nsec };
  return iatt;
}

/**
 * ia_rdev on the wire is GlusterFS's ia_makedev (major << 32 | minor), not glibc's dev_t: a
 * brick's iatt_from_stat splits st_rdev and the client's makedev joins it again. Iatt.rdev is
 * the dev_t.
 */
export function rdevFromWire(x: bigint): bigint {
  if (x === 0n) return 0n; // every iatt but a device's: no BigInt arithmetic
  const major = x >> 32n;
  const minor = x & 0xffffffffn;
  return ((major & 0xfffn) << 8n) | ((major & ~0xfffn) << 32n) | (minor & 0xffn) | ((minor & ~0xffn) << 12n);
}

export function rdevToWire(dev: bigint | number): bigint {
  const d = BigInt.asUintN(64, BigInt(dev));
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn & 0xffffffffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn & 0xffffffffn);
  return (major << 32n) | minor;
}

type IattxOptions = { flags?: bigint; attributes?: bigint; attributesMask?: bigint };

/** The iattx of an iatt, its 64-bit number fields converted by `wide`. */
function buildIattx(i: Iatt, wide: (v: number) => bigint, opts: IattxOptions): GfxIattx {
  return {
    ia_gfid: gfidToBuffer(i.gfid),
    ia_flags: opts.flags ?? (i.btime ? IATT_BASIC | IATT.BTIME : IATT_BASIC),
    ia_ino: i.ino >= 0n ? i.ino : BigInt.asUintN(64, i.ino),
    ia_dev: i.dev >= 0n ? i.dev : BigInt.asUintN(64, i.dev),
    ia_rdev: i.rdev === 0n ? wide(0) : rdevToWire(i.rdev),
    ia_size: wide(i.size),
    ia_blocks: wide(i.blocks),
    ia_attributes: opts.attributes ?? wide(0),
    ia_attributes_mask: opts.attributesMask ?? wide(0),
    ia_atime: wide(i.atime.sec),
    ia_mtime: wide(i.mtime.sec),
    ia_ctime: wide(i.ctime.sec),
    ia_btime: wide(i.btime?.sec ?? 0),
    ia_atime_nsec: i.atime.nsec,
    ia_mtime_nsec: i.mtime.nsec,
    ia_ctime_nsec: i.ctime.nsec,
    ia_btime_nsec: i.btime?.nsec ?? 0,
    ia_nlink: i.nlink,
    ia_uid: i.uid,
    ia_gid: i.gid,
    ia_blksize: i.blksize,
    mode: (i.mode & 0o7777) | modeTypeBits(i.type),
  };
}

/** `flags` defaults to what a brick reports (IATT_BASIC, plus BTIME when the iatt has one). */
export function iattToWire(i: Iatt, opts: IattxOptions = {}): GfxIattx {
  return buildIattx(i, BigInt, opts);
}

/**
 * A safe integer stays a number (XdrWriter writes it as it is); anything larger (XFS allows
 * 8 EiB files) goes as a bigint.
 */
const narrow = (v: number): bigint => (Number.isSafeInteger(v) ? (v as unknown as bigint) : BigInt(v));

/**
 * iattToWire for an iattx that is only encoded (a brick's replies): the 64-bit fields that fit
 * a double stay numbers (the writer takes them as two words), instead of a dozen BigInts made per
 * iatt only to be encoded. Same bytes as iattToWire; not for values a caller reads back (its fields are
 * not all bigints).
 */
export function iattToWireNumbers(i: Iatt): GfxIattx {
  return buildIattx(i, narrow, {});
}

/** The all-zero iattx GlusterFS sends where a reply has no stat (failed fops, absent postparent). */
export function emptyIattx(): GfxIattx {
  return {
    ia_gfid: Buffer.alloc(16), ia_flags: 0n, ia_ino: 0n, ia_dev: 0n, ia_rdev: 0n, ia_size: 0n, ia_blocks: 0n, ia_attributes: 0n,
    ia_attributes_mask: 0n, ia_atime: 0n, ia_mtime: 0n, ia_ctime: 0n, ia_btime: 0n, ia_atime_nsec: 0, ia_mtime_nsec: 0,
    ia_ctime_nsec: 0, ia_btime_nsec: 0, ia_nlink: 0, ia_uid: 0, ia_gid: 0, ia_blksize: 0, mode: 0,
  };
}

export function isEmptyIattx(x: GfxIattx): boolean {
  return x.ia_gfid.every((b) => b === 0) && x.mode === 0 && x.ia_ino === 0n;
}

/** "No dict" on the wire: count -1, no pairs. */
export const NO_DICT: GfxDict = Object.freeze({ xdr_size: 0, count: -1, pairs: Object.freeze([]) as unknown as GfxDict['pairs'] });

/** dict_to_xdr: keys carry their NUL, strings carry theirs, xdr_size is the pairs' encoded size. */
export function dictToWire(d: Dict | undefined | null): GfxDict {
  if (!d) return NO_DICT; // shared and frozen: every readdirp entry without a dict
  const pairs: GfxDict['pairs'] = [];
  let size = 0;
  for (const [key, v] of d) {
    const pair = { key: wireKey(key), value: valueToWire(v) };
    pairs.push(pair);
    size += opaqueSize(pair.key.length) + valueSize(pair.value);
  }
  return { xdr_size: size, count: pairs.length, pairs };
}

/**
 * Keys on the wire (NUL included), kept: a volume's dicts use a few dozen keys over and over (DHT
 * asks for its link-file marker on every lookup), and encoding one afresh cost a string concat
 * and a buffer per pair. Never written to: encoders only read them. Bounded, in case a client
 * sends ever new keys.
 */
const wireKeys = new Map<string, Buffer>();
const WIRE_KEYS_MAX = 1024;

function wireKey(key: string): Buffer {
  let b = wireKeys.get(key);
  if (b === undefined) {
    if (wireKeys.size >= WIRE_KEYS_MAX) wireKeys.clear();
    wireKeys.set(key, (b = Buffer.from(`${key}\0`, 'utf8')));
  }
  return b;
}

/** An opaque<> on the wire: its length word, its bytes, padding to 4. */
const opaqueSize = (n: number): number => 4 + n + pad(n);

/**
 * A gfx_value's encoded size (discriminant included), counted instead of encoding the pairs a
 * second time (every lookup DHT sends carries a dict); the rare structured values are encoded.
 */
function valueSize(v: GfxValue): number {
  switch (v.type) {
    case GF_DATA_TYPE.INT: case GF_DATA_TYPE.UINT: case GF_DATA_TYPE.DOUBLE: return 4 + 8;
    case GF_DATA_TYPE.GFUUID: return 4 + 16;
    case GF_DATA_TYPE.STR: case GF_DATA_TYPE.PTR: case GF_DATA_TYPE.STR_OLD: return 4 + opaqueSize(v.value.length);
    default: return encode(gfx_value, v).length;
  }
}

function valueToWire(v: DictValue): GfxValue {
  switch (v.type) {
    case 'int': return { type: GF_DATA_TYPE.INT, value: BigInt.asIntN(64, v.value) };
    case 'uint': return { type: GF_DATA_TYPE.UINT, value: BigInt.asUintN(64, v.value) };
    case 'double': return { type: GF_DATA_TYPE.DOUBLE, value: v.value };
    case 'str': return { type: GF_DATA_TYPE.STR, value: Buffer.from(`${v.value}\0`, 'utf8') };
    case 'bin': return { type: GF_DATA_TYPE.PTR, value: v.value };
    case 'gfuuid': return { type: GF_DATA_TYPE.GFUUID, value: gfidToBuffer(v.value) };
    case 'iatt': return { type: GF_DATA_TYPE.IATT, value: iattToWire(v.value) };
  }
}

/**
 * xdr_to_dict. Lossy only where the Dict has no matching type: STR_OLD and PTR both read as
 * `bin` (and go back as PTR), an MDATA value reads as `bin` holding its XDR encoding, and an
 * iatt keeps only what Iatt holds.
 */
export function dictFromWire(w: GfxDict): Dict | undefined {
  if (w.count < 0) return undefined;
  const d = new Dict();
  for (const { key, value } of w.pairs) {
    const nul = key.indexOf(0);
    d.set(key.toString('utf8', 0, nul < 0 ? key.length : nul), valueFromWire(value));
  }
  return d;
}

function valueFromWire(v: GfxValue): DictValue {
  switch (v.type) {
    case GF_DATA_TYPE.INT: return { type: 'int', value: v.value };
    case GF_DATA_TYPE.UINT: return { type: 'uint', value: v.value };
    case GF_DATA_TYPE.DOUBLE: return { type: 'double', value: v.value };
    case GF_DATA_TYPE.STR: {
      const b = v.value;
      return { type: 'str', value: b.toString('utf8', 0, b.length && b[b.length - 1] === 0 ? b.length - 1 : b.length) };
    }
    case GF_DATA_TYPE.PTR:
    case GF_DATA_TYPE.STR_OLD: return { type: 'bin', value: v.value };
    case GF_DATA_TYPE.GFUUID: return { type: 'gfuuid', value: gfidFromBuffer(v.value) };
    case GF_DATA_TYPE.IATT: return { type: 'iatt', value: iattFromWire(v.value) };
    case GF_DATA_TYPE.MDATA: return { type: 'bin', value: encode(gfx_mdata_iatt, v.value) };
  }
  throw new RpcDecodeError(`unknown dict value type ${(v as { type: number }).type}`);
}

export function flockFromWire(f: GfProtoFlock): Flock {
  return { type: f.type, whence: f.whence, start: BigInt.asIntN(64, f.start), len: BigInt.asIntN(64, f.len), pid: f.pid | 0, owner: f.lk_owner };
}

export function flockToWire(f: Flock): GfProtoFlock {
  return { type: f.type, whence: f.whence, start: BigInt.asUintN(64, f.start), len: BigInt.asUintN(64, f.len), pid: f.pid >>> 0, lk_owner: f.owner };
}

type GfStatfs = Infer<typeof gf_statfs>;
/** statvfs's counts and sizes: numbers here, uhyper on the wire. The fsid goes apart (see Statvfs). */
const STATFS_COUNTS = ['bsize', 'frsize', 'blocks', 'bfree', 'bavail', 'files', 'ffree', 'favail', 'flag', 'namemax'] as const;

export function statfsFromWire(s: GfStatfs): Statvfs {
  const out = Object.fromEntries(STATFS_COUNTS.map((k) => [k, Number(s[k])])) as Omit<Statvfs, 'fsid'>;
  return { ...out, fsid: s.fsid };
}

export function statfsToWire(s: Statvfs): GfStatfs {
  const out = Object.fromEntries(STATFS_COUNTS.map((k) => [k, BigInt(Math.trunc(s[k]))])) as Omit<GfStatfs, 'fsid'>;
  // A translator that reports the 64 bits signed (negative) still sends them as a uhyper.
  return { ...out, fsid: BigInt.asUintN(64, s.fsid) };
}

