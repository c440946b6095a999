import { gfidFromBytes } from '../../runtime/core/gfid.js';
import { iaTypeFromMode, modeTypeBits, type Iatt } from '../../runtime/core/iatt.js';
import type { DirEntry } from '../../runtime/fops/types.js';
import { RpcDecodeError, RpcEncodeError } from '../xdr/errors.js';
import type { XdrReader } from '../xdr/io.js';
import { bool, DEFAULT_MAX, int, type Codec } from '../xdr/schema.js';
import { dictFromWire, IATT, rdevFromWire } from './convert.js';
import { gfx_dict, type GfxDict } from './gfx-types.js';

/** gfx_iattx on the wire: the gfid, twelve 64-bit and nine 32-bit fields. */
const IATTX_BYTES = 16 + 12 * 8 + 9 * 4;

/**
 * gfx_iattx straight to an Iatt, as decoding it and then iattFromWire would give (same fields,
 * same numbers), without the intermediate object, the copy of its gfid and the BigInts of the
 * fields an Iatt keeps as numbers. undefined for the empty iattx a brick sends for "no stat"
 * (isEmptyIattx: zero gfid, mode and inode number).
 */
export function readIattx(r: XdrReader): Iatt | undefined {
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
  if (wireMode === 0 && ino === 0n && isZero(b, g)) return undefined;
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

/** gfx_readdirp_rsp with its entries already DirEntries: what protocol/client hands up. */
export interface ReaddirpReply {
  op_ret: number;
  op_errno: number;
  xdata: GfxDict;
  reply: DirEntry[];
}

/**
 * The client's decoder of gfx_readdirp_rsp: the same bytes, the same checks and errors as the
 * declared message (gfs4-messages.ts), but each gfx_dirplist entry becomes a DirEntry as it is
 * read, as direntFromWire would make it. A listing reply holds hundreds of entries, and the
 * generic decode built a 22-field object, fifteen BigInts and a gfid copy per entry only for
 * the conversion to drop them (540 -> ~150 ns per entry). Decode only: replies are encoded
 * from the declared message.
 */
export const readdirpReplyDecoder: Codec<ReaddirpReply> = {
  schema: { kind: 'custom', name: 'readdirp-reply' },
  encode() {
    throw new RpcEncodeError('readdirpReplyDecoder only decodes: encode gfx_readdirp_rsp');
  },
  decode(r) {
    const op_ret = int.decode(r);
    const op_errno = int.decode(r);
    const xdata = gfx_dict.decode(r);
    const reply: DirEntry[] = [];
    while (bool.decode(r)) {
      if (reply.length >= DEFAULT_MAX) throw new RpcDecodeError(`list exceeds its maximum ${DEFAULT_MAX}`, r.pos);
      const ino = r.uhyper();
      const offset = r.uhyper();
      r.uint(); // d_len: the name's length, which the name carries itself
      const type = r.uint();
      const name = r.text(r.length(DEFAULT_MAX, 'string'), 'string');
      const stat = readIattx(r);
      const dict = dictFromWire(gfx_dict.decode(r));
      const e: DirEntry = { name, offset, ino, type };
      if (stat) e.stat = stat;
      if (dict) e.dict = dict;
      reply.push(e);
    }
    return { op_ret, op_errno, xdata, reply };
  },
};
