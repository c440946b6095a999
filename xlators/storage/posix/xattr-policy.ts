/**
 * Which xattrs belong to posix itself. GlusterFS's posix drops trusted.gfid and
 * trusted.glusterfs.volume-id from every setxattr (posix_setxattr's dict_del), refuses their
 * removal with EPERM (disallow_removexattrs), and hides them, trusted.gfid2path.* and
 * trusted.glusterfs.mdata from full listings. Other trusted.glusterfs.* keys (DHT layouts,
 * quota, ...) are set by translators above and stay settable.
 */
export const PROTECTED_XATTRS: ReadonlySet<string> = new Set(['trusted.gfid', 'trusted.glusterfs.volume-id']);

export function isGfid2Path(key: string): boolean {
  return key.startsWith('trusted.gfid2path.');
}

/** Keys posix keeps for itself: never set from a client dict, never listed. */
export function isInternalXattr(key: string): boolean {
  return PROTECTED_XATTRS.has(key) || isGfid2Path(key) || key === 'trusted.glusterfs.mdata';
}
