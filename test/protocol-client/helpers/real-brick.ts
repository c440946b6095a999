import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../scripts/lib/free-port.js';
import { alive } from '../../../scripts/lib/process.js';
export { freePort };

/** Real GlusterFS 10 brick (Debian's glusterfsd), run from a volfile without glusterd. */
export const HAVE_GLUSTERFSD = fs.existsSync('/usr/sbin/glusterfsd');


export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await ok()) return;
  throw new Error(`timed out waiting for ${what}`);
}


export interface RealBrick {
  /** Work folder (volfile, logs, pid file); the brick data is in `dir`. */
  work: string;
  dir: string;
  port: number;
  /** The volume a client attaches to (remote-subvolume). */
  subvolume: string;
  pid(): number | undefined;
  /** Send a signal to the running glusterfsd. */
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL and wait until it is gone. */
  kill(): Promise<void>;
  /** Start glusterfsd again on the same port and brick. */
  restart(): Promise<void>;
  /** Kill (SIGCONT first, in case it was stopped), remove the folder. Safe to call twice. */
  stop(): Promise<void>;
  log(): string;
}

/**
 * storage/posix + features/locks + protocol/server on a free port, as ../shared/interop/real-brick.vol.
 * `extraServerOptions` go into the server volume (auth.login..., for example); `accessControl`
 * puts features/access-control over posix, as glusterd's brick volfiles do (permission checks).
 */
export async function startRealBrick(extraServerOptions: string[] = [], opts: { accessControl?: boolean } = {}): Promise<RealBrick> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-pc-brick-'));
  const dir = path.join(work, 'brick');
  fs.mkdirSync(dir);
  const port = await freePort();
  const vol = path.join(work, 'brick.vol');
  const subvolume = 'pc-locks';
  fs.writeFileSync(
    vol,
    [
      'volume pc-posix', '    type storage/posix', `    option directory ${dir}`, 'end-volume',
      ...(opts.accessControl ? ['volume pc-acl', '    type features/access-control', '    subvolumes pc-posix', 'end-volume'] : []),
      'volume pc-locks', '    type features/locks', `    subvolumes ${opts.accessControl ? 'pc-acl' : 'pc-posix'}`, 'end-volume',
      'volume pc-server', '    type protocol/server', '    option transport-type tcp',
      `    option transport.socket.listen-port ${port}`, '    option transport.address-family inet',
      `    option auth.addr.${subvolume}.allow *`, ...extraServerOptions.map((o) => `    option ${o}`), '    subvolumes pc-locks', 'end-volume', '',
    ].join('\n'),
  );
  const pidFile = path.join(work, 'brick.pid');
  const logFile = path.join(work, 'brick.log');
  let pid: number | undefined;
  let stopped = false;
  const start = async () => {
    fs.rmSync(pidFile, { force: true });
    execFileSync('glusterfsd', ['-f', vol, '-l', logFile, '-p', pidFile, '--brick-port', String(port)]);
    await waitFor('glusterfsd pid file', () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '');
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    await waitFor(`glusterfsd listening on ${port}`, () => canConnect(port));
  };
  const kill = async () => {
    if (pid === undefined || !alive(pid)) return;
    const p = pid;
    process.kill(p, 'SIGKILL');
    await waitFor('glusterfsd to die', () => !alive(p), 10_000);
  };
  const brick: RealBrick = {
    work, dir, port, subvolume,
    pid: () => pid,
    signal: (sig) => void (pid !== undefined && alive(pid) && process.kill(pid, sig)),
    kill,
    restart: start,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (pid !== undefined && alive(pid)) {
        process.kill(pid, 'SIGCONT');
        await kill();
      }
      fs.rmSync(work, { recursive: true, force: true });
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
  };
  try {
    await start();
  } catch (err) {
    const log = brick.log().slice(-2000);
    await brick.stop();
    throw new Error(`glusterfsd did not start: ${(err as Error).message}\n${log}`);
  }
  return brick;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A client volfile pointing at a brick. */
export function clientVolfile(brick: Pick<RealBrick, 'port' | 'subvolume'>, extra: string[] = [], name = 'pc-client'): string {
  return [
    `volume ${name}`, '    type protocol/client', '    option transport-type tcp', '    option remote-host 127.0.0.1',
    `    option remote-port ${brick.port}`, `    option remote-subvolume ${brick.subvolume}`, ...extra.map((o) => `    option ${o}`), 'end-volume', '',
  ].join('\n');
}
