/**
 * The on-disk layout of one directory on one subvolume: the `trusted.glusterfs.dht`
 * xattr (dht_disk_layout_extract / dht_disk_layout_merge in dht-layout.c). Sixteen
 * bytes, four big-endian u32: commit hash, hash type, range start, range stop.
 */

export const DHT_XATTR_NAME = 'trusted.glusterfs.dht';
/** Hash types (dht-common.h): the normal layout, and one a user set by hand. */
export const DHT_HASH_TYPE_DM = 0;
export const DHT_HASH_TYPE_DM_USER = 1;
/**
 * Commit hash written when the volume's commit hash cannot be trusted: directories
 * healed on lookup (the root of a fresh volume among them) and new directories when
 * lookup-optimize is off. New directories otherwise get the volume's commit hash (0
 * until a rebalance sets one).
 */
export const DHT_LAYOUT_HASH_INVALID = 1;
export const DISK_LAYOUT_SIZE = 16;

export interface DiskLayout {
  commitHash: number;
  type: number;
  start: number;
  stop: number;
}

export function encodeDiskLayout(d: DiskLayout): Uint8Array {
  const out = new Uint8Array(DISK_LAYOUT_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, d.commitHash >>> 0);
  view.setUint32(4, d.type >>> 0);
  view.setUint32(8, d.start >>> 0);
  view.setUint32(12, d.stop >>> 0);
  return out;
}

/**
 * Decodes the xattr value, or returns null where GlusterFS refuses it: a length other
 * than 16 (an assertion there) or an unknown hash type ("invalid disk layout").
 */
export function decodeDiskLayout(raw: Uint8Array): DiskLayout | null {
  if (raw.length !== DISK_LAYOUT_SIZE) return null;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const type = view.getUint32(4);
  if (type !== DHT_HASH_TYPE_DM && type !== DHT_HASH_TYPE_DM_USER) return null;
  return { commitHash: view.getUint32(0), type, start: view.getUint32(8), stop: view.getUint32(12) };
}

/** `getfattr -e hex` style text (without the 0x) to bytes and back, for fixtures and logs. */
export function diskLayoutFromHex(hex: string): DiskLayout | null {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  return /^[0-9a-fA-F]*$/.test(clean) && clean.length % 2 === 0 ? decodeDiskLayout(Buffer.from(clean, 'hex')) : null;
}

export function diskLayoutToHex(d: DiskLayout): string {
  return Buffer.from(encodeDiskLayout(d)).toString('hex');
}
