import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port.js';
import { alive } from '../../scripts/lib/process.js';

/** Real GlusterFS 10 (Debian's glusterfs-server) beside the tests, run from volfiles without glusterd. */
export const HAVE_REAL_GLUSTER = fs.existsSync('/usr/sbin/glusterfsd') && fs.existsSync('/usr/sbin/glusterfs') && fs.existsSync('/dev/fuse');


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (ok()) return;
  throw new Error(`timed out waiting for ${what}`);
}

const mounted = (mnt: string) => fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);


/**
 * GlusterFS's metadata cache over `sub`, with its default options: one of the performance
 * translators glusterd puts in every client volfile (stat-prefetch). Real glusterfs mounts only.
 */
export function mdCacheVolume(name: string, sub: string): string[] {
  return [`volume ${name}`, '    type performance/md-cache', `    subvolumes ${sub}`, 'end-volume'];
}

export interface RealMount {
  mnt: string;
  stop(): Promise<void>;
}

/**
 * Serve `brick` with real glusterfsd (posix + locks + server on a free port) and mount it with
 * the real glusterfs client at `work/mnt` (with `mdCache`, performance/md-cache over its client). stop() unmounts and kills both, and is safe to call twice.
 */
export async function realMount(work: string, brick: string, opts: { mdCache?: boolean } = {}): Promise<RealMount> {
  const port = await freePort();
  const mnt = path.join(work, 'mnt');
  fs.mkdirSync(mnt, { recursive: true });
  const brickVol = path.join(work, 'brick.vol');
  const clientVol = path.join(work, 'client.vol');
  fs.writeFileSync(
    brickVol,
    [
      'volume t-posix', '    type storage/posix', `    option directory ${brick}`, 'end-volume',
      'volume t-locks', '    type features/locks', '    subvolumes t-posix', 'end-volume',
      'volume t-server', '    type protocol/server', '    option transport-type tcp',
      `    option transport.socket.listen-port ${port}`, '    option transport.address-family inet',
      '    option auth.addr.t-locks.allow *', '    subvolumes t-locks', 'end-volume', '',
    ].join('\n'),
  );
  fs.writeFileSync(
    clientVol,
    [
      'volume t-client', '    type protocol/client', '    option transport-type tcp', '    option remote-host 127.0.0.1',
      `    option remote-port ${port}`, '    option remote-subvolume t-locks', 'end-volume',
      ...(opts.mdCache ? mdCacheVolume('t-md-cache', 't-client') : []),
      '',
    ].join('\n'),
  );
  const pidFile = path.join(work, 'brick.pid');
  let brickPid: number | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (mounted(mnt)) {
      const r = spawnSync('umount', [mnt]);
      if (r.status !== 0) spawnSync('umount', ['-l', mnt]);
    }
    if (brickPid !== undefined && alive(brickPid)) {
      process.kill(brickPid, 'SIGTERM');
      await waitFor('glusterfsd to exit', () => !alive(brickPid!), 10_000).catch(() => process.kill(brickPid!, 'SIGKILL'));
    }
  };
  try {
    execFileSync('glusterfsd', ['-f', brickVol, '-l', path.join(work, 'brick.log'), '-p', pidFile, '--brick-port', String(port)]);
    await waitFor('glusterfsd pid file', () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '');
    brickPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    execFileSync('glusterfs', ['-f', clientVol, '-l', path.join(work, 'client.log'), mnt]);
    await waitFor('the glusterfs mount', () => mounted(mnt));
    await waitFor('the volume to answer', () => {
      try {
        fs.readdirSync(mnt);
        return true;
      } catch {
        return false;
      }
    });
    return { mnt, stop };
  } catch (err) {
    await stop();
    const log = (f: string) => (fs.existsSync(path.join(work, f)) ? fs.readFileSync(path.join(work, f), 'utf8').slice(-2000) : '');
    throw new Error(`real GlusterFS did not start: ${(err as Error).message}\n${log('brick.log')}\n${log('client.log')}`);
  }
}
