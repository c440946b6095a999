/**
 * Name hashing for cluster/distribute, bit-exact with GlusterFS.
 *
 * `dmHash` is `gf_dm_hashfn` (libglusterfs/src/hashfn.c): Davies-Meyer over TEA.
 * `dhtHashName` is `dht_hash_compute` (xlators/cluster/dht/src/dht-hashfn.c): the
 * extra-hash-regex is tried first, then rsync-hash-regex; when one matches, its
 * first capture group is what gets hashed.
 *
 * Both hash the raw bytes of a name; strings are encoded as UTF-8 first.
 */
import { mungeName, type HashRegexOptions } from './rsync-regex.js';

const DM_DELTA = 0x9e3779b9;
const DM_FULLROUNDS = 10;
const DM_PARTROUNDS = 6;

const encoder = new TextEncoder();

/** UTF-8 bytes of a name (a Uint8Array is used as is). */
export function nameBytes(name: Uint8Array | string): Uint8Array {
  return typeof name === 'string' ? encoder.encode(name) : name;
}

/** One TEA-style mix of a 4-word block into the running state [h0, h1]. */
function dmRound(rounds: number, a: Uint32Array, h: Uint32Array): void {
  let sum = 0;
  let b0 = h[0]!;
  let b1 = h[1]!;
  const a0 = a[0]!, a1 = a[1]!, a2 = a[2]!, a3 = a[3]!;
  for (let n = 0; n < rounds; n++) {
    sum = (sum + DM_DELTA) >>> 0;
    // Every intermediate is reduced to u32 (>>> 0) as C's uint32_t arithmetic does.
    b0 = (b0 + ((((b1 << 4) + a0) ^ (b1 + sum) ^ ((b1 >>> 5) + a1)) >>> 0)) >>> 0;
    b1 = (b1 + ((((b0 << 4) + a2) ^ (b0 + sum) ^ ((b0 >>> 5) + a3)) >>> 0)) >>> 0;
  }
  h[0] = h[0]! + b0;
  h[1] = h[1]! + b1;
}

/** The pad word: the low byte of the length repeated in all four bytes. */
function padWord(len: number): number {
  let pad = (len | (len << 8)) >>> 0;
  pad = (pad | (pad << 16)) >>> 0;
  return pad;
}

/**
 * `gf_dm_hashfn`: the 32-bit Davies-Meyer hash GlusterFS uses to place names.
 *
 * Full 16-byte blocks are mixed with 6 rounds as four little-endian words. The final
 * block (a whole pad block when the length is a multiple of 16) holds the remaining
 * full words, then one word that starts as the pad and has each leftover byte shifted
 * in, then pad words; it is mixed with 10 rounds. Leftover bytes are read as C `char`,
 * which is signed on x86: a byte >= 0x80 is sign-extended, so OR-ing it in sets all
 * 24 upper bits of the word. Real clusters (x86-64) place such names that way.
 */
export function dmHash(name: Uint8Array | string): number {
  const msg = nameBytes(name);
  const len = msg.length;
  const h = new Uint32Array([0x9464a485, 0x542e1a94]);
  const block = new Uint32Array(4);
  const pad = padWord(len);
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);

  let off = 0;
  const fullQuads = Math.floor(len / 16);
  for (let q = 0; q < fullQuads; q++) {
    for (let j = 0; j < 4; j++, off += 4) block[j] = view.getUint32(off, true);
    dmRound(DM_PARTROUNDS, block, h);
  }

  let fullWords = Math.floor(len / 4) - fullQuads * 4;
  let leftover = len - off - fullWords * 4;
  for (let j = 0; j < 4; j++) {
    if (fullWords > 0) {
      block[j] = view.getUint32(off, true);
      off += 4;
      fullWords--;
    } else {
      let w = pad;
      while (leftover > 0) {
        const byte = msg[len - leftover]!;
        const signedChar = byte >= 0x80 ? byte - 0x100 : byte;
        w = ((w << 8) | signedChar) >>> 0;
        leftover--;
      }
      block[j] = w;
    }
  }
  dmRound(DM_FULLROUNDS, block, h);
  return (h[0]! ^ h[1]!) >>> 0;
}

export type { HashRegexOptions } from './rsync-regex.js';
export { DEFAULT_RSYNC_REGEX, compileHashRegex } from './rsync-regex.js';

/**
 * The hash distribute uses for a name (`dht_hash_compute`): the name is first
 * "munged" by extra-hash-regex, else rsync-hash-regex (default `^\.(.+)\.[^.]+$`, so
 * rsync's `.foo.Ab12cd` hashes as `foo` and the rename to `foo` keeps its brick).
 * Pass `rsyncRegex: null` for the option value "none".
 */
export function dhtHashName(name: Uint8Array | string, opts: HashRegexOptions = {}): number {
  return dmHash(mungeName(nameBytes(name), opts));
}
