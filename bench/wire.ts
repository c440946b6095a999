/**
 * Section `wire` (issue 4): one brick over loopback TCP, ours against GlusterFS, in one work
 * folder on the same disk, under the same workloads (bench/workloads.ts):
 *
 *   gfs       = gfs-mount -> protocol/client -> gfs-brick (posix + locks + server)
 *   glusterfs = glusterfs -> protocol/client -> glusterfsd (posix + locks + server)
 *   glusterfs-mdc = glusterfs -> md-cache -> protocol/client -> glusterfsd (md-cache, one of the
 *     performance translators glusterd puts in client volfiles; gfs-mount answers stats from
 *     attributes it was just sent)
 *
 * The brick is started as a user starts it (`gfs-brick -f VOL`, which daemonizes); the mount is
 * gfs-mount's serving process in the foreground, as the `local` section runs it. With
 * `--baseline DIR` a third target, `gfs-base`, runs both programs from another checkout (before
 * and after in one run). With `--profile DIR`, V8 CPU profiles of the brick (DIR/brick) and of the
 * mount (DIR/mount) are written when they stop.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareWorkloads, ForegroundMount, GLUSTER_LABELS, HAVE_GLUSTER, glusterTarget, isGlusterLabel, onCleanup, orStop, pickTargets, program, sleep, versusGluster, type Target } from './targets.js';
import type { BenchContext } from './run.js';
import { freePort } from '../scripts/lib/free-port.js';
import { alive, readPidFile } from '../scripts/lib/process.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ALL = ['gfs', ...GLUSTER_LABELS];


const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });


/** The same layout as GlusterFS's target (test/posix/real-gluster.ts): posix, locks, server. */
function brickVolfile(dir: string, port: number): string {
  return [
    'volume w-posix', '    type storage/posix', `    option directory ${dir}`, 'end-volume',
    'volume w-locks', '    type features/locks', '    subvolumes w-posix', 'end-volume',
    'volume w-server', '    type protocol/server', '    option transport-type tcp', `    option transport.socket.listen-port ${port}`,
    '    option transport.socket.bind-address 127.0.0.1', '    option transport.address-family inet',
    '    option auth.addr.w-locks.allow *', '    subvolumes w-locks', 'end-volume', '',
  ].join('\n');
}

function clientVolfile(port: number): string {
  return [
    'volume w-client', '    type protocol/client', '    option transport-type tcp', '    option remote-host 127.0.0.1',
    `    option remote-port ${port}`, '    option remote-subvolume w-locks', 'end-volume', '',
  ].join('\n');
}

/** gfs-mount -> protocol/client -> gfs-brick, from `root` (this checkout by default). */
async function gfsWireTarget(ctx: BenchContext, label: string, root: string): Promise<Target> {
  const work = join(ctx.work, label);
  const brick = join(work, 'brick');
  const mnt = join(work, 'mnt');
  fs.mkdirSync(brick, { recursive: true });
  fs.mkdirSync(mnt, { recursive: true });
  const port = await freePort();
  const brickVol = join(work, 'brick.vol');
  const clientVol = join(work, 'client.vol');
  fs.writeFileSync(brickVol, brickVolfile(brick, port));
  fs.writeFileSync(clientVol, clientVolfile(port));
  const pidFile = join(work, 'brick.pid');
  const profile = (what: string) => (ctx.opts.profile && label === 'gfs' ? ['--cpu-prof', `--cpu-prof-dir=${join(ctx.opts.profile, what)}`] : []);
  const mount = new ForegroundMount(mnt, join(work, 'mount.log'));
  const stop = onCleanup(async () => {
    await mount.stop();
    const pid = readPidFile(pidFile);
    if (alive(pid)) {
      process.kill(pid!, 'SIGTERM');
      for (let i = 0; i < 150 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(pid!, 'SIGKILL');
    }
    fs.rmSync(work, { recursive: true, force: true });
  });
  await orStop(stop, async () => {
    // gfs-brick daemonizes (the child inherits the node flags, so --cpu-prof profiles the brick).
    const b = spawnSync(process.execPath, [...profile('brick'), ...program('gfs-brick', root), '-f', brickVol, '-p', pidFile, '-l', join(work, 'brick.log'), '-L', 'WARNING'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (b.status !== 0) throw new Error(`gfs-brick failed (${b.status}): ${b.stderr}`);
    for (const end = Date.now() + 20_000; !(await canConnect(port)); await sleep(100)) if (Date.now() > end) throw new Error('gfs-brick is not listening');
    const opts = ['log-level=WARNING', ...(ctx.opts.mountOptions ?? [])].join(',');
    mount.start([...profile('mount'), ...program('gfs-mount', root), '-f', '-o', opts, clientVol, mnt], root);
    await mount.waitUp('gfs-mount');
  });
  return { label, dir: mnt, stop, cpu: { home: work, mnt } };
}

export async function wireSection(ctx: BenchContext): Promise<void> {
  let labels = pickTargets(ctx, ALL, HAVE_GLUSTER);
  if (ctx.opts.baseline) labels = ['gfs-base', ...labels];
  const pairs = versusGluster(labels);
  if (labels.includes('gfs') && labels.includes('gfs-base')) pairs.push(['gfs', 'gfs-base']);
  const targets: Target[] = [];
  try {
    for (const label of labels) {
      if (isGlusterLabel(label)) targets.push(await glusterTarget(ctx.work, label));
      else targets.push(await gfsWireTarget(ctx, label, label === 'gfs-base' ? ctx.opts.baseline! : ROOT));
    }
    ctx.say('one brick on loopback TCP: gfs = gfs-mount -> protocol/client -> gfs-brick; glusterfs = glusterfs -> protocol/client -> glusterfsd; glusterfs-mdc = the same with performance/md-cache over the client (bricks: posix + locks + server)');
    await compareWorkloads(ctx, targets, pairs);
  } finally {
    for (const t of targets.reverse()) await t.stop();
  }
}
