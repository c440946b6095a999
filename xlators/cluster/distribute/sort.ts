/** Layout entry orders used by distribute (dht_layout_sort, dht_layout_sort_volname). */
import { compareSubvolNames, type Layout, type LayoutEntry } from './layout-types.js';

/**
 * dht_layout_sort: by range start, entries without a range (0-0) first. GlusterFS's
 * comparator is not a total order for those; this one is, with the same result.
 */
export function sortByStartEntries(entries: readonly LayoutEntry[]): LayoutEntry[] {
  const unset = (e: LayoutEntry): number => (e.start === 0 && e.stop === 0 ? 0 : 1);
  return [...entries].sort((x, y) => unset(x) - unset(y) || x.start - y.start);
}

export function sortByStart(layout: Layout): Layout {
  return { ...layout, entries: sortByStartEntries(layout.entries) };
}

/** dht_layout_sort_volname: by subvolume name, in strcmp (UTF-8 byte) order. */
export function sortByName(layout: Layout): Layout {
  return { ...layout, entries: [...layout.entries].sort((x, y) => compareSubvolNames(x.subvol, y.subvol)) };
}
