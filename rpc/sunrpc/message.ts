import { bufferView } from '../../runtime/core/bytes.js';
import { pad, XdrReader, XdrWriter } from '../xdr/io.js';
import { guard, opaque, struct, uint, union, xvoid, type Infer } from '../xdr/schema.js';

/** RPC message layout (RFC 5531 section 9), declared with the same schema combinators as the programs. */

/** RFC 5531 limits an opaque_auth body to 400 bytes. */
export const MAX_AUTH_BYTES = 400;
export const RPC_VERSION = 2;

export const MsgType = { CALL: 0, REPLY: 1 } as const;
export const ReplyStat = { ACCEPTED: 0, DENIED: 1 } as const;
export const AcceptStat = { SUCCESS: 0, PROG_UNAVAIL: 1, PROG_MISMATCH: 2, PROC_UNAVAIL: 3, GARBAGE_ARGS: 4, SYSTEM_ERR: 5 } as const;
export const RejectStat = { RPC_MISMATCH: 0, AUTH_ERROR: 1 } as const;
export const AuthStat = {
  OK: 0, BADCRED: 1, REJECTEDCRED: 2, BADVERF: 3, REJECTEDVERF: 4, TOOWEAK: 5, INVALIDRESP: 6, FAILED: 7,
} as const;

export const opaque_auth = struct({ flavor: uint, body: opaque(MAX_AUTH_BYTES) });
export type OpaqueAuth = Infer<typeof opaque_auth>;
export const AUTH_NONE: OpaqueAuth = { flavor: 0, body: Buffer.alloc(0) };

export const call_body = struct({ rpcvers: uint, prog: uint, vers: uint, proc: uint, cred: opaque_auth, verf: opaque_auth });
export const mismatch_info = struct({ low: uint, high: uint });

export const accepted_reply = struct({
  verf: opaque_auth,
  data: union({ 0: xvoid, 1: xvoid, 2: mismatch_info, 3: xvoid, 4: xvoid, 5: xvoid }, 'stat'),
});
export const rejected_reply = union({ 0: mismatch_info, 1: uint }, 'stat');
export const reply_body = union({ 0: accepted_reply, 1: rejected_reply }, 'stat');

/** The RPC header of every record; a successful reply's results and a call's arguments follow it. */
export const rpc_msg = struct({ xid: uint, body: union({ 0: call_body, 1: reply_body }, 'mtype') });
export type RpcMsg = Infer<typeof rpc_msg>;
export type CallHeader = Infer<typeof call_body>;
export type ReplyBody = Infer<typeof reply_body>;

/** A decoded record: the header and the bytes after it (procedure arguments or results). */
export interface RpcRecord {
  xid: number;
  msg: RpcMsg['body'];
  payload: Buffer;
}

/** The body of every successful reply with a null verifier (read-only, shared by the fast path). */
const SUCCESS_BODY: RpcMsg['body'] = Object.freeze({
  mtype: 1,
  value: Object.freeze({ stat: 0, value: Object.freeze({ verf: AUTH_NONE, data: Object.freeze({ stat: 0, value: undefined }) }) }),
}) as RpcMsg['body'];

/**
 * The RPC header of a record. Nearly every record is a call with a short credential or a
 * successful reply with a null verifier: those two are read by hand into objects of one fixed
 * shape (the generic union decoding built a fresh, differently shaped object per level, which
 * cost a tenth of a mount's CPU per small request); anything else takes the schema.
 */
export function decodeRecord(record: Buffer): RpcRecord {
  const n = record.length;
  // `d` reaches past the record (bufferView): every read below is within n.
  const d = bufferView(record);
  const o = record.byteOffset;
  if (n >= 24 && d.getUint32(o + 4) === MsgType.REPLY) {
    // xid, mtype, reply_stat ACCEPTED, verf { flavor, length 0 }, accept_stat SUCCESS
    if (d.getUint32(o + 8) === 0 && d.getUint32(o + 16) === 0 && d.getUint32(o + 20) === 0 && d.getUint32(o + 12) === 0) {
      return { xid: d.getUint32(o), msg: SUCCESS_BODY, payload: record.subarray(24) };
    }
  } else if (n >= 40 && d.getUint32(o + 4) === MsgType.CALL) {
    const credLen = d.getUint32(o + 28);
    const at = 32 + credLen + pad(credLen);
    if (credLen <= MAX_AUTH_BYTES && n >= at + 8) {
      const verfLen = d.getUint32(o + at + 4);
      const end = at + 8 + verfLen + pad(verfLen);
      if (verfLen <= MAX_AUTH_BYTES && n >= end) {
        // The credential and verifier are views: nothing writes to a record once it is complete
        // (RecordDecoder copies out of reused read buffers); what is kept is copied by its keeper.
        const value: CallHeader = {
          rpcvers: d.getUint32(o + 8),
          prog: d.getUint32(o + 12),
          vers: d.getUint32(o + 16),
          proc: d.getUint32(o + 20),
          cred: { flavor: d.getUint32(o + 24), body: record.subarray(32, 32 + credLen) },
          verf: { flavor: d.getUint32(o + at), body: verfLen ? record.subarray(at + 8, at + 8 + verfLen) : AUTH_NONE.body },
        };
        return { xid: d.getUint32(o), msg: { mtype: 0, value }, payload: record.subarray(end) };
      }
    }
  }
  const r = new XdrReader(record);
  const m = guard(() => rpc_msg.decode(r));
  return { xid: m.xid, msg: m.body, payload: record.subarray(r.pos) };
}


export interface CallOptions {
  xid: number;
  prog: number;
  vers: number;
  proc: number;
  cred?: OpaqueAuth;
  verf?: OpaqueAuth;
}

/** Header + arguments of a call, without record marking. */
export function encodeCall(c: CallOptions, args: Buffer | readonly Buffer[] = []): Buffer {
  const w = new XdrWriter(128);
  rpc_msg.encode(w, {
    xid: c.xid,
    body: { mtype: 0, value: { rpcvers: RPC_VERSION, prog: c.prog, vers: c.vers, proc: c.proc, cred: c.cred ?? AUTH_NONE, verf: c.verf ?? AUTH_NONE } },
  });
  return Buffer.concat([w.finish(), ...(Buffer.isBuffer(args) ? [args] : args)]);
}

/**
 * The start of the call header `encodeCall` writes (up to the procedure number), straight into
 * `w` (the transport's writer for the whole record); the credential (auth.ts `writeCredential`)
 * and `writeVerifier` follow.
 */
export function writeCallHeader(w: XdrWriter, xid: number, prog: number, vers: number, proc: number): void {
  w.uint(xid);
  w.int(MsgType.CALL);
  w.uint(RPC_VERSION);
  w.uint(prog);
  w.uint(vers);
  w.uint(proc);
}

/** A call's verifier: AUTH_NONE, as every GlusterFS call has. */
export function writeVerifier(w: XdrWriter): void {
  opaque_auth.encode(w, AUTH_NONE);
}

/** The reply header `encodeReply` writes, straight into `w`. */
export function writeReplyHeader(w: XdrWriter, xid: number, body: ReplyBody): void {
  w.uint(xid);
  w.int(MsgType.REPLY);
  reply_body.encode(w, body);
}

/** Header + results of a reply, without record marking. */
export function encodeReply(xid: number, body: ReplyBody, results: Buffer | readonly Buffer[] = []): Buffer {
  const w = new XdrWriter(64);
  rpc_msg.encode(w, { xid, body: { mtype: 1, value: body } });
  return Buffer.concat([w.finish(), ...(Buffer.isBuffer(results) ? [results] : results)]);
}

/** An accepted reply with the given status (SUCCESS by default). */
export function acceptedReply(stat: 0 | 1 | 3 | 4 | 5 = 0, verf: OpaqueAuth = AUTH_NONE): ReplyBody {
  return { stat: 0, value: { verf, data: { stat, value: undefined } } };
}

/** PROG_MISMATCH: the program exists, but not this version. */
export function progMismatchReply(low: number, high: number): ReplyBody {
  return { stat: 0, value: { verf: AUTH_NONE, data: { stat: 2, value: { low, high } } } };
}

export function rpcMismatchReply(): ReplyBody {
  return { stat: 1, value: { stat: 0, value: { low: RPC_VERSION, high: RPC_VERSION } } };
}

export function authErrorReply(authStat: number): ReplyBody {
  return { stat: 1, value: { stat: 1, value: authStat } };
}

/** Why a reply is not a success, as text for errors and logs; undefined for SUCCESS. */
export function replyFailure(body: ReplyBody): string | undefined {
  if (body.stat === 1) {
    return body.value.stat === 0 ? `RPC version mismatch (${body.value.value.low}-${body.value.value.high})` : `authentication error ${body.value.value}`;
  }
  const d = body.value.data;
  switch (d.stat) {
    case 0: return undefined;
    case 1: return 'program unavailable';
    case 2: return `program version mismatch (supported ${d.value.low}-${d.value.high})`;
    case 3: return 'procedure unavailable';
    case 4: return 'garbage arguments';
    case 5: return 'system error';
  }
}
