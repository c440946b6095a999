/**
 * POSIX record locks of one inode in one namespace (fcntl or flock: Linux keeps the two apart,
 * so a flock(2) lock never conflicts with an fcntl lock). GlusterFS's pl_inode->ext_list with
 * pl_setlk / pl_getlk / __grant_blocked_locks, over the pure arithmetic of ranges.ts.
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { applyLock, F_UNLCK, firstConflict, grantable, rangeLen, type RangeLock } from '../../../runtime/core/lock-ranges.js';
import { showOwner, type Owner } from './owner.js';
import { WaitQueue } from './waiters.js';

export interface PosixLock extends RangeLock, Owner {
  /** The fd the lock was taken through (Fd.id): release drops every lock taken through it. */
  readonly fd: number;
}

export class PosixLockSpace {
  held: PosixLock[] = [];
  readonly waiters = new WaitQueue<PosixLock>();

  get empty(): boolean {
    return this.held.length === 0 && this.waiters.size === 0;
  }

  /** F_GETLK: the first lock that would block `req`, or undefined when it could be granted. */
  getlk(req: PosixLock): PosixLock | undefined {
    return firstConflict(this.held, req);
  }

  /**
   * F_SETLK / F_SETLKW. An unlock or a grantable lock applies at once. A conflicting F_SETLK fails
   * with EAGAIN. A conflicting F_SETLKW first drops the owner's own locks under the range (as
   * GlusterFS's pl_send_prelock_unlock does, so an upgrade cannot deadlock against a waiter that
   * needs the read lock gone), then waits in line.
   */
  async setlk(req: PosixLock, block: boolean, signal: AbortSignal, onCancel: () => void): Promise<void> {
    if (req.type === F_UNLCK || grantable(this.held, req)) {
      this.held = applyLock(this.held, req);
      if (req.type === F_UNLCK || this.waiters.size) this.wake();
      return;
    }
    if (!block) throw new FopError(E.EAGAIN, 'conflicting lock held');
    const before = this.held;
    this.held = applyLock(this.held, { ...req, type: F_UNLCK });
    if (this.held.length !== before.length || this.held.some((l, i) => l !== before[i])) this.wake();
    await this.waiters.wait(req, signal, onCancel);
  }

  /** Grant every waiter that no longer conflicts, oldest first (POSIX needs no stricter order). */
  wake(): number {
    return this.waiters.grantEach((req) => {
      if (!grantable(this.held, req)) return false;
      this.held = applyLock(this.held, req);
      return true;
    });
  }

  /** Does the fd still hold any lock here (NLM's "last unlock on fd" answer)? */
  heldThrough(fd: number): boolean {
    return this.held.some((l) => l.fd === fd);
  }

  /** close(2): drop the owner's granted locks. Its blocked requests are left alone (as GlusterFS). */
  dropOwner(owner: string): number {
    return this.drop((l) => l.owner === owner);
  }

  /** release / lk-owner-less flush: drop every lock taken through the fd, failing its waiters. */
  dropFd(fd: number): number {
    this.waiters.fail((l) => l.fd === fd, E.EAGAIN, 'the file was closed');
    return this.drop((l) => l.fd === fd);
  }

  /** The client went away: its locks go and its waiters fail. */
  dropClient(client: string): number {
    this.waiters.fail((l) => l.client === client, E.EAGAIN, 'the client disconnected');
    return this.drop((l) => l.client === client);
  }

  private drop(match: (l: PosixLock) => boolean): number {
    const n = this.held.length;
    this.held = this.held.filter((l) => !match(l));
    if (this.held.length !== n) this.wake();
    return n - this.held.length;
  }

  dump(): { granted: string[]; blocked: string[] } {
    return {
      granted: this.held.map((l) => describe(l)),
      blocked: this.waiters.list().map((w) => `${describe(w.req)}, blocked at ${new Date(w.since).toISOString()}`),
    };
  }
}

const TYPES = ['F_RDLCK', 'F_WRLCK', 'F_UNLCK'];

/** One line per lock, close to GlusterFS's statedump posixlk lines. */
export function describe(l: PosixLock): string {
  const { start, len } = rangeLen(l);
  return `type=${TYPES[l.type] ?? l.type}, start=${start}, len=${len}, pid=${l.pid}, owner=${showOwner(l)}, fd=${l.fd}`;
}
