import { RpcDecodeError } from '../xdr/errors.js';
import { XdrReader, XdrWriter } from '../xdr/io.js';
import { guard, type Codec } from '../xdr/schema.js';

/**
 * One procedure of an RPC program: its number, its argument and reply layouts, and whether raw
 * bytes travel after the XDR body (GlusterFS sends read data after gfx_read_rsp and write data
 * after gfx_write_req, unpadded, to the end of the record).
 */
export interface Procedure<A = unknown, R = unknown> {
  readonly name: string;
  readonly proc: number;
  readonly args: Codec<A>;
  readonly reply: Codec<R>;
  readonly argsPayload: boolean;
  readonly replyPayload: boolean;
  /** No reply is ever sent (GlusterFS clients do not answer callbacks). */
  readonly oneWay: boolean;
}

export interface Program<P extends Record<string, Procedure> = Record<string, Procedure>> {
  readonly name: string;
  readonly prog: number;
  readonly vers: number;
  readonly procs: P;
  readonly byNumber: ReadonlyMap<number, Procedure>;
}

export function procedure<A, R>(
  name: string,
  proc: number,
  args: Codec<A>,
  reply: Codec<R>,
  opts: { argsPayload?: boolean; replyPayload?: boolean; oneWay?: boolean } = {},
): Procedure<A, R> {
  return { name, proc, args, reply, argsPayload: opts.argsPayload ?? false, replyPayload: opts.replyPayload ?? false, oneWay: opts.oneWay ?? false };
}

export function defineProgram<const P extends Record<string, Procedure>>(name: string, prog: number, vers: number, procs: P): Program<P> {
  const byNumber = new Map<number, Procedure>();
  for (const p of Object.values(procs)) {
    if (byNumber.has(p.proc)) throw new Error(`${name}: procedure number ${p.proc} used twice`);
    byNumber.set(p.proc, p);
  }
  return { name, prog, vers, procs, byNumber };
}

/** A message body and, for procedures that carry one, the raw bytes after it. */
export interface Message<T> {
  value: T;
  payload?: Buffer;
}

/** The XDR body, then the payload (if any) as its own buffer so large data is not copied. */
export function encodeMessage<T>(codec: Codec<T>, value: T, payload?: Buffer): Buffer[] {
  const w = new XdrWriter();
  codec.encode(w, value);
  return payload && payload.length ? [w.finish(), payload] : [w.finish()];
}

/**
 * Decode a body. With `hasPayload` the bytes after it are the payload; otherwise leftover bytes
 * are refused, so every accepted message re-encodes to the same bytes.
 */
export function decodeMessage<T>(codec: Codec<T>, buf: Buffer, hasPayload: boolean): Message<T> {
  const r = new XdrReader(buf);
  const value = guard(() => codec.decode(r));
  if (hasPayload) return { value, payload: r.rest() };
  if (r.remaining) throw new RpcDecodeError(`${r.remaining} unexpected bytes after the message`, r.pos);
  return { value };
}

export type ArgsOf<P> = P extends Procedure<infer A, unknown> ? A : never;
export type ReplyOf<P> = P extends Procedure<unknown, infer R> ? R : never;
