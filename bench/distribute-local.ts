/**
 * Section `distribute-local`: distribute's own cost, without the wire. Our gfs-mount of one
 * storage/posix brick (`1-brick`) beside our gfs-mount of cluster/distribute over three local
 * storage/posix bricks (`dist3`), and the local disk, in one work folder on the same disk, under
 * the same workloads (bench/workloads.ts). With `--baseline DIR`, the 3-brick volume is also
 * mounted from another checkout (`dist3-base`): before and after in one run.
 *
 * A second pass counts the calls distribute makes per operation: a counting translator
 * (`bench/count`) sits above each posix brick, the small-file workload of workloads.ts runs
 * unchanged in a child whose `performance.now` (called by `timed` exactly at the start and the
 * end of each phase) asks the serving process for a snapshot of the counts (SIGUSR2).
 *
 * Roles of this file: the section (imported by run.ts), `serve VOLFILE MNT COUNTFILE` (the FUSE
 * server, runMount as gfs-mount -f does, plus the counting translator) and `drive JOB PID FILE`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../runtime/core/frame.js';
import { FOP_NAMES } from '../runtime/fops/table.js';
import { API_VERSION, defineXlator } from '../runtime/xlator/define.js';
import type { Xlator } from '../runtime/xlator/xlator.js';
import { parseArgs } from '../scripts/mount/options.js';
import { runMount, setupLogging } from '../scripts/mount/run.js';
import { table } from './report.js';
import { compareWorkloads, ForegroundMount, localTarget, onCleanup, orStop, type Target } from './targets.js';
import { runJob, settleNote, type WorkloadJob } from './workloads.js';
import type { BenchContext } from './run.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ALL = ['1-brick', 'dist3', 'local'];
const PHASES = ['create', 'stat', 'readdir', 'read', 'rename', 'unlink'];

// ---- the counting translator (serving process) ----

/** Calls per fop: `top` (what the FUSE bridge asks the volume), `brick:` (summed over the bricks). */
const counts = new Map<string, number>();
const countFops: Record<string, (self: Xlator, frame: Frame, args: never) => Promise<unknown>> = {};
for (const name of FOP_NAMES) {
  const keys = { top: `top:${name}`, brick: `brick:${name}` };
  countFops[name] = async (self, frame, args) => {
    const key = self.name === 'count-top' ? keys.top : keys.brick;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const t0 = performance.now();
    try {
      return await (self.firstChild!.fops[name] as (f: Frame, a: never) => Promise<unknown>)(frame, args);
    } finally {
      // Time spent below the volume's top, summed per fop (what distribute adds over one brick).
      if (key === keys.top) counts.set(`us:${name}`, (counts.get(`us:${name}`) ?? 0) + (performance.now() - t0) * 1000);
    }
  };
}
const countXlator = defineXlator({ apiVersion: API_VERSION, type: 'bench/count', options: {}, fops: countFops as never });

async function serve(vol: string, mnt: string, countFile: string): Promise<void> {
  const cfg = parseArgs(['-f', '-o', 'log-level=WARNING', vol, mnt])!;
  setupLogging(cfg, undefined);
  process.on('SIGUSR2', () => fs.appendFileSync(countFile, JSON.stringify(Object.fromEntries(counts)) + '\n'));
  process.exit(await runMount(cfg, { xlators: { 'bench/count': countXlator } }));
}

/** The workload child of the counting pass: every `performance.now` waits for a snapshot. */
function drive(job: WorkloadJob, server: number, countFile: string): void {
  const wait = new Int32Array(new SharedArrayBuffer(4));
  const lines = () => (fs.existsSync(countFile) ? fs.readFileSync(countFile, 'utf8').split('\n').length - 1 : 0);
  const now = performance.now.bind(performance);
  performance.now = () => {
    const before = lines();
    process.kill(server, 'SIGUSR2');
    for (const end = now() + 10_000; lines() === before && now() < end; ) Atomics.wait(wait, 0, 0, 2);
    return now();
  };
  process.stdout.write(JSON.stringify(runJob(job)));
}

// ---- targets ----

function volfile(bricks: string[], counted: boolean): string {
  let text = '';
  const tops = bricks.map((dir, i) => {
    text += `volume posix-${i}\n    type storage/posix\n    option directory ${dir}\nend-volume\n\n`;
    if (!counted) return `posix-${i}`;
    text += `volume count-${i}\n    type bench/count\n    subvolumes posix-${i}\nend-volume\n\n`;
    return `count-${i}`;
  });
  if (bricks.length > 1) text += `volume dist\n    type cluster/distribute\n    subvolumes ${tops.join(' ')}\nend-volume\n\n`;
  if (counted) text += `volume count-top\n    type bench/count\n    subvolumes ${bricks.length > 1 ? 'dist' : tops[0]}\nend-volume\n`;
  return text;
}

interface Served extends Target {
  pid: number;
  countFile: string;
}

/**
 * Mount a volume of `nBricks` local posix bricks: with this file's `serve` (counting translators
 * when `counted`), or with another checkout's gfs-mount (`root`, the before/after baseline).
 */
async function mountTarget(ctx: BenchContext, label: string, nBricks: number, o: { counted?: boolean; root?: string } = {}): Promise<Served> {
  const base = join(ctx.work, label);
  const bricks = Array.from({ length: nBricks }, (_, i) => join(base, `brick${i}`));
  const mnt = join(base, 'mnt');
  for (const d of [...bricks, mnt]) fs.mkdirSync(d, { recursive: true });
  const vol = join(base, 'vol');
  fs.writeFileSync(vol, volfile(bricks, !!o.counted));
  const countFile = join(base, 'counts');
  const args = o.root
    ? [join(o.root, 'scripts/gfs-mount.ts'), '-f', '-o', ['log-level=WARNING', ...(ctx.opts.mountOptions ?? [])].join(','), vol, mnt]
    : [SELF, 'serve', vol, mnt, countFile];
  const server = new ForegroundMount(mnt, join(base, 'mount.log'));
  server.start(['--import', 'tsx', ...args], o.root ?? ROOT);
  const stop = onCleanup(async () => {
    await server.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });
  await orStop(stop, () => server.waitUp(`${label}: the mount`));
  return { label, dir: mnt, stop, pid: server.child!.pid!, countFile };
}

// ---- the section ----

/** Brick-side calls per operation of each small-file phase, by fop. */
async function countCalls(ctx: BenchContext, label: string, nBricks: number, files: number): Promise<{ phases: Map<string, Record<string, number>>; us: Record<string, number> }> {
  const t = await mountTarget(ctx, `${label}-count`, nBricks, { counted: true });
  try {
    const job: WorkloadJob = { workload: 'small-files', dir: t.dir, opts: { files, settleMs: ctx.opts.settleMs } };
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', SELF, 'drive', JSON.stringify(job), String(t.pid), t.countFile], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`counting pass on ${label} failed (exit ${code})`))));
    });
    const snaps = fs.readFileSync(t.countFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const out = new Map<string, Record<string, number>>();
    PHASES.forEach((phase, i) => {
      const [a, b] = [snaps[2 * i]!, snaps[2 * i + 1]!];
      const per: Record<string, number> = {};
      for (const fop of Object.keys(b)) {
        const d = (b[fop]! - (a[fop] ?? 0)) / (phase === 'readdir' ? files * 3 : files);
        if (d > 0) per[fop] = d;
      }
      out.set(phase, per);
    });
    // Mean time per call of each fop the volume was asked, over the whole workload.
    const [first, last] = [snaps[0]!, snaps[snaps.length - 1]!];
    const us: Record<string, number> = {};
    for (const k of Object.keys(last)) {
      if (!k.startsWith('us:')) continue;
      const calls = last[`top:${k.slice(3)}`]! - (first[`top:${k.slice(3)}`] ?? 0);
      if (calls > 0) us[k.slice(3)] = (last[k]! - (first[k] ?? 0)) / calls;
    }
    return { phases: out, us };
  } finally {
    await t.stop();
  }
}

/** Calls per operation of the fops whose key starts with `side:` (`top` or `brick`). */
const side = (r: Record<string, number>, which: string) => Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith(`${which}:`)).map(([k, v]) => [k.slice(which.length + 1), v]));
const sum = (r: Record<string, number>) => Object.values(r).reduce((x, y) => x + y, 0);
const fmt = (n: number) => (n >= 10 ? n.toFixed(1) : n.toFixed(2)).replace(/\.?0+$/, '') || '0';
const detail = (r: Record<string, number>) => Object.entries(r).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.005).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');

export async function distributeLocalSection(ctx: BenchContext): Promise<void> {
  const wanted = ctx.opts.targets?.filter((l) => ALL.includes(l)) ?? ALL;
  const labels = ctx.opts.baseline ? ['dist3-base', ...wanted] : wanted;
  const pairs: [string, string][] = [];
  if (labels.includes('1-brick') && labels.includes('dist3')) pairs.push(['dist3', '1-brick']);
  if (labels.includes('dist3-base') && labels.includes('1-brick')) pairs.push(['dist3-base', '1-brick']);
  if (labels.includes('dist3-base') && labels.includes('dist3')) pairs.push(['dist3', 'dist3-base']);
  for (const l of labels) if (l !== 'local' && labels.includes('local')) pairs.push([l, 'local']);
  const targets: Target[] = [];
  ctx.say('local posix bricks, no wire: 1-brick = gfs-mount -> posix; dist3 = gfs-mount -> distribute -> 3 x posix; local = the disk');
  try {
    for (const label of labels) {
      if (label === 'local') targets.push(localTarget(ctx.work));
      else targets.push(await mountTarget(ctx, label, label === '1-brick' ? 1 : 3, { root: label === 'dist3-base' ? ctx.opts.baseline : undefined }));
    }
    await compareWorkloads(ctx, targets, pairs);
  } finally {
    for (const t of targets.reverse()) await t.stop();
  }
  if (ctx.opts.skip?.includes('counts') || ctx.opts.skip?.includes('small')) return;
  const files = Math.min(ctx.opts.files ?? 5000, 2000);
  const one = await countCalls(ctx, '1-brick', 1, files);
  const three = await countCalls(ctx, 'dist3', 3, files);
  const rows = PHASES.map((p) => {
    const [o, t] = [one.phases.get(p)!, three.phases.get(p)!];
    const extra = sum(side(t, 'brick')) - sum(side(t, 'top'));
    return [p, fmt(sum(side(o, 'top'))), fmt(sum(side(t, 'top'))), fmt(sum(side(o, 'brick'))), fmt(sum(side(t, 'brick'))), fmt(extra), detail(side(t, 'top')), detail(side(t, 'brick'))];
  });
  // `dist3 extra`: brick calls beyond one per call distribute was asked (its own overhead).
  const head = ['phase', 'volume 1-brick', 'volume dist3', 'bricks 1-brick', 'bricks dist3', 'dist3 extra', 'dist3 volume by fop', 'dist3 bricks by fop'];
  ctx.say(`\ncalls per operation (small files, ${files} files, ${settleNote(ctx.opts.settleMs)}; readdir: per entry): asked of the volume by the FUSE bridge, and made on the bricks\n${table(head, rows)}`);
  const fops = Object.keys(three.us).filter((f) => one.us[f] !== undefined).sort();
  const lat = fops.map((f) => [f, one.us[f]!.toFixed(0), three.us[f]!.toFixed(0), (three.us[f]! / one.us[f]!).toFixed(2)]);
  ctx.say(`\nmean time below the volume's top per call (µs, whole small-file workload, counting pass)\n${table(['fop', '1-brick', 'dist3', 'dist3/1-brick'], lat)}`);
}

if (process.argv[1] === SELF) {
  const [role, a, b, c] = process.argv.slice(2);
  if (role === 'serve') void serve(a!, b!, c!);
  else if (role === 'drive') drive(JSON.parse(a!) as WorkloadJob, Number(b), c!);
  else throw new Error(`usage: ${SELF} serve VOLFILE MNT COUNTFILE | drive JOB PID COUNTFILE`);
}
