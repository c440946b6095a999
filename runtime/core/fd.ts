import { IdTable } from './id-table.js';
import type { Inode } from './inode.js';

let nextFdId = 1;

/**
 * fd_t: an open file or directory. Translators keep per-fd state in `ctx`, keyed by translator.
 * `flags` are the open(2) flags the caller used.
 */
export class Fd {
  readonly id = nextFdId++;
  readonly ctx = new Map<object, unknown>();
  /** Set once release/releasedir has run. */
  released = false;

  constructor(readonly inode: Inode, public flags: number, readonly pid = 0) {}

  ctxGet<T>(owner: object): T | undefined {
    return this.ctx.get(owner) as T | undefined;
  }

  ctxSet(owner: object, value: unknown): void {
    this.ctx.set(owner, value);
  }
}

/**
 * Numbers handed to a client (the kernel's fh, a remote client's fd number) mapped to fds. The
 * numbers count up, so an IdTable holds them: a file opened, read and closed by a single caller
 * would otherwise empty a Map, and get it a new table, once per file.
 */
export class FdTable {
  private readonly fds = new IdTable<Fd>();
  private next = 1;

  add(fd: Fd): number {
    while (this.fds.has(this.next)) this.next = (this.next + 1) % 0x7fffffff || 1;
    const n = this.next;
    this.fds.set(n, fd);
    this.next = (this.next + 1) % 0x7fffffff || 1;
    return n;
  }

  get(n: number): Fd | undefined { return this.fds.get(n); }

  remove(n: number): Fd | undefined {
    const fd = this.fds.get(n);
    this.fds.delete(n);
    return fd;
  }

  get size(): number { return this.fds.size; }
  values(): IterableIterator<Fd> { return this.fds.values(); }
  entries(): IterableIterator<[number, Fd]> { return this.fds.entries(); }
}
