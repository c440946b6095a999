/**
 * A 3-brick distribute volume whose bricks are real GlusterFS 10.3 `glusterfsd` or our
 * `gfs-brick` (posix [-> access-control] -> locks -> server, same volume names either way), and
 * one client volfile (protocol/client x N -> cluster/distribute) that both the real `glusterfs`
 * client and our `gfs-mount` mount. Used by the interop tests, the distribute-over-wire
 * conformance target and the `distribute` bench section. `stop()` unmounts and kills everything
 * it started, also after failures, and may be called twice.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findMount, kernelUnmount } from '../../../xlators/mount/fuse/kernel/mount.js';
import { freePort } from '../../../scripts/lib/free-port.js';
import { alive } from '../../../scripts/lib/process.js';
import { programArgs } from '../../../scripts/lib/program.js';
import { mdCacheVolume } from '../../posix/real-gluster.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const HAVE_REAL_GLUSTER = existsSync('/usr/sbin/glusterfsd') && existsSync('/usr/sbin/glusterfs') && existsSync('/dev/fuse');

export type BrickKind = 'glusterfsd' | 'gfs-brick';
export type ClientKind = 'glusterfs' | 'gfs';

export interface VolumeOptions {
  bricks: BrickKind;
  count?: number;
  /** features/access-control over posix on each brick (what glusterd writes). */
  accessControl?: boolean;
  /** Parent folder for the work folder (default the OS temp dir). */
  parent?: string;
  /** Extra options for cluster/distribute. */
  dhtOptions?: Record<string, string>;
  /** Log level for bricks and mounts (default INFO). */
  logLevel?: string;
  /** Run the built programs (dist/scripts, as installed users run them) instead of the sources under tsx. */
  built?: boolean;
}

/** Node arguments running gfs-brick or gfs-mount from the sources, or built when asked (and built). */
const ours = (name: 'gfs-brick' | 'gfs-mount', built?: boolean): string[] => programArgs(ROOT, name, built ?? false);

export interface Mount {
  client: ClientKind;
  mnt: string;
  pid(): number | undefined;
  unmount(): Promise<void>;
}

export interface DistVolume {
  dir: string;
  /** Brick data folders, index i served as subvolume `subvols[i]`. */
  brickDirs: string[];
  /** The distribute subvolume (protocol/client volume) names, in volfile order. */
  subvols: string[];
  clientVolfile: string;
  /** Mount the volume with a client; the mount point is a fresh folder. */
  /** Mount with `client`; `mdCache` (glusterfs only) puts performance/md-cache over distribute. */
  mount(client: ClientKind, mountOptions?: string[], opts?: { mdCache?: boolean }): Promise<Mount>;
  stop(): Promise<void>;
  logs(): string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; ; await sleep(100)) {
    try {
      if (await ok()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}


function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}


const readPid = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined);

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

export function brickVolfile(i: number, dir: string, port: number, accessControl: boolean): string {
  const below = accessControl ? `iv-acl-${i}` : `iv-posix-${i}`;
  return [
    `volume iv-posix-${i}`, '    type storage/posix', `    option directory ${dir}`, 'end-volume',
    ...(accessControl ? [`volume iv-acl-${i}`, '    type features/access-control', `    subvolumes iv-posix-${i}`, 'end-volume'] : []),
    `volume iv-locks-${i}`, '    type features/locks', `    subvolumes ${below}`, 'end-volume',
    `volume iv-server-${i}`, '    type protocol/server', '    option transport-type tcp', `    option transport.socket.listen-port ${port}`,
    '    option transport.socket.bind-address 127.0.0.1', '    option transport.address-family inet',
    `    option auth.addr.iv-locks-${i}.allow *`, `    subvolumes iv-locks-${i}`, 'end-volume', '',
  ].join('\n');
}

export function clientVolfile(ports: readonly number[], dhtOptions: Record<string, string> = {}, mdCache = false): string {
  const lines = ports.flatMap((port, i) => [
    `volume iv-client-${i}`, '    type protocol/client', '    option transport-type tcp', '    option remote-host 127.0.0.1',
    `    option remote-port ${port}`, `    option remote-subvolume iv-locks-${i}`, 'end-volume',
  ]);
  lines.push('volume iv-dht', '    type cluster/distribute', ...Object.entries(dhtOptions).map(([k, v]) => `    option ${k} ${v}`));
  lines.push(`    subvolumes ${ports.map((_, i) => `iv-client-${i}`).join(' ')}`, 'end-volume');
  if (mdCache) lines.push(...mdCacheVolume('iv-md-cache', 'iv-dht'));
  lines.push('');
  return lines.join('\n');
}

async function stopPid(pid: number | undefined, first: NodeJS.Signals): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid!, first);
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid!, 'SIGKILL');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
}

export async function startDistVolume(o: VolumeOptions): Promise<DistVolume> {
  const count = o.count ?? 3;
  const dir = mkdtempSync(join(o.parent ?? tmpdir(), `gfs-iv-${o.bricks}-`));
  const level = o.logLevel ?? 'INFO';
  const brickDirs = Array.from({ length: count }, (_, i) => join(dir, `brick${i}`));
  const brickPids = brickDirs.map((_, i) => join(dir, `brick${i}.pid`));
  const mounts = new Set<Mount>();
  let mountSeq = 0;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const m of [...mounts]) await m.unmount().catch(() => undefined);
    // glusterfsd exits on SIGTERM after cleanup; gfs-brick stops cleanly on it too.
    await Promise.all(brickPids.map((p) => stopPid(readPid(p), 'SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () =>
    readdirLogs(dir)
      .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').slice(-3000)}`)
      .join('\n');
  try {
    const ports: number[] = [];
    for (const [i, b] of brickDirs.entries()) {
      mkdirSync(b);
      const port = await freePort();
      ports.push(port);
      const vol = join(dir, `brick${i}.vol`);
      writeFileSync(vol, brickVolfile(i, b, port, o.accessControl ?? false));
      const log = join(dir, `brick${i}.log`);
      const r = o.bricks === 'glusterfsd'
        ? await run('glusterfsd', ['-f', vol, '-l', log, '-L', level, '-p', brickPids[i]!, '--brick-port', String(port)])
        : await run(process.execPath, [...ours('gfs-brick', o.built), '-f', vol, '-p', brickPids[i]!, '-l', log, '-L', level]);
      if (r.code !== 0) throw new Error(`${o.bricks} ${i} failed (${r.code}): ${r.out}`);
      await waitFor(`${o.bricks} ${i} listening on ${port}`, () => canConnect(port));
    }
    const clientVol = join(dir, 'client.vol');
    writeFileSync(clientVol, clientVolfile(ports, o.dhtOptions));
    const mount = async (client: ClientKind, mountOptions: string[] = [], mo: { mdCache?: boolean } = {}): Promise<Mount> => {
      if (mo.mdCache && client === 'gfs') throw new Error('performance/md-cache is GlusterFS\'s: only a glusterfs mount can have it');
      // The same volume with md-cache on top, in a volfile of its own for this mount.
      const vol = mo.mdCache ? join(dir, 'client-md-cache.vol') : clientVol;
      if (mo.mdCache) writeFileSync(vol, clientVolfile(ports, o.dhtOptions, true));
      const n = mountSeq++;
      const mnt = join(dir, `mnt-${client}-${n}`);
      mkdirSync(mnt);
      const log = join(dir, `mount-${client}-${n}.log`);
      const pidFile = join(dir, `mount-${client}-${n}.pid`);
      const m: Mount = {
        client,
        mnt,
        pid: () => readPid(pidFile),
        async unmount() {
          mounts.delete(m);
          const pid = readPid(pidFile);
          if (findMount(mnt)) await kernelUnmount(mnt);
          for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
          if (alive(pid)) process.kill(pid!, 'SIGKILL');
          for (let i = 0; i < 3 && findMount(mnt); i++) await kernelUnmount(mnt, { lazy: true });
        },
      };
      mounts.add(m);
      const r = client === 'gfs'
        ? await run(process.execPath, [...ours('gfs-mount', o.built), '-o', [`log-file=${log}`, `pid-file=${pidFile}`, `log-level=${level}`, ...mountOptions].join(','), vol, mnt])
        : await run('glusterfs', ['-f', vol, '-l', log, '-L', level, `--pid-file=${pidFile}`, ...mountOptions, mnt]);
      if (r.code !== 0) throw new Error(`${client} mount failed (${r.code}): ${r.out}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : ''}`);
      await waitFor(`${client} mount of ${mnt}`, () => findMount(mnt) !== undefined);
      // The real client answers once distribute heard from every brick; until then ENOTCONN.
      await waitFor(`${client} mount answering`, () => (readdirSync(mnt), statSync(mnt).isDirectory()));
      return m;
    };
    return { dir, brickDirs, subvols: ports.map((_, i) => `iv-client-${i}`), clientVolfile: clientVol, mount, stop, logs };
  } catch (err) {
    const text = logs();
    await stop();
    throw new Error(`${(err as Error).message}\n${text}`);
  }
}

function readdirLogs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.log'));
  } catch {
    return [];
  }
}
