import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { copyOf } from '../../runtime/core/bytes.js';
import { IdTable } from '../../runtime/core/id-table.js';
import { realBytes } from '../../runtime/core/pipe-bytes.js';
import { POOL_MIN } from '../../runtime/core/recycle.js';
import { Logger } from '../../runtime/log/logger.js';
import {
  AcceptStat, AuthStat, RPC_VERSION, acceptedReply, authErrorReply, decodeRecord, encodeReply, progMismatchReply, replyFailure, rpcMismatchReply,
  writeCallHeader, writeReplyHeader, writeVerifier, type CallHeader, type OpaqueAuth, type ReplyBody,
} from '../sunrpc/message.js';
import { credentialFromAuth, writeCredential, type Credential } from '../sunrpc/auth.js';
import { DEFAULT_MAX_RECORD, RecordDecoder, frameRecord } from '../sunrpc/record.js';
import { decodeMessage, type ArgsOf, type Message, type Procedure, type Program, type ReplyOf } from '../programs/program.js';
import { RpcDecodeError } from '../xdr/errors.js';
import { XdrWriter } from '../xdr/io.js';
import { RpcConnectionClosedError, RpcRejectedError, RpcTimeoutError } from './errors.js';
import { RecordWriter } from './writer.js';

/** GlusterFS's frame-timeout default: 1800 s. */
export const DEFAULT_FRAME_TIMEOUT_MS = 1800_000;

export interface ConnectionOptions {
  /** Largest record accepted from the peer; a bigger one closes the connection. */
  maxRecord?: number;
  /** How long a call waits for its reply (per call, overridable in `call`). */
  frameTimeoutMs?: number;
  /** Credential sent with calls that do not give one. */
  credential?: Credential;
  logger?: Logger;
  /** For log lines: which peer this is. */
  name?: string;
}

export interface RpcCallOptions {
  /** Raw bytes after the XDR arguments (WRITE data). */
  payload?: Buffer;
  cred?: Credential;
  timeoutMs?: number;
  /**
   * A large reply is assembled in a buffer of this pool: the caller gives the reply's payload
   * back (runtime/core/recycle.ts) once it is done with it.
   */
  replyPool?: ReplyPool;
}

/** Where a reply may be assembled: a BufferPool or SizedPools (runtime/core/recycle.ts). */
export interface ReplyPool {
  take(len: number): Buffer | undefined;
}

/** msg_type of a reply (RFC 5531: CALL 0, REPLY 1). */
const MSG_REPLY = 1;

export interface CallContext {
  xid: number;
  header: CallHeader;
  cred: Credential;
  payload?: Buffer;
  connection: RpcConnection;
}

/** Serves one procedure: returns the reply (and payload), nothing for one-way procedures. */
export type Handler<P extends Procedure> = (args: ArgsOf<P>, ctx: CallContext) => Message<ReplyOf<P>> | void | Promise<Message<ReplyOf<P>> | void>;
export type Handlers<P extends Program> = { [K in keyof P['procs']]?: Handler<P['procs'][K]> };

interface Pending {
  procedure: Procedure;
  resolve(m: Message<unknown>): void;
  reject(e: Error): void;
  /** Date.now() past which the call fails with RpcTimeoutError. */
  deadline: number;
  timeoutMs: number;
  /** Where a large reply is assembled (runtime/core/recycle.ts), when its caller gives it back. */
  pool?: ReplyPool;
}

/** Record marking: the last-fragment bit, and the largest fragment (a record is sent as one). */
const LAST_FRAGMENT = 0x80000000;
const MAX_FRAGMENT = 0x7fffffff;
/** First size of a record's writer: a header and a reply with a few iatts fit without growing. */
const WRITER_START = 1024;
/** The reply header of every successful call. */
const SUCCESS = acceptedReply();

/** Where auth_glusterfs_params_v3 keeps the frame's birth time: ctime_nsec then ctime_sec. */
const V3_CTIME_AT = 16;
const V3_CTIME_END = 28;

/** Two v3 credential bodies of one length that differ at most in their birth time. */
function sameButCtime(a: Buffer, b: Buffer): boolean {
  return a.length >= V3_CTIME_END && a.compare(b, 0, V3_CTIME_AT, 0, V3_CTIME_AT) === 0 && a.compare(b, V3_CTIME_END, a.length, V3_CTIME_END, a.length) === 0;
}

/**
 * One SunRPC connection over a stream socket (TCP or unix). Both ends can call and serve:
 * a GlusterFS server calls its clients back on the connection they opened. Calls are matched to
 * replies by xid. A record that cannot be framed or parsed closes this connection only, after
 * a log line; bad arguments in a well-formed call get a GARBAGE_ARGS reply.
 *
 * Events: 'close' (err?: Error).
 */
export class RpcConnection extends EventEmitter {
  private readonly decoder: RecordDecoder;
  private readonly pending = new IdTable<Pending>();
  private readonly services = new Map<number, { program: Program; handlers: Record<string, Handler<Procedure> | undefined> }>();
  private nextXid = 1;
  /** One timer for every outstanding call's frame timeout, armed for the earliest deadline. */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** The sending side: records queued per tick and written to the socket (writer.ts). */
  private readonly writer: RecordWriter;
  /** See hold(). */
  private held = false;
  private readonly heldRecords: Buffer[] = [];
  /** The credential this peer sent last, with its flavor and bytes (see credentialOf). */
  private lastCred: { flavor: number; body: Buffer; cred: Credential } | undefined;
  private replaying = false;
  /** Who reads the socket: Node's stream, unless readWith gave another reader. */
  private reading: { pause(): void; resume(): void } = { pause: () => this.socket.pause(), resume: () => this.socket.resume() };
  private closedWith: Error | null | undefined;
  private emittedClose = false;
  readonly log: Logger;
  readonly name: string;
  frameTimeoutMs: number;
  credential: Credential;

  constructor(readonly socket: Socket, opts: ConnectionOptions = {}) {
    super();
    this.decoder = new RecordDecoder(opts.maxRecord ?? DEFAULT_MAX_RECORD, this.replyBuffer);
    this.frameTimeoutMs = opts.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
    this.credential = opts.credential ?? { flavor: 'null' };
    this.log = opts.logger ?? new Logger('rpc');
    this.name = opts.name ?? (socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix');
    this.writer = new RecordWriter(socket, () => this.closed, (err) => this.close(err));
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.warn('connection error', { peer: this.name, error: err.message }));
    socket.on('end', () => this.warnCutShort());
    socket.on('close', () => this.finish(this.closedWith ?? null));
  }

  get closed(): boolean {
    return this.closedWith !== undefined || this.socket.destroyed;
  }

  /** Bytes of payloads that came in pipes: spliced to the socket, or copied (socket full, TLS). */
  get piped(): { readonly spliced: number; readonly copied: number } {
    return this.writer.piped;
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** Answer calls to `program` with `handlers`; procedures without a handler get PROC_UNAVAIL. */
  serve<P extends Program>(program: P, handlers: Handlers<P>): this {
    this.services.set(program.prog, { program, handlers: handlers as Record<string, Handler<Procedure> | undefined> });
    return this;
  }

  /** Call a procedure and wait for its reply (rejects on timeout, refusal or close). */
  call<P extends Procedure>(
    program: Program,
    procedure: P,
    args: ArgsOf<P>,
    opts: RpcCallOptions = {},
  ): Promise<Message<ReplyOf<P>>> {
    if (procedure.oneWay) return Promise.reject(new Error(`${procedure.name} is one-way: use notify()`));
    const xid = this.allocXid();
    return new Promise<Message<ReplyOf<P>>>((resolve, reject) => {
      if (this.closed) return reject(new RpcConnectionClosedError(procedure.name, xid));
      const timeoutMs = opts.timeoutMs ?? this.frameTimeoutMs;
      const deadline = Date.now() + timeoutMs;
      this.pending.set(xid, { procedure, resolve: resolve as (m: Message<unknown>) => void, reject, deadline, timeoutMs, pool: opts.replyPool });
      try {
        this.sendCall(program, procedure, xid, args, opts);
      } catch (err) {
        this.pending.delete(xid);
        return reject(err as Error);
      }
      this.armTimer(deadline);
    });
  }

  /**
   * The buffer a large record is assembled in (RecordDecoder's alloc): a pooled one for the reply
   * to a call made with `replyPool`, found by the xid in its first bytes; otherwise a new one.
   */
  private readonly replyBuffer = (len: number, start: Buffer): Buffer | undefined => {
    if (len < POOL_MIN || start.readUInt32BE(4) !== MSG_REPLY) return undefined;
    return this.pending.get(start.readUInt32BE(0))?.pool?.take(len);
  };

  /**
   * Frame timeouts without a timer per call (a setTimeout and clearTimeout per call cost more
   * than the rest of a small call's bookkeeping): one timer for the earliest deadline; when it
   * fires, expired calls fail and it is armed again for the next one.
   */
  private armTimer(deadline: number): void {
    if (deadline >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(this.sweep, Math.max(0, deadline - Date.now()));
    this.timer.unref();
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [xid, p] of this.pending) {
      if (p.deadline <= now) {
        this.pending.delete(xid);
        p.reject(new RpcTimeoutError(p.procedure.name, xid, p.timeoutMs));
      } else if (p.deadline < next) next = p.deadline;
    }
    if (next !== Infinity) this.armTimer(next);
  };

  /** Send a call no reply is expected for (callbacks). */
  notify<P extends Procedure>(program: Program, procedure: P, args: ArgsOf<P>, opts: { payload?: Buffer; cred?: Credential } = {}): void {
    this.sendCall(program, procedure, this.allocXid(), args, opts);
  }

  /** Close this connection; outstanding calls fail with RpcConnectionClosedError. */
  close(err?: Error): void {
    // A graceful close sends what this tick queued first (a reply written just before).
    if (!err) this.writer.flushNow();
    if (this.closedWith === undefined) this.closedWith = err ?? null;
    if (err) this.socket.destroy();
    else this.socket.end(() => this.socket.destroy());
    this.finish(this.closedWith);
  }

  private allocXid(): number {
    do {
      this.nextXid = this.nextXid >= 0xffffffff ? 1 : this.nextXid + 1;
    } while (this.pending.has(this.nextXid));
    return this.nextXid;
  }

  /**
   * A call as one record: mark, header, credential and arguments encoded into one buffer (no
   * intermediate buffers, no concatenation), the payload (write data) sent after it uncopied.
   */
  private sendCall(program: Program, procedure: Procedure, xid: number, args: unknown, opts: { payload?: Buffer; cred?: Credential }): void {
    const w = new XdrWriter(WRITER_START);
    w.uint(0);
    writeCallHeader(w, xid, program.prog, program.vers, procedure.proc);
    writeCredential(w, opts.cred ?? this.credential);
    writeVerifier(w);
    procedure.args.encode(w, args);
    this.sendRecord(w, opts.payload);
  }

  /** `w` holds a 4-byte placeholder for the record mark, then the record's XDR part. */
  private sendRecord(w: XdrWriter, payload?: Buffer): void {
    const extra = payload && payload.length ? payload : undefined;
    const size = w.length - 4 + (extra?.length ?? 0);
    if (size > MAX_FRAGMENT) {
      // Never for GlusterFS-sized records; frameRecord splits what one fragment cannot hold.
      return this.write(extra ? Buffer.concat([w.view().subarray(4), realBytes(extra)]) : w.view().subarray(4));
    }
    w.patchUint(0, LAST_FRAGMENT + size);
    this.writer.send(w.view(), extra);
  }

  private write(record: Buffer): void {
    this.writer.send(frameRecord(record));
  }

  private onData(chunk: Buffer): void {
    this.receive(chunk, false);
  }

  /**
   * Bytes from the peer, `chunk[0, end)`. Sockets read through a connectionReader (protocol/
   * client's, and protocol/server's adopted ones) reuse one buffer and pass it here whole with
   * the length read, as `transient`: whatever is kept is copied out first. That spares a fresh
   * 64 KiB buffer per socket read (see RecordDecoder).
   */
  receive(chunk: Buffer, transient: boolean, end = chunk.length): void {
    if (this.closed) return;
    let records: Buffer[];
    try {
      records = this.decoder.push(chunk, transient, end);
    } catch (err) {
      return this.fail('refusing a record', err as Error);
    }
    this.dispatch(records);
  }

  /**
   * Stop (true) or resume (false) handling received records. A server holds a client that has
   * too many calls in flight or too many replies unread: one socket read can carry hundreds of
   * small calls, so pausing the socket alone would still run them all. Held records wait here,
   * in order (at most what the reads before the pause brought), and run when released.
   */
  hold(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    // Held, the socket is not read either: what waits here is bounded by the reads before.
    if (held) this.reading.pause();
    else this.reading.resume();
    // Replayed by index (a read can have brought hundreds: shift() per record is quadratic); a
    // record that holds the connection again leaves the rest queued. A release from inside a
    // replayed record leaves the replay to the loop already running.
    if (this.replaying) return;
    this.replaying = true;
    let i = 0;
    try {
      while (!this.held && i < this.heldRecords.length && !this.closed) this.onRecord(this.heldRecords[i++]!);
    } finally {
      this.heldRecords.splice(0, i);
      this.replaying = false;
    }
  }

  private dispatch(records: Buffer[]): void {
    for (const r of records) {
      if (this.closed) return;
      if (this.held || this.heldRecords.length > 0) this.heldRecords.push(r);
      else this.onRecord(r);
    }
  }

  /** See RecordDecoder.directTarget: where a socket read may land directly, or undefined. */
  directTarget(min: number): Buffer | undefined {
    return this.closed ? undefined : this.decoder.directTarget(min);
  }

  /** The socket is read by someone else from now on (reader.ts): hold() pauses and resumes them. */
  readWith(reading: { pause(): void; resume(): void }): void {
    this.reading = reading;
    if (this.held) reading.pause();
  }

  /** The peer ended the stream (our own reader saw it): as Node does, then our end too. */
  peerEnded(): void {
    this.warnCutShort();
    this.close();
  }

  private warnCutShort(): void {
    if (this.decoder.pending) this.log.warn('peer closed the connection in the middle of a record', { peer: this.name, bytes: this.decoder.pending });
  }

  /** `n` bytes were read into the buffer directTarget gave. */
  receiveDirect(n: number): void {
    if (this.closed) return;
    let records: Buffer[];
    try {
      records = this.decoder.pushDirect(n);
    } catch (err) {
      return this.fail('refusing a record', err as Error);
    }
    this.dispatch(records);
  }

  private onRecord(record: Buffer): void {
    let rec;
    try {
      rec = decodeRecord(record);
    } catch (err) {
      return this.fail('malformed RPC message', err as Error);
    }
    if (rec.msg.mtype === MSG_REPLY) return this.onReply(rec.xid, rec.msg.value, rec.payload);
    void this.onCall(rec.xid, rec.msg.value, rec.payload);
  }

  private onReply(xid: number, body: ReplyBody, payload: Buffer): void {
    const p = this.pending.get(xid);
    if (!p) {
      this.log.debug('reply to no outstanding call (timed out?)', { peer: this.name, xid });
      return;
    }
    this.pending.delete(xid);
    const failure = replyFailure(body);
    if (failure) return p.reject(new RpcRejectedError(p.procedure.name, failure));
    try {
      p.resolve(decodeMessage(p.procedure.reply, payload, p.procedure.replyPayload));
    } catch (err) {
      this.log.warn('undecodable reply', { peer: this.name, xid, procedure: p.procedure.name, error: (err as Error).message });
      p.reject(err as Error);
    }
  }

  /** A reply without results (refusals and failures). */
  private replyStatus(xid: number, body: ReplyBody): void {
    this.write(encodeReply(xid, body));
  }

  /**
   * A peer that speaks another protocol, or sends what no GlusterFS peer sends, gets the
   * standard refusal and loses this connection (only this one).
   */
  private refuse(xid: number, what: string, body: ReplyBody): void {
    this.replyStatus(xid, body);
    this.endAfterRefusal(what);
  }

  /**
   * A call's credential. A client sends the same one call after call (same pid, owner and
   * groups): the last one decoded on this connection is reused while its bytes match, shared by
   * those calls and so frozen. A real GlusterFS client stamps each frame's birth time into a v3
   * credential (our client sends 0): when only those bytes differ, the last credential is copied
   * with the new time instead of decoding the groups and lk-owner again.
   */
  private credentialOf(auth: OpaqueAuth): Credential {
    const last = this.lastCred;
    const body = auth.body;
    if (last !== undefined && last.flavor === auth.flavor && body.length === last.body.length) {
      if (body.equals(last.body)) return last.cred;
      if (last.cred.flavor === 'glusterfs-v3' && sameButCtime(body, last.body)) {
        body.copy(last.body, V3_CTIME_AT, V3_CTIME_AT, V3_CTIME_END);
        last.cred = Object.freeze({ ...last.cred, ctime: { sec: body.readBigUInt64BE(V3_CTIME_AT + 4), nsec: body.readUInt32BE(V3_CTIME_AT) } });
        return last.cred;
      }
    }
    const cred = Object.freeze(credentialFromAuth(auth));
    this.lastCred = { flavor: auth.flavor, body: copyOf(body), cred };
    return cred;
  }

  // No closures per call here: under tsx every named closure costs a defineProperty.
  private async onCall(xid: number, header: CallHeader, payload: Buffer): Promise<void> {
    if (header.rpcvers !== RPC_VERSION) return this.refuse(xid, `RPC version ${header.rpcvers}`, rpcMismatchReply());
    const service = this.services.get(header.prog);
    if (!service) return this.refuse(xid, `unknown program ${header.prog}`, acceptedReply(AcceptStat.PROG_UNAVAIL));
    const { program, handlers } = service;
    if (program.vers !== header.vers) return this.refuse(xid, `${program.name} version ${header.vers}`, progMismatchReply(program.vers, program.vers));
    const procedure = program.byNumber.get(header.proc);
    const handler = procedure && handlers[procedure.name];
    if (!procedure || !handler) return procedure?.oneWay ? undefined : this.replyStatus(xid, acceptedReply(AcceptStat.PROC_UNAVAIL));
    let cred: Credential;
    let args: Message<unknown>;
    try {
      cred = this.credentialOf(header.cred);
    } catch {
      return this.refuse(xid, 'a malformed credential', authErrorReply(AuthStat.BADCRED));
    }
    try {
      args = decodeMessage(procedure.args, payload, procedure.argsPayload);
    } catch (err) {
      this.log.warn('garbage arguments', { peer: this.name, procedure: procedure.name, error: (err as Error).message });
      if (procedure.oneWay) return this.endAfterRefusal(`garbage arguments to ${procedure.name}`);
      return this.refuse(xid, `garbage arguments to ${procedure.name}`, acceptedReply(AcceptStat.GARBAGE_ARGS));
    }
    try {
      const ctx: CallContext = { xid, header, cred, connection: this, ...(args.payload ? { payload: args.payload } : {}) };
      const out = await handler(args.value as never, ctx);
      if (procedure.oneWay) return;
      if (!out) throw new Error(`handler for ${procedure.name} returned no reply`);
      const w = new XdrWriter(WRITER_START);
      w.uint(0);
      writeReplyHeader(w, xid, SUCCESS);
      procedure.reply.encode(w, out.value);
      this.sendRecord(w, out.payload);
    } catch (err) {
      this.log.error('call handler failed', { peer: this.name, procedure: procedure.name, error: (err as Error).message });
      if (!procedure.oneWay) this.replyStatus(xid, acceptedReply(AcceptStat.SYSTEM_ERR));
    }
  }

  /** The refusal is written; let it drain, then close this connection with a log line. */
  private endAfterRefusal(what: string): void {
    if (this.closed) return;
    const err = new RpcDecodeError(`the peer sent ${what}`);
    this.log.error(`the peer sent ${what}; closing the connection`, { peer: this.name });
    this.writer.flushNow();
    this.closedWith = err;
    this.socket.end(() => this.socket.destroy());
    this.finish(err);
  }

  /** Close this connection (and only it) because of what the peer sent. */
  private fail(what: string, err: Error): void {
    this.log.error(`${what}; closing the connection`, { peer: this.name, error: err.message });
    this.close(err instanceof RpcDecodeError ? err : new RpcDecodeError(err.message, undefined, { cause: err }));
  }

  private finish(err: Error | null): void {
    if (this.closedWith === undefined) this.closedWith = err;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.writer.close();
    for (const [xid, p] of this.pending) {
      p.reject(new RpcConnectionClosedError(p.procedure.name, xid, err ? { cause: err } : undefined));
    }
    this.pending.clear();
    if (!this.emittedClose) {
      this.emittedClose = true;
      this.emit('close', err ?? undefined);
    }
  }
}
