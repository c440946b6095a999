/**
 * What the mounted conformance targets share: a volfile mounted with the real `gfs-mount`
 * (daemonized) and its teardown, and other users acting on a mount through long-lived helper
 * processes (user-helper.ts). In-process targets share graphTarget (in-process.ts).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findMount, kernelUnmount } from '../../../xlators/mount/fuse/kernel/mount.js';
import { gfsMount } from '../../mount/fixtures/harness.js';
import type { Fs, Target } from '../fs.js';
import { nodeFs } from './node-fs.js';
import { UserProcess } from './user-proxy.js';
import { alive, readPidFile } from '../../../scripts/lib/process.js';
export { alive };

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

/** mountFs, with the volume's root made 0755 so the other users reach into it. */
export async function openMountFs(mnt: string, users: Map<string, UserProcess>): Promise<Fs> {
  const fs = mountFs(mnt, users);
  await fs.chmod('/', 0o755);
  return fs;
}

/** Stop every helper process. */
export async function closeUsers(users: Map<string, UserProcess>): Promise<void> {
  await Promise.all([...users.values()].map((u) => u.close()));
  users.clear();
}


/**
 * Unmount `dir`/mnt, mounted by gfsMountTarget with its pid file `dir`/mount.pid. umount makes
 * the daemon exit cleanly; a daemon that does not is killed and the mount detached.
 */
export async function unmountGfsMount(dir: string): Promise<void> {
  const mnt = join(dir, 'mnt');
  const pidFile = join(dir, 'mount.pid');
  const pid = readPidFile(pidFile);
  if (findMount(mnt)) await kernelUnmount(mnt);
  for (let i = 0; alive(pid) && i < 50; i++) await sleep(100);
  if (alive(pid)) process.kill(pid!, 'SIGKILL');
  for (let i = 0; i < 3 && findMount(mnt); i++) await kernelUnmount(mnt, { lazy: true });
}

export interface GfsMountTargetOptions {
  name: string;
  tmpPrefix: string;
  /** The volfile's file name in the temp folder. */
  volName: string;
  /** The volfile's text; may create folders in `dir` or start a brick. */
  volfile: (dir: string) => string | Promise<string>;
  mountOptions?: string[];
  /** Runs last in teardown (after the unmount and the temp folder's removal). */
  stop?: () => Promise<void>;
}

/**
 * A volfile mounted with the real `gfs-mount` (daemonized, as a user runs it) on `dir`/mnt, used
 * through node:fs and the native addon; other users act through helper processes. The temp folder
 * is 0755 so those users can reach the mount.
 */
export function gfsMountTarget(o: GfsMountTargetOptions): Target {
  let dir: string | undefined;
  const users = new Map<string, UserProcess>();
  return {
    name: o.name,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), o.tmpPrefix));
      chmodSync(dir, 0o755);
      const text = await o.volfile(dir);
      const mnt = join(dir, 'mnt');
      mkdirSync(mnt);
      const vol = join(dir, o.volName);
      writeFileSync(vol, text);
      const opts = [`log-file=${join(dir, 'mount.log')}`, `pid-file=${join(dir, 'mount.pid')}`, ...(o.mountOptions ?? [])].join(',');
      const r = await gfsMount(['-o', opts, vol, mnt]);
      if (r.code !== 0) throw new Error(`gfs-mount failed (${r.code}): ${r.stderr}`);
      return openMountFs(mnt, users);
    },
    async teardown() {
      await closeUsers(users);
      if (dir) {
        await unmountGfsMount(dir);
        rmSync(dir, { recursive: true, force: true });
        dir = undefined;
      }
      await o.stop?.();
    },
  };
}
