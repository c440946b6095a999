import { NULL_GFID } from '../../runtime/core/gfid.js';
import { IaType, type Iatt } from '../../runtime/core/iatt.js';
import { RpcEncodeError } from '../xdr/errors.js';
import { struct, type Codec } from '../xdr/schema.js';
import { gfx_iattx } from './gfx-types.js';
import { readIattx } from './readdirp-reply.js';

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
  decode: (r) => readIattx(r) ?? EMPTY_IATT,
};

const cache = new Map<Codec<unknown>, Codec<unknown>>();

/**
 * A reply layout as the client decodes it: the same fields and bytes, every gfx_iattx read into
 * an Iatt as it is read (no 22-field object, gfid copy and thirteen BigInts per iatt, thrown
 * away by the conversion: a create reply carries three, a lookup, write or rename reply two or
 * more). Replies without a top-level iattx are decoded as declared.
 */
export function clientReplyOf<T>(codec: Codec<T>): Codec<unknown> {
  const known = cache.get(codec as Codec<unknown>);
  if (known) return known;
  let out: Codec<unknown> = codec as Codec<unknown>;
  const s = codec.schema;
  if (s.kind === 'struct' && Object.values(s.fields).includes(gfx_iattx as Codec<unknown>)) {
    out = struct(Object.fromEntries(Object.entries(s.fields).map(([k, c]) => [k, c === (gfx_iattx as Codec<unknown>) ? iattxAsIatt : c])));
  }
  cache.set(codec as Codec<unknown>, out);
  return out;
}
