/**
 * Directory offsets across subvolumes, as gf_itransform / gf_deitransform /
 * gf_dirent_orig_offset (libglusterfs/src/gf-dirent.c) encode them: which subvolume an offset
 * belongs to travels inside the 64-bit d_off.
 *
 * - A "small" offset x (no bits set above the room left for the subvolume number) becomes
 *   x * N + index.
 * - A "huge" one (ext4's 63-bit hash cookies) becomes TOP_BIT | ((x >> 1) & ~(2^bits - 1)) |
 *   index, where bits = ceil(log2 N): the low bits of the cookie are given up, as GlusterFS
 *   does; the brick resumes at the nearest hash position at or before it.
 * - 0 and -1 (end) are kept; one subvolume leaves offsets alone.
 *
 * In GlusterFS protocol/client encodes with its leaf position and distribute decodes; here
 * distribute does both with its own subvolume count and index, which is the same mapping for a
 * distribute volume whose leaves are its subvolumes. Offsets never cross the wire from here.
 */
const ONE = 1n;
const MASK = (ONE << 64n) - ONE;
const TOP_BIT = ONE << 62n;
const SHIFT_BITS = 1n;
const PRESENT_MASK = MASK >> 1n;

function bitsFor(n: number): bigint {
  let bits = 0n;
  for (let ctrl = 1; ctrl < n; ctrl *= 2) bits++;
  return bits;
}

const u64 = (x: bigint): bigint => x & MASK;

export function itransform(x: bigint, index: number, count: number): bigint {
  const v = u64(x);
  if (v === MASK) return MASK;
  if (v === 0n) return 0n;
  if (count === 1) return v;
  const maxBits = bitsFor(count);
  const hiMask = u64(~(PRESENT_MASK >> (maxBits + 1n)));
  if (v & hiMask) {
    const offMask = u64(MASK << maxBits);
    return TOP_BIT | ((v >> SHIFT_BITS) & offMask) | BigInt(index);
  }
  return v * BigInt(count) + BigInt(index);
}

export function deitransform(y: bigint, count: number): number {
  const v = u64(y);
  if (count === 1) return 0;
  if (v & TOP_BIT) {
    const hostMask = (ONE << bitsFor(count)) - ONE;
    return Number(v & hostMask);
  }
  return Number(v % BigInt(count));
}

export function origOffset(y: bigint, count: number): bigint {
  const v = u64(y);
  if (count === 1) return v;
  if (v & TOP_BIT) {
    const offMask = u64(MASK << bitsFor(count));
    return u64(((v & ~TOP_BIT) & offMask) << SHIFT_BITS);
  }
  return v / BigInt(count);
}
