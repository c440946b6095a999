/**
 * Pure byte-range arithmetic for POSIX record locks: no I/O, no timers, no translator state.
 * Ranges are inclusive on both ends, as GlusterFS's posix_lock_t keeps them (fl_start..fl_end);
 * a lock "to end of file" ends at OFFSET_MAX (LLONG_MAX). Owners are opaque string keys: two
 * locks with the same key never conflict with each other (POSIX: a process never blocks itself).
 */
import { E, FopError } from './fop-error.js';

export const F_RDLCK = 0;
export const F_WRLCK = 1;
export const F_UNLCK = 2;
export const OFFSET_MAX = 0x7fffffffffffffffn;

export interface Range {
  start: bigint;
  /** Inclusive; OFFSET_MAX means "to end of file". */
  end: bigint;
}

/** What the arithmetic needs of a lock; callers add their own fields (pid, fd, client...). */
export interface RangeLock extends Range {
  type: number;
  readonly owner: string;
}

/**
 * struct flock's (start, len) -> an inclusive range, with POSIX's rules: len 0 runs to end of
 * file, a negative len covers [start+len, start-1]; a range reaching below 0 is EINVAL
 * (GlusterFS's pl_lk checks start < 0 and start + len < 0 the same way).
 */
export function flockRange(start: bigint, len: bigint): Range {
  if (start < 0n || start + len < 0n) throw new FopError(E.EINVAL, `invalid lock range start=${start} len=${len}`);
  if (len < 0n) return { start: start + len, end: start - 1n };
  if (len === 0n) return { start, end: OFFSET_MAX };
  const end = start + len - 1n;
  return { start, end: end > OFFSET_MAX ? OFFSET_MAX : end };
}

/** An inclusive range -> flock's (start, len), len 0 meaning to end of file. */
export function rangeLen(r: Range): { start: bigint; len: bigint } {
  return { start: r.start, len: r.end >= OFFSET_MAX ? 0n : r.end - r.start + 1n };
}

export function overlaps(a: Range, b: Range): boolean {
  return a.end >= b.start && b.end >= a.start;
}

/** Overlapping or touching end to start: same-type locks of one owner that merge. */
export function touches(a: Range, b: Range): boolean {
  return a.end + 1n >= b.start && b.end + 1n >= a.start;
}

/** Two locks conflict when they overlap, belong to different owners and one is a write lock. */
export function conflicts(a: RangeLock, b: RangeLock): boolean {
  if (a.owner === b.owner || a.type === F_UNLCK || b.type === F_UNLCK) return false;
  return overlaps(a, b) && (a.type === F_WRLCK || b.type === F_WRLCK);
}

/** The first held lock that keeps `req` from being granted (F_GETLK's answer), or undefined. */
export function firstConflict<L extends RangeLock>(held: readonly L[], req: RangeLock): L | undefined {
  return held.find((l) => conflicts(l, req));
}

/** `r` minus `cut`: zero, one or two pieces of `r`, keeping every other field of `r`. */
export function subtract<L extends Range>(r: L, cut: Range): L[] {
  if (!overlaps(r, cut)) return [r];
  const out: L[] = [];
  if (r.start < cut.start) out.push({ ...r, end: cut.start - 1n });
  if (r.end > cut.end) out.push({ ...r, start: cut.end + 1n });
  return out;
}

/**
 * Apply `req` (a lock or F_UNLCK) of one owner to the held locks, as fcntl(F_SETLK) does once
 * the request is known to be grantable: the owner's locks under the new range are replaced
 * (split where they stick out, which is how a write lock in the middle of a read lock downgrades
 * or upgrades just that part), and the owner's same-type locks that overlap or touch the new one
 * merge into one. Other owners' locks are untouched. Returns a new array; the input is not
 * modified. The merged lock keeps the request's other fields (pid, fd).
 */
export function applyLock<L extends RangeLock>(held: readonly L[], req: L): L[] {
  const others: L[] = [];
  let mine: L[] = [];
  for (const l of held) (l.owner === req.owner ? mine : others).push(l);
  mine = mine.flatMap((l) => subtract(l, req));
  if (req.type !== F_UNLCK) {
    let merged: L = { ...req };
    const keep: L[] = [];
    for (const l of mine) {
      if (l.type === merged.type && touches(l, merged)) {
        merged = { ...merged, start: l.start < merged.start ? l.start : merged.start, end: l.end > merged.end ? l.end : merged.end };
      } else {
        keep.push(l);
      }
    }
    mine = [...keep, merged];
  }
  mine.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return [...others, ...mine];
}

/** Is `req` grantable against the held locks (no conflicting lock of another owner)? */
export function grantable(held: readonly RangeLock[], req: RangeLock): boolean {
  return req.type === F_UNLCK || firstConflict(held, req) === undefined;
}
