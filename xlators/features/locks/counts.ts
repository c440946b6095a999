/**
 * Lock counts in reply xdata, which AFR, DHT and EC clients ask for in a request's xdata
 * (posix.c: pl_has_xdata_requests, pl_set_xdata_response). The request keys are removed before
 * the request goes down; the reply carries the counts under the same keys:
 * - glusterfs.inodelk-count: inodelks (granted + blocked) of all domains;
 * - glusterfs.inodelk-dom-count = <domain>: that domain's count, answered as inodelk-count;
 * - glusterfs.multi-dom-lk-cnt-req with glusterfs.inodelk-dom-prefix:<domain> keys: one count
 *   per such key, answered under the key itself;
 * - glusterfs.entrylk-count: entrylks (granted + blocked) on the directory, all domains;
 * - glusterfs.posixlk-count: record locks (granted + blocked);
 * - glusterfs.parent-entrylk: 1 when a granted entrylk holds exactly this name in the parent.
 */
import { Dict } from '../../../runtime/core/dict.js';
import type { Gfid } from '../../../runtime/core/gfid.js';
import type { LockTable } from './table.js';

export const INODELK_COUNT = 'glusterfs.inodelk-count';
export const ENTRYLK_COUNT = 'glusterfs.entrylk-count';
export const POSIXLK_COUNT = 'glusterfs.posixlk-count';
export const PARENT_ENTRYLK = 'glusterfs.parent-entrylk';
export const INODELK_DOM_COUNT = 'glusterfs.inodelk-dom-count';
export const INODELK_DOM_PREFIX = 'glusterfs.inodelk-dom-prefix';
export const MULTI_DOM = 'glusterfs.multi-dom-lk-cnt-req';

export interface CountRequests {
  entrylk: boolean;
  inodelk: boolean;
  posixlk: boolean;
  parentEntrylk: boolean;
  /** Domain named by inodelk-dom-count. */
  domain?: string;
  /** inodelk-dom-prefix keys of a multi-domain request. */
  domainKeys: string[];
  /** The request xdata without the keys above, for the child. */
  xdata: Dict | undefined;
}

/** What the request asks for, or undefined when it asks for no count (the common case). */
export function takeRequests(xdata: Dict | undefined): CountRequests | undefined {
  if (!xdata) return undefined;
  if (![ENTRYLK_COUNT, INODELK_COUNT, POSIXLK_COUNT, PARENT_ENTRYLK, INODELK_DOM_COUNT, MULTI_DOM].some((k) => xdata.has(k))) return undefined;
  const rest = xdata.clone();
  const take = (k: string) => rest.delete(k);
  const req: CountRequests = {
    entrylk: take(ENTRYLK_COUNT),
    inodelk: take(INODELK_COUNT),
    posixlk: take(POSIXLK_COUNT),
    parentEntrylk: take(PARENT_ENTRYLK),
    domainKeys: [],
    xdata: rest,
  };
  if (xdata.has(INODELK_DOM_COUNT)) req.domain = xdata.getStr(INODELK_DOM_COUNT);
  rest.delete(INODELK_DOM_COUNT);
  if (take(MULTI_DOM)) {
    req.domainKeys = [...xdata.keys()].filter((k) => k.startsWith(INODELK_DOM_PREFIX));
    for (const k of req.domainKeys) rest.delete(k);
  }
  return req;
}

/** Where the counts are taken: the inode, and for named lookups the parent and name. */
export interface CountTarget {
  gfid?: Gfid;
  parent?: Gfid;
  name?: string;
}

/**
 * Fill `out` with the requested counts of one target. `keepMax` (a second loc, as for link)
 * keeps an already present larger value, as GlusterFS does.
 */
export function fillCounts(table: LockTable, req: CountRequests, target: CountTarget, out: Dict, keepMax = false): void {
  const set = (key: string, n: number) => {
    const had = keepMax ? out.getInt(key) : undefined;
    if (had !== undefined && had >= BigInt(n)) return;
    out.setInt(key, n);
  };
  if (req.parentEntrylk && target.parent && target.name) {
    const dir = table.find(target.parent);
    const held = dir ? [...dir.entrylk.values()].some((d) => d.holdsName(target.name!)) : false;
    set(PARENT_ENTRYLK, held ? 1 : 0);
  }
  if (!target.gfid) return;
  const il = table.find(target.gfid);
  if (req.entrylk) set(ENTRYLK_COUNT, il?.entrylkCount() ?? 0);
  if (req.domain !== undefined) set(INODELK_COUNT, il?.inodelkCount(req.domain) ?? 0);
  if (req.inodelk) set(INODELK_COUNT, il?.inodelkCount() ?? 0);
  if (req.posixlk) set(POSIXLK_COUNT, il?.posixCount() ?? 0);
  for (const key of req.domainKeys) {
    const domain = key.slice(key.indexOf(':') + 1);
    if (key.includes(':') && domain) set(key, il?.inodelkCount(domain) ?? 0);
  }
}
