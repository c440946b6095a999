import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { clientReplyOf, GFS4, GFS4_FOPS, type Gfs4FopName, type Message, type Procedure } from '../../../rpc/programs/index.js';
import type { Credential } from '../../../rpc/sunrpc/auth.js';
import { RpcConnectionClosedError, RpcRejectedError, RpcTimeoutError, type ReplyPool, type RpcConnection } from '../../../rpc/transport/index.js';
import { RpcDecodeError } from '../../../rpc/xdr/index.js';
import { notConnected } from './fd-ctx.js';
import type { Session } from './session.js';

/** Calls that may wait on the brick for another client (blocking locks). */
const LOCK_FOPS: ReadonlySet<string> = new Set(['lk', 'inodelk', 'finodelk', 'entrylk', 'fentrylk']);

/** Each fop's procedure with its reply as the client decodes it: iatts become Iatts as they are read (client-replies.ts). */
const CLIENT_PROCEDURES = new Map<Gfs4FopName, Procedure>(
  (Object.keys(GFS4_FOPS) as Gfs4FopName[]).map((fop) => {
    const p = GFS4_FOPS[fop].procedure as Procedure;
    return [fop, { ...p, reply: clientReplyOf(p.reply) }];
  }),
);

/** A reply's status words, present in every GFS4 reply. */
interface Status {
  op_ret: number;
  op_errno: number;
}

/**
 * Wait for `p`, or fail with EINTR as soon as the caller's frame is aborted (FUSE INTERRUPT).
 * The call stays outstanding on the connection and its reply, when it comes, is dropped.
 */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (!signal || signal.aborted === undefined) return p;
  if (signal.aborted) return Promise.reject(new FopError(E.EINTR, 'interrupted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new FopError(E.EINTR, 'interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/** Transport failures as errno, the way rpc-clnt unwinds saved frames (ENOTCONN) or a bad reply (EINVAL). */
export function wireError(err: unknown): FopError {
  if (err instanceof FopError) return err;
  if (err instanceof RpcConnectionClosedError) return notConnected('the connection to the brick was lost');
  if (err instanceof RpcTimeoutError) return notConnected(`no reply within the frame timeout (${err.procedure})`);
  if (err instanceof RpcRejectedError) return notConnected(err.message);
  if (err instanceof RpcDecodeError) return new FopError(E.EINVAL, `undecodable reply: ${err.message}`, { cause: err });
  return FopError.from(err);
}

/**
 * Send one GFS4 call and wait for its reply; op_ret -1 becomes FopError(op_errno). Without a
 * handshaken connection the call fails at once with ENOTCONN. A plain function with handlers
 * made once, not an async one: no async frame per call on the path of every fop.
 */
export function callFop<N extends Gfs4FopName>(
  session: Session,
  frame: Frame | undefined,
  fop: N,
  req: unknown,
  opts: { payload?: Buffer; cred: Credential; conn?: RpcConnection; replyPool?: ReplyPool },
): Promise<Message<Record<string, unknown>>> {
  const conn = opts.conn ?? session.current();
  if (!conn) return Promise.reject(notConnected('not connected to the brick'));
  // Only a lock can wait on the brick without bound, so only lock calls give up on an interrupt
  // (as GlusterFS's fuse_interrupt handles only setlk); the others finish, and asking every frame
  // for its signal would make one per request.
  const interruptible = frame !== undefined && LOCK_FOPS.has(fop);
  if (interruptible && frame.signal.aborted) return Promise.reject(new FopError(E.EINTR, 'interrupted'));
  let p: Promise<Message<unknown>>;
  try {
    const procedure = CLIENT_PROCEDURES.get(fop)!;
    p = session.call(conn, GFS4, procedure, req as never, { payload: opts.payload, cred: opts.cred, replyPool: opts.replyPool });
  } catch (err) {
    return Promise.reject(wireError(err));
  }
  return (interruptible ? abortable(p, frame.signal) : p).then(checkStatus, failed);
}

/** gf_error_to_errno is the identity on Linux; 0 with op_ret -1 would be a brick bug. */
function checkStatus(reply: Message<unknown>): Message<Record<string, unknown>> {
  const status = reply.value as Status;
  if (status.op_ret === -1) throw FopError.of(status.op_errno || E.EIO);
  return reply as Message<Record<string, unknown>>;
}

function failed(err: unknown): never {
  throw wireError(err);
}
