import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Graph } from '../../../runtime/graph/graph.js';
import type { Logger } from '../../../runtime/log/logger.js';
import { GFS4, type Gfs4FopName, type Gfs4Request } from '../../../rpc/programs/gfs4.js';
import type { Message } from '../../../rpc/programs/program.js';
import type { CallContext, Handlers } from '../../../rpc/transport/connection.js';
import { Call, type Squash } from './call.js';
import type { ServerClient } from './client.js';
import { entryFops } from './fops-entry.js';
import { fdFops } from './fops-fd.js';
import { inodeFops } from './fops-inode.js';
import { failureReply, type WireReply } from './reply.js';

/** What a fop handler sends back: the reply body and, for readv, the data after it. */
export interface Served {
  value: WireReply;
  payload?: Buffer;
}

export type FopHandler<N extends Gfs4FopName> = (c: Call, r: Gfs4Request<N>, payload: Buffer | undefined) => Promise<Served>;
export type FopHandlers = { [N in Gfs4FopName]: FopHandler<N> };

/** Every GFS4 procedure has a handler: the compiler refuses a fop the wire gains and this forgets. */
export const FOP_HANDLERS: FopHandlers = { ...entryFops, ...inodeFops, ...fdFops };

/** Errors worth a warning in the log; the rest are ordinary answers (ENOENT on lookup, ...). */
const QUIET = new Set<number>([E.ENOENT, E.EEXIST, E.ENODATA, E.ENOTEMPTY, E.ESTALE, E.EAGAIN, E.ENOSYS, E.EOPNOTSUPP, E.EACCES, E.EPERM]);

export interface FopServiceContext {
  graph: Graph;
  log: Logger;
  squash: () => Squash;
  clientOf: (ctx: CallContext) => ServerClient | undefined;
}

/**
 * The GFS4 program's handlers: build a Call from the credential, run the fop on the bound
 * subvolume, answer op_ret/op_errno from the FopError. A client that has not completed SETVOLUME
 * reaches nothing: every fop answers ENOTCONN (GlusterFS refuses it at the RPC layer).
 */
export function fopService(s: FopServiceContext): Handlers<typeof GFS4> {
  const out: Record<string, (args: unknown, ctx: CallContext) => Promise<Message<unknown>>> = {};
  for (const name of Object.keys(FOP_HANDLERS) as Gfs4FopName[]) {
    const handler = FOP_HANDLERS[name] as FopHandler<Gfs4FopName>;
    out[name] = async (args, ctx) => {
      const client = s.clientOf(ctx);
      if (!client?.bound || client.abort.signal.aborted) return { value: failureReply(name, E.ENOTCONN) };
      client.begin();
      const call = new Call(s.graph, client, ctx.cred, s.squash());
      try {
        const served = await handler(call, args as never, ctx.payload);
        return served.payload ? { value: served.value, payload: served.payload } : { value: served.value };
      } catch (err) {
        const e = FopError.from(err);
        if (!(err instanceof FopError)) s.log.error(`${name} from ${client.id} failed: ${(err as Error)?.stack ?? String(err)}`);
        else if (!QUIET.has(e.errno)) s.log.debug(`${name} from ${client.id}: ${e.message}`);
        return { value: failureReply(name, e.errno) };
      } finally {
        try {
          // Most calls hold no anonymous fd: finishing them needs no extra turn of the queue.
          const pending = call.finish();
          if (pending) await pending;
        } finally {
          client.end();
        }
      }
    };
  }
  return out as Handlers<typeof GFS4>;
}
