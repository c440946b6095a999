/**
 * Free space per subvolume (dht-diskusage.c): refreshed from statfs at most once a second, used
 * to steer new files away from a full hashed subvolume (min-free-disk / min-free-inodes) and to
 * weigh new directory layouts by brick size.
 */
import { createFrame } from '../../../runtime/core/frame.js';
import { ROOT_GFID } from '../../../runtime/core/gfid.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { chunksFromStatfs } from './new-layout.js';
import { isUp, type DhtSelf, type DuInfo } from './state.js';

const REFRESH_MS = 1000;

/** statfs calls in flight, so a burst of creates asks each subvolume once. */
const inFlight = new WeakMap<Xlator, Promise<DuInfo>>();
/**
 * When a subvolume last failed to report (a brick that refuses statfs, say): creates and mkdirs
 * then go by what is known, or without its figures, as GlusterFS's do without du_stats, instead
 * of each waiting for another statfs; it is asked again once REFRESH_MS has passed.
 */
const failedAt = new WeakMap<Xlator, number>();

export async function refreshDu(self: DhtSelf, xl: Xlator, force = false): Promise<DuInfo | undefined> {
  const old = self.priv.du.get(xl);
  const asked = Math.max(old?.at ?? -Infinity, failedAt.get(xl) ?? -Infinity);
  if (!force && Date.now() - asked < REFRESH_MS) return old;
  let p = inFlight.get(xl);
  if (!p) {
    p = statfsDu(self, xl).finally(() => inFlight.delete(xl));
    inFlight.set(xl, p);
  }
  return p;
}

/**
 * The figures a new file's placement goes by: what is known, refreshed in the background once
 * stale (dht_get_du_info winds its statfs on a frame of its own and the create does not wait);
 * only a subvolume never measured is waited for.
 */
export async function duForPlacement(self: DhtSelf, xl: Xlator): Promise<void> {
  const old = self.priv.du.get(xl);
  if (!old) {
    await refreshDu(self, xl).catch(() => undefined);
    return;
  }
  if (Date.now() - old.at >= REFRESH_MS) void refreshDu(self, xl).catch(() => undefined);
}

async function statfsDu(self: DhtSelf, xl: Xlator): Promise<DuInfo> {
  const root = self.graph.itable.root;
  let buf;
  try {
    ({ buf } = await xl.fops.statfs(createFrame(), { loc: { path: '/', name: '', inode: root, gfid: ROOT_GFID } }));
  } catch (err) {
    failedAt.set(xl, Date.now());
    throw err;
  }
  failedAt.delete(xl);
  const info: DuInfo = {
    freePercent: buf.blocks ? (buf.bavail * 100) / buf.blocks : 0,
    freeInodesPercent: buf.files ? (buf.favail * 100) / buf.files : 100,
    availBytes: buf.bavail * (buf.frsize || buf.bsize),
    chunks: chunksFromStatfs(buf.frsize || buf.bsize, buf.blocks),
    at: Date.now(),
  };
  self.priv.du.set(xl, info);
  return info;
}

/** Refresh every up subvolume; failures leave the old figures. */
export async function refreshAllDu(self: DhtSelf): Promise<void> {
  await Promise.all(self.priv.subvols.filter((x) => isUp(self, x)).map((x) => refreshDu(self, x).catch(() => undefined)));
}

/** dht_is_subvol_filled: below min-free-disk or min-free-inodes. */
export function isFilled(self: DhtSelf, xl: Xlator): boolean {
  const du = self.priv.du.get(xl);
  if (!du) return false;
  const min = self.options['min-free-disk'];
  const diskLow = 'percent' in min ? du.freePercent < min.percent : du.availBytes < min.bytes;
  return diskLow || du.freeInodesPercent < self.options['min-free-inodes'];
}

/** dht_free_disk_available_subvol: the up subvolume with the most free space, else `fallback`. */
export function freestSubvol(self: DhtSelf, fallback: Xlator): Xlator {
  let best = fallback;
  let bestFree = -1;
  for (const xl of self.priv.subvols) {
    const du = self.priv.du.get(xl);
    if (!du || !isUp(self, xl) || isFilled(self, xl)) continue;
    const free = 'percent' in self.options['min-free-disk'] ? du.freePercent : du.availBytes;
    if (free > bestFree) (best = xl), (bestFree = free);
  }
  return best;
}

/** Brick sizes in chunks by subvolume name, when every up subvolume's is known. */
export function chunksByName(self: DhtSelf): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const xl of self.priv.subvols) {
    const du = self.priv.du.get(xl);
    if (du) out[xl.name] = du.chunks;
  }
  return Object.keys(out).length ? out : undefined;
}
