import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Logger } from '../../runtime/log/logger.js';
import { AcceptStat, AuthStat, RPC_VERSION, acceptedReply, authErrorReply, decodeRecord, encodeCall, encodeReply, progMismatchReply, replyFailure, rpcMismatchReply, type CallHeader, type ReplyBody } from '../sunrpc/message.js';
import { credentialFromAuth, credentialToAuth, type Credential } from '../sunrpc/auth.js';
import { DEFAULT_MAX_RECORD, RecordDecoder, frameRecord } from '../sunrpc/record.js';
import { decodeMessage, encodeMessage, type ArgsOf, type Message, type Procedure, type Program, type ReplyOf } from '../programs/program.js';
import { RpcDecodeError } from '../xdr/errors.js';
import { RpcConnectionClosedError, RpcRejectedError, RpcTimeoutError } from './errors.js';

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
  timer: NodeJS.Timeout;
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
  private readonly pending = new Map<number, Pending>();
  private readonly services = new Map<number, { program: Program; handlers: Record<string, Handler<Procedure> | undefined> }>();
  private nextXid = 1;
  private closedWith: Error | null | undefined;
  private emittedClose = false;
  readonly log: Logger;
  readonly name: string;
  frameTimeoutMs: number;
  credential: Credential;

  constructor(readonly socket: Socket, opts: ConnectionOptions = {}) {
    super();
    this.decoder = new RecordDecoder(opts.maxRecord ?? DEFAULT_MAX_RECORD);
    this.frameTimeoutMs = opts.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
    this.credential = opts.credential ?? { flavor: 'null' };
    this.log = opts.logger ?? new Logger('rpc');
    this.name = opts.name ?? (socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix');
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.warn('connection error', { peer: this.name, error: err.message }));
    socket.on('end', () => {
      if (this.decoder.pending) this.log.warn('peer closed the connection in the middle of a record', { peer: this.name, bytes: this.decoder.pending });
    });
    socket.on('close', () => this.finish(this.closedWith ?? null));
  }

  get closed(): boolean {
    return this.closedWith !== undefined || this.socket.destroyed;
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
    opts: { payload?: Buffer; cred?: Credential; timeoutMs?: number } = {},
  ): Promise<Message<ReplyOf<P>>> {
    if (procedure.oneWay) return Promise.reject(new Error(`${procedure.name} is one-way: use notify()`));
    const xid = this.allocXid();
    return new Promise<Message<ReplyOf<P>>>((resolve, reject) => {
      if (this.closed) return reject(new RpcConnectionClosedError(procedure.name, xid));
      const timeoutMs = opts.timeoutMs ?? this.frameTimeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(xid);
        reject(new RpcTimeoutError(procedure.name, xid, timeoutMs));
      }, timeoutMs);
      timer.unref();
      this.pending.set(xid, { procedure, resolve: resolve as (m: Message<unknown>) => void, reject, timer });
      try {
        this.sendCall(program, procedure, xid, args, opts);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(xid);
        reject(err as Error);
      }
    });
  }

  /** Send a call no reply is expected for (callbacks). */
  notify<P extends Procedure>(program: Program, procedure: P, args: ArgsOf<P>, opts: { payload?: Buffer; cred?: Credential } = {}): void {
    this.sendCall(program, procedure, this.allocXid(), args, opts);
  }

  /** Close this connection; outstanding calls fail with RpcConnectionClosedError. */
  close(err?: Error): void {
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

  private sendCall(program: Program, procedure: Procedure, xid: number, args: unknown, opts: { payload?: Buffer; cred?: Credential }): void {
    const body = encodeMessage(procedure.args, args, opts.payload);
    const cred = credentialToAuth(opts.cred ?? this.credential);
    this.write(encodeCall({ xid, prog: program.prog, vers: program.vers, proc: procedure.proc, cred }, body));
  }

  private write(record: Buffer): void {
    if (this.closed) return;
    this.socket.write(frameRecord(record));
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let records: Buffer[];
    try {
      records = this.decoder.push(chunk);
    } catch (err) {
      return this.fail('refusing a record', err as Error);
    }
    for (const r of records) {
      if (this.closed) return;
      this.onRecord(r);
    }
  }

  private onRecord(record: Buffer): void {
    let rec;
    try {
      rec = decodeRecord(record);
    } catch (err) {
      return this.fail('malformed RPC message', err as Error);
    }
    if (rec.msg.mtype === 1) return this.onReply(rec.xid, rec.msg.value, rec.payload);
    void this.onCall(rec.xid, rec.msg.value, rec.payload);
  }

  private onReply(xid: number, body: ReplyBody, payload: Buffer): void {
    const p = this.pending.get(xid);
    if (!p) {
      this.log.debug('reply to no outstanding call (timed out?)', { peer: this.name, xid });
      return;
    }
    this.pending.delete(xid);
    clearTimeout(p.timer);
    const failure = replyFailure(body);
    if (failure) return p.reject(new RpcRejectedError(p.procedure.name, failure));
    try {
      p.resolve(decodeMessage(p.procedure.reply, payload, p.procedure.replyPayload));
    } catch (err) {
      this.log.warn('undecodable reply', { peer: this.name, xid, procedure: p.procedure.name, error: (err as Error).message });
      p.reject(err as Error);
    }
  }

  private async onCall(xid: number, header: CallHeader, payload: Buffer): Promise<void> {
    const reply = (body: ReplyBody, results: Buffer[] = []) => this.write(encodeReply(xid, body, results));
    // A peer that speaks another protocol, or sends what no GlusterFS peer sends, gets the
    // standard refusal and loses this connection (only this one).
    const refuse = (what: string, body: ReplyBody) => {
      reply(body);
      this.endAfterRefusal(what);
    };
    if (header.rpcvers !== RPC_VERSION) return refuse(`RPC version ${header.rpcvers}`, rpcMismatchReply());
    const service = this.services.get(header.prog);
    if (!service) return refuse(`unknown program ${header.prog}`, acceptedReply(AcceptStat.PROG_UNAVAIL));
    const { program, handlers } = service;
    if (program.vers !== header.vers) return refuse(`${program.name} version ${header.vers}`, progMismatchReply(program.vers, program.vers));
    const procedure = program.byNumber.get(header.proc);
    const handler = procedure && handlers[procedure.name];
    if (!procedure || !handler) return procedure?.oneWay ? undefined : reply(acceptedReply(AcceptStat.PROC_UNAVAIL));
    let cred: Credential;
    let args: Message<unknown>;
    try {
      cred = credentialFromAuth(header.cred);
    } catch {
      return refuse('a malformed credential', authErrorReply(AuthStat.BADCRED));
    }
    try {
      args = decodeMessage(procedure.args, payload, procedure.argsPayload);
    } catch (err) {
      this.log.warn('garbage arguments', { peer: this.name, procedure: procedure.name, error: (err as Error).message });
      if (procedure.oneWay) return this.endAfterRefusal(`garbage arguments to ${procedure.name}`);
      return refuse(`garbage arguments to ${procedure.name}`, acceptedReply(AcceptStat.GARBAGE_ARGS));
    }
    try {
      const ctx: CallContext = { xid, header, cred, connection: this, ...(args.payload ? { payload: args.payload } : {}) };
      const out = await handler(args.value as never, ctx);
      if (procedure.oneWay) return;
      if (!out) throw new Error(`handler for ${procedure.name} returned no reply`);
      reply(acceptedReply(), encodeMessage(procedure.reply, out.value, out.payload));
    } catch (err) {
      this.log.error('call handler failed', { peer: this.name, procedure: procedure.name, error: (err as Error).message });
      if (!procedure.oneWay) reply(acceptedReply(AcceptStat.SYSTEM_ERR));
    }
  }

  /** The refusal is written; let it drain, then close this connection with a log line. */
  private endAfterRefusal(what: string): void {
    if (this.closed) return;
    const err = new RpcDecodeError(`the peer sent ${what}`);
    this.log.error(`the peer sent ${what}; closing the connection`, { peer: this.name });
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
    for (const [xid, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RpcConnectionClosedError(p.procedure.name, xid, err ? { cause: err } : undefined));
    }
    this.pending.clear();
    if (!this.emittedClose) {
      this.emittedClose = true;
      this.emit('close', err ?? undefined);
    }
  }
}
