import { totalmem } from 'node:os';
import { createFrame, type Frame } from '../../../runtime/core/frame.js';
import { IaType, type Iatt } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { OptionValues } from '../../../runtime/options/types.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { CacheTable } from './lru.js';
import type { IoCacheOptions } from './options.js';
import { IocInode, sameVersion, versionOf } from './pages.js';
import { Priorities } from './priority.js';

export interface Counters {
  /** Pages served from memory. */
  hits: number;
  /** Pages fetched from the child. */
  misses: number;
  /** Pages a reader found in flight and waited for (one fetch, many readers). */
  shared: number;
  /** fstats sent because cache-timeout had passed. */
  revalidations: number;
  /** Times an inode's pages were flushed because the file changed (or an fop said so). */
  flushes: number;
  /** Reads passed straight to the child (O_DIRECT, size limits, priority 0, no inode state). */
  bypassed: number;
}

/** ioc_table_t: what init builds from the options and reconfigure replaces. */
export interface IocState {
  table: CacheTable;
  priorities: Priorities;
  timeoutMs: number;
  minFileSize: number;
  maxFileSize: number;
  passThrough: boolean;
  stats: Counters;
}

export type Self = Xlator<IoCacheOptions, IocState>;
type Values = OptionValues<IoCacheOptions>;

/**
 * Check option values that depend on each other or on the machine (check_cache_size_ok and the
 * min/max test of init). GlusterFS refuses min > max even when max is 0 (unlimited); we only
 * refuse it when a maximum is set.
 */
export function checkOptions(o: Values): string | undefined {
  if (o['cache-size'] > totalmem()) return `cache-size ${o['cache-size']} is more than this machine's memory (${totalmem()} bytes)`;
  if (o['max-file-size'] > 0 && o['min-file-size'] > o['max-file-size']) {
    return `min-file-size ${o['min-file-size']} is greater than max-file-size ${o['max-file-size']}`;
  }
  return undefined;
}

export function applyOptions(state: Omit<IocState, 'table' | 'stats'>, table: CacheTable, o: Values): void {
  table.size = o['cache-size'];
  state.priorities = new Priorities(o.priority);
  state.timeoutMs = o['cache-timeout'] * 1000;
  state.minFileSize = o['min-file-size'];
  state.maxFileSize = o['max-file-size'];
  state.passThrough = o['pass-through'];
}

export const iocOf = (self: Self, inode: Inode | undefined): IocInode | undefined => inode?.ctxGet<IocInode>(self);

/** A copy of the caller's identity for fetches other readers share: the caller's abort must not fail them. */
export const sharedFrame = (f: Frame): Frame =>
  createFrame({ uid: f.uid, gid: f.gid, pid: f.pid, groups: f.groups, lkOwner: f.lkOwner, client: f.client });

/**
 * ioc_inode_update (lookup, readdirp, create, mknod): make the inode's state if needed and check
 * the cached pages against the new attributes. Only regular files get state. A lookup often
 * answers with a fresh inode object that the caller then swaps for the table's linked one, so
 * the state goes on the linked inode when there is one.
 */
export function updateInode(self: Self, inode: Inode, path: string, buf: Iatt): IocInode | undefined {
  if (buf.type !== IaType.REG) return undefined;
  const target = inode.linked ? inode : (inode.table.find(buf.gfid) ?? inode);
  const { table, priorities, stats } = self.priv;
  let ioc = iocOf(self, target);
  if (!ioc) {
    ioc = new IocInode(target, table, path, priorities.of(path));
    target.ctxSet(self, ioc);
  }
  ioc.size = buf.size;
  ioc.stat = buf;
  if (ioc.version && !sameVersion(ioc.version, buf) && ioc.pages.size > 0) {
    ioc.flush();
    stats.flushes++;
  }
  ioc.version = versionOf(buf);
  table.touch(ioc);
  return ioc;
}

/** Flush an inode's pages for an fop that changes its data wholesale (truncate, discard, ...). */
export function flushInode(self: Self, ioc: IocInode | undefined): void {
  if (!ioc || ioc.pages.size === 0) return;
  ioc.flush();
  self.priv.stats.flushes++;
}

/** cbks.forget (ioc_forget -> ioc_inode_destroy): the inode's pages and state go. */
export function destroyInode(self: Self, inode: Inode): void {
  const ioc = iocOf(self, inode);
  if (!ioc) return;
  ioc.flush();
  self.priv.table.remove(ioc);
  inode.ctx.delete(self);
}

export function flushAll(self: Self): void {
  for (const ioc of self.priv.table.inodes()) ioc.flush();
}
