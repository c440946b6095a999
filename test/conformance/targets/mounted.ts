import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findMount, kernelUnmount } from '../../../xlators/mount/fuse/kernel/mount.js';
import { gfsMount } from '../../mount/fixtures/harness.js';
import type { Fs, Target } from '../fs.js';
import { volfileFor } from '../volfile.js';
import { nodeFs } from './node-fs.js';
import { UserProcess } from './user-proxy.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Mounted: the conformance volfile mounted with the real `gfs-mount` (daemonized, as a user
 * runs it), used through node:fs and the native addon; other users act through long-lived
 * helper processes (user-helper.ts). The temp folder is 0755 so those users can reach the mount.
 */
export function mountedTarget(mountOptions: string[] = []): Target {
  let dir: string | undefined;
  const users = new Map<string, UserProcess>();
  return {
    name: 'mounted',
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'gfs-conf-mnt-'));
      chmodSync(dir, 0o755);
      const brick = join(dir, 'brick');
      const mnt = join(dir, 'mnt');
      mkdirSync(brick);
      mkdirSync(mnt);
      const vol = join(dir, 'conformance.vol');
      writeFileSync(vol, volfileFor(brick));
      const opts = [`log-file=${join(dir, 'mount.log')}`, `pid-file=${join(dir, 'mount.pid')}`, ...mountOptions].join(',');
      const r = await gfsMount(['-o', opts, vol, mnt]);
      if (r.code !== 0) throw new Error(`gfs-mount failed (${r.code}): ${r.stderr}`);
      const root = mnt;
      const as = async (uid: number, gid: number, groups: number[] = []): Promise<Fs> => {
        const key = `${uid}:${gid}:${groups.join(',')}`;
        let u = users.get(key);
        if (!u) users.set(key, (u = new UserProcess(root, uid, gid, groups)));
        await u.ready;
        return u.fs();
      };
      const fs = nodeFs(root, as);
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
      // umount makes the daemon exit cleanly; a daemon that does not is killed and the mount detached.
      if (findMount(mnt)) await kernelUnmount(mnt);
      for (let i = 0; pid && alive(pid) && i < 50; i++) await sleep(100);
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 3 && findMount(mnt); i++) await kernelUnmount(mnt, { lazy: true });
      rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
