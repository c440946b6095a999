import type { OptionTable } from '../../../runtime/options/types.js';
import { TLS_OPTION_TABLE } from '../../../rpc/transport/tls.js';

/**
 * protocol/client options: GlusterFS 10's own (client.c) plus the socket transport's
 * (rpc-transport/socket), which glusterd writes into every client volume. Those marked
 * "accepted, no effect" load unchanged but do nothing here.
 */
export const CLIENT_OPTIONS = {
  'remote-host': { type: 'str', description: 'Host name or address of the brick (or of glusterd, which then names the brick port).' },
  // No default on purpose: without it the first connection goes to glusterd (24007), which
  // answers PORTBYBRICK, and a lost brick is looked up there again (client.c resets to it).
  'remote-port': { type: 'int', min: 0, max: 65535, aliases: ['transport.remote-port'], description: 'Port to connect to (default 24007, glusterd).' },
  'remote-subvolume': { type: 'any', description: 'The brick volume to attach to (the server volfile volume name, or the brick path when asking glusterd).' },
  'transport-type': { type: 'str', default: 'tcp', values: ['tcp', 'socket', 'unix', 'rdma', 'tcp,rdma', 'rdma*tcp'], description: 'Only tcp/socket is supported; unix is chosen with transport.address-family.' },
  'transport.address-family': {
    type: 'str', default: 'inet', values: ['inet', 'inet6', 'unix', 'inet-sdp'], aliases: ['address-family'],
    description: 'inet, inet6 or unix (then transport.socket.connect-path names the socket).',
  },
  'transport.socket.connect-path': { type: 'path', aliases: ['connect-path'], description: 'Unix socket to connect to (address family unix).' },
  'ping-timeout': { type: 'time', min: 0, max: 1013, default: '42', description: 'Seconds without a ping reply (while calls are outstanding) before the connection is dropped; 0 disables pings.' },
  'frame-timeout': { type: 'time', min: 0, max: 86400, default: '1800', aliases: ['rpc-timeout'], description: 'Seconds a call may wait for its reply; then it fails with ENOTCONN.' },
  username: { type: 'any', description: 'Login sent in SETVOLUME (auth.login on the brick).' },
  password: { type: 'any', description: 'Password sent in SETVOLUME.' },
  'flush-to-brick': {
    type: 'str', default: 'when-locked', values: ['always', 'when-locked'],
    description: 'always: every FLUSH (each close) goes to the brick, as GlusterFS\'s client sends it. when-locked: only for files this client has sent a POSIX lock or lease for, or a FLUSH carrying xdata: on the brick a FLUSH does nothing else (posix answers it; features/locks drops the flushing owner\'s locks), so closing a file this client never locked needs no round trip.',
  },
  'send-gids': { type: 'bool', default: 'on', description: 'Send the caller\'s auxiliary groups with each call.' },
  'strict-locks': {
    type: 'bool',
    default: 'off',
    description: 'After a reconnect, do not reopen fds that held POSIX locks (the brick dropped them with the connection): their fops fail with EBADFD instead of going on unlocked.',
  },
  'filter-O_DIRECT': { type: 'bool', default: 'disable', description: 'Drop O_DIRECT from open and create flags.' },
  'transport.socket.keepalive': { type: 'bool', default: 'on', aliases: ['keepalive'], description: 'TCP keepalive on the connection.' },
  'transport.socket.keepalive-time': { type: 'int', default: '20', description: 'Seconds idle before the first keepalive probe.' },
  'transport.socket.keepalive-interval': { type: 'int', default: '2', description: 'Accepted, no effect (Node sets only the idle time).' },
  'transport.socket.keepalive-count': { type: 'int', default: '9', description: 'Accepted, no effect.' },
  'transport.tcp-user-timeout': { type: 'int', default: '42', description: 'Accepted, no effect.' },
  'transport.socket.nodelay': { type: 'bool', default: 'on', description: 'TCP_NODELAY (always on).' },
  ...TLS_OPTION_TABLE,
  'transport.socket.ssl-enabled': { ...TLS_OPTION_TABLE['transport.socket.ssl-enabled'], aliases: ['client.ssl'] },
  'transport.socket.read-fail-log': { type: 'bool', description: 'Accepted, no effect.' },
  'transport.socket.own-thread': { type: 'bool', description: 'Accepted, no effect.' },
  'transport.socket.bind-address': { type: 'str', aliases: ['bind-address'], description: 'Accepted, no effect.' },
  'transport.listen-backlog': { type: 'int', description: 'Accepted, no effect.' },
  'non-blocking-io': { type: 'bool', description: 'Accepted, no effect.' },
  'client-bind-insecure': { type: 'bool', description: 'Accepted, no effect (Node binds any local port).' },
  'tcp-window-size': { type: 'size', description: 'Accepted, no effect.' },
  'event-threads': { type: 'int', min: 1, max: 32, default: '2', description: 'Accepted, no effect (one event loop).' },
  'testing.old-protocol': { type: 'bool', default: 'off', description: 'Accepted, no effect: only GFS4 (v400) is spoken.' },
} as const satisfies OptionTable;

export type ClientOptions = typeof CLIENT_OPTIONS;
