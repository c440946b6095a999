import { gfidFromBytes, NULL_GFID } from '../../runtime/core/gfid.js';
import { IaType, iaTypeFromMode, modeTypeBits, type Iatt } from '../../runtime/core/iatt.js';
import { RpcEncodeError } from '../xdr/errors.js';
import type { XdrReader } from '../xdr/io.js';
import { array, list, struct, type Codec } from '../xdr/schema.js';
import { IATT, rdevFromWire } from './convert.js';
import { gfx_iattx } from './gfx-types.js';

/** gfx_iattx on the wire: the gfid, twelve 64-bit and nine 32-bit fields. */
const IATTX_BYTES = 16 + 12 * 8 + 9 * 4;

/**
 * gfx_iattx straight to an Iatt, as decoding it and then iattFromWire would give (same fields,
 * same numbers), without the intermediate object, the copy of its gfid and the BigInts of the
 * fields an Iatt keeps as numbers. EMPTY_IATT for the empty iattx a brick sends for "no stat"
 * (isEmptyIattx: zero gfid, mode and inode number).
 */
function readIattx(r: XdrReader): Iatt {
  r.need(IATTX_BYTES, 'gfx_iattx');
  const b = r.buf;
  const g = r.pos;
  r.pos += 16;
  const flags = r.uhyper();
  const ino = r.uhyper();
  const dev = r.uhyper();
  const rdev = r.uhyper();
  const size = r.uhyperNumber();
  const blocks = r.uhyperNumber();
  r.pos += 16; // ia_attributes, ia_attributes_mask: not kept in an Iatt
  const atime = r.hyperNumber();
  const mtime = r.hyperNumber();
  const ctime = r.hyperNumber();
  const btime = r.hyperNumber();
  const atimeNs = r.uint();
  const mtimeNs = r.uint();
  const ctimeNs = r.uint();
  const btimeNs = r.uint();
  const nlink = r.uint();
  const uid = r.uint();
  const gid = r.uint();
  const blksize = r.uint();
  const wireMode = r.uint();
  if (wireMode === 0 && ino === 0n && isZero(b, g)) return EMPTY_IATT;
  const type = iaTypeFromMode(wireMode);
  const iatt: Iatt = {
    gfid: gfidFromBytes(b, g),
    ino,
    dev,
    type,
    mode: (wireMode & 0o7777) | modeTypeBits(type),
    nlink,
    uid,
    gid,
    rdev: rdevFromWire(rdev),
    size,
    blksize,
    blocks,
    atime: { sec: atime, nsec: atimeNs },
    mtime: { sec: mtime, nsec: mtimeNs },
    ctime: { sec: ctime, nsec: ctimeNs },
  };
  if (flags & IATT.BTIME) iatt.btime = { sec: btime, nsec: btimeNs };
  return iatt;
}

function isZero(b: Buffer, at: number): boolean {
  for (let i = 0; i < 16; i++) if (b[at + i] !== 0) return false;
  return true;
}


/**
 * The empty iattx a brick sends for "no stat" (zero gfid, mode and inode number), as the
 * client's reply decoders give it: one frozen Iatt of zeros, so a reply field can be told empty
 * (decodeResult skips an optional one) without a second look at the bytes.
 */
export const EMPTY_IATT: Iatt = Object.freeze({
  gfid: NULL_GFID, ino: 0n, dev: 0n, type: IaType.INVAL, mode: 0, nlink: 0, uid: 0, gid: 0, rdev: 0n, size: 0, blksize: 0, blocks: 0,
  atime: Object.freeze({ sec: 0, nsec: 0 }), mtime: Object.freeze({ sec: 0, nsec: 0 }), ctime: Object.freeze({ sec: 0, nsec: 0 }),
});

/** gfx_iattx decoded straight into an Iatt (EMPTY_IATT for the empty one): what iattFromWire gives. */
const iattxAsIatt: Codec<Iatt> = {
  schema: { kind: 'custom', name: 'iattx-as-iatt' },
  encode() {
    throw new RpcEncodeError('the client decodes iatts only: encode gfx_iattx');
  },
  decode: readIattx,
};

const cache = new Map<Codec<unknown>, Codec<unknown>>();

/**
 * A reply layout as the client decodes it: the same fields and bytes, every gfx_iattx, at any
 * depth (a readdirp entry's stat too), read into an Iatt as it is read (no 22-field object, gfid
 * copy and thirteen BigInts per iatt, thrown away by the conversion: a create reply carries
 * three, a listing one per entry). Layouts without an iattx are decoded as declared.
 */
export function clientReplyOf<T>(codec: Codec<T>): Codec<unknown> {
  const c = codec as Codec<unknown>;
  const known = cache.get(c);
  if (known) return known;
  let out = c;
  const s = c.schema;
  if (c === (gfx_iattx as Codec<unknown>)) out = iattxAsIatt;
  else if (s.kind === 'struct') {
    const fields = Object.entries(s.fields).map(([k, f]) => [k, clientReplyOf(f)] as const);
    if (fields.some(([k, f]) => f !== s.fields[k])) out = struct(Object.fromEntries(fields));
  } else if (s.kind === 'list' || s.kind === 'array') {
    const item = clientReplyOf(s.item);
    if (item !== s.item) out = s.kind === 'list' ? list(item, s.max) : array(item, s.max);
  }
  cache.set(c, out);
  return out;
}
