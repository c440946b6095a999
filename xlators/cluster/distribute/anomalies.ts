/**
 * Layout anomalies that make distribute heal a directory (dht_layout_anomalies,
 * dht_layout_missing_dirs, dht_layout_normalize in dht-layout.c).
 *
 * The scan walks entries sorted by start with u32 arithmetic, as GlusterFS does: a
 * start beyond the previous stop + 1 is a hole, one before it an overlap, and the
 * ranges must wrap around to meet the first start again (else one more hole). An
 * entry with err 0 and start == stop takes no part (directory-layout-spread).
 */
import { constants } from 'node:os';
import { sortByStartEntries } from './sort.js';
import type { Layout } from './layout-types.js';

const { ENOENT, ESTALE, ENOTCONN, ENOSPC } = constants.errno;

export interface Anomalies {
  holes: number;
  overlaps: number;
  /** Directory absent (ENOENT/ESTALE) or present without a usable layout (-1). */
  missing: number;
  /** Subvolume not connected. */
  down: number;
  /** Any other lookup error, or a nonzero range that still carries an error. */
  misc: number;
  noSpace: number;
}

/** dht_layout_anomalies. Entries must already be sorted by start (sortByStart). */
export function layoutAnomalies(layout: Layout): Anomalies {
  const a: Anomalies = { holes: 0, overlaps: 0, missing: 0, down: 0, misc: 0, noSpace: 0 };
  const list = layout.entries;
  if (!list.length) return { ...a, holes: 1 };
  const lastStop = (list[0]!.start - 1) >>> 0;
  let prevStop = lastStop;
  let virgin = true;
  for (const e of list) {
    switch (e.err) {
      case -1: case ENOENT: case ESTALE: a.missing++; continue;
      case ENOTCONN: a.down++; continue;
      case ENOSPC: a.noSpace++; continue;
      case 0: if (e.start === e.stop) continue; break;
      default: a.misc++; continue;
    }
    virgin = false;
    const next = (prevStop + 1) >>> 0;
    if (next < e.start) a.holes++;
    if (next > e.start) a.overlaps++;
    prevStop = e.stop;
  }
  if (((lastStop - prevStop) >>> 0) !== 0 || virgin) a.holes++;
  return a;
}

/** dht_layout_missing_dirs: directories absent, or present with no layout at all. */
export function missingDirs(layout: Layout): number {
  return layout.entries.filter((e) => e.err === ENOENT || (e.err === -1 && e.start === 0 && e.stop === 0)).length;
}

/**
 * dht_layout_normalize: sorts by start, then reports -1 when there are holes or
 * overlaps, otherwise the number of missing directories (0: nothing to heal).
 * `firstLookup` is true when no subvolume had the directory's layout yet.
 */
export function normalizeLayout(layout: Layout): { layout: Layout; result: number; anomalies: Anomalies; firstLookup: boolean } {
  const sorted: Layout = { ...layout, entries: sortByStartEntries(layout.entries) };
  const anomalies = layoutAnomalies(sorted);
  if (anomalies.holes || anomalies.overlaps) {
    return { layout: sorted, result: -1, anomalies, firstLookup: anomalies.missing === sorted.entries.length };
  }
  return { layout: sorted, result: missingDirs(sorted), anomalies, firstLookup: false };
}
