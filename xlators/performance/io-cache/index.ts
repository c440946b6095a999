import { gfsError } from '../../../runtime/diagnostics/index.js';
import { defineXlator } from '../../../runtime/xlator/define.js';
import { fops } from './fops.js';
import { CacheTable } from './lru.js';
import { options } from './options.js';
import { PAGE_SIZE } from './pages.js';
import { Priorities } from './priority.js';
import { applyOptions, checkOptions, destroyInode, flushAll, type IocState } from './state.js';

/**
 * performance/io-cache: caches 128 KiB pages of file data per inode, revalidated after
 * cache-timeout, pruned by priority then least-recent use. See README.md for the semantics.
 */
export default defineXlator({
  apiVersion: 1,
  type: 'performance/io-cache',
  description: 'Read cache of file data pages, revalidated by mtime and size after cache-timeout.',
  options,
  children: { min: 1, max: 1 },
  init(self): IocState {
    const problem = checkOptions(self.options);
    if (problem) throw gfsError('XLATOR_INIT_FAILED', { message: problem, volume: self.name, xlatorType: self.type });
    const table = new CacheTable(0);
    const state: IocState = {
      table,
      priorities: new Priorities(undefined),
      timeoutMs: 0,
      minFileSize: 0,
      maxFileSize: 0,
      passThrough: false,
      stats: { hits: 0, misses: 0, shared: 0, revalidations: 0, flushes: 0, bypassed: 0 },
    };
    applyOptions(state, table, self.options);
    return state;
  },
  reconfigure(self, next) {
    const problem = checkOptions(next);
    if (problem) throw new Error(problem);
    const state = self.priv;
    const wasPassThrough = state.passThrough;
    applyOptions(state, state.table, next);
    // New priorities apply to the inodes already known (GlusterFS keeps their old weights).
    for (const ioc of [...state.table.inodes()]) {
      const weight = state.priorities.of(ioc.path);
      if (weight === ioc.weight) continue;
      state.table.remove(ioc);
      ioc.weight = weight;
      if (weight === 0) ioc.flush();
      state.table.touch(ioc);
    }
    // Pages kept while passing through would go stale unnoticed.
    if (state.passThrough && !wasPassThrough) flushAll(self);
    state.table.prune();
  },
  fops,
  cbks: {
    forget: (self, inode) => destroyInode(self, inode),
    // ioc_release does nothing: the cache belongs to the inode and outlives its fds.
  },
  dump(self) {
    const { table, stats, timeoutMs, minFileSize, maxFileSize, passThrough } = self.priv;
    const inodes = [...table.inodes()].map((ioc) => ({
      gfid: ioc.inode.gfid,
      path: ioc.path,
      weight: ioc.weight,
      pages: [...ioc.pages.values()].filter((p) => p.data).length,
      inFlight: [...ioc.pages.values()].filter((p) => !p.data).length,
      bytes: ioc.bytes,
      lastRevalidate: ioc.lastRevalidate ? new Date(ioc.lastRevalidate).toISOString() : undefined,
    }));
    return {
      pageSize: PAGE_SIZE,
      cacheSize: table.size,
      cacheUsed: table.used,
      inodeCount: inodes.length,
      cacheTimeout: timeoutMs / 1000,
      minFileSize,
      maxFileSize,
      passThrough,
      pruned: table.pruned,
      ...stats,
      inodes,
    };
  },
});
