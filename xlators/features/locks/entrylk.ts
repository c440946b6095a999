/**
 * entrylk / fentrylk: GlusterFS's locks on names in a directory, one set per domain. A lock on a
 * name conflicts with another owner's lock on the same name, and a lock on all names (basename
 * null) conflicts with every other owner's lock in the directory. As in GlusterFS's entrylk.c
 * (__conflicting_entrylks), the lock type does not enter the conflict rule: ENTRYLK_RDLCK and
 * ENTRYLK_WRLCK exclude each other alike; the type only has to match on unlock. Starvation is
 * avoided as for inodelk: a newcomer waits behind an older conflicting waiter unless its owner
 * already holds or waits for an entry lock in the domain.
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { showOwner, type Owner } from './owner.js';
import { WaitQueue } from './waiters.js';
import type { Revocation } from './inodelk.js';

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

export class EntrylkDomain {
  granted: EntryLock[] = [];
  readonly waiters = new WaitQueue<EntryLock>();

  constructor(readonly name: string) {}

  get empty(): boolean {
    return this.granted.length === 0 && this.waiters.size === 0;
  }

  get count(): number {
    return this.granted.length + this.waiters.size;
  }

  private tryLock(req: EntryLock, blocked: readonly EntryLock[]): boolean {
    if (this.granted.some((l) => l.owner !== req.owner && namesConflict(l.basename, req.basename))) return false;
    const ownerHas = this.granted.some((l) => l.owner === req.owner) || blocked.some((l) => l.owner === req.owner);
    if (!ownerHas && blocked.some((l) => namesConflict(l.basename, req.basename))) return false;
    this.granted.push({ ...req, granted: Date.now() });
    return true;
  }

  async lock(req: EntryLock, block: boolean, signal: AbortSignal, onCancel: () => void): Promise<void> {
    if (this.tryLock(req, this.waiters.requests())) return;
    if (!block) throw new FopError(E.EAGAIN, `entrylk conflict in domain ${this.name}`);
    await this.waiters.wait(req, signal, () => {
      this.wake();
      onCancel();
    });
  }

  unlock(req: EntryLock): void {
    const i = this.granted.findIndex((l) => l.owner === req.owner && l.basename === req.basename && l.type === req.type);
    if (i < 0) throw new FopError(E.EINVAL, `no matching entrylk to unlock in domain ${this.name}`);
    this.granted.splice(i, 1);
    this.wake();
  }

  wake(): number {
    return this.waiters.grantEach((req, before) => this.tryLock(req, before));
  }

  /** A granted lock on exactly this name (GLUSTERFS_PARENT_ENTRYLK: check_entrylk_on_basename). */
  holdsName(name: string): boolean {
    return this.granted.some((l) => l.basename === name);
  }

  dropClient(client: string): number {
    const n = this.granted.length;
    this.granted = this.granted.filter((l) => l.client !== client);
    const failed = this.waiters.fail((l) => l.client === client, E.EAGAIN, 'the client disconnected');
    if (n !== this.granted.length || failed) this.wake();
    return n - this.granted.length;
  }

  /** revocation-secs / revocation-max-blocked, as for inodelk (__entrylk_prune_stale). */
  pruneStale(req: EntryLock, p: Revocation, now = Date.now()): number {
    const stale = p.secs > 0 && this.granted.some((l) => namesConflict(l.basename, req.basename) && now - (l.granted ?? now) > p.secs * 1000);
    const crowded = p.maxBlocked > 0 && this.waiters.size >= p.maxBlocked;
    if (!stale && !crowded) return 0;
    const n = this.granted.length;
    this.granted = [];
    if (p.clearAll) this.waiters.fail(() => true, E.EAGAIN, 'lock revoked');
    this.wake();
    return n;
  }

  dump(): { granted: string[]; blocked: string[] } {
    return {
      granted: this.granted.map((l) => `${describeEntrylk(l)}, granted at ${new Date(l.granted ?? 0).toISOString()}`),
      blocked: this.waiters.list().map((w) => `${describeEntrylk(w.req)}, blocked at ${new Date(w.since).toISOString()}`),
    };
  }
}

export function describeEntrylk(l: EntryLock): string {
  const type = l.type === ENTRYLK_WRLCK ? 'ENTRYLK_WRLCK' : 'ENTRYLK_RDLCK';
  const conn = l.connectionId ? `, connection-id=${l.connectionId}` : '';
  return `type=${type} on basename=${l.basename ?? '(all)'}, pid=${l.pid}, owner=${showOwner(l)}${conn}`;
}
