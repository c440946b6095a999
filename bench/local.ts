/**
 * Section `local` (issue 3): our gfs-mount of a storage/posix volume, real GlusterFS (glusterfsd +
 * glusterfs FUSE client, when installed) and the local disk, all in one work folder on the same
 * disk, under the same workloads. Each workload runs in its own child process. With
 * `--baseline DIR`, a second gfs-mount from another checkout (`gfs-base`) runs beside ours.
 */
import { GLUSTER_LABELS, HAVE_GLUSTER, compareWorkloads, gfsTarget, glusterTarget, isGlusterLabel, localTarget, pickTargets, versusGluster, type Target } from './targets.js';
import type { BenchContext } from './run.js';

const ALL = ['gfs', ...GLUSTER_LABELS, 'local'];

async function start(ctx: BenchContext, label: string): Promise<Target> {
  if (label === 'local') return localTarget(ctx.work);
  if (label === 'gfs') return gfsTarget(ctx.work, { cpuProfDir: ctx.opts.profile, mountOptions: ctx.opts.mountOptions });
  if (label === 'gfs-base') return gfsTarget(ctx.work, { root: ctx.opts.baseline, label, mountOptions: ctx.opts.mountOptions });
  if (isGlusterLabel(label)) return glusterTarget(ctx.work, label);
  throw new Error(`unknown target ${label} (known: ${ALL.join(', ')})`);
}

export async function localSection(ctx: BenchContext): Promise<void> {
  // glusterfs-mdc only when asked for: this section compares against the local disk.
  let labels = pickTargets(ctx, ALL, HAVE_GLUSTER, ['gfs', 'glusterfs', 'local']);
  if (ctx.opts.baseline) labels = ['gfs-base', ...labels];
  const targets: Target[] = [];
  try {
    for (const label of labels) targets.push(await start(ctx, label));
    await compareWorkloads(ctx, targets, ratioPairs(labels));
  } finally {
    for (const t of targets.reverse()) await t.stop();
  }
}

/** Ratios shown: each FUSE target against the local disk, ours against GlusterFS and against the baseline. */
function ratioPairs(labels: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const l of labels) if (l !== 'local' && labels.includes('local')) pairs.push([l, 'local']);
  pairs.push(...versusGluster(labels).filter(([o]) => o === 'gfs'));
  if (labels.includes('gfs') && labels.includes('gfs-base')) pairs.push(['gfs', 'gfs-base']);
  return pairs;
}
