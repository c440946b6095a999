/**
 * What fix-layout does after giving a directory the ranges of a new directory: it trades ranges
 * between subvolumes wherever that keeps more of the hashes each subvolume already had
 * (dht_selfheal_layout_maximize_overlap, dht-selfheal.c), so a rebalance moves as few files as
 * it can. Bit for bit as GlusterFS does it, uint32 arithmetic included: a range covering every
 * hash counts 2^32 and wraps to 0 there, and so do sums that reach it.
 */
import { DHT_HASH_TYPE_DM_USER } from './layout-xattr.js';
import type { Layout, LayoutEntry } from './layout-types.js';

/** dht_overlap_calc: the hashes an old and a new entry share (uint32). */
function overlap(o: LayoutEntry | undefined, n: LayoutEntry): number {
  if (!o || o.err > 0 || n.err > 0) return 0;
  if (o.start === o.stop || n.start === n.stop) return 0;
  if (o.start > n.stop || o.stop < n.start) return 0;
  return (Math.min(o.stop, n.stop) - Math.max(o.start, n.start) + 1) >>> 0;
}

/**
 * dht_selfheal_layout_maximize_overlap: `next` (entries sorted by subvolume name, as
 * newDirectoryLayout makes them) gets its ranges swapped in place, entry by entry, for the swap
 * that adds the most overlap with `old` (the directory's layout before), if any does.
 */
export function maximizeOverlap(next: Layout, old: Layout): void {
  const entries = next.entries;
  const before = new Map(old.entries.map((e) => [e.subvol, e]));
  const olds = entries.map((e) => before.get(e.subvol));
  // table[i][j]: what new entry i shares with old entry j (both in name order).
  const table = entries.map((e) => olds.map((o) => overlap(o, e)));
  for (let i = 0; i < entries.length; i++) {
    if (entries[i]!.err > 0) continue; // decommissioned, or failed
    let best = 0;
    let with_ = i;
    for (let j = i + 1; j < entries.length; j++) {
      if (entries[j]!.err > 0) continue;
      const now = (table[i]![i]! + table[j]![j]!) >>> 0;
      const swapped = (table[i]![j]! + table[j]![i]!) >>> 0;
      if (swapped > now && swapped - now > best) {
        best = swapped - now;
        with_ = j;
      }
    }
    if (with_ === i) continue;
    const a = entries[i]!;
    const b = entries[with_]!;
    [a.start, a.stop, b.start, b.stop] = [b.start, b.stop, a.start, a.stop];
    [table[i], table[with_]] = [table[with_]!, table[i]!];
  }
}

/**
 * dht_fix_layout_of_directory's choice: overlap is maximized when weighted-rebalance is off, or
 * when every subvolume has the same size (unknown sizes count as equal); with bricks of
 * different sizes the weighted ranges stand as they are.
 */
export function shouldMaximizeOverlap(weighted: boolean, chunks: readonly number[]): boolean {
  return !weighted || chunks.every((c) => c === chunks[0]);
}

/** A layout a user set by hand (DHT_HASH_TYPE_DM_USER): fix-layout leaves it alone. */
export const isUserLayout = (layout: Layout | undefined): boolean => layout?.type === DHT_HASH_TYPE_DM_USER;
