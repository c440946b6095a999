/**
 * What a workload runs against: a directory on the local disk, our gfs-mount of a storage/posix
 * volume, or real GlusterFS (glusterfsd + glusterfs). Each target is started in a work folder on
 * the same disk and stopped by `stop()`, which is registered with `cleanups` so an interrupted or
 * failing run still unmounts and kills everything it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realMount } from '../test/posix/real-gluster.js';

export interface Target {
  /** Short label for tables: `local`, `gfs`, `glusterfs`. */
  label: string;
  dir: string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const GFS_MOUNT = join(ROOT, 'scripts/gfs-mount.ts');

/** Everything to undo, newest first; run on success, failure and SIGINT/SIGTERM alike. */
const pending = new Set<() => Promise<void>>();

export function onCleanup(fn: () => Promise<void>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    pending.delete(once);
    await fn();
  };
  pending.add(once);
  return once;
}

export async function cleanupAll(): Promise<void> {
  for (const fn of [...pending].reverse()) await fn().catch((err: unknown) => console.error(`cleanup: ${(err as Error).message}`));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isMounted = (mnt: string) => fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);

export function localTarget(work: string): Target {
  const dir = join(work, 'local');
  fs.mkdirSync(dir, { recursive: true });
  return { label: 'local', dir, stop: onCleanup(async () => fs.rmSync(dir, { recursive: true, force: true })) };
}

export interface GfsMountOptions {
  /** Extra `-o` options for gfs-mount. */
  mountOptions?: string[];
  /** Write a V8 CPU profile of the serving process into this folder. */
  cpuProfDir?: string;
  /** More node flags for the serving process (--trace-gc, ...). */
  nodeArgs?: string[];
  /** Another checkout of gfs to mount from (before/after comparisons in one run). */
  root?: string;
  /** Table label (default `gfs`). */
  label?: string;
}

/**
 * gfs-mount of a one-brick storage/posix volume, run in the foreground as the serving process
 * itself (GFS_MOUNT_ROLE=foreground, UV_THREADPOOL_SIZE=16 as gfs-mount gives its child), so
 * --cpu-prof profiles the FUSE server and nothing else. SIGTERM unmounts it cleanly.
 */
export async function gfsTarget(work: string, o: GfsMountOptions = {}): Promise<Target> {
  const label = o.label ?? 'gfs';
  const brick = join(work, `${label}-brick`);
  const mnt = join(work, `${label}-mnt`);
  fs.mkdirSync(brick, { recursive: true });
  fs.mkdirSync(mnt, { recursive: true });
  const vol = join(work, `${label}.vol`);
  fs.writeFileSync(vol, `volume bench-posix\n    type storage/posix\n    option directory ${brick}\nend-volume\n`);
  const logFile = join(work, `${label}-mount.log`);
  const log = fs.openSync(logFile, 'a');
  const script = o.root ? join(o.root, 'scripts/gfs-mount.ts') : GFS_MOUNT;
  const prof = [...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []), ...(o.nodeArgs ?? [])];
  const opts = ['log-level=WARNING', ...(o.mountOptions ?? [])].join(',');
  const child: ChildProcess = spawn(process.execPath, [...prof, '--import', 'tsx', script, '-f', '-o', opts, vol, mnt], {
    stdio: ['ignore', log, log],
    env: { ...process.env, GFS_MOUNT_ROLE: 'foreground', UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '16' },
  });
  fs.closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const stop = onCleanup(async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await Promise.race([exit, sleep(15_000)]);
    }
    if (!exited) child.kill('SIGKILL');
    if (isMounted(mnt)) spawnSync('umount', ['-l', mnt]);
    fs.rmSync(brick, { recursive: true, force: true });
  });
  try {
    for (const end = Date.now() + 30_000; !(isMounted(mnt) && answers(mnt)); await sleep(100)) {
      if (exited) throw new Error(`gfs-mount exited early; see ${logFile}`);
      if (Date.now() > end) throw new Error('gfs-mount did not come up within 30 s');
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { label, dir: mnt, stop };
}

function answers(dir: string): boolean {
  try {
    fs.readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Real GlusterFS 10: glusterfsd (posix + locks + server) and the glusterfs FUSE client. */
export async function glusterTarget(work: string): Promise<Target> {
  const gwork = join(work, 'glusterfs');
  const brick = join(gwork, 'brick');
  fs.mkdirSync(brick, { recursive: true });
  const m = await realMount(gwork, brick);
  const stop = onCleanup(async () => {
    await m.stop();
    fs.rmSync(gwork, { recursive: true, force: true });
  });
  return { label: 'glusterfs', dir: m.mnt, stop };
}

export const HAVE_GLUSTER = fs.existsSync('/usr/sbin/glusterfsd') && fs.existsSync('/usr/sbin/glusterfs');
