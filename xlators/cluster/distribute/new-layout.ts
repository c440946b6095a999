/**
 * Ranges for a new directory, as dht_selfheal_new_directory assigns them:
 * dht_layout_sort_volname, then dht_selfheal_layout_new_directory with
 * dht_get_layout_count and dht_selfheal_layout_alloc_start (dht-selfheal.c).
 *
 * - Subvolumes are sorted by name (strcmp).
 * - The first range goes to the entry at index hash(path) % N, where the hash is
 *   dht_hash_compute of the directory's full path ("/a/b"), or of its gfid in
 *   canonical text form when randomize-hash-range-by-gfid is on. The rsync and extra
 *   hash regexes apply to that string too.
 * - Ranges follow cyclically from 0; the last one assigned is stretched to 0xffffffff.
 * - Range sizes are computed in C doubles: chunk = 0xffffffff / total and
 *   size = (u32)(chunk * weight), weight 1 each, or with weighted-rebalance (on by
 *   default) each brick's size in 1 MiB chunks, when every participating brick's size
 *   is known (nonzero). JavaScript numbers are the same IEEE doubles, so the
 *   truncations match bit for bit.
 */
import { constants } from 'node:os';
import { dhtHashName, type HashRegexOptions } from './hash.js';
import { DHT_HASH_TYPE_DM, type DiskLayout } from './layout-xattr.js';
import { compareSubvolNames, U32_MAX, type Layout, type LayoutEntry } from './layout-types.js';

const { ENOENT, ENOSPC } = constants.errno;

export interface NewLayoutOptions {
  /** The directory's path from the volume root, e.g. "/a/b" (loc->path). */
  path: string | Uint8Array;
  /** Subvolume names in any order (the volfile's). */
  subvols: readonly string[];
  /** Canonical gfid text ("0b5dcaaf-..."), needed when randomizeByGfid is set. */
  gfid?: string;
  randomizeByGfid?: boolean;
  /** weighted-rebalance; default true. Only used when chunks are given. */
  weighted?: boolean;
  /** Brick sizes in 1 MiB chunks by subvolume (dht_du_info_cbk's du_stats.chunks). */
  chunks?: Readonly<Record<string, number>>;
  /** directory-layout-spread; 0 (default) means every subvolume. */
  spreadCount?: number;
  /** Written into every assigned entry: the volume commit hash (0 on a fresh volume). */
  commitHash?: number;
  /** Per-subvolume state from mkdir/lookup (-1/0 usable, ENOENT, ENOSPC, ENOTCONN...). */
  errors?: Readonly<Record<string, number>>;
  hash?: HashRegexOptions;
}

/** Chunks from a brick's statvfs, as dht_du_info_cbk computes them. */
export function chunksFromStatfs(bsize: number, blocks: number): number {
  if (!blocks) return 0;
  const bpc = Math.floor((1 << 20) / bsize);
  return Math.floor((blocks + bpc - 1) / bpc) >>> 0;
}

/** dht_get_layout_count with new_layout set: marks usable entries -1, returns how many to use. */
function layoutCount(entries: LayoutEntry[], spread: number): number {
  let count = 0;
  for (const e of entries) {
    if (e.err === -1 || e.err === 0 || e.err === ENOENT) {
      count++;
      if (e.err === 0) e.err = -1;
    }
  }
  if (!count) {
    // No subvolume has room, but the directory must still get a layout.
    for (const e of entries) if (e.err === ENOSPC) { e.err = -1; count++; }
  }
  return spread && spread <= count ? spread : count || 1;
}

const usable = (e: LayoutEntry): boolean => e.err === -1 || e.err === ENOENT;

export function newDirectoryLayout(opts: NewLayoutOptions): Layout {
  const commitHash = opts.commitHash ?? 0;
  const entries: LayoutEntry[] = [...opts.subvols]
    .sort(compareSubvolNames)
    .map((subvol) => ({ subvol, start: 0, stop: 0, commitHash: 0, err: opts.errors?.[subvol] ?? -1 }));
  const layout: Layout = { type: DHT_HASH_TYPE_DM, commitHash, entries };
  if (!entries.length) return layout;

  const bricksToUse = layoutCount(entries, opts.spreadCount ?? 0);
  const chunksOf = (name: string): number => (opts.chunks?.[name] ?? 0) >>> 0;

  let weighted = (opts.weighted ?? true) && opts.chunks !== undefined;
  let total = 0;
  let used = 0;
  for (const e of entries) {
    if (!usable(e)) continue;
    const size = chunksOf(e.subvol);
    if (!size) { weighted = false; break; }
    total += size;
    if (++used >= bricksToUse) break;
  }
  const chunk = weighted && total ? U32_MAX / total : U32_MAX / bricksToUse;
  if (!(weighted && total)) weighted = false;

  const key = opts.randomizeByGfid ? opts.gfid : opts.path;
  if (key === undefined) throw new TypeError('newDirectoryLayout: randomizeByGfid needs the gfid');
  const first = dhtHashName(key, opts.hash) % entries.length;

  let start = 0;
  used = 0;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[(k + first) % entries.length]!;
    if (!usable(e)) continue;
    const weight = weighted ? chunksOf(e.subvol) : 1;
    if (!weight) continue;
    // C: uint32_t range_size = (double)chunk * curr_size; truncation toward zero.
    const size = Math.trunc(chunk * weight) >>> 0;
    e.start = start;
    e.stop = (start + size - 1) >>> 0;
    e.commitHash = commitHash;
    if (++used >= bricksToUse) {
      e.stop = U32_MAX;
      break;
    }
    start = (start + size) >>> 0;
  }
  return layout;
}

/** The per-subvolume xattr contents of a layout, for comparing with bricks. */
export function diskLayouts(layout: Layout): Record<string, DiskLayout> {
  const out: Record<string, DiskLayout> = {};
  for (const e of layout.entries) out[e.subvol] = { commitHash: e.commitHash, type: layout.type, start: e.start, stop: e.stop };
  return out;
}
