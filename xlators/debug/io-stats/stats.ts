import type { FopName } from '../../../runtime/fops/table.js';

/** Counters for one fop: calls, failures, and latency in microseconds. */
export class FopStats {
  calls = 0;
  errors = 0;
  totalUs = 0;
  minUs = Infinity;
  maxUs = 0;

  record(us: number, failed: boolean): void {
    this.calls++;
    if (failed) this.errors++;
    this.totalUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  toJSON() {
    return {
      calls: this.calls,
      errors: this.errors,
      avgUs: this.calls ? +(this.totalUs / this.calls).toFixed(1) : 0,
      minUs: this.calls ? +this.minUs.toFixed(1) : 0,
      maxUs: +this.maxUs.toFixed(1),
    };
  }
}

/** Everything io-stats keeps: per-fop stats, bytes moved, and when counting started. */
export class IoStats {
  readonly fops = new Map<FopName, FopStats>();
  bytesRead = 0;
  bytesWritten = 0;
  since = Date.now();

  of(name: FopName): FopStats {
    let s = this.fops.get(name);
    if (!s) this.fops.set(name, (s = new FopStats()));
    return s;
  }

  toJSON() {
    return {
      durationSec: (Date.now() - this.since) / 1000,
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      fops: Object.fromEntries([...this.fops].map(([k, v]) => [k, v.toJSON()])),
    };
  }
}
