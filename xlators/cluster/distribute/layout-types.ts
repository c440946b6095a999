/** Layout shapes shared by the layout helpers (kept apart to avoid import cycles). */

export interface LayoutEntry {
  subvol: string;
  start: number;
  stop: number;
  commitHash: number;
  /**
   * GlusterFS's per-entry state: 0 the range is known (start == stop means the subvolume
   * takes no part), -1 the directory exists without a usable layout, otherwise the
   * errno its lookup failed with (ENOENT/ESTALE missing, ENOTCONN down, ENOSPC full).
   */
  err: number;
}

export interface Layout {
  /** DHT_HASH_TYPE_DM, or DHT_HASH_TYPE_DM_USER when a user set the ranges by hand. */
  type: number;
  commitHash: number;
  entries: LayoutEntry[];
}

export const U32_MAX = 0xffffffff;

/** strcmp order of subvolume names: bytes of the UTF-8 names, not UTF-16 units. */
export function compareSubvolNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
