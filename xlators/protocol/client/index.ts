import type { Fd } from '../../../runtime/core/fd.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { gfidToBuffer } from '../../../runtime/core/gfid.js';
import { READ_REPLIES } from '../../../runtime/core/recycle.js';
import type { FopArgs } from '../../../runtime/fops/signatures.js';
import { API_VERSION, defineXlator, type FopImpls } from '../../../runtime/xlator/define.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { GFS4_FOPS, dictToWire } from '../../../rpc/programs/index.js';
import type { RpcConnection } from '../../../rpc/transport/index.js';
import { callFop } from './call.js';
import { FdRegistry, notConnected, type FdCtx } from './fd-ctx.js';
import { F, reopenFlags } from '../../../rpc/programs/flags.js';
import { frameCredential, internalCredential } from './handshake.js';
import { CLIENT_OPTIONS } from './options.js';
import { secureContext, TLS_OPTION_TABLE, tlsSettings, type TlsConfig } from '../../../rpc/transport/tls.js';
import { decodeResult } from './replies.js';
import { buildRequest, WIRE_FOPS, type WireFop } from './requests.js';
import { Session, type SessionConfig } from './session.js';

interface ClientState {
  session: Session;
  fds: FdRegistry;
  /** With transport.socket.ssl-enabled: the certificates, read at init (and at reconfigure). */
  tls: TlsConfig | undefined;
}
type Self = Xlator<typeof CLIENT_OPTIONS, ClientState>;

/** The TLS options' values, to tell whether a reconfigure changed them. */
const tlsOptions = (o: Record<string, unknown>) => Object.keys(TLS_OPTION_TABLE).map((k) => o[k]);

/** A release/releasedir request carries a zeroed xdata (C leaves the struct as it was), like the real client. */
const ZEROED_XDATA = { xdr_size: 0, count: 0, pairs: [] };

function sessionConfig(self: Self): SessionConfig {
  const o = self.options;
  return {
    name: self.name,
    host: o['remote-host'],
    port: o['remote-port'],
    family: o['transport.address-family'],
    connectPath: o['transport.socket.connect-path'],
    subvolume: o['remote-subvolume'] ?? '',
    transportType: o['transport-type'],
    username: o.username,
    password: o.password,
    pingTimeoutS: o['ping-timeout'],
    frameTimeoutS: o['frame-timeout'],
    keepalive: o['transport.socket.keepalive'],
    keepaliveTimeS: o['transport.socket.keepalive-time'],
    tls: self.priv.tls ? { context: self.priv.tls.context, depth: o['transport.socket.ssl-cert-depth'] } : undefined,
  };
}

/** One fop: build the request from loc/fd, call, decode the reply (generated for every GFS4 fop). */
function wireFop<N extends WireFop>(fop: N) {
  const reads = fop === 'readv';
  return async (self: Self, frame: Frame, args: FopArgs<N>) => {
    const { session, fds } = self.priv;
    const { req, payload } = buildRequest({ fds, filterDirect: self.options['filter-O_DIRECT'], strictLocks: self.options['strict-locks'] }, fop, args);
    // A caller that gives READ data back (the FUSE bridge) gets it in a pooled buffer.
    const replyPool = reads && frame.recycledReads ? READ_REPLIES : undefined;
    const reply = await callFop(session, frame, fop, req, { payload, cred: frameCredential(frame, self.options['send-gids']), replyPool });
    return decodeResult({ fds, itable: self.graph.itable }, fop, args, reply.value, reply.payload);
  };
}

const sendFlush = wireFop('flush');
const sendLk = wireFop('lk');
const sendLease = wireFop('lease');

/**
 * FLUSH (every close): on a brick it only lets features/locks drop the flushing owner's POSIX
 * locks on the file (pl_flush; posix answers it and does nothing). With flush-to-brick
 * when-locked, a file this client never sent a lock (or lease) for needs no round trip: the
 * fd is checked here as the brick would see it (connected, open), and the close succeeds. A file
 * locked through any fd is flushed through every fd, as POSIX drops a process's locks on any close.
 */
async function flush(self: Self, frame: Frame, args: FopArgs<'flush'>) {
  const { session, fds } = self.priv;
  if (self.options['flush-to-brick'] === 'always' || (args.xdata && args.xdata.size > 0) || args.fd.inode.ctxGet(self) === LOCKED) return sendFlush(self, frame, args);
  if (!session.current()) throw notConnected('not connected to the brick');
  fds.remote(args.fd, false);
  return {};
}

/**
 * This client sent a lock or lease for the inode: kept in the inode's ctx under this translator
 * (as GlusterFS's inode_ctx), so it goes when the inode is forgotten, after its last fd.
 * Remembered before the call goes out: a FLUSH racing the lock's reply must reach the brick too.
 */
const LOCKED = 'locked';
const markLocked = (self: Self, inode: Inode | undefined) => inode?.ctxSet(self, LOCKED);

/** The fcntl commands that set (or clear) a lock, rather than ask about one. */
const SETS: ReadonlySet<number> = new Set([F.SETLK, F.SETLKW, F.SETLK64, F.SETLKW64]);

/** LK: sent, and what a granted lock or unlock covers kept on the fd (see FdCtx.locked). */
async function lk(self: Self, frame: Frame, args: FopArgs<'lk'>) {
  markLocked(self, args.fd.inode);
  const r = await sendLk(self, frame, args);
  if (SETS.has(args.cmd)) self.priv.fds.lockGranted(args.fd, args.flock);
  return r;
}

const fops = {
  ...(Object.fromEntries(WIRE_FOPS.map((n) => [n, wireFop(n)])) as FopImpls<typeof CLIENT_OPTIONS, ClientState>),
  flush,
  lk,
  lease: (self: Self, frame: Frame, args: FopArgs<'lease'>) => (markLocked(self, args.loc.inode), sendLease(self, frame, args)),
} as FopImpls<typeof CLIENT_OPTIONS, ClientState>;

/**
 * protocol_client_reopen: open again, by gfid, every fd the lost connection had; with
 * strict-locks, not those that held locks (client_post_handshake): the brick dropped the locks
 * with the connection, so their fops fail with EBADFD rather than go on unprotected.
 */
async function reopenAll(self: Self, conn: RpcConnection): Promise<void> {
  const { session, fds } = self.priv;
  let todo = fds.bad();
  if (self.options['strict-locks']) {
    const held = todo.filter((c) => c.locked.length > 0);
    if (held.length) {
      self.log.warn(`not reopening ${held.length} fd(s) whose locks the brick dropped with the connection (strict-locks): their fops fail with EBADFD`, {
        code: 'CLIENT_FD_LOCKS_LOST',
      });
      todo = todo.filter((c) => c.locked.length === 0);
    }
  }
  if (todo.length) self.log.info(`reopening ${todo.length} fd(s) after reconnect`);
  await Promise.all(todo.map((c) => reopen(self, session, conn, c)));
}

async function reopen(self: Self, session: Session, conn: RpcConnection, c: FdCtx): Promise<void> {
  const gfid = gfidToBuffer(c.gfid);
  try {
    const r = c.dir
      ? await callFop(session, undefined, 'opendir', { gfid, xdata: dictToWire(undefined) }, { cred: internalCredential(), conn })
      : await callFop(session, undefined, 'open', { gfid, flags: reopenFlags(c.flags), xdata: dictToWire(undefined) }, { cred: internalCredential(), conn });
    if (!c.fd.released) c.remoteFd = r.value.fd as bigint;
  } catch (err) {
    // The fd stays bad: fops on it fail with EBADFD, as GlusterFS does when a reopen fails.
    self.log.warn(`reopen of ${c.gfid} failed: ${(err as Error).message}`);
  }
}

/** RELEASE / RELEASEDIR: forget our fd number on the brick (nothing to do if the brick already did). */
async function release(self: Self, fd: Fd, dir: boolean): Promise<void> {
  const { session, fds } = self.priv;
  const c = fds.remove(fd);
  const conn = session.current();
  if (!c || c.remoteFd < 0n || !conn) return;
  try {
    await callFop(session, undefined, dir ? 'releasedir' : 'release', { gfid: gfidToBuffer(c.gfid), fd: c.remoteFd, xdata: ZEROED_XDATA }, {
      cred: internalCredential(),
      conn,
    });
  } catch (err) {
    self.log.debug(`${dir ? 'releasedir' : 'release'} of ${c.gfid} failed: ${(err as Error).message}`);
  }
}

/**
 * protocol/client: this volume's fops are calls to a remote brick (a GlusterFS 10 glusterfsd or
 * gfs-brick) over the GFS4 wire protocol. Connection lifecycle: session.ts; request and reply
 * mapping: requests.ts, replies.ts.
 */
export default defineXlator({
  apiVersion: API_VERSION,
  type: 'protocol/client',
  description: 'Sends every fop to a remote brick over the GlusterFS 4.x wire protocol',
  options: CLIENT_OPTIONS,
  passesWriteData: true,
  passesReadData: true,
  children: { max: 0 },
  init(self): ClientState {
    const o = self.options;
    if (/rdma/.test(o['transport-type'])) throw new Error('transport-type rdma is not supported; use tcp');
    if (!o['remote-subvolume']) throw new Error('option remote-subvolume is required');
    if (o['transport.address-family'] === 'unix' ? !o['transport.socket.connect-path'] : !o['remote-host']) {
      throw new Error(o['transport.address-family'] === 'unix' ? 'address family unix needs transport.socket.connect-path' : 'option remote-host is required');
    }
    const fds = new FdRegistry(self);
    const tls = o['transport.socket.ssl-enabled'] ? secureContext(tlsSettings(o), 'client') : undefined;
    const session = new Session({
      config: () => sessionConfig(self),
      notify: (type, message) => void self.notifyParents({ type, from: self as unknown as Xlator, ...(message ? { message } : {}) }),
      markFdsBad: () => fds.markAllBad(),
      reopen: (conn) => reopenAll(self, conn),
      log: self.log,
    });
    return { session, fds, tls };
  },
  fini(self) {
    const { spliced, copied } = self.priv.session.piped;
    if (spliced + copied > 0) {
      const mib = (n: number) => (n / 1048576).toFixed(1);
      self.log.info(`write data from the mount's pipes: ${mib(spliced)} MiB spliced to the brick, ${mib(copied)} MiB copied`, { code: 'CLIENT_SPLICE_STATS', spliced, copied });
    }
    self.priv.session.stop();
  },
  reconfigure(self, next) {
    const before = sessionConfig(self);
    const tlsBefore = JSON.stringify(tlsOptions(self.options));
    // New certificates are read before anything changes: unreadable ones fail the reconfigure.
    const tlsChanged = JSON.stringify(tlsOptions(next)) !== tlsBefore;
    const context = tlsChanged && next['transport.socket.ssl-enabled'] ? secureContext(tlsSettings(next), 'client') : self.priv.tls;
    self.options = next;
    if (tlsChanged) self.priv.tls = next['transport.socket.ssl-enabled'] ? context : undefined;
    const after = sessionConfig(self);
    // A new address, subvolume or TLS setting takes effect through a reconnect.
    if (tlsChanged || before.host !== after.host || before.port !== after.port || before.subvolume !== after.subvolume || before.connectPath !== after.connectPath) {
      self.priv.session.drop(tlsChanged ? 'TLS settings changed' : 'remote address changed');
    }
  },
  notify(self, event) {
    // PARENT_UP starts connecting; CHILD_UP follows the handshake, not the event itself.
    if (event.type === 'PARENT_UP') return self.priv.session.start();
    if (event.type === 'PARENT_DOWN') return self.priv.session.stop();
  },
  fops,
  cbks: {
    release: (self, fd) => release(self, fd, false),
    releasedir: (self, fd) => release(self, fd, true),
  },
  dump: (self) => ({ ...self.priv.session.dump(), openFds: self.priv.fds.size, procedures: Object.keys(GFS4_FOPS).length }),
});

