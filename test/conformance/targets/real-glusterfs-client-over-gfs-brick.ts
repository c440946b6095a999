import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive, freePort, runGfsBrick } from '../../protocol-server/brick-process.js';
import type { Target } from '../fs.js';
import { caList, makeParty, tlsOptions } from '../../helpers/tls-certs.js';
import { closeUsers, openMountFs } from './shared.js';
import type { UserProcess } from './user-proxy.js';

const mounted = (mnt: string) => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);

/** A brick as glusterd writes one (posix, access-control, locks, server), served by our gfs-brick. */
function brickVolfile(brick: string, port: number, extra: Record<string, string>): string {
  return `
volume conf-posix
    type storage/posix
    option directory ${brick}
end-volume

volume conf-access
    type features/access-control
    subvolumes conf-posix
end-volume

volume conf-locks
    type features/locks
    subvolumes conf-access
end-volume

volume conf-server
    type protocol/server
    option transport-type tcp
    option transport.socket.bind-address 127.0.0.1
    option transport.socket.listen-port ${port}
    option auth.addr.conf-locks.allow 127.0.0.1
${Object.entries(extra).map(([k, v]) => `    option ${k} ${v}\n`).join('')}    subvolumes conf-locks
end-volume
`;
}

/**
 * The real GlusterFS 10 client (`glusterfs -f client.vol MNT`) mounting our `gfs-brick`: the
 * conformance cases exercise our server and brick translators behind the real client. Other
 * users act through helper processes. With `tls`, both ends speak TLS (certificates made for
 * the run, the brick admitting only the client's name through ssl-allow).
 */
export function realGlusterfsClientOverGfsBrickTarget(opts: { tls?: boolean } = {}): Target {
  let dir: string | undefined;
  let brickPid: number | undefined;
  const users = new Map<string, UserProcess>();
  return {
    name: opts.tls ? 'real-glusterfs-client-over-gfs-brick-tls' : 'real-glusterfs-client-over-gfs-brick',
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'gfs-conf-rc-'));
      chmodSync(dir, 0o755);
      const brick = join(dir, 'brick');
      const mnt = join(dir, 'mnt');
      mkdirSync(brick);
      mkdirSync(mnt);
      const port = await freePort();
      let serverTls: Record<string, string> = {};
      let clientTls: Record<string, string> = {};
      if (opts.tls) {
        const server = makeParty(dir, 'conf-brick');
        const client = makeParty(dir, 'conf-client');
        serverTls = { ...tlsOptions(server, caList(dir, 'brick', [client])), 'auth.login.conf-locks.ssl-allow': 'conf-client' };
        clientTls = tlsOptions(client, caList(dir, 'client', [server]));
      }
      writeFileSync(join(dir, 'brick.vol'), brickVolfile(brick, port, serverTls));
      const r = await runGfsBrick(['-f', join(dir, 'brick.vol'), '-p', join(dir, 'brick.pid'), '-l', join(dir, 'brick.log')]);
      if (r.code !== 0) throw new Error(`gfs-brick failed (${r.code}): ${r.stderr}`);
      brickPid = Number(readFileSync(join(dir, 'brick.pid'), 'utf8').trim());
      writeFileSync(join(dir, 'client.vol'), [
        'volume conf-client', '    type protocol/client', '    option transport-type tcp', '    option remote-host 127.0.0.1',
        `    option remote-port ${port}`, '    option remote-subvolume conf-locks',
        ...Object.entries(clientTls).map(([k, v]) => `    option ${k} ${v}`), 'end-volume', '',
      ].join('\n'));
      execFileSync('glusterfs', ['-f', join(dir, 'client.vol'), '-l', join(dir, 'client.log'), mnt]);
      for (let i = 0; i < 150 && !mounted(mnt); i++) await sleep(100);
      if (!mounted(mnt)) throw new Error(`the real client did not mount: ${existsSync(join(dir, 'client.log')) ? readFileSync(join(dir, 'client.log'), 'utf8').slice(-2000) : ''}`);
      return openMountFs(mnt, users);
    },
    async teardown() {
      await closeUsers(users);
      if (dir) {
        const mnt = join(dir, 'mnt');
        if (mounted(mnt) && spawnSync('umount', [mnt]).status !== 0) spawnSync('umount', ['-l', mnt]);
        for (let i = 0; i < 30 && mounted(mnt); i++) await sleep(100);
      }
      if (brickPid !== undefined && alive(brickPid)) {
        process.kill(brickPid, 'SIGTERM');
        for (let i = 0; i < 100 && alive(brickPid); i++) await sleep(100);
        if (alive(brickPid)) process.kill(brickPid, 'SIGKILL');
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = brickPid = undefined;
    },
  };
}
