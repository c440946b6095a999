import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Dict } from '../../../runtime/core/dict.js';
import { E } from '../../../runtime/core/fop-error.js';
import { createFrame } from '../../../runtime/core/frame.js';
import { ROOT_GFID } from '../../../runtime/core/gfid.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { DUMP } from '../../../rpc/programs/dump.js';
import { GFS4 } from '../../../rpc/programs/gfs4.js';
import { HANDSHAKE } from '../../../rpc/programs/handshake.js';
import type { Handlers } from '../../../rpc/transport/connection.js';
import { authenticate } from './auth.js';
import type { ServerClient } from './client.js';
import type { ServerSelf } from './state.js';

/** DUMP lists what this server serves (GlusterFS also lists "GlusterFS 3.3", which we do not speak). */
const SERVED = [GFS4, DUMP, HANDSHAKE];

export function dumpService(): Handlers<typeof DUMP> {
  return {
    // gfs_id is left 0 in the reply, as rpcsvc does.
    DUMP: () => ({ value: { gfs_id: 0n, op_ret: 0, op_errno: 0, prog: SERVED.map((p) => ({ progname: p.name, prognum: BigInt(p.prog), progver: BigInt(p.vers) })) } }),
    PING: () => ({ value: { op_ret: 0, op_errno: 0, xdata: Buffer.alloc(0) } }),
  };
}

/** A translator at or below the server: a client may attach to any of them by name. */
function findBelow(self: ServerSelf, name: string): Xlator | undefined {
  const seen = new Set<Xlator>();
  const walk = (xl: Xlator): Xlator | undefined => {
    if (seen.has(xl)) return undefined;
    seen.add(xl);
    if (xl.name === name) return xl;
    for (const c of xl.children) {
      const hit = walk(c);
      if (hit) return hit;
    }
    return undefined;
  };
  for (const c of self.children) {
    const hit = walk(c);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * SETVOLUME (server_setvolume): find remote-subvolume below the server, check the graph is up,
 * authenticate (auth.addr, auth.login), bind the client, look the root up. The reply dict says
 * why in ERROR ("Success" on success) and carries child_up, process-uuid, clnt-lk-version and
 * transport-ptr, as GlusterFS 10 sends them.
 */
async function setvolume(self: ServerSelf, client: ServerClient, params: Dict | null): Promise<{ op_ret: number; op_errno: number; dict: Dict }> {
  const priv = self.priv;
  const reply = new Dict();
  // GlusterFS serializes its reply dict newest key first; keys are collected, then reversed.
  const fail = (errno: number, message: string) => {
    reply.setStr('ERROR', message);
    self.log.warn(`SETVOLUME from ${client.peer} refused: ${message}`);
    return { op_ret: -1, op_errno: errno, dict: reversed(reply) };
  };
  if (!params) return fail(E.EINVAL, 'Internal error: failed to unserialize request dictionary');
  const name = params.getStr('remote-subvolume');
  if (name === undefined) return fail(E.EINVAL, 'No remote-subvolume option specified');
  const xl = findBelow(self, name);
  if (!xl) return fail(E.ENOENT, `remote-subvolume "${name}" is not found`);
  if (!priv.parentUp || priv.closing) return fail(E.EAGAIN, 'xlator graph in server is not initialised yet. Try again later');
  const direct = priv.childUp.get(name);
  if (direct !== undefined) {
    reply.setStr('child_up', direct ? '1' : '0');
    if (!direct) return fail(E.EAGAIN, 'Not received child_up for this xlator');
  }
  const uuid = params.getStr('process-uuid');
  if (uuid === undefined) return fail(E.EINVAL, 'UUID not specified');
  const subdir = params.getStr('subdir-mount');
  if (subdir !== undefined && subdir !== '/' && subdir !== '') return fail(E.EINVAL, `subdirectory mounts are not supported (subdir-mount ${subdir})`);
  const username = params.getStr('username');
  const password = params.getStr('password');
  const auth = await authenticate(priv.auth, {
    subvolume: name,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(client.sslName !== undefined ? { sslName: client.sslName } : {}),
    peer: client.peerInfo,
  });
  if (auth.result !== 'accept') {
    self.log.error(`cannot authenticate client ${uuid} from ${client.peer} for ${name} (${auth.by})`);
    return fail(E.EACCES, 'Authentication failed');
  }
  client.bound = xl;
  client.processUuid = uuid;
  client.processName = params.getStr('process-name');
  // Trusted only when the client logged in with a username and password auth.login lists for
  // this very subvolume (a certificate admitted by ssl-allow is no login).
  client.trusted = auth.login === true;
  reply.setStr('ERROR', 'Success');
  reply.setStr('process-uuid', priv.processUuid);
  reply.setStr('clnt-lk-version', '0');
  reply.setStr('transport-ptr', String(client.serial));
  self.log.info(`accepted client from ${uuid} at ${client.peer} (version: ${params.getStr('client-version') ?? 'old'}) with subvol ${name}`);
  // server_first_lookup: warm the root; a failure is logged, not fatal.
  try {
    await xl.fops.lookup(createFrame({ client: client.id }), { loc: { path: '/', name: '', inode: self.graph.itable.root, gfid: ROOT_GFID } });
  } catch (err) {
    self.log.error(`lookup on root failed: ${(err as Error).message}`);
  }
  // op_errno stays EINVAL on success: GlusterFS initialises it so and the client ignores it.
  return { op_ret: 0, op_errno: E.EINVAL, dict: reversed(reply) };
}

function reversed(d: Dict): Dict {
  const out = new Dict();
  for (const [k, v] of [...d].reverse()) out.set(k, v);
  return out;
}

/** GETSPEC: a volfile by key, from volume-filename.KEY (or .default) or volspec-directory/KEY.vol. */
async function getspec(self: ServerSelf, key: string): Promise<string | undefined> {
  const o = self.options;
  const named = o['volume-filename.*'];
  let file = named[`volume-filename.${key}`] ?? named['volume-filename.default'];
  if (!file && o['volspec-directory'] && /^[A-Za-z0-9._-]+$/.test(key) && !key.startsWith('.')) file = join(o['volspec-directory'], `${key}.vol`);
  if (!file) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function handshakeService(self: ServerSelf, clientOf: (c: unknown) => ServerClient | undefined): Handlers<typeof HANDSHAKE> {
  return {
    SETVOLUME: async (args, ctx) => {
      const client = clientOf(ctx.connection);
      if (!client) return { value: { op_ret: -1, op_errno: E.ENOTCONN, dict: null } };
      return { value: await setvolume(self, client, args.dict) };
    },
    GETSPEC: async (args) => {
      const spec = await getspec(self, args.key);
      if (spec === undefined) return { value: { op_ret: -1, op_errno: E.ENOENT, spec: '', xdata: null } };
      return { value: { op_ret: Buffer.byteLength(spec), op_errno: 0, spec, xdata: null } };
    },
  };
}
