/**
 * Directory layouts of cluster/distribute: which hash range each subvolume owns.
 * Pure placement logic, ported from xlators/cluster/dht/src/dht-layout.c and
 * dht-selfheal.c so a directory gets the same layout here as on GlusterFS.
 */
import { dhtHashName, type HashRegexOptions } from './hash.js';
import type { Layout, LayoutEntry } from './layout-types.js';
import { DHT_HASH_TYPE_DM, DHT_HASH_TYPE_DM_USER, DHT_LAYOUT_HASH_INVALID, decodeDiskLayout, encodeDiskLayout } from './layout-xattr.js';

export { type Layout, type LayoutEntry, compareSubvolNames, U32_MAX } from './layout-types.js';

export { sortByName, sortByStart } from './sort.js';

export interface SubvolReply {
  subvol: string;
  /** errno of a failed lookup; absent or 0 when the directory was found. */
  errno?: number;
  /** The trusted.glusterfs.dht value, when the directory had one. */
  xattr?: Uint8Array | null;
}

/**
 * Builds a layout from each subvolume's lookup reply, as successive dht_layout_merge
 * calls do: a failed lookup keeps its errno, a directory without the xattr gets err 0
 * and range 0-0, an unreadable xattr leaves err -1. Differing commit hashes make the
 * layout's commit hash DHT_LAYOUT_HASH_INVALID.
 */
export function layoutFromReplies(replies: readonly SubvolReply[]): Layout {
  const layout: Layout = { type: DHT_HASH_TYPE_DM, commitHash: 0, entries: [] };
  for (const r of replies) {
    const entry: LayoutEntry = { subvol: r.subvol, start: 0, stop: 0, commitHash: 0, err: r.errno ? r.errno : -1 };
    layout.entries.push(entry);
    if (r.errno) continue;
    if (!r.xattr) {
      entry.err = 0;
      continue;
    }
    const disk = decodeDiskLayout(r.xattr);
    if (!disk) continue;
    if (disk.type === DHT_HASH_TYPE_DM_USER) layout.type = DHT_HASH_TYPE_DM_USER;
    Object.assign(entry, { commitHash: disk.commitHash, start: disk.start, stop: disk.stop, err: 0 });
    if (layout.commitHash === 0) layout.commitHash = disk.commitHash;
    else if (layout.commitHash !== disk.commitHash) layout.commitHash = DHT_LAYOUT_HASH_INVALID;
  }
  return layout;
}

/** The xattr value GlusterFS writes for one entry (dht_disk_layout_extract). */
export function entryXattr(layout: Layout, subvol: string): Uint8Array | undefined {
  const e = layout.entries.find((x) => x.subvol === subvol);
  return e && encodeDiskLayout({ commitHash: e.commitHash, type: layout.type, start: e.start, stop: e.stop });
}

/**
 * dht_layout_search after hashing: the first entry, in list order, whose range holds
 * the hash. Like GlusterFS it does not look at `err`.
 */
export function subvolForHash(layout: Layout, hash: number): string | undefined {
  const h = hash >>> 0;
  return layout.entries.find((e) => e.start <= h && e.stop >= h)?.subvol;
}

export function subvolForName(layout: Layout, name: Uint8Array | string, opts?: HashRegexOptions): string | undefined {
  return subvolForHash(layout, dhtHashName(name, opts));
}

export { newDirectoryLayout, chunksFromStatfs, diskLayouts, type NewLayoutOptions } from './new-layout.js';
export { layoutAnomalies, normalizeLayout, missingDirs, type Anomalies } from './anomalies.js';
