/**
 * Every lock the translator knows, by inode gfid. An inode stays here while it has a granted or
 * blocked lock of any kind, and leaves as soon as it has none (GlusterFS keeps an inode ref, the
 * "refkeeper", for the same span). Keying by gfid rather than by Inode object keeps one lock
 * state per file even when a caller holds a second, not yet linked Inode for it.
 */
import type { Gfid } from '../../../runtime/core/gfid.js';
import { EntrylkDomain } from './entrylk.js';
import { InodelkDomain } from './inodelk.js';
import { PosixLockSpace } from './posix-locks.js';

export class InodeLocks {
  /** fcntl(2) record locks. */
  readonly fcntl = new PosixLockSpace();
  /** flock(2) whole-file locks: a namespace of their own, as in Linux. */
  readonly flock = new PosixLockSpace();
  readonly inodelk = new Map<string, InodelkDomain>();
  readonly entrylk = new Map<string, EntrylkDomain>();

  constructor(readonly gfid: Gfid) {}

  get empty(): boolean {
    return this.fcntl.empty && this.flock.empty && [...this.inodelk.values(), ...this.entrylk.values()].every((d) => d.empty);
  }

  inodelkDomain(name: string): InodelkDomain {
    let d = this.inodelk.get(name);
    if (!d) this.inodelk.set(name, (d = new InodelkDomain(name)));
    return d;
  }

  entrylkDomain(name: string): EntrylkDomain {
    let d = this.entrylk.get(name);
    if (!d) this.entrylk.set(name, (d = new EntrylkDomain(name)));
    return d;
  }

  /** Drop empty domains so dumps and counts only show live ones. */
  tidy(): void {
    for (const [k, d] of this.inodelk) if (d.empty) this.inodelk.delete(k);
    for (const [k, d] of this.entrylk) if (d.empty) this.entrylk.delete(k);
  }

  /** glusterfs.posixlk-count: granted and blocked record locks (flock ones included, as one list in GlusterFS). */
  posixCount(): number {
    return this.fcntl.held.length + this.fcntl.waiters.size + this.flock.held.length + this.flock.waiters.size;
  }

  /** glusterfs.inodelk-count, of one domain or of all. */
  inodelkCount(domain?: string): number {
    if (domain !== undefined) return this.inodelk.get(domain)?.count ?? 0;
    let n = 0;
    for (const d of this.inodelk.values()) n += d.count;
    return n;
  }

  entrylkCount(): number {
    let n = 0;
    for (const d of this.entrylk.values()) n += d.count;
    return n;
  }

  /** Fail every blocked request (the graph is going down). */
  failWaiters(errno: number, why: string): number {
    let n = 0;
    for (const q of [this.fcntl.waiters, this.flock.waiters, ...[...this.inodelk.values(), ...this.entrylk.values()].map((d) => d.waiters)]) {
      n += q.fail(() => true, errno, why);
    }
    return n;
  }

  dropClient(client: string): number {
    let n = this.fcntl.dropClient(client) + this.flock.dropClient(client);
    for (const d of this.inodelk.values()) n += d.dropClient(client);
    for (const d of this.entrylk.values()) n += d.dropClient(client);
    return n;
  }

  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!this.fcntl.empty) out.posixlk = this.fcntl.dump();
    if (!this.flock.empty) out.flock = this.flock.dump();
    for (const [name, d] of this.inodelk) if (!d.empty) out[`inodelk domain ${name}`] = d.dump();
    for (const [name, d] of this.entrylk) if (!d.empty) out[`entrylk domain ${name}`] = d.dump();
    return out;
  }
}

export class LockTable {
  private readonly inodes = new Map<Gfid, InodeLocks>();

  find(gfid: Gfid): InodeLocks | undefined {
    return this.inodes.get(gfid);
  }

  get(gfid: Gfid): InodeLocks {
    let il = this.inodes.get(gfid);
    if (!il) this.inodes.set(gfid, (il = new InodeLocks(gfid)));
    return il;
  }

  /** Forget the inode's entry when nothing is left in it; call after every change. */
  prune(il: InodeLocks): void {
    il.tidy();
    if (il.empty && this.inodes.get(il.gfid) === il) this.inodes.delete(il.gfid);
  }

  get size(): number {
    return this.inodes.size;
  }

  values(): IterableIterator<InodeLocks> {
    return this.inodes.values();
  }

  /** A client went away: every lock it held, on every inode, goes; its waiters fail. */
  dropClient(client: string): number {
    let n = 0;
    for (const il of [...this.inodes.values()]) {
      n += il.dropClient(client);
      this.prune(il);
    }
    return n;
  }

  /** PARENT_DOWN: nothing will release the holders any more, so no waiter may stay parked. */
  failWaiters(errno: number, why: string): number {
    let n = 0;
    for (const il of [...this.inodes.values()]) {
      n += il.failWaiters(errno, why);
      this.prune(il);
    }
    return n;
  }

  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [gfid, il] of this.inodes) out[gfid] = il.dump();
    return out;
  }
}
