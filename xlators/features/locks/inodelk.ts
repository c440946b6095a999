/**
 * inodelk / finodelk: GlusterFS's internal range locks on an inode, one independent set per
 * domain (the `volume` argument: AFR, DHT, EC each lock in their own). Unlike fcntl locks they
 * are never merged or split: each grant is its own entry and an unlock must name the same range
 * (inodelk.c: find_matching_inodelk), else EINVAL. A lock of the same owner never conflicts, so
 * nested locks work. A grantable request still waits when an older blocked request conflicts
 * with it, unless its owner already holds or waits for a lock in the domain: no starvation of
 * waiters, yet self-heal's nested locks go through (__lock_inodelk).
 */
import { F_UNLCK, F_WRLCK, overlaps, rangeLen, type RangeLock } from '../../../runtime/core/lock-ranges.js';
import { showOwner, type Owner } from './owner.js';
import { LockDomain } from './domain.js';

export interface InodeLock extends RangeLock, Owner {
  /** xdata "connection-id", kept for dumps as GlusterFS does. */
  readonly connectionId?: string;
  granted?: number;
}

const typeConflict = (a: RangeLock, b: RangeLock) => a.type === F_WRLCK || b.type === F_WRLCK;
const rangeConflict = (a: RangeLock, b: RangeLock) => overlaps(a, b) && typeConflict(a, b);

export class InodelkDomain extends LockDomain<InodeLock> {
  protected readonly kind = 'inodelk';

  protected conflicts(a: InodeLock, b: InodeLock): boolean {
    return rangeConflict(a, b);
  }

  /** An unlock must name the same range (find_matching_inodelk). */
  protected matches(held: InodeLock, req: InodeLock): boolean {
    return held.owner === req.owner && held.start === req.start && held.end === req.end;
  }

  protected describe(l: InodeLock): string {
    return describeInodelk(l);
  }

  override async lock(req: InodeLock, block: boolean, signal: AbortSignal, onCancel: () => void): Promise<void> {
    if (req.type === F_UNLCK) return this.unlock(req);
    return super.lock(req, block, signal, onCancel);
  }
}

export function describeInodelk(l: InodeLock): string {
  const { start, len } = rangeLen(l);
  const conn = l.connectionId ? `, connection-id=${l.connectionId}` : '';
  return `type=${l.type === F_WRLCK ? 'WRITE' : 'READ'}, whence=0, start=${start}, len=${len}, pid=${l.pid}, owner=${showOwner(l)}${conn}`;
}
