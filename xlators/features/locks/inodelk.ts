/**
 * inodelk / finodelk: GlusterFS's internal range locks on an inode, one independent set per
 * domain (the `volume` argument: AFR, DHT, EC each lock in their own). Unlike fcntl locks they
 * are never merged or split: each grant is its own entry and an unlock must name the same range
 * (inodelk.c: find_matching_inodelk), else EINVAL. A lock of the same owner never conflicts, so
 * nested locks work. A grantable request still waits when an older blocked request conflicts
 * with it, unless its owner already holds or waits for a lock in the domain: no starvation of
 * waiters, yet self-heal's nested locks go through (__lock_inodelk).
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { F_UNLCK, F_WRLCK, overlaps, rangeLen, type RangeLock } from './ranges.js';
import { showOwner, type Owner } from './owner.js';
import { WaitQueue } from './waiters.js';

export interface InodeLock extends RangeLock, Owner {
  /** xdata "connection-id", kept for dumps as GlusterFS does. */
  readonly connectionId?: string;
  granted?: number;
}

const typeConflict = (a: RangeLock, b: RangeLock) => a.type === F_WRLCK || b.type === F_WRLCK;
const rangeConflict = (a: RangeLock, b: RangeLock) => overlaps(a, b) && typeConflict(a, b);

export interface Revocation {
  secs: number;
  maxBlocked: number;
  clearAll: boolean;
}

export class InodelkDomain {
  granted: InodeLock[] = [];
  readonly waiters = new WaitQueue<InodeLock>();

  constructor(readonly name: string) {}

  get empty(): boolean {
    return this.granted.length === 0 && this.waiters.size === 0;
  }

  get count(): number {
    return this.granted.length + this.waiters.size;
  }

  /** Grant `req` if nothing holds it back; `blocked` are the waiters ahead of it. */
  private tryLock(req: InodeLock, blocked: readonly InodeLock[]): boolean {
    if (this.granted.some((l) => l.owner !== req.owner && rangeConflict(l, req))) return false;
    const ownerHas = this.granted.some((l) => l.owner === req.owner) || blocked.some((l) => l.owner === req.owner);
    if (!ownerHas && blocked.some((l) => rangeConflict(l, req))) return false;
    this.granted.push({ ...req, granted: Date.now() });
    return true;
  }

  async lock(req: InodeLock, block: boolean, signal: AbortSignal, onCancel: () => void): Promise<void> {
    if (req.type === F_UNLCK) return this.unlock(req);
    if (this.tryLock(req, this.waiters.requests())) return;
    if (!block) throw new FopError(E.EAGAIN, `inodelk conflict in domain ${this.name}`);
    await this.waiters.wait(req, signal, () => {
      this.wake();
      onCancel();
    });
  }

  unlock(req: InodeLock): void {
    const i = this.granted.findIndex((l) => l.owner === req.owner && l.start === req.start && l.end === req.end);
    if (i < 0) throw new FopError(E.EINVAL, `no matching inodelk to unlock in domain ${this.name}`);
    this.granted.splice(i, 1);
    this.wake();
  }

  wake(): number {
    return this.waiters.grantEach((req, before) => this.tryLock(req, before));
  }

  dropClient(client: string): number {
    const n = this.granted.length;
    this.granted = this.granted.filter((l) => l.client !== client);
    const failed = this.waiters.fail((l) => l.client === client, E.EAGAIN, 'the client disconnected');
    if (n !== this.granted.length || failed) this.wake();
    return n - this.granted.length;
  }

  /**
   * revocation-secs / revocation-max-blocked (__inodelk_prune_stale): when a granted lock that
   * conflicts with `req` is older than `secs`, or `maxBlocked` requests wait, every granted lock of
   * the domain is revoked, and with clear-all every waiter fails too. Returns what was revoked.
   */
  pruneStale(req: InodeLock, p: Revocation, now = Date.now()): number {
    const stale = p.secs > 0 && this.granted.some((l) => rangeConflict(l, req) && now - (l.granted ?? now) > p.secs * 1000);
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
      granted: this.granted.map((l) => `${describeInodelk(l)}, granted at ${new Date(l.granted ?? 0).toISOString()}`),
      blocked: this.waiters.list().map((w) => `${describeInodelk(w.req)}, blocked at ${new Date(w.since).toISOString()}`),
    };
  }
}

export function describeInodelk(l: InodeLock): string {
  const { start, len } = rangeLen(l);
  const conn = l.connectionId ? `, connection-id=${l.connectionId}` : '';
  return `type=${l.type === F_WRLCK ? 'WRITE' : 'READ'}, whence=0, start=${start}, len=${len}, pid=${l.pid}, owner=${showOwner(l)}${conn}`;
}
