import type { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Gfid } from '../../../runtime/core/gfid.js';
import { IdTable } from '../../../runtime/core/id-table.js';
import { F_UNLCK, flockRange, subtract, touches, type Range } from '../../../runtime/core/lock-ranges.js';
import type { Flock } from '../../../runtime/fops/types.js';

/** EBADFD (Linux 77): Node's errno table lacks it; GlusterFS answers it for an fd not open remotely. */
export const EBADFD = 77;
/** GF_ANON_FD_NO: "no fd, use an anonymous one" on the brick (readv, writev, fsync, ...). */
export const ANON_FD = -2n;

/**
 * clnt_fd_ctx_t: what this client knows about an fd it opened on the brick. `remoteFd` is the
 * number the brick handed out, -1 while the connection is down or a reopen failed.
 */
export interface FdCtx {
  fd: Fd;
  remoteFd: bigint;
  gfid: Gfid;
  /** open(2) flags of the original open/create (reused, minus O_CREAT/O_EXCL/O_TRUNC, on reopen). */
  flags: number;
  dir: boolean;
  /**
   * fd_lk_ctx: the byte ranges the POSIX locks (and flocks) granted through this fd cover, of
   * any owner, sorted and disjoint; empty when it holds none. A brick drops every lock of a
   * client that disconnects, so an fd with locks is not reopened under strict-locks, and never
   * falls back to an anonymous fd (see remote).
   */
  locked: Range[];
}

/**
 * The translator's open fds: the saved_fds list that reconnects walk. By fd id (ids count up):
 * an IdTable, where a Set that files opened and closed one at a time emptied got a new table
 * from V8 every time.
 */
export class FdRegistry {
  private readonly all = new IdTable<FdCtx>();

  constructor(private readonly owner: object) {}

  get(fd: Fd): FdCtx | undefined {
    return fd.ctxGet<FdCtx>(this.owner);
  }

  add(fd: Fd, c: Omit<FdCtx, 'fd' | 'locked'>): FdCtx {
    const ctx: FdCtx = { fd, ...c, locked: [] };
    fd.ctxSet(this.owner, ctx);
    this.all.set(fd.id, ctx);
    return ctx;
  }

  remove(fd: Fd): FdCtx | undefined {
    const c = this.get(fd);
    if (c) {
      this.all.delete(fd.id);
      fd.ctx.delete(this.owner);
    }
    return c;
  }

  /** client_mark_fd_bad: the brick forgot every fd number with the connection. */
  markAllBad(): void {
    for (const c of this.all.values()) c.remoteFd = -1n;
  }

  /**
   * A lock request through `fd` was granted (fd_lk_insert_and_merge, which GlusterFS's FUSE
   * bridge calls after SETLK/SETLKW): a lock's range is added, an unlock's taken away, whoever
   * the owner, as GlusterFS's list merges them.
   */
  lockGranted(fd: Fd, flock: Flock): void {
    // start is absolute: the FUSE bridge (and every caller of lk) sends whence SEEK_SET.
    const c = this.get(fd);
    if (!c) return;
    let r: Range;
    try {
      r = flockRange(flock.start, flock.len);
    } catch {
      return; // a range the brick should have refused: nothing was locked
    }
    let held = c.locked.flatMap((l) => subtract(l, r));
    if (flock.type !== F_UNLCK) {
      const merged = { ...r };
      held = held.filter((l) => {
        if (!touches(l, merged)) return true;
        if (l.start < merged.start) merged.start = l.start;
        if (l.end > merged.end) merged.end = l.end;
        return false;
      });
      held.push(merged);
      held.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    }
    c.locked = held;
  }

  /** Fds to reopen after a handshake. */
  bad(): FdCtx[] {
    return [...this.all.values()].filter((c) => c.remoteFd === -1n && !c.fd.released);
  }

  get size(): number {
    return this.all.size;
  }

  /**
   * The fd number to send (client_get_remote_fd): an fd this client never opened or whose reopen
   * failed (or was withheld, strict-locks) is EBADFD, except for the fops GlusterFS lets fall
   * back to an anonymous fd, and then only where no locks are involved: the fd held locks the
   * brick has since dropped, or (`strictWrite`: a data-changing fop under strict-locks) this
   * client has no record of the fd at all.
   */
  remote(fd: Fd, anonFallback: boolean, strictWrite = false): bigint {
    const c = this.get(fd);
    const n = c ? c.remoteFd : -1n;
    if (n !== -1n) return n;
    const locksInvolved = c ? c.locked.length > 0 : strictWrite;
    if (anonFallback && !locksInvolved) return ANON_FD;
    const why = !locksInvolved ? '' : c ? ' (its locks were lost with the connection)' : ' (strict-locks: a write on an fd never opened here gets no anonymous fd)';
    throw new FopError(EBADFD, `fd ${fd.id} is not open on the brick${why}`);
  }

  gfid(fd: Fd): Gfid {
    const g = this.get(fd)?.gfid ?? fd.inode.gfid;
    return g;
  }
}

export function notConnected(why: string): FopError {
  return new FopError(E.ENOTCONN, why);
}
