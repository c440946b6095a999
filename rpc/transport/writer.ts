import type { Socket } from 'node:net';
import { native } from '../../native/index.js';
import { closePipe, makePipe, PIPE_BYTES, PipeBytes, pipeBytesOf, realBytes, type Pipe } from '../../runtime/core/pipe-bytes.js';
import { handleFd } from './reader.js';

/** Buffers one writev(2) takes here (the native call's limit: a head and 63 more). */
const WRITEV_MAX = 64;

type Item = Buffer | PipeBytes;

/**
 * The sending side of an RpcConnection: framed records queued and written to the socket.
 *
 * The records of one tick (replies finishing together, calls sent together) leave in one writev
 * at the end of the tick, a record's header and payload never copied together. The writev goes
 * straight to the socket's fd while nothing is queued in the socket (the usual case: a loopback
 * or LAN socket takes a reply whole): Node's stream layers (cork, buffered chunks, a write
 * request and its completion callbacks) cost more than the syscall for a small record. Whatever
 * the kernel does not take (EAGAIN, a short write, an error) goes through the socket, which
 * queues it in order, waits for room, and reports errors; while anything is queued there, later
 * records queue behind it.
 *
 * A payload still in a pipe (runtime/core/pipe-bytes.ts: a large FUSE WRITE's data, a brick's
 * READ data) is tee'd into a scratch pipe and spliced from there to the socket; what a full
 * socket does not take, or a socket that cannot be written directly (a stream pair), gets as a
 * copy. A TLS socket never comes here: its records go one write at a time (sendTls).
 */
export class RecordWriter {
  /** Records of this tick not yet written, and whether a flush is scheduled. */
  private out: Item[] = [];
  private flushing = false;
  /** The socket's fd for direct writes once known; null: never write it directly. */
  private fd: number | null | undefined;
  /** Where piped payloads are tee'd to (sendTo): undefined until first needed, false where it cannot be made. */
  private scratch: Pipe | false | undefined;
  /** Bytes of payloads that came in pipes: spliced to the socket, or copied. */
  readonly piped = { spliced: 0, copied: 0 };

  /**
   * `closed` tells whether the connection still sends; `broken` closes it when a record could
   * only be half written.
   */
  constructor(
    private readonly socket: Socket,
    private readonly closed: () => boolean,
    private readonly broken: (err: Error) => void,
  ) {
    this.tls = (socket as Socket & { encrypted?: boolean }).encrypted === true;
  }

  /** A TLS socket: records go one write at a time (sendTls). */
  private readonly tls: boolean;
  private readonly tlsQueue: Buffer[] = [];
  private tlsWriting = false;

  /** Queue a record: its head (mark included), then its payload, if any. */
  send(head: Buffer, payload?: Buffer): void {
    if (this.closed()) {
      if (payload) pipeBytesOf(payload)?.sent();
      return;
    }
    if (this.tls) return this.sendTls(head, payload);
    // A slice of a placeholder is filled (it has bytes of its own only then). Worked out before
    // the head is queued: should filling throw, no record mark counting a payload is left without it.
    const body = payload && (pipeBytesOf(payload) ?? realBytes(payload));
    this.out.push(head);
    if (body) this.out.push(body);
    if (!this.flushing) {
      this.flushing = true;
      process.nextTick(this.flush);
    }
  }

  /**
   * Over TLS, one RPC record per write, the next only once the last is written. GlusterFS's SSL
   * reader takes one message per readiness of the socket: a TLS record holding the end of one RPC
   * record and the start of the next leaves the second in OpenSSL's buffer, where nothing wakes
   * the reader for it (seen: the real client over TLS hung under 50 concurrent writes). Node joins
   * writes queued together into one SSL_write, so records must not queue together.
   */
  private sendTls(head: Buffer, payload?: Buffer): void {
    const body = payload && (pipeBytesOf(payload) ?? realBytes(payload));
    let record = head;
    if (body instanceof PipeBytes) {
      try {
        record = Buffer.concat([head, body.bytes()]);
        this.piped.copied += body.length;
      } catch (err) {
        return this.broken(new Error(`write data could not be read from its pipe: ${(err as Error).message}`));
      } finally {
        body.sent();
      }
    } else if (body) {
      record = Buffer.concat([head, body]);
    }
    this.tlsQueue.push(record);
    this.pumpTls();
  }

  private readonly pumpTls = (): void => {
    if (this.tlsWriting || this.closed()) return;
    const next = this.tlsQueue.shift();
    if (next === undefined) return;
    this.tlsWriting = true;
    this.socket.write(next, (err) => {
      this.tlsWriting = false;
      if (!err) this.pumpTls();
    });
  };

  /**
   * Write what is queued now (a graceful close, a refusal sent before closing). Over TLS that is
   * every record still waiting its turn, handed to the socket in order behind a write in
   * progress: the close that follows ends the stream after them, where the one-at-a-time pump
   * would stop at the close and drop them.
   */
  flushNow(): void {
    if (this.tls) {
      if (!this.socket.destroyed) for (const record of this.tlsQueue.splice(0)) this.socket.write(record);
      return;
    }
    if (this.out.length) this.flush();
  }

  /** The connection is over: the scratch pipe goes. */
  close(): void {
    if (this.scratch) closePipe(this.scratch);
    this.scratch = false;
  }

  private readonly flush = (): void => {
    this.flushing = false;
    const out = this.out;
    this.out = [];
    if (this.closed()) return this.abandon(out, 0);
    const fd = this.socket.writableLength === 0 ? this.directFd() : undefined;
    const i = fd === undefined ? 0 : this.writeDirect(fd, out);
    if (i >= 0 && i < out.length) this.writeQueued(out, i);
  };

  /**
   * Write `out` straight to the socket's fd until the kernel takes less than offered; the index
   * of the first item left (a short write's rest in its place), or -1 when the stream broke.
   */
  private writeDirect(fd: number, out: Item[]): number {
    let i = 0;
    while (i < out.length) {
      const first = out[i]!;
      if (first instanceof PipeBytes) {
        // Only data that must stay readable goes through the scratch pipe (PipeBytes.sendTo).
        const scratch = first.finishOnSend ? undefined : this.scratchPipe();
        const n = first.sendTo(fd, scratch);
        if (n > 0) this.piped.spliced += n;
        if (n === first.length) {
          first.sent();
          i++;
          continue;
        }
        // The socket took part (or none): what is left goes through the socket, in order.
        if (n > 0) {
          try {
            out[i] = first.rest(n, scratch);
          } catch (err) {
            // Part of a record left and the rest cannot be had: the stream is broken.
            this.abandon(out, i, new Error(`write data could not be read back from a pipe: ${(err as Error).message}`));
            return -1;
          }
          this.piped.copied += first.length - n;
          first.sent();
        }
        return i;
      }
      let end = Math.min(out.length, i + WRITEV_MAX);
      for (let j = i + 1; j < end; j++) if (out[j] instanceof PipeBytes) end = j;
      const n = native.writevNb(fd, first, out.slice(i + 1, end) as Buffer[]);
      if (n < 0) return i;
      let left = n;
      while (i < end && left >= out[i]!.length) left -= out[i++]!.length;
      if (i < end) {
        out[i] = (out[i] as Buffer).subarray(left);
        return i;
      }
    }
    return i;
  }

  /** Hand `out[from..]` to the socket's own queue, piped payloads copied out of their pipes. */
  private writeQueued(out: Item[], from: number): void {
    const s = this.socket;
    s.cork();
    for (let i = from; i < out.length; i++) {
      const o = out[i]!;
      if (!(o instanceof PipeBytes)) {
        s.write(o);
        continue;
      }
      let data: Buffer;
      try {
        data = o.bytes();
      } catch (err) {
        // Its request was answered before its record left (a bug): the bytes are gone, and a
        // record without them would desynchronize the stream.
        s.uncork();
        return this.abandon(out, i, new Error(`write data could not be read from its pipe: ${(err as Error).message}`));
      }
      this.piped.copied += data.length;
      s.write(data);
      o.sent();
    }
    s.uncork();
  }

  /**
   * Records from `out[from]` on will not be sent: data that was only for this send gives its
   * pipe back; with `err`, the connection is broken (a record may have been left half written).
   */
  private abandon(out: Item[], from: number, err?: Error): void {
    for (let i = from; i < out.length; i++) {
      const o = out[i]!;
      if (o instanceof PipeBytes) o.sent();
    }
    if (err) this.broken(err);
  }

  /** The scratch pipe, made on first use; undefined where pipes that large cannot be made. */
  private scratchPipe(): Pipe | undefined {
    if (this.scratch === undefined) this.scratch = makePipe(PIPE_BYTES) ?? false;
    return this.scratch || undefined;
  }

  /** The fd direct writes may use: a connected plain socket's (not a stream pair; TLS goes by sendTls). */
  private directFd(): number | undefined {
    if (this.fd === undefined && !this.socket.connecting) this.fd = handleFd(this.socket) ?? null;
    return this.fd ?? undefined;
  }
}
