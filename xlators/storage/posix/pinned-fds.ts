import fs from 'node:fs';

/** One kept fd; `users` counts the callers holding it now. */
export interface Pin {
  readonly fd: number;
  /** When it was opened and verified (Date.now()). */
  readonly at: number;
  users: number;
  /** Dropped or evicted while in use: closed when the last user releases it. */
  dead: boolean;
}

/**
 * O_PATH fds of brick directories kept open between fops, by key (a directory's gfid, or a
 * handle directory's `.glusterfs/xx/yy`), least recently used first out.
 *
 * A directory fd follows its directory through renames, so once opened and verified (openat2
 * beneath the brick without symlinks, trusted.gfid checked) it stays the right directory for its
 * life: entry fops reuse it instead of opening and verifying the parent again (an openat2, a
 * getxattr and a close per fop). A removed directory is dropped by its remover (rmdir, rename
 * over it). What happens to a directory behind the brick's back (removed, recreated or moved out
 * of the brick by hand) is caught by age: a kept fd is used for `maxAgeMs` after it was verified,
 * then opened and verified again, so a busy directory pays that once a second instead of on
 * every fop. An fd is never closed while a fop still uses it (its number could be reused under
 * that fop's /proc/self/fd paths): eviction and drop wait for the last release.
 */
export class PinnedFds {
  private readonly pins = new Map<string, Pin>();
  /** The pin used last: taking it again (every fop in one directory) needs no reordering. */
  private latest: Pin | undefined;

  constructor(
    private readonly limit: number,
    private readonly maxAgeMs = 1000,
    /** The clock ages are read from (tests pass their own). */
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.pins.size;
  }

  /** The kept fd for `key`, now held by the caller (release it), or undefined. */
  acquire(key: string): Pin | undefined {
    const pin = this.pins.get(key);
    if (!pin) return undefined;
    if (this.now() - pin.at >= this.maxAgeMs) {
      this.drop(key);
      return undefined;
    }
    pin.users++;
    if (pin !== this.latest) {
      // Most recently used last: Map keeps insertion order (a delete and a set rehash the key).
      this.pins.delete(key);
      this.pins.set(key, pin);
      this.latest = pin;
    }
    return pin;
  }

  /** Keep a freshly opened `fd` for `key`, held by the caller. */
  add(key: string, fd: number): Pin {
    const pin: Pin = { fd, at: this.now(), users: 1, dead: false };
    const old = this.pins.get(key);
    if (old) {
      this.pins.delete(key);
      this.retire(old);
    }
    this.pins.set(key, pin);
    this.latest = pin;
    if (this.pins.size > this.limit) {
      for (const [k, p] of this.pins) {
        if (this.pins.size <= this.limit) break;
        this.pins.delete(k);
        this.retire(p);
      }
    }
    return pin;
  }

  release(pin: Pin): void {
    pin.users--;
    if (pin.dead && pin.users === 0) fs.closeSync(pin.fd);
  }

  /** Forget `key` (its directory is gone). */
  drop(key: string): void {
    const pin = this.pins.get(key);
    if (!pin) return;
    this.pins.delete(key);
    this.retire(pin);
  }

  /** Forget every fd (closed now, or by their last users). */
  clear(): void {
    for (const pin of this.pins.values()) this.retire(pin);
    this.pins.clear();
    this.latest = undefined;
  }

  private retire(pin: Pin): void {
    if (pin.dead) return;
    pin.dead = true;
    if (pin.users === 0) fs.closeSync(pin.fd);
  }
}
