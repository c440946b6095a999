/**
 * entrylk / fentrylk: GlusterFS's locks on names in a directory, one set per domain. A lock on a
 * name conflicts with another owner's lock on the same name, and a lock on all names (basename
 * null) conflicts with every other owner's lock in the directory. As in GlusterFS's entrylk.c
 * (__conflicting_entrylks), the lock type does not enter the conflict rule: ENTRYLK_RDLCK and
 * ENTRYLK_WRLCK exclude each other alike; the type only has to match on unlock. Starvation is
 * avoided as for inodelk: a newcomer waits behind an older conflicting waiter unless its owner
 * already holds or waits for an entry lock in the domain.
 */
import { showOwner, type Owner } from './owner.js';
import { LockDomain } from './domain.js';

export const ENTRYLK_LOCK = 0;
export const ENTRYLK_UNLOCK = 1;
export const ENTRYLK_LOCK_NB = 2;
export const ENTRYLK_RDLCK = 0;
export const ENTRYLK_WRLCK = 1;

export interface EntryLock extends Owner {
  /** undefined: every name in the directory. */
  readonly basename: string | undefined;
  readonly type: number;
  readonly connectionId?: string;
  granted?: number;
}

export const namesConflict = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;

export class EntrylkDomain extends LockDomain<EntryLock> {
  protected readonly kind = 'entrylk';

  protected conflicts(a: EntryLock, b: EntryLock): boolean {
    return namesConflict(a.basename, b.basename);
  }

  /** The type only has to match on unlock. */
  protected matches(held: EntryLock, req: EntryLock): boolean {
    return held.owner === req.owner && held.basename === req.basename && held.type === req.type;
  }

  protected describe(l: EntryLock): string {
    return describeEntrylk(l);
  }

  /** A granted lock on exactly this name (GLUSTERFS_PARENT_ENTRYLK: check_entrylk_on_basename). */
  holdsName(name: string): boolean {
    return this.granted.some((l) => l.basename === name);
  }
}

export function describeEntrylk(l: EntryLock): string {
  const type = l.type === ENTRYLK_WRLCK ? 'ENTRYLK_WRLCK' : 'ENTRYLK_RDLCK';
  const conn = l.connectionId ? `, connection-id=${l.connectionId}` : '';
  return `type=${type} on basename=${l.basename ?? '(all)'}, pid=${l.pid}, owner=${showOwner(l)}${conn}`;
}
