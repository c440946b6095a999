import { connect as netConnect, createServer, type Server } from 'node:net';
import { RpcConnection, type ConnectionOptions } from './connection.js';

/** Where to reach a peer: TCP host and port, or a unix socket path. */
export type RpcAddress = { host: string; port: number } | { path: string };

/** Open a connection; rejects if the peer cannot be reached. */
export function connectRpc(addr: RpcAddress, opts: ConnectionOptions = {}): Promise<RpcConnection> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in addr ? netConnect(addr.path) : netConnect(addr.port, addr.host);
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(new RpcConnection(socket, { name: 'path' in addr ? addr.path : `${addr.host}:${addr.port}`, ...opts }));
    });
  });
}

/**
 * Listen for connections; `onConnection` sets up each one (usually with `serve`). Resolves once
 * listening. Port 0 picks a free port (read it from `server.address()`).
 */
export function listenRpc(addr: RpcAddress, onConnection: (c: RpcConnection) => void, opts: ConnectionOptions = {}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => onConnection(new RpcConnection(socket, opts)));
    server.once('error', reject);
    const ready = () => {
      server.off('error', reject);
      resolve(server);
    };
    if ('path' in addr) server.listen(addr.path, ready);
    else server.listen(addr.port, addr.host, ready);
  });
}
