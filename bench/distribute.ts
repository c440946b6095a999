/**
 * Section `distribute` (issue 6): a 3-brick distribute volume of ours (gfs-mount -> distribute ->
 * 3 x protocol/client -> 3 gfs-brick on loopback) beside a 3-brick distribute volume of real
 * GlusterFS 10.3 (3 glusterfsd + the glusterfs FUSE client), in one work folder on the same disk,
 * under the same workloads (bench/workloads.ts), each in its own child process. Both volumes are
 * built by test/interop/distribute/cluster.ts from the same brick and client volfiles; a third,
 * `glusterfs-mdc`, mounts GlusterFS's with performance/md-cache over dht (gfs-mount answers stats
 * from attributes it was just sent, which md-cache also does).
 */
import { HAVE_REAL_GLUSTER, startDistVolume, type ClientKind, type DistVolume } from '../test/interop/distribute/cluster.js';
import { compareWorkloads, GLUSTER_LABELS, onCleanup, orStop, pickTargets, versusGluster, type Target } from './targets.js';
import type { BenchContext } from './run.js';

const ALL = ['gfs', ...GLUSTER_LABELS];

/** A started volume and its mount as a bench target; stop() is registered for interruptions. */
async function distTarget(ctx: BenchContext, label: string): Promise<Target> {
  const client: ClientKind = label === 'gfs' ? 'gfs' : 'glusterfs';
  let vol: DistVolume | undefined;
  const stop = onCleanup(async () => void (await vol?.stop()));
  return orStop(stop, async () => {
    vol = await startDistVolume({ bricks: client === 'gfs' ? 'gfs-brick' : 'glusterfsd', parent: ctx.work, logLevel: 'WARNING', built: true });
    const m = client === 'gfs' ? await vol.mount('gfs', ctx.opts.mountOptions ?? []) : await vol.mount('glusterfs', [], { mdCache: label === 'glusterfs-mdc' });
    return { label, dir: m.mnt, stop, cpu: { home: vol.dir, mnt: m.mnt } };
  });
}

export async function distributeSection(ctx: BenchContext): Promise<void> {
  const labels = pickTargets(ctx, ALL, HAVE_REAL_GLUSTER);
  const pairs = versusGluster(labels);
  const targets: Target[] = [];
  try {
    for (const label of labels) targets.push(await distTarget(ctx, label));
    ctx.say('3-brick distribute volumes on loopback: gfs = gfs-mount -> distribute -> 3 x client -> 3 gfs-brick; glusterfs = glusterfs -> dht -> 3 glusterfsd; glusterfs-mdc = the same with performance/md-cache over dht');
    await compareWorkloads(ctx, targets, pairs);
  } finally {
    for (const t of targets.reverse()) await t.stop();
  }
}
