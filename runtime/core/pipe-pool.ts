import { closePipe, drainPipe, makePipe, type Pipe } from './pipe-bytes.js';

/**
 * Pipes of one size, made on demand up to `max` and reused (a brick's spliced reads). take()
 * gives none when all are in use or the system will not make pipes that large: the caller then
 * copies as before.
 */
const RETRY_MS = 10_000;

export class PipePool {
  private readonly free: Pipe[] = [];
  private made = 0;
  private closed = false;
  /** When making a pipe last failed (fs.pipe-max-size, fd or pipe-page limits): retried after RETRY_MS. */
  private failedAt = -Infinity;

  constructor(
    readonly size: number,
    readonly max: number,
  ) {}

  take(): Pipe | undefined {
    if (this.closed) return undefined;
    const p = this.free.pop();
    if (p || this.made >= this.max || Date.now() - this.failedAt < RETRY_MS) return p;
    const made = makePipe(this.size);
    if (!made) this.failedAt = Date.now();
    else this.made++;
    return made;
  }

  /** A pipe back: reused when it could be emptied, else closed. */
  give(p: Pipe): void {
    if (!this.closed && drainPipe(p)) {
      this.free.push(p);
      return;
    }
    closePipe(p);
    this.made--;
  }

  /** Pipes made and not closed (in use or free): for statedumps and tests. */
  get count(): { made: number; free: number } {
    return { made: this.made, free: this.free.length };
  }

  /** Close the free pipes; those still in use are closed as they come back. */
  close(): void {
    this.closed = true;
    for (const p of this.free.splice(0)) {
      closePipe(p);
      this.made--;
    }
  }
}
