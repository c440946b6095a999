import { closeSync } from 'node:fs';
import { Socket as NetSocket, type OnReadOpts, type Socket, type SocketConstructorOpts } from 'node:net';
import { constants } from 'node:os';
import { errnoError, native, type Waiter } from '../../native/index.js';
import { copyOf } from '../../runtime/core/bytes.js';
import type { RpcConnection } from './connection.js';

/**
 * One read buffer per connection, reused for every read. Many small records fit at once; the
 * start of a large one (READ reply, WRITE call) is copied out of it, the rest of that record is
 * read straight into its own buffer (DIRECT_MIN), so a larger buffer would only copy more.
 */
const READ_BUFFER = 64 * 1024;
/** A fragment with at least this much still missing is read straight into its own buffer. */
const DIRECT_MIN = 64 * 1024;
/** Reads per wake-up before other fds get a turn (the fd stays readable: the loop comes back). */
const READS_PER_WAKE = 16;

const { EAGAIN, EINTR } = constants.errno;

/**
 * Reads for a socket opened with Node's `onread` option, fed to the RpcConnection made once the
 * socket is connected (`attach`; what arrives before is kept and handed over then). Reads land in
 * one buffer the socket reuses and are passed on as transient chunks, instead of Node allocating
 * 64 KiB per read (which, at hundreds of MB/s, kept V8 in major GCs). While a large record (a
 * READ reply's data) is being assembled, the next read goes straight into that record's own
 * buffer (Node asks the buffer function where each next read goes), so the data is copied once,
 * from the kernel, rather than twice.
 */
export function connectionReader(): { onread: OnReadOpts; attach(conn: RpcConnection): void } {
  const shared = Buffer.allocUnsafe(READ_BUFFER);
  let conn: RpcConnection | undefined;
  let early: Buffer[] = [];
  return {
    onread: {
      buffer: () => conn?.directTarget(DIRECT_MIN) ?? shared,
      callback(n: number, buf: Uint8Array): boolean {
        // Node hands back the buffer it read into: the shared one is passed on with its length
        // (no view made per read), a record's own buffer was filled in place.
        if (buf !== shared) conn!.receiveDirect(n);
        else if (conn) conn.receive(shared, true, n);
        else early.push(copyOf(shared, 0, n));
        return true;
      },
    },
    attach(c: RpcConnection): void {
      conn = c;
      for (const chunk of early) c.receive(chunk, false);
      early = [];
      readWaited(c, shared);
    },
  };
}

/**
 * From now on read `conn`'s socket ourselves, woken by native waitReadable, instead of through
 * Node's stream: a wake-up then costs no libuv iteration, no stream callback and no
 * onStreamRead (see native/src/waitloop.c). Node's reading is paused for good; its socket still
 * connects, writes what the kernel did not take at once, and closes. The waiter reads a dup of
 * the socket's fd, which it closes itself, so Node closing the socket can never leave a
 * registration under a number a new fd takes. The end of the stream and read errors are
 * handled here as Node would: the end closes the connection gracefully, an error destroys the
 * socket with it. Where the fd cannot be had, Node goes on reading.
 */
function readWaited(conn: RpcConnection, shared: Buffer): void {
  const socket = conn.socket;
  const fd = socket.destroyed ? undefined : handleFd(socket);
  const dup = fd === undefined ? -1 : native.dupNb(fd);
  if (dup < 0) return;
  let waiter: Waiter | undefined;
  const onReadable = (): void => {
    for (let i = 0; i < READS_PER_WAKE && waiter; i++) {
      // A connection closed by what it read stops reading at once: the dup would hold it open.
      if (conn.closed) return stop();
      const direct = conn.directTarget(DIRECT_MIN);
      const into = direct ?? shared;
      const n = native.readNb(dup, into);
      if (n > 0) {
        if (direct) conn.receiveDirect(n);
        else conn.receive(shared, true, n);
        // A stream socket hands over all it holds, up to what was asked: less means it is empty
        // now, and reading on would only find EAGAIN (a syscall per wake-up, on every reply's
        // way). Epoll is level-triggered: what arrives meanwhile calls back at once.
        if (n < into.length) return;
        continue;
      }
      if (n === -EINTR) continue;
      if (n === -EAGAIN) return;
      stop();
      if (n === 0) conn.peerEnded();
      else socket.destroy(errnoError(n, 'read'));
    }
  };
  const stop = (): void => {
    waiter?.close();
    waiter = undefined;
  };
  try {
    waiter = native.waitReadable(dup, onReadable, true);
  } catch {
    closeSync(dup);
    return;
  }
  socket.pause();
  conn.readWith({ pause: () => waiter?.pause(), resume: () => waiter?.resume() });
  socket.once('close', stop);
}

/** The fd under a socket's libuv handle (TCP or pipe), when Node exposes it. */
export function handleFd(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * An accepted socket with a connectionReader. net.Server gives its sockets no `onread` option,
 * so a server's calls would each arrive in a fresh 64 KiB buffer (a malloc and a free per call),
 * and a 1 MiB WRITE in sixteen of them copied again into its record. The server accepts with
 * `pauseOnConnect` (nothing read yet); the accepted socket's fd is duplicated into a new Socket
 * that has the reader, and the accepted one is destroyed (closing only its own fd). Where the fd
 * is not reachable, the accepted socket is used as it is (resumed by `attach`).
 */
export function adoptAccepted(accepted: Socket): { socket: Socket; attach(conn: RpcConnection): void } {
  // The accepted socket must not have read anything (pauseOnConnect): it would be lost here.
  const asAccepted = { socket: accepted, attach: () => void accepted.resume() };
  const fd = handleFd(accepted);
  const dup = fd === undefined ? -1 : native.dupNb(fd);
  if (dup < 0) return asAccepted;
  const reader = connectionReader();
  let socket: Socket;
  try {
    // `onread` is a documented constructor option that @types/node lists only for connect().
    socket = new NetSocket({ fd: dup, readable: true, writable: true, onread: reader.onread } as SocketConstructorOpts);
  } catch {
    // Node's Socket opens the fd last: a throw means it does not own the duplicate.
    closeSync(dup);
    return asAccepted;
  }
  accepted.destroy();
  return { socket, attach: reader.attach };
}
