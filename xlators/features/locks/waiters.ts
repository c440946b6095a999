/**
 * Blocked lock requests (F_SETLKW, ENTRYLK_LOCK), in arrival order. A waiter leaves the queue in
 * one of three ways: granted (its promise resolves), cancelled by its caller's AbortSignal
 * (EINTR: FUSE INTERRUPT, a dropped connection), or failed by the translator (its client
 * disconnected, its fd was released). GlusterFS keeps the same lists (blocked_inodelks,
 * blocked_entrylks, blocked posix locks) with the request frame parked on each.
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';

interface Entry<R> {
  readonly req: R;
  readonly since: number;
  resolve(): void;
  reject(err: FopError): void;
}

export class WaitQueue<R> {
  private items: Entry<R>[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The blocked requests, oldest first, with when each started waiting (ms since epoch). */
  list(): { req: R; since: number }[] {
    return this.items.map((e) => ({ req: e.req, since: e.since }));
  }

  requests(): R[] {
    return this.items.map((e) => e.req);
  }

  /**
   * Park `req` until `grantEach` grants it. When `signal` aborts, the waiter is removed, the call
   * fails with EINTR and `onCancel` runs, so the owner can re-check the queue (a cancelled waiter
   * may have been holding later ones back).
   */
  wait(req: R, signal: AbortSignal, onCancel: () => void): Promise<void> {
    if (signal.aborted) return Promise.reject(new FopError(E.EINTR, 'lock request cancelled'));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        if (!this.removeEntry(entry)) return;
        reject(new FopError(E.EINTR, 'lock request cancelled'));
        onCancel();
      };
      const entry: Entry<R> = {
        req,
        since: Date.now(),
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.items.push(entry);
    });
  }

  /**
   * Offer every waiter, oldest first, to `tryGrant`, which applies the lock and returns true when
   * it can be granted now. `before` holds the requests still blocked ahead of it, for rules that
   * keep a newcomer from overtaking an older conflicting waiter.
   */
  grantEach(tryGrant: (req: R, before: readonly R[]) => boolean): number {
    const still: Entry<R>[] = [];
    const granted: Entry<R>[] = [];
    for (const e of this.items) {
      if (tryGrant(e.req, still.map((s) => s.req))) granted.push(e);
      else still.push(e);
    }
    this.items = still;
    for (const e of granted) e.resolve();
    return granted.length;
  }

  /** Fail every waiter whose request matches with `errno`; returns how many. */
  fail(match: (req: R) => boolean, errno: number, why: string): number {
    const gone = this.items.filter((e) => match(e.req));
    if (gone.length === 0) return 0;
    this.items = this.items.filter((e) => !match(e.req));
    for (const e of gone) e.reject(new FopError(errno, why));
    return gone.length;
  }

  private removeEntry(entry: Entry<R>): boolean {
    const i = this.items.indexOf(entry);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }
}
