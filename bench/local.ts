/**
 * Section `local` (issue 3): our gfs-mount of a storage/posix volume, real GlusterFS (glusterfsd +
 * glusterfs FUSE client, when installed) and the local disk, all in one work folder on the same
 * disk, under the same workloads. Each workload runs in its own child process.
 */
import { HAVE_GLUSTER, gfsTarget, glusterTarget, localTarget, type Target } from './targets.js';
import { compare } from './report.js';
import { runWorkload, type Phase } from './workloads.js';
import type { BenchContext } from './run.js';

const ALL = ['gfs', 'glusterfs', 'local'];

export async function localSection(ctx: BenchContext): Promise<void> {
  const wanted = ctx.opts.targets ?? ALL;
  const labels = wanted.filter((l) => l !== 'glusterfs' || HAVE_GLUSTER);
  if (wanted.includes('glusterfs') && !HAVE_GLUSTER) ctx.say('glusterfs: not installed (glusterfsd/glusterfs missing), skipped');
  const targets: Target[] = [];
  try {
    for (const label of labels) {
      if (label === 'local') targets.push(localTarget(ctx.work));
      else if (label === 'gfs') targets.push(await gfsTarget(ctx.work, { cpuProfDir: ctx.opts.profile, mountOptions: ctx.opts.mountOptions }));
      else if (label === 'glusterfs') targets.push(await glusterTarget(ctx.work));
      else throw new Error(`unknown target ${label} (known: ${ALL.join(', ')})`);
    }
    const pairs = ratioPairs(labels);
    if (!ctx.opts.skip?.includes('sequential')) {
      const mib = ctx.opts.mib ?? 1024;
      const res = new Map<string, Phase[]>();
      for (const t of targets) res.set(t.label, await runWorkload({ workload: 'sequential', dir: t.dir, opts: { mib } }));
      ctx.say(`\nsequential: ${mib} MiB in 1 MiB blocks (write + fsync; caches dropped; read)\n${compare(res, pairs)}`);
    }
    if (!ctx.opts.skip?.includes('small')) {
      const files = ctx.opts.files ?? 5000;
      const res = new Map<string, Phase[]>();
      for (const t of targets) res.set(t.label, await runWorkload({ workload: 'small-files', dir: t.dir, opts: { files } }));
      ctx.say(`\nsmall files: ${files} files of 4 KiB in one directory (readdir: entries/s over 3 listings)\n${compare(res, pairs)}`);
    }
  } finally {
    for (const t of targets.reverse()) await t.stop();
  }
}

/** Ratios shown: each FUSE target against the local disk, and ours against GlusterFS. */
function ratioPairs(labels: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const l of labels) if (l !== 'local' && labels.includes('local')) pairs.push([l, 'local']);
  if (labels.includes('gfs') && labels.includes('glusterfs')) pairs.push(['gfs', 'glusterfs']);
  return pairs;
}
