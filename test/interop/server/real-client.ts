import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { spawnBrick, type BrickProcess } from '../../protocol-server/brick-process.js';

/** The real GlusterFS 10 client (Debian's glusterfs) beside the tests. */
export const HAVE_REAL_CLIENT = fs.existsSync('/usr/sbin/glusterfs') && fs.existsSync('/dev/fuse');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const mounted = (mnt: string) => fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);

export interface RealClientOverBrick {
  brick: BrickProcess;
  mnt: string;
  clientLog: string;
  stop(): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/**
 * Our gfs-brick (posix + features/locks + protocol/server) mounted by the real `glusterfs -f
 * client.vol MNT`. stop() unmounts, then SIGTERMs the brick; it is also registered as teardown.
 */
export async function realClientOverBrick(
  t: Teardown,
  serverOptions: Record<string, string> = {},
  clientOptions: Record<string, string> = {},
  opts: { expectRefusal?: boolean } = {},
): Promise<RealClientOverBrick> {
  const brick = await spawnBrick(t, serverOptions, { locks: true });
  const mnt = path.join(brick.dir, 'mnt');
  fs.mkdirSync(mnt);
  fs.chmodSync(brick.dir, 0o755);
  const clientVol = path.join(brick.dir, 'client.vol');
  const co = { 'transport-type': 'tcp', 'remote-host': '127.0.0.1', 'remote-port': String(brick.port), 'remote-subvolume': 'b-locks', ...clientOptions };
  fs.writeFileSync(clientVol, ['volume r-client', '    type protocol/client', ...Object.entries(co).map(([k, v]) => `    option ${k} ${v}`), 'end-volume', ''].join('\n'));
  const clientLog = path.join(brick.dir, 'client.log');
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (mounted(mnt) && spawnSync('umount', [mnt]).status !== 0) spawnSync('umount', ['-l', mnt]);
    for (let i = 0; i < 30 && mounted(mnt); i++) await sleep(100);
    await brick.stop();
  };
  t.teardown(stop);
  try {
    execFileSync('glusterfs', ['-f', clientVol, '-l', clientLog, mnt]);
    // A refused client shuts itself down (fuse: "Server authentication failed"): wait for its verdict.
    if (opts.expectRefusal) {
      for (let i = 0; i < 100 && !(fs.existsSync(clientLog) && /SETVOLUME on remote-host failed/.test(fs.readFileSync(clientLog, 'utf8'))); i++) await sleep(100);
      for (let i = 0; i < 50 && mounted(mnt); i++) await sleep(100);
      return { brick, mnt, clientLog, stop };
    }
    for (let i = 0; i < 150 && !mounted(mnt); i++) await sleep(100);
    if (!mounted(mnt)) throw new Error('the glusterfs mount did not appear');
    // The first request waits for the client's CHILD_UP.
    for (let i = 0; i < 100; i++) {
      try {
        fs.readdirSync(mnt);
        break;
      } catch {
        await sleep(100);
      }
    }
  } catch (err) {
    await stop();
    const tail = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').slice(-3000) : '');
    throw new Error(`real glusterfs over gfs-brick did not start: ${(err as Error).message}\n${tail(brick.logFile)}\n${tail(clientLog)}`);
  }
  return { brick, mnt, clientLog, stop };
}
