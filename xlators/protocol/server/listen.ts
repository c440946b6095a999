import { connect, createServer, type Server, type Socket } from 'node:net';
import { lstatSync, rmSync } from 'node:fs';

/** Where protocol/server listens, from its transport options. */
export type ListenSpec =
  | { kind: 'tcp'; host: string; port: number; backlog: number; family: 'inet' | 'inet6' }
  | { kind: 'unix'; path: string; backlog: number };

export interface TransportOptions {
  'transport-type': string;
  'transport.address-family': string;
  'transport.socket.listen-port': number;
  'transport.socket.bind-address'?: string | undefined;
  'transport.socket.listen-path'?: string | undefined;
  'transport.listen-backlog': number;
}

/** Read the transport options; RDMA and a unix family without a path are refused. */
export function listenSpec(o: TransportOptions): ListenSpec {
  const type = o['transport-type'];
  if (/rdma|ib-/.test(type)) throw new Error(`transport-type ${type} is not supported: use tcp or unix`);
  const backlog = o['transport.listen-backlog'] || 10;
  if (type === 'unix' || o['transport.address-family'] === 'unix') {
    const path = o['transport.socket.listen-path'];
    if (!path) throw new Error('a unix transport needs option transport.socket.listen-path');
    // sun_path holds 108 bytes with the NUL (af_unix_server_get_local_sockaddr checks the same).
    if (Buffer.byteLength(path) + 1 > 108) throw new Error(`transport.socket.listen-path is longer than 107 bytes: ${path}`);
    return { kind: 'unix', path, backlog };
  }
  const family = o['transport.address-family'] === 'inet6' ? 'inet6' : 'inet';
  const host = o['transport.socket.bind-address'] ?? (family === 'inet6' ? '::' : '0.0.0.0');
  return { kind: 'tcp', host, port: o['transport.socket.listen-port'], backlog, family };
}

export function describeSpec(s: ListenSpec): string {
  return s.kind === 'unix' ? `unix socket ${s.path}` : `${s.family === 'inet6' ? `[${s.host}]` : s.host}:${s.port}`;
}

/** A socket file left by a process that is gone answers ECONNREFUSED: remove it, as a restart must. */
async function clearStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
  if (alive) throw Object.assign(new Error(`another process is listening on ${path}`), { code: 'EADDRINUSE' });
  rmSync(path, { force: true });
}

/** Start listening; errors say what to change (EADDRINUSE names the port or path). */
export async function startListening(spec: ListenSpec, onSocket: (s: Socket) => void, onError: (err: Error) => void = () => {}): Promise<Server> {
  if (spec.kind === 'unix') await clearStaleSocket(spec.path);
  // Paused: nothing is read before the connection is adopted by a socket with its own read
  // buffer (adoptAccepted).
  const server = createServer({ noDelay: true, pauseOnConnect: true }, onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = describeSpec(spec);
      if (err.code === 'EADDRINUSE') reject(new Error(`${where} is already in use (another brick or glusterd?): change transport.socket.listen-port or use --brick-port`, { cause: err }));
      else if (err.code === 'EACCES') reject(new Error(`not allowed to listen on ${where}`, { cause: err }));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new Error(`${where}: transport.socket.bind-address is not an address of this machine`, { cause: err }));
      else reject(new Error(`cannot listen on ${where}: ${err.message}`, { cause: err }));
    });
    if (spec.kind === 'unix') server.listen({ path: spec.path, backlog: spec.backlog }, resolve);
    else server.listen({ host: spec.host, port: spec.port, backlog: spec.backlog, ipv6Only: false }, resolve);
  });
  server.removeAllListeners('error');
  // After listening, errors (EMFILE on accept, ...) are logged: the brick keeps serving its clients.
  server.on('error', onError);
  return server;
}
