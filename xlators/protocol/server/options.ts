import type { OptionTable } from '../../../runtime/options/types.js';
import { TLS_OPTION_TABLE } from '../../../rpc/transport/tls.js';

/**
 * protocol/server's options: GlusterFS 10's server_options, the auth modules' options (addr.c,
 * login.c) and the socket transport keys we act on. `transport.*` accepts every other transport
 * key glusterd writes (keepalive, ssl-enabled, ...), as GlusterFS's own table does.
 */
export const SERVER_OPTIONS = {
  'transport-type': {
    type: 'str',
    values: ['tcp', 'socket', 'unix', 'rpc', 'tcp/server', 'rdma', 'ib-verbs', 'ib-sdp', 'rpc-over-rdma', 'ib-verbs/server'],
    default: 'tcp',
    description: 'tcp (or socket) listens on TCP; unix on transport.socket.listen-path. RDMA is refused at init.',
  },
  'transport.address-family': {
    type: 'str',
    values: ['inet', 'inet6', 'unix', 'inet-sdp'],
    default: 'inet',
    description: 'inet listens on IPv4, inet6 on IPv6 (and IPv4-mapped), unix on a socket file.',
  },
  'transport.socket.listen-port': { type: 'int', min: 0, max: 65535, default: '24007', description: 'TCP port (gfs-brick --brick-port overrides it; 0 picks a free port).' },
  'transport.socket.bind-address': { type: 'address', description: 'Address to listen on (default: every address of the family).' },
  'transport.socket.listen-path': { type: 'path', description: 'Unix socket path (transport.address-family unix).' },
  'transport.listen-backlog': { type: 'int', min: 0, default: '10', description: 'Queue of connections not yet accepted.' },
  'transport.socket.keepalive': { type: 'bool', default: 'on', description: 'TCP keepalive on accepted connections.' },
  'transport.socket.keepalive-time': { type: 'int', min: 0, default: '20', description: 'Seconds idle before the first keepalive probe.' },
  'transport.socket.keepalive-interval': { type: 'int', min: 0, default: '2', description: 'Accepted for compatibility (Node sets only the idle time).' },
  'transport.socket.keepalive-count': { type: 'int', min: 0, default: '9', description: 'Accepted for compatibility.' },
  'transport.tcp-user-timeout': { type: 'time', min: 0, max: 1013, default: '42', description: 'Accepted for compatibility.' },
  'transport.max-record-size': { type: 'size', min: '4KB', max: '64MB', default: '1088KB', description: 'Largest RPC record a client may send; a bigger one closes its connection.' },
  ...TLS_OPTION_TABLE,
  'transport.socket.ssl-enabled': { ...TLS_OPTION_TABLE['transport.socket.ssl-enabled'], aliases: ['server.ssl'] },
  'transport.*': { type: 'any', description: 'Other transport settings (accepted, not used).' },
  'volume-filename.*': { type: 'path', description: 'Volfiles served by GETSPEC, by key.' },
  'inode-lru-limit': { type: 'int', min: 0, max: 1048576, default: '16384', description: 'Unused inodes kept in the server inode table.' },
  trace: { type: 'bool', description: 'Accepted for compatibility.' },
  'config-directory': { type: 'path', aliases: ['conf-dir'], description: 'Accepted for compatibility.' },
  'rpc-auth-allow-insecure': {
    type: 'bool', aliases: ['allow-insecure'], default: 'on',
    description: 'Accept TCP clients bound to ports >= 1024 (off: only privileged ports pass auth.addr).',
  },
  'root-squash': { type: 'bool', default: 'off', description: 'Map uid/gid 0 of untrusted clients to anonuid/anongid.' },
  'all-squash': { type: 'bool', default: 'off', description: 'Map every uid/gid of untrusted clients to anonuid/anongid.' },
  anonuid: { type: 'int', min: 0, max: 4294967295, default: '65534', description: 'uid used by root-squash and all-squash.' },
  anongid: { type: 'int', min: 0, max: 4294967295, default: '65534', description: 'gid used by root-squash and all-squash.' },
  'statedump-path': { type: 'path', default: '/var/run/gluster', description: 'Accepted for compatibility.' },
  'tcp-window-size': { type: 'size', min: '512KB', max: '1GB', description: 'Accepted for compatibility.' },
  'auth.addr.*.allow': { type: 'address-list', description: 'Addresses (wildcards, CIDRs, host names) allowed to attach to subvolume *.' },
  'auth.addr.*.reject': { type: 'address-list', description: 'Addresses refused for subvolume *; checked before allow.' },
  'auth.ip.*.allow': { type: 'address-list', description: 'Old spelling of auth.addr.*.allow (used when that one is absent).' },
  'auth.login.*.allow': { type: 'any', description: 'User names (patterns) that may log in to subvolume *.' },
  'auth.login.*.password': { type: 'any', description: 'Password of user *.' },
  'auth.login.*.ssl-allow': {
    type: 'any',
    description: 'With TLS: the certificate common names (wildcards, comma or space separated) allowed to use this subvolume; unset allows every certificate the CA list vouches for.',
  },
  'ssl-allow': { type: 'address-list', description: 'glusterd\'s volume-level key (it writes auth.login.<brick>.ssl-allow); accepted here, not read.' },
  'auth-path': { type: 'str', description: 'Accepted for compatibility (glusterd writes the brick path).' },
  'rpc.outstanding-rpc-limit': { type: 'int', min: 0, max: 65536, default: '64', description: 'Calls in flight per client before reading from it pauses (0: no limit).' },
  'manage-gids': { type: 'bool', default: 'off', description: 'Accepted for compatibility (groups come from the credential).' },
  'gid-timeout': { type: 'int', default: '300', description: 'Accepted for compatibility.' },
  'event-threads': { type: 'int', min: 1, max: 1024, default: '2', description: 'Accepted for compatibility (Node has one event loop).' },
  'dynamic-auth': { type: 'bool', default: 'on', description: 'Accepted for compatibility.' },
  'strict-auth-accept': { type: 'bool', default: 'off', description: 'Refuse clients that send no username and password.' },
  'volspec-directory': { type: 'path', aliases: ['volfile-path'], description: 'Directory of volfiles served by GETSPEC (KEY.vol).' },
} as const satisfies OptionTable;
