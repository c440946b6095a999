/**
 * Rebalance, run in-process on a graph built from the volfile (client side, as the GlusterFS
 * rebalance process is). fix-layout walks every directory and gives it a layout over all
 * subvolumes (the volume commit hash changes, so lookups search everywhere until files are
 * placed); start does that and moves each file whose name now hashes elsewhere (migrate.ts),
 * then stamps the directory with the new commit hash. Running it again finishes what an
 * interrupted run left.
 */
import { randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { Dict } from '../../../runtime/core/dict.js';
import { Fd } from '../../../runtime/core/fd.js';
import { createFrame } from '../../../runtime/core/frame.js';
import { ROOT_GFID } from '../../../runtime/core/gfid.js';
import { IaType } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { Graph } from '../../../runtime/graph/graph.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { chunksByName, refreshAllDu } from './diskusage.js';
import { entryXattr, newDirectoryLayout, type Layout } from './layout.js';
import { isUserLayout, maximizeOverlap, shouldMaximizeOverlap } from './layout-overlap.js';
import { DHT_LAYOUT_HASH_INVALID } from './layout-xattr.js';
import { unlinkLinkfile } from './linkfile.js';
import { migrateFile } from './migrate.js';
import { listSubvolDir } from './remove-ops.js';
import { inodeCtx, isLinkfile, linktoTarget, setInodeCtx, subvolForNameIn, type DhtSelf } from './state.js';

export interface RebalanceStats {
  directories: number;
  scanned: number;
  moved: number;
  skipped: number;
  failed: number;
  /** Files found to be on the wrong subvolume, known once the walk is done (for progress). */
  toMove: number;
}

export type RebalanceEvent =
  | { type: 'directory'; path: string }
  | { type: 'file'; path: string; from: string; to: string; result: 'moved' | 'skipped' | 'failed'; error?: string };

export interface RebalanceOptions {
  mode: 'fix-layout' | 'start';
  onEvent?: (e: RebalanceEvent, stats: RebalanceStats) => void;
}

export function findDistribute(graph: Graph): DhtSelf {
  const found = graph.xlators.filter((x) => x.type === 'cluster/distribute');
  if (found.length !== 1) throw new Error(`the volfile must have exactly one cluster/distribute volume (found ${found.length})`);
  return found[0] as unknown as DhtSelf;
}

interface Dir { path: string; inode: Inode; loc: Loc }

/** Every directory, parents before children, through distribute's own lookups (which heal). */
async function walk(self: DhtSelf, graph: Graph): Promise<Dir[]> {
  const root = graph.itable.root;
  const rootLoc: Loc = { path: '/', name: '', inode: root, gfid: ROOT_GFID };
  await self.fops.lookup(createFrame(), { loc: rootLoc });
  const out: Dir[] = [{ path: '/', inode: root, loc: rootLoc }];
  for (let i = 0; i < out.length; i++) {
    const dir = out[i]!;
    const fd = new Fd(dir.inode, constants.O_RDONLY);
    await self.fops.opendir(createFrame(), { loc: dir.loc, fd });
    try {
      for (let offset = 0n; ; ) {
        const { entries } = await self.fops.readdirp(createFrame(), { fd, size: 65536, offset });
        if (!entries.length) break;
        offset = entries[entries.length - 1]!.offset;
        for (const e of entries) {
          if (e.name === '.' || e.name === '..' || e.stat?.type !== IaType.DIR) continue;
          const path = dir.path === '/' ? `/${e.name}` : `${dir.path}/${e.name}`;
          const loc: Loc = { path, name: e.name, parent: dir.inode, pargfid: dir.inode.gfid, inode: graph.itable.create() };
          const r = await self.fops.lookup(createFrame(), { loc });
          const inode = graph.itable.link(r.inode, r.buf.gfid, r.buf.type, dir.inode, e.name);
          out.push({ path, inode, loc: { ...loc, inode, gfid: inode.gfid } });
        }
      }
    } finally {
      await graph.release(fd, true);
    }
  }
  return out;
}

async function writeLayout(self: DhtSelf, dir: Dir, layout: Layout): Promise<void> {
  await Promise.all(
    self.priv.subvols.map((xl) =>
      xl.fops.setxattr(createFrame(), { loc: { path: dir.path, gfid: dir.inode.gfid }, dict: new Dict().setBin(self.priv.layoutXattr, Buffer.from(entryXattr(layout, xl.name)!)), flags: 0 }),
    ),
  );
  setInodeCtx(self, dir.inode, dir.inode.gfid, { layout });
}

/**
 * dht_fix_layout_of_directory: the ranges a new directory would get, then traded between
 * subvolumes where that keeps more of each one's old hashes (layout-overlap.ts), so fewer files
 * move.
 */
function layoutFor(self: DhtSelf, dir: Dir, old: Layout | undefined, commitHash: number): Layout {
  const weighted = self.options['weighted-rebalance'];
  const layout = newDirectoryLayout({
    path: dir.path,
    subvols: self.priv.subvols.map((x) => x.name),
    gfid: dir.inode.gfid,
    randomizeByGfid: self.options['randomize-hash-range-by-gfid'],
    weighted,
    chunks: weighted ? chunksByName(self) : undefined,
    spreadCount: self.options['directory-layout-spread'],
    commitHash,
    hash: self.priv.hash,
  });
  const sizes = self.priv.subvols.map((xl) => self.priv.du.get(xl)?.chunks ?? 0);
  if (old && shouldMaximizeOverlap(weighted, sizes)) maximizeOverlap(layout, old);
  for (const e of layout.entries) e.err = 0;
  return layout;
}

/** The volume commit hash on the root of every subvolume (trusted.glusterfs.dht.commithash). */
async function setVolCommitHash(self: DhtSelf, hash: number): Promise<void> {
  const dict = new Dict().setBin(self.priv.commitXattr, Buffer.from(`${hash}\0`));
  await Promise.all(self.priv.subvols.map((xl) => xl.fops.setxattr(createFrame(), { loc: { path: '/', gfid: ROOT_GFID }, dict, flags: 0 })));
  self.priv.volCommitHash = hash;
}

export async function rebalance(graph: Graph, opts: RebalanceOptions): Promise<RebalanceStats> {
  const self = findDistribute(graph);
  const down = self.priv.subvols.filter((_, i) => !self.priv.up[i]);
  if (down.length) throw new Error(`subvolumes down: ${down.map((x) => x.name).join(', ')}; rebalance needs all of them`);
  const stats: RebalanceStats = { directories: 0, scanned: 0, moved: 0, skipped: 0, failed: 0, toMove: 0 };
  const emit = (e: RebalanceEvent) => opts.onEvent?.(e, stats);
  await refreshAllDu(self);
  let newHash = randomInt(2, 0xffffffff);
  while (newHash === self.priv.volCommitHash) newHash = randomInt(2, 0xffffffff);
  const dirs = await walk(self, graph);
  // fix-layout: every directory spans all subvolumes; commit hash "invalid" until its files moved.
  await setVolCommitHash(self, newHash);
  const layouts = new Map<Dir, Layout>();
  const byHand = new Set<Dir>();
  for (const dir of dirs) {
    const old = inodeCtx(self, dir.inode)?.layout;
    if (isUserLayout(old)) {
      // Ranges a user set by hand: left alone, as GlusterFS's fix-layout does; files still
      // move to where they hash under them.
      byHand.add(dir);
      layouts.set(dir, old!);
      continue;
    }
    const layout = layoutFor(self, dir, old, DHT_LAYOUT_HASH_INVALID);
    await writeLayout(self, dir, layout);
    layouts.set(dir, layout);
    stats.directories++;
    emit({ type: 'directory', path: dir.path });
  }
  if (opts.mode === 'fix-layout') return stats;

  // What is where, per directory and subvolume, so progress has a total.
  const plan: { dir: Dir; name: string; from: Xlator; to: Xlator }[] = [];
  const stale: { dir: Dir; name: string; on: Xlator }[] = [];
  for (const dir of dirs) {
    const layout = layouts.get(dir)!;
    for (const xl of self.priv.subvols) {
      for (const e of await listSubvolDir(self, xl, dir.loc)) {
        if (e.stat?.type === IaType.DIR) continue;
        const hashed = subvolForNameIn(self, layout, e.name);
        if (isLinkfile(self, e.stat, e.dict)) {
          // A link file away from the name's hashed subvolume whose target holds the data
          // is what an interrupted migration leaves behind (its source side).
          const target = linktoTarget(self, e.dict);
          if (hashed && xl !== hashed && target === hashed) stale.push({ dir, name: e.name, on: xl });
          continue;
        }
        stats.scanned++;
        if (hashed && hashed !== xl) plan.push({ dir, name: e.name, from: xl, to: hashed });
      }
    }
  }
  stats.toMove = plan.length;
  const unsettled = new Set<Dir>();
  for (const p of plan) {
    const path = p.dir.path === '/' ? `/${p.name}` : `${p.dir.path}/${p.name}`;
    try {
      const r = await migrateFile(self, p.dir.inode, p.dir.path, p.name, p.from, p.to);
      stats[r]++;
      if (r !== 'moved') unsettled.add(p.dir);
      emit({ type: 'file', path, from: p.from.name, to: p.to.name, result: r });
    } catch (err) {
      stats.failed++;
      unsettled.add(p.dir);
      emit({ type: 'file', path, from: p.from.name, to: p.to.name, result: 'failed', error: (err as Error).message });
    }
  }
  for (const s of stale) {
    const path = s.dir.path === '/' ? `/${s.name}` : `${s.dir.path}/${s.name}`;
    await unlinkLinkfile(s.on, { path, name: s.name, parent: s.dir.inode, pargfid: s.dir.inode.gfid }).catch(() => undefined);
  }
  // Directories whose files all sit where they hash get the new commit hash: misses are final again.
  {
    for (const dir of dirs) {
      if (unsettled.has(dir) || byHand.has(dir)) continue;
      const layout = { ...layouts.get(dir)!, commitHash: newHash };
      layout.entries = layout.entries.map((e) => ({ ...e, commitHash: newHash }));
      await writeLayout(self, dir, layout);
    }
  }
  return stats;
}
