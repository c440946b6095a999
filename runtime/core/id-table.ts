/**
 * Entries keyed by ids that count up or are small and reused: requests in flight (a FUSE unique,
 * an RPC xid) and open files (a kernel fh, an fd's id, a kernel fd). Such tables see few
 * operations: set when the request or file starts, get while it lasts, delete when it ends.
 *
 * Why not a Map: a Map's table is an append-only log (a delete leaves a hole, and a table full
 * of holes is rebuilt), and V8 shrinks it whenever a delete leaves it nearly empty. A table of
 * requests in flight lives long, so it sits in the old generation, and its Map got a new table
 * in old space every request or few: a runtime call, old-space garbage and the page faults of
 * fresh pages, 3.5 % of a mount's CPU over serial stats. The live ids are close together, so
 * they sit in a fixed ring of slots indexed by their low bits, and nothing is allocated per
 * request. An id whose slot is still taken (a request that outlives the ring's span, such as a
 * blocked lock) goes to a Map beside the ring.
 */
export class IdTable<V extends object> {
  /** The id in each slot, -1 for none. */
  private readonly ids: number[];
  private readonly vals: (V | undefined)[];
  private readonly mask: number;
  private spill: Map<number, V> | undefined;
  private count = 0;

  /**
   * `slots`: a power of two, more than the ids expected in flight at once times their step (the
   * kernel counts FUSE uniques up by 2, so 512 slots hold 256 requests before any spills).
   */
  constructor(slots = 512) {
    if (slots < 1 || (slots & (slots - 1)) !== 0) throw new RangeError(`IdTable slots must be a power of two, not ${slots}`);
    this.mask = slots - 1;
    this.ids = new Array<number>(slots).fill(-1);
    this.vals = new Array<V | undefined>(slots).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    const i = id & this.mask;
    if (this.ids[i] === id) return this.vals[i];
    return this.spill?.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /** Ids are non-negative integers (the bit operations keep their low 32 bits). */
  set(id: number, v: V): void {
    const i = id & this.mask;
    const at = this.ids[i];
    if (at === id) {
      this.vals[i] = v;
      return;
    }
    // Already beside the ring (its slot was taken then, and may be free now): replaced there.
    if (this.spill?.has(id)) {
      this.spill.set(id, v);
      return;
    }
    if (at === -1) {
      this.ids[i] = id;
      this.vals[i] = v;
    } else {
      (this.spill ??= new Map()).set(id, v);
    }
    this.count++;
  }

  delete(id: number): boolean {
    const i = id & this.mask;
    if (this.ids[i] === id) {
      this.ids[i] = -1;
      this.vals[i] = undefined;
      this.count--;
      return true;
    }
    if (this.spill?.delete(id)) {
      this.count--;
      return true;
    }
    return false;
  }

  /** Every entry, as [id, value]; entries may be deleted while iterating. */
  *entries(): IterableIterator<[number, V]> {
    for (let i = 0; i <= this.mask; i++) {
      const v = this.vals[i];
      if (v !== undefined) yield [this.ids[i]!, v];
    }
    if (this.spill) yield* [...this.spill];
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }

  clear(): void {
    this.ids.fill(-1);
    this.vals.fill(undefined);
    this.spill = undefined;
    this.count = 0;
  }
}
