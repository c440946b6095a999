/**
 * The conformance volume spread over three bricks: storage/posix -> features/access-control on
 * each brick (permission checks belong on the brick, as glusterd writes them), cluster/distribute
 * over the three, debug/io-stats on top. In-process through runtime/api, and mounted with the real
 * gfs-mount (daemonized) through node:fs, other users acting through helper processes.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { VolumeClient } from '../../../runtime/api/index.js';
import { startGraph, type TestGraph } from '../../../runtime/testkit/index.js';
import { findMount, kernelUnmount } from '../../../xlators/mount/fuse/kernel/mount.js';
import { gfsMount } from '../../mount/fixtures/harness.js';
import type { Fs, Target } from '../fs.js';
import { clientFs } from './in-process.js';
import { nodeFs } from './node-fs.js';
import { UserProcess } from './user-proxy.js';

export const DIST_BRICKS = 3;

/** The volfile over brick folders `brickDirs` (one per subvolume). */
export function distributeVolfile(brickDirs: readonly string[]): string {
  const bricks = brickDirs.map((dir, i) =>
    `volume dconf-posix-${i}\n    type storage/posix\n    option directory ${dir}\nend-volume\n\n` +
    `volume dconf-brick-${i}\n    type features/access-control\n    subvolumes dconf-posix-${i}\nend-volume\n`,
  );
  return [
    ...bricks,
    `volume dconf-dht\n    type cluster/distribute\n    subvolumes ${brickDirs.map((_, i) => `dconf-brick-${i}`).join(' ')}\nend-volume\n`,
    'volume dconf\n    type debug/io-stats\n    subvolumes dconf-dht\nend-volume\n',
  ].join('\n');
}

export function distributeInProcessTarget(): Target {
  let dir: string | undefined;
  let g: TestGraph | undefined;
  return {
    name: 'distribute-3-bricks',
    async setup() {
      dir = await mkdtemp(join(tmpdir(), 'gfs-conf-dht-'));
      const bricks = Array.from({ length: DIST_BRICKS }, (_, i) => join(dir!, `brick${i}`));
      for (const b of bricks) await mkdir(b);
      g = await startGraph({ volfile: distributeVolfile(bricks) });
      const c = new VolumeClient(g.graph);
      await c.chmod('/', 0o755);
      return clientFs(c);
    },
    async teardown() {
      await g?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
      g = dir = undefined;
    },
  };
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** An Fs over a mount point, with `as()` through one long-lived helper process per identity. */
export function mountFs(mnt: string, users: Map<string, UserProcess>): Fs {
  const as = async (uid: number, gid: number, groups: number[] = []): Promise<Fs> => {
    const key = `${uid}:${gid}:${groups.join(',')}`;
    let u = users.get(key);
    if (!u) users.set(key, (u = new UserProcess(mnt, uid, gid, groups)));
    await u.ready;
    return u.fs();
  };
  return nodeFs(mnt, as);
}

export function distributeMountedTarget(): Target {
  let dir: string | undefined;
  const users = new Map<string, UserProcess>();
  return {
    name: 'distribute-3-bricks-mounted',
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'gfs-conf-dht-mnt-'));
      chmodSync(dir, 0o755);
      const bricks = Array.from({ length: DIST_BRICKS }, (_, i) => join(dir!, `brick${i}`));
      for (const b of bricks) mkdirSync(b);
      const mnt = join(dir, 'mnt');
      mkdirSync(mnt);
      const vol = join(dir, 'distribute.vol');
      writeFileSync(vol, distributeVolfile(bricks));
      const r = await gfsMount(['-o', `log-file=${join(dir, 'mount.log')},pid-file=${join(dir, 'mount.pid')}`, vol, mnt]);
      if (r.code !== 0) throw new Error(`gfs-mount failed (${r.code}): ${r.stderr}`);
      const fs = mountFs(mnt, users);
      await fs.chmod('/', 0o755);
      return fs;
    },
    async teardown() {
      await Promise.all([...users.values()].map((u) => u.close()));
      users.clear();
      if (!dir) return;
      const mnt = join(dir, 'mnt');
      const pidFile = join(dir, 'mount.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
      // umount makes the daemon exit cleanly; one that does not is killed and the mount detached.
      if (findMount(mnt)) await kernelUnmount(mnt);
      for (let i = 0; alive(pid) && i < 50; i++) await sleep(100);
      if (alive(pid)) process.kill(pid!, 'SIGKILL');
      for (let i = 0; i < 3 && findMount(mnt); i++) await kernelUnmount(mnt, { lazy: true });
      rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
