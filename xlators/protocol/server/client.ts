import type { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import type { RpcConnection } from '../../../rpc/transport/connection.js';
import type { AuthRequest } from './auth.js';

/** GF_ANON_FD_NO: the client has no fd number for the file and asks the server to use any. */
export const ANON_FD_NO = -2n;

interface FdEntry {
  fd: Fd;
  dir: boolean;
  /** Calls using the fd right now: release waits for them before the fd is let go. */
  users: number;
  closing?: () => void;
}

/**
 * The fd numbers one client was given (GlusterFS's per-client fdtable): numbers from 0, and a
 * released number is the next one handed out (the last released first: gf_fd_put pushes it on
 * the table's free list, gf_fd_unused_get pops first_free). O(1) either way; searching for the
 * smallest free number made each open cost as many steps as the client had fds open.
 */
export class ClientFdTable {
  /**
   * Entries by number: numbers are small and reused, so an array indexed by them (GlusterFS's
   * fdtable is one too). A Map keyed by bigints hashed each number digit by digit, and one that
   * a client opening and closing one file at a time emptied got a new table from V8 every time.
   */
  private readonly slots: (FdEntry | undefined)[] = [];
  private count = 0;
  /** Released numbers, the last released on top. */
  private readonly free: bigint[] = [];
  /** The next number never handed out. */
  private next = 0n;

  get size(): number {
    return this.count;
  }

  add(fd: Fd, dir: boolean): bigint {
    const n = this.free.pop() ?? this.next++;
    this.slots[Number(n)] = { fd, dir, users: 0 };
    this.count++;
    return n;
  }

  /** The entry of a number a client sent: any 64-bit value, only those handed out have one. */
  private entry(n: bigint): FdEntry | undefined {
    return n >= 0n && n < this.next ? this.slots[Number(n)] : undefined;
  }

  /** The fd behind a number, held until `put` (EBADF for a number never given or released). */
  take(n: bigint, wantDir?: boolean): Fd {
    const e = this.entry(n);
    if (!e || e.closing) throw new FopError(E.EBADF, `fd ${n} is not open`);
    if (wantDir !== undefined && e.dir !== wantDir) throw new FopError(E.EBADF, `fd ${n} is ${e.dir ? 'a directory' : 'a file'}`);
    e.users++;
    return e.fd;
  }

  put(n: bigint): void {
    const e = this.entry(n);
    if (!e) return;
    e.users--;
    if (e.users === 0) e.closing?.();
  }

  /**
   * Take an fd out of the table once no call uses it; `wait: false` takes it now (a disconnect
   * that already waited its bounded time for the calls in flight).
   */
  async remove(n: bigint, wait = true): Promise<{ fd: Fd; dir: boolean } | undefined> {
    const e = this.entry(n);
    if (!e || e.closing) return undefined;
    if (wait && e.users > 0) await new Promise<void>((resolve) => (e.closing = resolve));
    else e.closing = () => {};
    this.slots[Number(n)] = undefined;
    this.count--;
    this.free.push(n);
    return { fd: e.fd, dir: e.dir };
  }

  numbers(): bigint[] {
    const out: bigint[] = [];
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i]) out.push(BigInt(i));
    return out;
  }
}

let nextConnection = 1;

/** Bytes of replies queued for a client beyond which its further calls are not read (see begin). */
export const REPLY_BACKLOG = 16 * 1024 * 1024;

/**
 * One connected client (GlusterFS's client_t for one transport): the subvolume SETVOLUME bound
 * it to, its fds, and the identity its frames carry. Locks and fds are released by `id`.
 */
export class ServerClient {
  readonly serial = nextConnection++;
  /** The frame's client identity; translators (features/locks) release by it on disconnect. */
  readonly id: string;
  bound: Xlator | undefined;
  processUuid: string | undefined;
  processName: string | undefined;
  /** Logged in with a valid username and password (squashing skips these clients). */
  trusted = false;
  readonly fds = new ClientFdTable();
  readonly abort = new AbortController();
  inflight = 0;
  private idle: (() => void) | undefined;

  /** Readable peer for logs: `10.0.0.1:49000`, or the socket path. */
  readonly peer: string;

  private backlogged = false;

  /** On a TLS connection, the common name of the client's certificate ('' without one): auth.login's ssl-name. */
  sslName: string | undefined;

  /** `limit`: rpc.outstanding-rpc-limit, calls in flight before reading from the client pauses (0: none). */
  constructor(readonly connection: RpcConnection, readonly peerInfo: AuthRequest['peer'], private readonly limit = 0) {
    this.peer = peerInfo.family === 'unix' ? peerInfo.address : `${peerInfo.address}:${peerInfo.port}`;
    this.id = `${this.peer}#${this.serial}`;
  }

  begin(): void {
    this.inflight++;
    // Replies this client has not read yet pile up in the socket's buffer (a client that sends
    // calls and never reads would grow the brick without bound): past the backlog, its next
    // calls wait in the kernel until the replies drain.
    if (!this.backlogged && this.connection.socket.writableLength > REPLY_BACKLOG) {
      this.backlogged = true;
      this.connection.socket.once('drain', () => {
        this.backlogged = false;
        this.throttle();
      });
    }
    this.throttle();
  }

  end(): void {
    this.inflight--;
    this.throttle();
    if (this.inflight === 0) this.idle?.();
  }

  /** Read the client's calls, or not (too many in flight, or its replies not read). */
  private throttle(): void {
    this.connection.hold(this.backlogged || (this.limit > 0 && this.inflight >= this.limit));
  }

  /** Wait until no call of this client is running (bounded: a stuck fop must not block teardown). */
  async drained(timeoutMs: number): Promise<void> {
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      t.unref();
      this.idle = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.idle = undefined;
  }
}
