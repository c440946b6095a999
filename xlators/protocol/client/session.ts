import net, { type Socket } from 'node:net';
import { E } from '../../../runtime/core/fop-error.js';
import type { Logger } from '../../../runtime/log/logger.js';
import type { UpEventType } from '../../../runtime/xlator/events.js';
import {
  CALLBACK, DUMP, HANDSHAKE, PORTMAP, type ArgsOf, type Message, type Procedure, type Program, type ReplyOf,
} from '../../../rpc/programs/index.js';
import type { Credential } from '../../../rpc/sunrpc/auth.js';
import { connectionReader, RpcConnection, RpcTimeoutError, type RpcCallOptions } from '../../../rpc/transport/index.js';
import { tlsClient } from '../../../rpc/transport/tls.js';
import type { SecureContext } from 'node:tls';
import { DUMP_GFS_ID, dumpCredential, hasGfs4, internalCredential, isManagementDaemon, setvolumeDict } from './handshake.js';

/** rpc-clnt's reconnect interval. */
export const RECONNECT_MS = 3000;
const DEFAULT_PORT = 24007;
/** setTimeout's ceiling, for "no timeout" (frame-timeout 0). */
const FOREVER_MS = 0x7fffffff;

export type SessionEvent = Extract<UpEventType, 'CHILD_UP' | 'CHILD_DOWN' | 'CHILD_CONNECTING' | 'AUTH_FAILED'>;

/** The translator's options as the session reads them at each connection attempt. */
export interface SessionConfig {
  name: string;
  host?: string;
  port?: number;
  family: string;
  connectPath?: string;
  subvolume: string;
  transportType: string;
  username?: string;
  password?: string;
  pingTimeoutS: number;
  frameTimeoutS: number;
  keepalive: boolean;
  keepaliveTimeS: number;
  /** TLS over the connection (transport.socket.ssl-enabled): the shared context and verify depth. */
  tls?: { context: SecureContext; depth: number };
}

export interface SessionHooks {
  config(): SessionConfig;
  notify(event: SessionEvent, message?: string): void;
  /** The connection dropped: every remote fd number is void. */
  markFdsBad(): void;
  /** Handshake done: reopen the fds the last connection had, before CHILD_UP. */
  reopen(conn: RpcConnection): Promise<void>;
  log: Logger;
}

/**
 * One protocol/client's connection to its brick, GlusterFS's rpc-clnt plus client-handshake:
 * connect, DUMP, PORTBYBRICK when the peer is glusterd (then reconnect to the brick's port),
 * SETVOLUME, reopen fds, CHILD_UP. A drop marks fds bad, says CHILD_DOWN once and retries every
 * 3 s; pings run while calls are outstanding and a ping unanswered for ping-timeout drops the
 * connection.
 */
export class Session {
  private conn: RpcConnection | undefined;
  private ready: RpcConnection | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  /** The last TLS handshake failure logged (see attempt). */
  private lastTlsError: string | undefined;
  /** The brick port glusterd named; forgotten on a drop so glusterd is asked again. */
  private brickPort: number | undefined;
  private quickReconnect = false;
  private skipNotify = false;
  private lastEvent: SessionEvent | undefined;
  private setvolCount = 0;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingConn: RpcConnection | undefined;
  private pingInFlight = false;
  /** Counters for dump() and tests. */
  readonly stats = { connects: 0, handshakes: 0, drops: 0, pingTimeouts: 0 };
  /** Write data that came in pipes (runtime/core/pipe-bytes.ts), bytes, over the connections before the current one. */
  private pipedBefore = { spliced: 0, copied: 0 };

  /** Write data that came in pipes: bytes spliced to the brick's socket, and bytes copied (socket full, TLS). */
  get piped(): { spliced: number; copied: number } {
    const c = this.conn?.piped;
    return { spliced: this.pipedBefore.spliced + (c?.spliced ?? 0), copied: this.pipedBefore.copied + (c?.copied ?? 0) };
  }

  constructor(private readonly hooks: SessionHooks) {}

  /** The connection fops may use: only after a completed handshake. */
  current(): RpcConnection | undefined {
    return this.ready && !this.ready.closed ? this.ready : undefined;
  }

  get state(): string {
    return !this.running ? 'stopped' : this.ready ? 'up' : this.conn ? 'handshaking' : 'connecting';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.conn;
    if (c) c.close();
    else this.notifyUniq('CHILD_DOWN');
  }

  /** Drop the current connection (reconfigure, tests); reconnection follows as for any drop. */
  drop(why: string): void {
    this.conn?.close(new Error(why));
  }

  /** Send a call on `conn` and start pinging if this is the first outstanding one. */
  call<P extends Procedure>(conn: RpcConnection, program: Program, proc: P, args: ArgsOf<P>, opts: RpcCallOptions = {}): Promise<Message<ReplyOf<P>>> {
    const p = conn.call(program, proc, args, opts);
    this.kickPing(conn);
    return p;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.attempt();
    }, ms);
  }

  private async attempt(): Promise<void> {
    if (!this.running || this.conn) return;
    const cfg = this.hooks.config();
    let socket: Socket;
    let attach: (conn: RpcConnection) => void;
    try {
      ({ socket, attach } = await this.connectSocket(cfg));
    } catch (err) {
      const msg = `connection to ${this.target(cfg)} failed: ${(err as Error).message}`;
      // A TLS refusal is a setup problem (certificates, CA lists) that retrying will not mend:
      // said once at warning level (again only if it changes), not buried among the retries.
      const tls = (err as { code?: string }).code === 'TLS_HANDSHAKE';
      if (tls && msg !== this.lastTlsError) this.hooks.log.warn(msg, { code: 'CLIENT_TLS_FAILED' });
      else this.hooks.log.debug(msg);
      if (tls) this.lastTlsError = msg;
      return this.disconnected(undefined);
    }
    if (!this.running) return void socket.destroy();
    // Connected: a handshake failure after this is news again, said at warning level.
    this.lastTlsError = undefined;
    this.stats.connects++;
    const conn = new RpcConnection(socket, {
      frameTimeoutMs: cfg.frameTimeoutS > 0 ? cfg.frameTimeoutS * 1000 : FOREVER_MS,
      credential: dumpCredential(),
      logger: this.hooks.log,
      name: this.target(cfg),
    });
    attach(conn);
    // Servers send callbacks (cache invalidation, ...) one-way; serving the program keeps them unanswered.
    conn.serve(CALLBACK, {});
    this.conn = conn;
    conn.on('close', () => this.disconnected(conn));
    try {
      await this.handshake(conn, cfg);
    } catch (err) {
      if (!conn.closed) this.hooks.log.warn(`handshake with ${this.target(cfg)} failed: ${(err as Error).message}`);
      conn.close(err as Error);
    }
  }

  private target(cfg: SessionConfig): string {
    return cfg.family === 'unix' ? (cfg.connectPath ?? '?') : `${cfg.host ?? '?'}:${this.brickPort ?? cfg.port ?? DEFAULT_PORT}`;
  }

  private connectSocket(cfg: SessionConfig): Promise<{ socket: Socket; attach(conn: RpcConnection): void }> {
    return new Promise((resolve, reject) => {
      let socket: Socket;
      // Under TLS the TCP socket's bytes are TLS records for the TLS layer: no reader of ours.
      const reader = cfg.tls ? undefined : connectionReader();
      const onread = reader?.onread;
      if (cfg.family === 'unix') {
        if (!cfg.connectPath) return reject(new Error('transport.address-family unix needs transport.socket.connect-path'));
        socket = net.connect({ path: cfg.connectPath, onread });
      } else {
        if (!cfg.host) return reject(new Error('remote-host is not set'));
        socket = net.connect({
          host: cfg.host,
          port: this.brickPort ?? cfg.port ?? DEFAULT_PORT,
          family: cfg.family === 'inet6' ? 6 : 4,
          onread,
        });
      }
      // A connect that neither succeeds nor fails (filtered address) counts as a failure.
      const timer = setTimeout(() => socket.destroy(new Error('connect timed out')), 10_000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        if (cfg.family !== 'unix' && cfg.keepalive) socket.setKeepAlive(true, cfg.keepaliveTimeS * 1000);
        if (!cfg.tls) return resolve({ socket, attach: reader!.attach });
        // TLS: the handshake first; records then arrive as the TLS socket's 'data'.
        tlsClient(socket, cfg.tls.context, cfg.tls.depth).then((secure) => resolve({ socket: secure, attach: () => undefined }), reject);
      });
    });
  }

  /** client_handshake -> client_dump_version_cbk -> client_query_portmap / client_setvolume. */
  private async handshake(conn: RpcConnection, cfg: SessionConfig): Promise<void> {
    const dump = await this.call(conn, DUMP, DUMP.procs.DUMP, { gfs_id: DUMP_GFS_ID }, { cred: dumpCredential() });
    if (dump.value.op_ret === -1) throw new Error(`DUMP refused (errno ${dump.value.op_errno})`);
    if (isManagementDaemon(dump.value)) {
      const pm = await this.call(conn, PORTMAP, PORTMAP.procs.PORTBYBRICK, { brick: cfg.subvolume });
      if (pm.value.op_ret === -1) {
        this.hooks.log.error(`glusterd knows no port for brick ${cfg.subvolume}; is the brick running?`);
        return conn.close();
      }
      this.hooks.log.info(`glusterd says brick ${cfg.subvolume} listens on port ${pm.value.port}`);
      // Reconnect to the brick at once, without telling the parents about this planned drop.
      this.brickPort = pm.value.port;
      this.skipNotify = true;
      this.quickReconnect = true;
      return conn.close();
    }
    if (!hasGfs4(dump.value)) throw new Error('the peer does not serve GlusterFS 4.x v1 (1298437 v400)');
    conn.credential = internalCredential();
    const sv = await this.call(conn, HANDSHAKE, HANDSHAKE.procs.SETVOLUME, {
      dict: setvolumeDict({
        name: cfg.name, transportType: cfg.transportType, remoteHost: cfg.host, remotePort: cfg.port, remoteSubvolume: cfg.subvolume,
        username: cfg.username, password: cfg.password, reconnects: this.setvolCount++,
      }),
    });
    const remoteError = sv.value.dict?.getStr('ERROR');
    if (sv.value.op_ret < 0) {
      const msg = `SETVOLUME on ${cfg.subvolume} failed: ${remoteError ?? `errno ${sv.value.op_errno}`}`;
      this.hooks.log.error(msg);
      // client_setvolume_cbk: EACCES with a remote error is an authentication failure.
      if (sv.value.op_errno === E.EACCES && remoteError) this.notify('AUTH_FAILED', msg);
      else this.notify('CHILD_CONNECTING', msg);
      return conn.close();
    }
    this.stats.handshakes++;
    this.hooks.log.info(`connected to ${cfg.subvolume} at ${this.target(cfg)}`);
    await this.hooks.reopen(conn);
    if (this.conn !== conn || conn.closed) return;
    this.ready = conn;
    this.notify('CHILD_UP');
  }

  /** RPC_CLNT_DISCONNECT (also a failed connect, `conn` undefined). */
  private disconnected(conn: RpcConnection | undefined): void {
    if (conn && conn !== this.conn) return;
    if (conn) {
      this.stats.drops++;
      this.pipedBefore.spliced += conn.piped.spliced;
      this.pipedBefore.copied += conn.piped.copied;
    }
    this.conn = undefined;
    this.ready = undefined;
    this.stopPing();
    this.hooks.markFdsBad();
    if (!this.skipNotify) this.notifyUniq('CHILD_DOWN');
    this.skipNotify = false;
    if (!this.running) return;
    if (this.quickReconnect) {
      this.quickReconnect = false;
      return this.schedule(0);
    }
    this.brickPort = undefined;
    this.schedule(RECONNECT_MS);
  }

  private notify(event: SessionEvent, message?: string): void {
    this.lastEvent = event;
    this.hooks.notify(event, message);
  }

  /** client_notify_dispatch_uniq: the same event twice in a row is sent once. */
  private notifyUniq(event: SessionEvent): void {
    if (this.lastEvent !== event) this.notify(event);
  }

  /** rpc_clnt_start_ping: ping only while calls are outstanding, one at a time. */
  private kickPing(conn: RpcConnection): void {
    if (this.pingConn === conn && (this.pingInFlight || this.pingTimer)) return;
    this.sendPing(conn);
  }

  private sendPing(conn: RpcConnection): void {
    const timeoutS = this.hooks.config().pingTimeoutS;
    this.pingTimer = undefined;
    if (timeoutS <= 0 || conn.closed || conn !== this.conn || conn.outstanding === 0) return;
    this.pingConn = conn;
    this.pingInFlight = true;
    conn.call(DUMP, DUMP.procs.PING, undefined, { timeoutMs: timeoutS * 1000, cred: internalCredential() }).then(
      () => {
        this.pingInFlight = false;
        if (conn !== this.conn) return;
        this.pingTimer = setTimeout(() => this.sendPing(conn), timeoutS * 1000);
        this.pingTimer.unref();
      },
      (err: unknown) => {
        this.pingInFlight = false;
        if (err instanceof RpcTimeoutError && conn === this.conn) {
          this.stats.pingTimeouts++;
          this.hooks.log.error(`server ${conn.name} has not responded in the last ${timeoutS} seconds, disconnecting`);
          conn.close(err);
        }
      },
    );
  }

  private stopPing(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    this.pingConn = undefined;
    this.pingInFlight = false;
  }

  dump(): Record<string, unknown> {
    return { state: this.state, lastEvent: this.lastEvent, brickPort: this.brickPort, outstanding: this.conn?.outstanding ?? 0, ...this.stats, piped: this.piped };
  }
}
