import type { Server } from 'node:net';
import type { tlsAcceptor } from '../../../rpc/transport/tls.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import type { RpcConnection } from '../../../rpc/transport/connection.js';
import type { AuthConfig } from './auth.js';
import type { ServerClient } from './client.js';
import type { ListenSpec } from './listen.js';
import type { SERVER_OPTIONS } from './options.js';

export interface ServerPriv {
  listen: ListenSpec;
  servers: Server[];
  clients: Map<RpcConnection, ServerClient>;
  /** Disconnect cleanups still running (teardown waits for them). */
  cleanups: Set<Promise<void>>;
  auth: AuthConfig;
  /** Sent to clients in the SETVOLUME reply. */
  processUuid: string;
  /** PARENT_UP reached the server: every translator is initialised. */
  parentUp: boolean;
  /** What each direct child last said (CHILD_UP true, CHILD_DOWN false). */
  childUp: Map<string, boolean>;
  closing: boolean;
  /** With transport.socket.ssl-enabled: where accepted sockets go for their TLS handshake. */
  tls: ReturnType<typeof tlsAcceptor> | undefined;
}

export type ServerSelf = Xlator<typeof SERVER_OPTIONS, ServerPriv>;
