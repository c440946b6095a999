import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { API_VERSION, defineXlator } from '../../../runtime/xlator/define.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { DUMP } from '../../../rpc/programs/dump.js';
import { GFS4 } from '../../../rpc/programs/gfs4.js';
import { HANDSHAKE } from '../../../rpc/programs/handshake.js';
import { RpcConnection } from '../../../rpc/transport/connection.js';
import { adoptAccepted } from '../../../rpc/transport/reader.js';
import { secureContext, tlsAcceptor, tlsSettings } from '../../../rpc/transport/tls.js';
import { unmapAddress, type AuthConfig, type AuthRequest } from './auth.js';
import { ServerClient } from './client.js';
import { fopService } from './handler.js';
import { dumpService, handshakeService } from './handshake.js';
import { describeSpec, listenSpec, startListening } from './listen.js';
import { SERVER_OPTIONS } from './options.js';
import type { ServerPriv, ServerSelf } from './state.js';

/** `auth.addr.NAME.allow` -> { NAME: value }: the option system keys wildcard records by the full key. */
function bySubvolume<T>(rec: Readonly<Record<string, T>>, prefix: string, suffix: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) if (k.startsWith(prefix) && k.endsWith(suffix)) out[k.slice(prefix.length, k.length - suffix.length)] = v;
  return out;
}

function authConfig(self: ServerSelf): AuthConfig {
  const o = self.options;
  return {
    addrAllow: bySubvolume(o['auth.addr.*.allow'], 'auth.addr.', '.allow'),
    addrReject: bySubvolume(o['auth.addr.*.reject'], 'auth.addr.', '.reject'),
    ipAllow: bySubvolume(o['auth.ip.*.allow'], 'auth.ip.', '.allow'),
    loginAllow: bySubvolume(o['auth.login.*.allow'], 'auth.login.', '.allow'),
    loginPassword: bySubvolume(o['auth.login.*.password'], 'auth.login.', '.password'),
    loginSslAllow: bySubvolume(o['auth.login.*.ssl-allow'], 'auth.login.', '.ssl-allow'),
    allowInsecure: o['rpc-auth-allow-insecure'],
    strictAuthAccept: o['strict-auth-accept'],
  };
}

function peerOf(socket: Socket, priv: ServerPriv): AuthRequest['peer'] {
  if (priv.listen.kind === 'unix' || !socket.remoteAddress) return { family: 'unix', address: priv.listen.kind === 'unix' ? priv.listen.path : 'unix' };
  const address = unmapAddress(socket.remoteAddress);
  return { family: address.includes(':') ? 'inet6' : 'inet', address, port: socket.remotePort ?? 0 };
}

/**
 * TLS connections: the handshake first (the client must present a certificate the CA list
 * vouches for); a failed one closes that connection with a log line, nothing else.
 */
function tlsFor(self: ServerSelf): ServerPriv['tls'] {
  const context = secureContext(tlsSettings(self.options), 'server');
  return tlsAcceptor(
    context,
    self.options['transport.socket.ssl-cert-depth'],
    (socket, name) => {
      if (self.priv.closing) return void socket.destroy();
      self.log.debug(`TLS connection from ${socket.remoteAddress ?? 'unix'}: certificate of ${name ?? '(no common name)'}`);
      // No common name is the name '' (GlusterFS's ssl-name is then empty): still a TLS client.
      serve(self, socket, () => undefined, name ?? '');
    },
    (err, peer) => self.log.warn(`TLS connection from ${peer} refused: ${err.message}`, { code: 'SERVER_TLS_REFUSED' }),
  );
}

/** A connection arrived: serve DUMP, handshake and GFS4 on it; clean up when it goes away. */
function accept(self: ServerSelf, accepted: Socket): void {
  const priv = self.priv;
  if (priv.closing) return void accepted.destroy();
  if (priv.tls) return priv.tls.accept(accepted);
  const { socket, attach } = adoptAccepted(accepted);
  serve(self, socket, attach, undefined);
}

function serve(self: ServerSelf, socket: Socket, attach: (conn: RpcConnection) => void, sslName: string | undefined): void {
  const priv = self.priv;
  const o = self.options;
  if (o['transport.socket.keepalive'] && priv.listen.kind === 'tcp') socket.setKeepAlive(true, o['transport.socket.keepalive-time'] * 1000);
  const peer = peerOf(socket, priv);
  const conn = new RpcConnection(socket, {
    maxRecord: o['transport.max-record-size'],
    logger: self.log,
    name: peer.family === 'unix' ? `unix:${peer.address}` : `${peer.address}:${peer.port}`,
  });
  const client = new ServerClient(conn, peer, o['rpc.outstanding-rpc-limit']);
  client.sslName = sslName;
  priv.clients.set(conn, client);
  self.log.debug(`connection from ${client.peer}`);
  const clientOf = (c: unknown) => priv.clients.get(c as RpcConnection);
  conn.serve(DUMP, dumpService());
  conn.serve(HANDSHAKE, handshakeService(self, clientOf));
  conn.serve(GFS4, fopService({
    graph: self.graph,
    log: self.log,
    squash: () => ({ root: o['root-squash'], all: o['all-squash'], anonuid: o.anonuid, anongid: o.anongid }),
    clientOf: (ctx) => clientOf(ctx.connection),
  }));
  // Reading starts once every program is served (anything read before is replayed by attach).
  attach(conn);
  conn.on('close', (err?: Error) => {
    const done = disconnect(self, client, err)
      .catch((e: unknown) => self.log.error(`cleaning up after client ${client.peer} failed: ${(e as Error).message}`))
      .finally(() => priv.cleanups.delete(done));
    priv.cleanups.add(done);
  });
}

/**
 * server_connection_cleanup: calls in flight are aborted and waited for (bounded), every fd the
 * client left open is released, then each translator drops the client's locks.
 */
async function disconnect(self: ServerSelf, client: ServerClient, err?: Error): Promise<void> {
  const priv = self.priv;
  client.abort.abort();
  if (client.bound) self.log.info(`disconnecting client ${client.processUuid ?? ''} at ${client.peer}${err ? `: ${err.message}` : ''}`);
  await client.drained(10_000);
  // Calls still running after that are stuck: their fds are released all the same, so one stuck
  // call cannot hold a disconnect (and the brick's shutdown) forever.
  for (const n of client.fds.numbers()) {
    const gone = await client.fds.remove(n, false);
    if (!gone) continue;
    await self.graph.release(gone.fd, gone.dir);
    self.graph.itable.unref(gone.fd.inode);
  }
  if (client.bound) await self.graph.clientDisconnect(client.id);
  priv.clients.delete(client.connection);
}

/** Stop accepting, drop every client and wait for their cleanups. */
async function shutdown(self: ServerSelf): Promise<void> {
  const priv = self.priv;
  if (priv.closing) return;
  priv.closing = true;
  // Stop listening. Adopted connections are not net.Server's (adoptAccepted): each is closed here
  // and its cleanup, registered by its 'close', is waited for below.
  const closed = Promise.all(priv.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  for (const conn of priv.clients.keys()) conn.close(new Error('the server is shutting down'));
  priv.tls?.close();
  await closed;
  while (priv.cleanups.size) await Promise.all([...priv.cleanups]);
  if (priv.listen.kind === 'unix') rmSync(priv.listen.path, { force: true });
}

/** Where a running protocol/server listens (its TCP port when listen-port was 0). */
export function serverAddress(xl: Xlator): { host: string; port: number } | { path: string } | undefined {
  if (xl.type !== 'protocol/server' || !xl.initialised) return undefined;
  return addressOf(xl.priv as ServerPriv);
}

function addressOf(priv: ServerPriv): { host: string; port: number } | { path: string } | undefined {
  const s = priv.servers[0];
  if (!s) return undefined;
  if (priv.listen.kind === 'unix') return { path: priv.listen.path };
  const a = s.address() as AddressInfo;
  return { host: a.address, port: a.port };
}

/** The clients connected right now (for dumps and tests). */
export function serverClients(xl: Xlator): ServerClient[] {
  return xl.type === 'protocol/server' && xl.initialised ? [...(xl.priv as ServerPriv).clients.values()] : [];
}

/**
 * protocol/server: serves its subvolumes to remote clients over the GlusterFS 10 wire protocol
 * (DUMP, handshake, GFS4). It listens in init, as GlusterFS does, but attaches clients only
 * after PARENT_UP (SETVOLUME answers EAGAIN before that).
 */
export default defineXlator({
  apiVersion: API_VERSION,
  type: 'protocol/server',
  description: 'Serves the graph below it to GlusterFS clients over TCP or a unix socket.',
  options: SERVER_OPTIONS,
  children: { min: 1 },
  async init(self: ServerSelf): Promise<ServerPriv> {
    if (self.parents.length) throw new Error('protocol/server must be the top of the graph (it has a parent)');
    const listen = listenSpec(self.options);
    const priv: ServerPriv = {
      listen, servers: [], clients: new Map(), cleanups: new Set(), auth: authConfig(self), processUuid: randomUUID(),
      parentUp: false, childUp: new Map(), closing: false,
      tls: self.options['transport.socket.ssl-enabled'] ? tlsFor(self) : undefined,
    };
    const names = self.children.map((c) => c.name);
    const a = priv.auth;
    if (![a.addrAllow, a.addrReject, a.ipAllow, a.loginAllow, a.loginSslAllow].some((r) => Object.keys(r).length)) {
      self.log.warn(`no auth.addr or auth.login option is set: every client will be refused (add option auth.addr.${names[0]}.allow *)`);
    }
    // The server is usable as self.priv from the first connection on.
    self.priv = priv;
    priv.servers.push(await startListening(listen, (s) => accept(self, s), (err) => self.log.error(`listener on ${describeSpec(listen)}: ${err.message}`)));
    const where = serverAddressText(priv);
    self.log.info(`listening on ${where} for ${names.join(', ')}`);
    return priv;
  },
  async notify(self: ServerSelf, event) {
    const priv = self.priv;
    if (event.type === 'PARENT_UP') priv.parentUp = true;
    else if (event.type === 'PARENT_DOWN') await shutdown(self);
    else if (event.type === 'CHILD_UP' || event.type === 'CHILD_DOWN') priv.childUp.set(event.from.name, event.type === 'CHILD_UP');
    await self.defaultNotify(event);
  },
  async fini(self: ServerSelf) {
    await shutdown(self);
  },
  dump(self: ServerSelf) {
    const priv = self.priv;
    return {
      listening: serverAddressText(priv),
      clients: [...priv.clients.values()].map((c) => ({ id: c.id, uuid: c.processUuid, bound: c.bound?.name, fds: c.fds.size, inflight: c.inflight })),
    };
  },
});

function serverAddressText(priv: ServerPriv): string {
  const a = addressOf(priv);
  if (!a) return describeSpec(priv.listen);
  return 'path' in a ? `unix socket ${a.path}` : `${a.host}:${a.port}`;
}
