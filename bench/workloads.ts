/**
 * The benchmark workloads, each taking a directory, so every section (local disk, FUSE mounts,
 * over the wire, distributed) runs exactly the same code against its own target.
 *
 * A workload always runs in a child process of its own (`runWorkload`): the client must not share
 * an event loop (or a CPU profile) with a FUSE server running in the bench process or its
 * children. The child uses synchronous fs calls, one at a time, as a simple application does:
 * every call is one round trip through the kernel, which is what the figures measure.
 *
 * Run directly (what `runWorkload` does): node --import tsx bench/workloads.ts '<json WorkloadJob>'
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPids, sampleCpu, type CpuPids, type CpuSpec } from './cpu.js';

export interface Phase {
  /** `write`, `read` (sequential) or `create`, `stat`, ... (small files). */
  name: string;
  /** What `rate` counts: `MiB/s` or `ops/s`. */
  unit: 'MiB/s' | 'ops/s';
  /** Operations (or MiB) done in the phase. */
  count: number;
  ms: number;
  rate: number;
  /** µs of CPU per operation (per MiB) of the target's client and bricks, when the job named them. */
  cpu?: { client: number; server: number };
}

export interface SequentialOptions {
  /** Total size in MiB (default 1024: 1 GiB). */
  mib?: number;
  /** Block size in KiB (default 1024: 1 MiB). */
  blockKib?: number;
  /** Drop the page cache between writing and reading (needs root; default true). */
  dropCaches?: boolean;
}

export interface SmallFileOptions {
  /** Number of files (default 5000). */
  files?: number;
  /** Bytes per file (default 4096). */
  size?: number;
  /** How many full listings the readdir phase makes (default 3; rate is entries/s). */
  listings?: number;
  /** Pause before each phase after the first, in ms (default SETTLE_MS; 0 for none). */
  settleMs?: number;
}

/**
 * Why pause between small-file phases: both mounts let the kernel keep names and attributes for
 * 1 s (entry-timeout, attribute-timeout). Run back to back, a phase finds the entries the phase
 * before it touched in its last second still cached and sends no request for them, so its rate
 * measured partly the speed of the phase before it (a stat phase right after a fast create was
 * answered mostly by the kernel). After the pause every phase sends its own requests.
 */
export const SETTLE_MS = 1500;

/** How a table header says the phases were spaced. */
export function settleNote(ms = SETTLE_MS): string {
  return ms > 0 ? `phases ${ms} ms apart` : 'phases back to back';
}

/** Block the (synchronous) workload for `ms`. */
function pause(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export type WorkloadJob = (
  | { workload: 'sequential'; dir: string; opts?: SequentialOptions }
  | { workload: 'small-files'; dir: string; opts?: SmallFileOptions }
  | { workload: 'idle-gaps'; dir: string }
) & { cpu?: CpuSpec };

/** Flush dirty data everywhere, then drop the page, dentry and inode caches (needs root). */
export function dropCaches(): void {
  const { status } = spawnSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
  if (status !== 0) throw new Error('cannot drop caches (needs root): echo 3 > /proc/sys/vm/drop_caches failed');
}

/** The target's processes whose CPU each phase reports (runJob finds them once). */
let pids: CpuPids | undefined;

function timed(name: string, unit: Phase['unit'], count: number, fn: () => void): Phase {
  const c0 = pids && sampleCpu(pids);
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const phase: Phase = { name, unit, count, ms, rate: count / (ms / 1000) };
  if (c0) {
    const c1 = sampleCpu(pids!);
    phase.cpu = { client: (c1.client - c0.client) / 1000 / count, server: (c1.server - c0.server) / 1000 / count };
  }
  return phase;
}

/**
 * Sequential: write `mib` MiB in blocks to one new file and fsync it (the time includes the
 * fsync), drop caches, then read it back in the same blocks. Rates in MiB/s.
 */
export function sequential(dir: string, o: SequentialOptions = {}): Phase[] {
  const mib = o.mib ?? 1024;
  const block = (o.blockKib ?? 1024) * 1024;
  const blocks = Math.ceil((mib * 1024 * 1024) / block);
  const file = join(dir, 'seq.dat');
  // Random data: nothing on the path (compression, dedup, zero detection) can cheat.
  const data = randomBytes(block);
  const out: Phase[] = [];
  out.push(
    timed('write', 'MiB/s', mib, () => {
      const fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_TRUNC, 0o644);
      try {
        for (let i = 0; i < blocks; i++) for (let done = 0; done < block; ) done += fs.writeSync(fd, data, done, block - done, i * block + done);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }),
  );
  if (o.dropCaches ?? true) dropCaches();
  const buf = Buffer.allocUnsafe(block);
  let total = 0;
  out.push(
    timed('read', 'MiB/s', mib, () => {
      const fd = fs.openSync(file, 'r');
      try {
        for (let n; (n = fs.readSync(fd, buf, 0, block, total)) > 0; ) total += n;
      } finally {
        fs.closeSync(fd);
      }
    }),
  );
  if (total !== blocks * block) throw new Error(`read back ${total} bytes, wrote ${blocks * block}`);
  fs.unlinkSync(file);
  return out;
}

/**
 * Small files in one directory: create (open O_EXCL, write, close), stat, readdir (entries/s over
 * full listings), read (open, read, close), rename (within the directory), unlink. ops/s each,
 * with a pause of `settleMs` before each phase after the first (see SETTLE_MS).
 */
export function smallFiles(dir: string, o: SmallFileOptions = {}): Phase[] {
  const n = o.files ?? 5000;
  const listings = o.listings ?? 3;
  const base = join(dir, 'small');
  fs.mkdirSync(base);
  const data = randomBytes(o.size ?? 4096);
  const names = Array.from({ length: n }, (_, i) => join(base, `f${String(i).padStart(6, '0')}`));
  const renamed = names.map((p) => `${p}.r`);
  const buf = Buffer.allocUnsafe(data.length + 1);
  const settle = o.settleMs ?? SETTLE_MS;
  let first = true;
  // Each phase runs after the pause (none before the first).
  const phase = (name: string, count: number, fn: () => void): Phase => {
    if (!first) pause(settle);
    first = false;
    return timed(name, 'ops/s', count, fn);
  };
  const phases: Phase[] = [
    phase('create', n, () => {
      for (const p of names) {
        const fd = fs.openSync(p, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
        fs.writeSync(fd, data);
        fs.closeSync(fd);
      }
    }),
    phase('stat', n, () => {
      for (const p of names) if (fs.statSync(p).size !== data.length) throw new Error(`${p}: wrong size`);
    }),
    phase('readdir', n * listings, () => {
      for (let i = 0; i < listings; i++) if (fs.readdirSync(base).length !== n) throw new Error('readdir: wrong count');
    }),
    phase('read', n, () => {
      for (const p of names) {
        const fd = fs.openSync(p, 'r');
        const got = fs.readSync(fd, buf, 0, buf.length, 0);
        fs.closeSync(fd);
        if (got !== data.length) throw new Error(`${p}: read ${got} bytes`);
      }
    }),
    phase('rename', n, () => {
      for (let i = 0; i < n; i++) fs.renameSync(names[i]!, renamed[i]!);
    }),
    phase('unlink', n, () => {
      for (const p of renamed) fs.unlinkSync(p);
    }),
  ];
  fs.rmdirSync(base);
  return phases;
}

/** Operations per `idleGaps` phase. */
const GAP_OPS = 1000;

/**
 * What an idle pause costs the requests after it (`--gaps`): the small-file phases each start
 * after SETTLE_MS of idleness, and a process that has slept serves its next requests on cold
 * caches. The same 1,000 requests are timed straight after a burst of 1,000 like them (busy) and
 * after a pause of 0.1 s and 1.5 s: lookups of names that do not exist (the start of every create
 * and rename), then stats of names whose kernel entries have expired (the stat phase).
 */
export function idleGaps(dir: string): Phase[] {
  const base = join(dir, 'gaps');
  fs.mkdirSync(base);
  const names = Array.from({ length: 4 * GAP_OPS }, (_, i) => join(base, `f${String(i).padStart(6, '0')}`));
  for (const p of names) fs.closeSync(fs.openSync(p, 'w'));
  let missing = 0;
  const lookMissing = () => {
    for (let i = 0; i < GAP_OPS; i++) {
      try {
        fs.statSync(join(base, `none${missing++}`));
        throw new Error('a name that was never created exists');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  };
  // Each stat phase takes names not touched since they were made, more than a second ago.
  let next = 0;
  const statExpired = () => {
    for (let i = 0; i < GAP_OPS; i++) fs.statSync(names[next++]!);
  };
  const phases: Phase[] = [];
  const gaps: [string, number][] = [['busy', 0], ['after 0.1 s idle', 100], ['after 1.5 s idle', 1500]];
  pause(1500);
  for (const [what, fn] of [['missing name', lookMissing], ['stat', statExpired]] as const) {
    for (const [when, ms] of gaps) {
      if (ms === 0) fn(); // the burst before: not counted
      else pause(ms);
      phases.push(timed(`${what}, ${when}`, 'ops/s', GAP_OPS, fn));
    }
  }
  for (const p of names) fs.unlinkSync(p);
  fs.rmdirSync(base);
  return phases;
}

/** Per phase, the run with the median rate (runs are lists of the same phases). */
export function medianPhases(runs: Phase[][]): Phase[] {
  return runs[0]!.map((_, i) => {
    const sorted = runs.map((r) => r[i]!).sort((a, b) => a.rate - b.rate);
    return sorted[Math.floor(sorted.length / 2)]!;
  });
}

export function runJob(job: WorkloadJob): Phase[] {
  pids = job.cpu && findPids(job.cpu);
  if (job.workload === 'idle-gaps') return idleGaps(job.dir);
  return job.workload === 'sequential' ? sequential(job.dir, job.opts) : smallFiles(job.dir, job.opts);
}

const SELF = fileURLToPath(import.meta.url);
const running = new Set<ChildProcess>();

/** Kill workloads still running (an interrupted bench), so their mounts can be unmounted. */
export function killWorkloads(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Run a workload in a child process (its own event loop); resolves with its phases. */
export function runWorkload(job: WorkloadJob): Promise<Phase[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      if (code !== 0) return reject(new Error(`${job.workload} on ${job.dir} failed (${signal ?? `exit ${code}`}): ${err.trim()}`));
      try {
        resolve(JSON.parse(out) as Phase[]);
      } catch (e) {
        reject(new Error(`${job.workload}: unreadable result ${JSON.stringify(out.slice(0, 200))}: ${(e as Error).message}`));
      }
    });
  });
}

if (process.argv[1] === SELF) {
  process.stdout.write(JSON.stringify(runJob(JSON.parse(process.argv[2] ?? '{}') as WorkloadJob)));
}
