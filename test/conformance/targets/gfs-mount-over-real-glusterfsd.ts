import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findMount, kernelUnmount } from '../../../xlators/mount/fuse/kernel/mount.js';
import { gfsMount } from '../../mount/fixtures/harness.js';
import { clientVolfile, startRealBrick, type RealBrick } from '../../protocol-client/helpers/real-brick.js';
import type { Fs, Target } from '../fs.js';
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
 * Our `gfs-mount` of a protocol/client volfile pointing at a real GlusterFS 10 `glusterfsd`
 * (posix + access-control + locks + server, as glusterd writes a brick): the conformance cases
 * exercise our client against the real brick. Other users act through helper processes.
 */
export function gfsMountOverRealGlusterfsdTarget(): Target {
  let dir: string | undefined;
  let brick: RealBrick | undefined;
  const users = new Map<string, UserProcess>();
  return {
    name: 'gfs-mount-over-real-glusterfsd',
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'gfs-conf-rg-'));
      chmodSync(dir, 0o755);
      brick = await startRealBrick([], { accessControl: true });
      const mnt = join(dir, 'mnt');
      mkdirSync(mnt);
      const vol = join(dir, 'client.vol');
      writeFileSync(vol, clientVolfile(brick));
      const opts = [`log-file=${join(dir, 'mount.log')}`, `pid-file=${join(dir, 'mount.pid')}`].join(',');
      const r = await gfsMount(['-o', opts, vol, mnt]);
      if (r.code !== 0) throw new Error(`gfs-mount failed (${r.code}): ${r.stderr}`);
      const as = async (uid: number, gid: number, groups: number[] = []): Promise<Fs> => {
        const key = `${uid}:${gid}:${groups.join(',')}`;
        let u = users.get(key);
        if (!u) users.set(key, (u = new UserProcess(mnt, uid, gid, groups)));
        await u.ready;
        return u.fs();
      };
      const fs = nodeFs(mnt, as);
      await fs.chmod('/', 0o755);
      return fs;
    },
    async teardown() {
      await Promise.all([...users.values()].map((u) => u.close()));
      users.clear();
      if (dir) {
        const mnt = join(dir, 'mnt');
        const pidFile = join(dir, 'mount.pid');
        const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
        if (findMount(mnt)) await kernelUnmount(mnt);
        for (let i = 0; pid && alive(pid) && i < 50; i++) await sleep(100);
        if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
        for (let i = 0; i < 3 && findMount(mnt); i++) await kernelUnmount(mnt, { lazy: true });
        rmSync(dir, { recursive: true, force: true });
      }
      await brick?.stop();
      dir = brick = undefined;
    },
  };
}
