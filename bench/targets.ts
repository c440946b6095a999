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
import { childEnv, SERVING_NODE_FLAGS } from '../scripts/daemon.js';
import { programArgs } from '../scripts/lib/program.js';
import { ROLE_ENV } from '../scripts/mount/daemon.js';
import type { CpuSpec } from './cpu.js';
import { compare, cpuTable, roundSpread } from './report.js';
import { medianPhases, runWorkload, settleNote, type Phase, type WorkloadJob } from './workloads.js';
import type { BenchContext } from './run.js';

export interface Target {
  /** Short label for tables: `local`, `gfs`, `glusterfs`. */
  label: string;
  dir: string;
  stop(): Promise<void>;
  /** Where the target's processes are found, for the CPU each phase cost them (none: not shown). */
  cpu?: CpuSpec;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Our program as users run it, built (a --baseline checkout without a build runs from source). */
export const program = (name: 'gfs-mount' | 'gfs-brick', root = ROOT): string[] => programArgs(root, name, true);

/** Everything to undo, newest first; run on success, failure and SIGINT/SIGTERM alike. */
const pending = new Set<() => Promise<void>>();

/**
 * Register `fn`; the function returned runs it once. A second caller (an interruption's cleanup
 * racing a failed section's) waits for the same run: returning at once let Ctrl-C exit while a
 * volume's bricks were still being stopped, and they were left running.
 */
export function onCleanup(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  // Left registered until it has finished, so that a cleanupAll meanwhile waits for it too.
  const once = (): Promise<void> => (running ??= fn().finally(() => pending.delete(once)));
  pending.add(once);
  return once;
}

export async function cleanupAll(): Promise<void> {
  for (const fn of [...pending].reverse()) await fn().catch((err: unknown) => console.error(`cleanup: ${(err as Error).message}`));
}

/** Run `start`; when it fails, `stop` what it started so far and rethrow. */
export async function orStop<T>(stop: () => Promise<void>, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    await stop();
    throw err;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const isMounted = (mnt: string) => fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);

function answers(dir: string): boolean {
  try {
    fs.readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * A FUSE server (gfs-mount -f, or a script that serves as it does) run as a child in the
 * foreground, as gfs-mount's own serving child runs (GFS_MOUNT_ROLE=foreground,
 * UV_THREADPOOL_SIZE=16, SERVING_NODE_FLAGS), its output appended to `logFile`. SIGTERM unmounts it cleanly.
 */
export class ForegroundMount {
  child: ChildProcess | undefined;
  exited = false;
  private exit: Promise<void> | undefined;

  constructor(readonly mnt: string, readonly logFile: string) {}

  /** Start `node ARGS` (node flags, then the script and its arguments). */
  start(args: string[], cwd?: string): void {
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [...SERVING_NODE_FLAGS, ...args], {
      cwd,
      stdio: ['ignore', log, log],
      env: childEnv(ROLE_ENV, 'foreground'),
    });
    fs.closeSync(log);
    this.child = child;
    this.exit = new Promise<void>((resolve) => child.once('exit', () => ((this.exited = true), resolve())));
  }

  /** Wait until the mount point answers; `what` names the server in errors. */
  async waitUp(what: string): Promise<void> {
    for (const end = Date.now() + 30_000; !(isMounted(this.mnt) && answers(this.mnt)); await sleep(100)) {
      if (this.exited) throw new Error(`${what} exited early; see ${this.logFile}`);
      if (Date.now() > end) throw new Error(`${what} did not come up within 30 s`);
    }
  }

  /** SIGTERM (SIGKILL after 15 s), then detach the mount if it is still there. */
  async stop(): Promise<void> {
    if (this.child && !this.exited) {
      this.child.kill('SIGTERM');
      await Promise.race([this.exit, sleep(15_000)]);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    if (isMounted(this.mnt)) spawnSync('umount', ['-l', this.mnt]);
  }
}

/**
 * Run one workload on every target, `repeat` rounds, the targets taking turns within a round
 * (so load from elsewhere on the machine hits them alike); the median rate of each phase.
 * `warmup` rounds run first and are not counted: gfs's serving processes compile their hot
 * paths (V8's optimizing JIT) during the first thousands of calls, and a mount or brick serves
 * for days, so the steady state is the figure worth comparing. Every target gets the same
 * warm-up rounds (GlusterFS and the local disk have nothing to warm, beyond the page cache).
 * Every counted round's phases, by target label.
 *
 * Each counted round starts with the next target (round k runs them from target k on, wrapping),
 * so none always runs first or last in a round: a machine that is slower at some point of every
 * round (a neighbour's periodic job, its own page cache settling) weighs on each in turn.
 */
export async function measure(
  targets: Target[],
  job: (dir: string) => WorkloadJob,
  repeat: number,
  warmup: number,
  run: (job: WorkloadJob) => Promise<Phase[]> = runWorkload,
): Promise<Map<string, Phase[][]>> {
  const runs = new Map<string, Phase[][]>(targets.map((t) => [t.label, []]));
  for (let round = 0; round < warmup; round++) {
    for (const t of targets) {
      await run({ ...job(t.dir), cpu: t.cpu }).catch((err: Error) => {
        throw new Error(`warm-up round ${round + 1} on ${t.label}: ${err.message}`, { cause: err });
      });
    }
  }
  for (let round = 0; round < repeat; round++) {
    for (const t of roundOrder(targets, round)) runs.get(t.label)!.push(await run({ ...job(t.dir), cpu: t.cpu }));
  }
  return runs;
}

/** The targets in the order round `round` runs them: from target `round` (modulo their number) on. */
export function roundOrder<T>(targets: readonly T[], round: number): T[] {
  const k = targets.length ? round % targets.length : 0;
  return [...targets.slice(k), ...targets.slice(0, k)];
}

/** The table of each target's median rates, then the lowest and highest ratio of each pair within one round. */
function report(rounds: Map<string, Phase[][]>, pairs: [string, string][]): string {
  const medians = new Map([...rounds].map(([label, r]) => [label, medianPhases(r)]));
  const cpu = cpuTable(rounds, pairs);
  return compare(medians, pairs) + (pairs.length && [...rounds.values()][0]!.length > 1 ? `\n${roundSpread(rounds, pairs)}` : '') + (cpu ? `\n${cpu}` : '');
}

/** The sequential and small-file workloads (unless skipped) on `targets`, with the ratios of `pairs`. */
export async function compareWorkloads(ctx: BenchContext, targets: Target[], pairs: [string, string][]): Promise<void> {
  const repeat = ctx.opts.repeat ?? 1;
  const warmup = ctx.opts.warmup ?? 1;
  const runs = (repeat > 1 ? `; median of ${repeat} runs` : '') + (warmup > 0 ? ` after ${warmup} warm-up round${warmup > 1 ? 's' : ''} (not counted)` : '; no warm-up');
  if (!ctx.opts.skip?.includes('sequential')) {
    const mib = ctx.opts.mib ?? 1024;
    const res = await measure(targets, (dir) => ({ workload: 'sequential', dir, opts: { mib } }), repeat, warmup);
    ctx.say(`\nsequential: ${mib} MiB in 1 MiB blocks (write + fsync; caches dropped; read)${runs}\n${report(res, pairs)}`);
  }
  if (!ctx.opts.skip?.includes('small')) {
    const files = ctx.opts.files ?? 5000;
    const settleMs = ctx.opts.settleMs;
    const res = await measure(targets, (dir) => ({ workload: 'small-files', dir, opts: { files, settleMs } }), repeat, warmup);
    ctx.say(`\nsmall files: ${files} files of 4 KiB in one directory (readdir: entries/s over 3 listings, ${settleNote(settleMs)})${runs}\n${report(res, pairs)}`);
  }
  if (ctx.opts.gaps) {
    const res = await measure(targets, (dir) => ({ workload: 'idle-gaps', dir }), repeat, warmup);
    ctx.say(`\nidle gaps: 1,000 lookups of missing names, then 1,000 stats of expired names, straight after 1,000 like them (busy) and after a pause${runs}\n${report(res, pairs)}`);
  }
}

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
  const prof = [...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []), ...(o.nodeArgs ?? [])];
  const opts = ['log-level=WARNING', ...(o.mountOptions ?? [])].join(',');
  const server = new ForegroundMount(mnt, join(work, `${label}-mount.log`));
  server.start([...prof, ...program('gfs-mount', o.root), '-f', '-o', opts, vol, mnt]);
  const stop = onCleanup(async () => {
    await server.stop();
    fs.rmSync(brick, { recursive: true, force: true });
  });
  await orStop(stop, () => server.waitUp('gfs-mount'));
  return { label, dir: mnt, stop };
}

/**
 * Real GlusterFS on one brick: `glusterfs` mounts protocol/client alone, `glusterfs-mdc` puts
 * performance/md-cache over it (one of the performance translators glusterd puts in every client
 * volfile, stat-prefetch, on by default): the peer for a mount that answers stats from attributes
 * it was just sent.
 */
export async function glusterTarget(work: string, label: 'glusterfs' | 'glusterfs-mdc' = 'glusterfs'): Promise<Target> {
  const gwork = join(work, label);
  const brick = join(gwork, 'brick');
  fs.mkdirSync(brick, { recursive: true });
  const m = await realMount(gwork, brick, { mdCache: label === 'glusterfs-mdc' });
  const stop = onCleanup(async () => {
    await m.stop();
    fs.rmSync(gwork, { recursive: true, force: true });
  });
  return { label, dir: m.mnt, stop, cpu: { home: gwork, mnt: m.mnt } };
}

export const HAVE_GLUSTER = fs.existsSync('/usr/sbin/glusterfsd') && fs.existsSync('/usr/sbin/glusterfs');

/** Targets that are real GlusterFS: the plain client, and the client with md-cache over it. */
export const GLUSTER_LABELS = ['glusterfs', 'glusterfs-mdc'] as const;
export const isGlusterLabel = (l: string): l is (typeof GLUSTER_LABELS)[number] => (GLUSTER_LABELS as readonly string[]).includes(l);

/**
 * The targets a section runs: those asked for (`--targets`, else `defaults`) that it knows,
 * without the GlusterFS ones when GlusterFS is not installed (said once).
 */
export function pickTargets(ctx: BenchContext, known: readonly string[], haveGluster: boolean, defaults: readonly string[] = known): string[] {
  const wanted = (ctx.opts.targets ?? defaults).filter((l) => known.includes(l));
  if (!haveGluster && wanted.some(isGlusterLabel)) ctx.say('glusterfs: not installed (glusterfsd/glusterfs or /dev/fuse missing), skipped');
  return wanted.filter((l) => haveGluster || !isGlusterLabel(l));
}

/** Ratios of `ours` (gfs, and gfs-base when present) against each GlusterFS target present. */
export function versusGluster(labels: readonly string[]): [string, string][] {
  const ours = ['gfs', 'gfs-base'].filter((l) => labels.includes(l));
  return ours.flatMap((o) => GLUSTER_LABELS.filter((g) => labels.includes(g)).map((g): [string, string] => [o, g]));
}
