import type { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Gfid } from '../../../runtime/core/gfid.js';
import { IdTable } from '../../../runtime/core/id-table.js';

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

  add(fd: Fd, c: Omit<FdCtx, 'fd'>): FdCtx {
    const ctx: FdCtx = { fd, ...c };
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

  /** Fds to reopen after a handshake. */
  bad(): FdCtx[] {
    return [...this.all.values()].filter((c) => c.remoteFd === -1n && !c.fd.released);
  }

  get size(): number {
    return this.all.size;
  }

  /**
   * The fd number to send (CLIENT_GET_REMOTE_FD): an fd this client never opened or whose reopen
   * failed is EBADFD, except for the fops GlusterFS lets fall back to an anonymous fd.
   */
  remote(fd: Fd, anonFallback: boolean): bigint {
    const c = this.get(fd);
    const n = c ? c.remoteFd : -1n;
    if (n !== -1n) return n;
    if (anonFallback) return ANON_FD;
    throw new FopError(EBADFD, `fd ${fd.id} is not open on the brick`);
  }

  gfid(fd: Fd): Gfid {
    const g = this.get(fd)?.gfid ?? fd.inode.gfid;
    return g;
  }
}

export function notConnected(why: string): FopError {
  return new FopError(E.ENOTCONN, why);
}
