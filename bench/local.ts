/**
 * Section `local` (issue 3): our gfs-mount of a storage/posix volume, real GlusterFS (glusterfsd +
 * glusterfs FUSE client, when installed) and the local disk, all in one work folder on the same
 * disk, under the same workloads. Each workload runs in its own child process. With
 * `--baseline DIR`, a second gfs-mount from another checkout (`gfs-base`) runs beside ours.
 */
import { HAVE_GLUSTER, gfsTarget, glusterTarget, localTarget, type Target } from './targets.js';
import { compare } from './report.js';
import { medianPhases, runWorkload, type Phase, type WorkloadJob } from './workloads.js';
import type { BenchContext } from './run.js';

const ALL = ['gfs', 'glusterfs', 'local'];

async function start(ctx: BenchContext, label: string): Promise<Target> {
  if (label === 'local') return localTarget(ctx.work);
  if (label === 'gfs') return gfsTarget(ctx.work, { cpuProfDir: ctx.opts.profile, mountOptions: ctx.opts.mountOptions });
  if (label === 'gfs-base') return gfsTarget(ctx.work, { root: ctx.opts.baseline, label, mountOptions: ctx.opts.mountOptions });
  if (label === 'glusterfs') return glusterTarget(ctx.work);
  throw new Error(`unknown target ${label} (known: ${ALL.join(', ')})`);
}

/**
 * Run one workload on every target, `repeat` rounds, the targets taking turns within a round
 * (so load from elsewhere on the machine hits them alike); the median rate of each phase.
 */
async function measure(targets: Target[], job: (dir: string) => WorkloadJob, repeat: number): Promise<Map<string, Phase[]>> {
  const runs = new Map<string, Phase[][]>(targets.map((t) => [t.label, []]));
  for (let round = 0; round < repeat; round++) {
    for (const t of targets) runs.get(t.label)!.push(await runWorkload(job(t.dir)));
  }
  return new Map([...runs].map(([label, r]) => [label, medianPhases(r)]));
}

export async function localSection(ctx: BenchContext): Promise<void> {
  const wanted = ctx.opts.targets ?? ALL;
  let labels = wanted.filter((l) => l !== 'glusterfs' || HAVE_GLUSTER);
  if (wanted.includes('glusterfs') && !HAVE_GLUSTER) ctx.say('glusterfs: not installed (glusterfsd/glusterfs missing), skipped');
  if (ctx.opts.baseline) labels = ['gfs-base', ...labels];
  const repeat = ctx.opts.repeat ?? 1;
  const targets: Target[] = [];
  try {
    for (const label of labels) targets.push(await start(ctx, label));
    const pairs = ratioPairs(labels);
    const runs = repeat > 1 ? `; median of ${repeat} runs` : '';
    if (!ctx.opts.skip?.includes('sequential')) {
      const mib = ctx.opts.mib ?? 1024;
      const res = await measure(targets, (dir) => ({ workload: 'sequential', dir, opts: { mib } }), repeat);
      ctx.say(`\nsequential: ${mib} MiB in 1 MiB blocks (write + fsync; caches dropped; read)${runs}\n${compare(res, pairs)}`);
    }
    if (!ctx.opts.skip?.includes('small')) {
      const files = ctx.opts.files ?? 5000;
      const res = await measure(targets, (dir) => ({ workload: 'small-files', dir, opts: { files } }), repeat);
      ctx.say(`\nsmall files: ${files} files of 4 KiB in one directory (readdir: entries/s over 3 listings)${runs}\n${compare(res, pairs)}`);
    }
  } finally {
    for (const t of targets.reverse()) await t.stop();
  }
}

/** Ratios shown: each FUSE target against the local disk, ours against GlusterFS and against the baseline. */
function ratioPairs(labels: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const l of labels) if (l !== 'local' && labels.includes('local')) pairs.push([l, 'local']);
  if (labels.includes('gfs') && labels.includes('glusterfs')) pairs.push(['gfs', 'glusterfs']);
  if (labels.includes('gfs') && labels.includes('gfs-base')) pairs.push(['gfs', 'gfs-base']);
  return pairs;
}
