/**
 * What inodelk and entrylk domains share: granted locks plus a queue of blocked requests, the
 * no-starvation grant rule (__lock_inodelk / __lock_entrylk), unlock by an exact match, client
 * disconnects, revocation (__inodelk_prune_stale / __entrylk_prune_stale) and dumps. A subclass
 * says what conflicts, what an unlock must match, and how a lock shows in a dump.
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { withFields } from '../../../runtime/core/objects.js';
import type { Owner } from './owner.js';
import { WaitQueue } from './waiters.js';

export interface Revocation {
  secs: number;
  maxBlocked: number;
  clearAll: boolean;
}

export interface DomainLock extends Owner {
  granted?: number;
}

export abstract class LockDomain<L extends DomainLock> {
  granted: L[] = [];
  readonly waiters = new WaitQueue<L>();

  constructor(readonly name: string) {}

  /** 'inodelk' or 'entrylk', for error messages. */
  protected abstract readonly kind: string;
  /** Whether two locks of different owners exclude each other. */
  protected abstract conflicts(a: L, b: L): boolean;
  /** Whether the granted lock `held` is the one `req` unlocks. */
  protected abstract matches(held: L, req: L): boolean;
  protected abstract describe(l: L): string;

  get empty(): boolean {
    return this.granted.length === 0 && this.waiters.size === 0;
  }

  get count(): number {
    return this.granted.length + this.waiters.size;
  }

  /** Grant `req` if nothing holds it back; `blocked` are the waiters ahead of it. */
  private tryLock(req: L, blocked: readonly L[]): boolean {
    if (this.granted.some((l) => l.owner !== req.owner && this.conflicts(l, req))) return false;
    const ownerHas = this.granted.some((l) => l.owner === req.owner) || blocked.some((l) => l.owner === req.owner);
    if (!ownerHas && blocked.some((l) => this.conflicts(l, req))) return false;
    this.granted.push(withFields(req, { granted: Date.now() }) as L);
    return true;
  }

  async lock(req: L, block: boolean, signal: AbortSignal, onCancel: () => void): Promise<void> {
    if (this.tryLock(req, this.waiters.requests())) return;
    if (!block) throw new FopError(E.EAGAIN, `${this.kind} conflict in domain ${this.name}`);
    await this.waiters.wait(req, signal, () => {
      this.wake();
      onCancel();
    });
  }

  unlock(req: L): void {
    const i = this.granted.findIndex((l) => this.matches(l, req));
    if (i < 0) throw new FopError(E.EINVAL, `no matching ${this.kind} to unlock in domain ${this.name}`);
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
   * revocation-secs / revocation-max-blocked: when a granted lock that conflicts with `req` is
   * older than `secs`, or `maxBlocked` requests wait, every granted lock of the domain is revoked,
   * and with clear-all every waiter fails too. Returns what was revoked.
   */
  pruneStale(req: L, p: Revocation, now = Date.now()): number {
    const stale = p.secs > 0 && this.granted.some((l) => this.conflicts(l, req) && now - (l.granted ?? now) > p.secs * 1000);
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
      granted: this.granted.map((l) => `${this.describe(l)}, granted at ${new Date(l.granted ?? 0).toISOString()}`),
      blocked: this.waiters.list().map((w) => `${this.describe(w.req)}, blocked at ${new Date(w.since).toISOString()}`),
    };
  }
}
