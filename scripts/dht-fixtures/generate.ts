/**
 * Regenerates test/dht/fixtures/*.json against real GlusterFS (run as root):
 *
 *   npx tsx scripts/dht-fixtures/generate.ts [outdir]
 *
 * Starts three standalone glusterfsd bricks on tmpfs filesystems of different sizes
 * (so weighted layouts differ from unweighted ones), mounts three glusterfs clients of
 * one cluster/distribute volume with different options, creates directories and files
 * through them, then reads each brick's backend: the trusted.glusterfs.dht layout of
 * every directory and which brick holds every file. Everything started is stopped and
 * unmounted on exit, also on failure or Ctrl-C.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureNames, type NameCase } from './names.js';
import { probeDmHash, probeGlibcRegex } from './glibc-probe.js';
import { SUBVOLS, VOLFILE_ORDER, brickVolfile, clientVolfile } from './volfiles.js';
import type { DirectoryRecord, LayoutFixture, MountSpec, PlacementFixture, PlacementRecord } from './fixture-format.js';
import { freePort } from '../lib/free-port.js';

const BRICK_MB = [96, 160, 224];
const MOUNTS: Record<string, MountSpec> = {
  weighted: { top: '/w', options: {}, locale: '' },
  unweighted: { top: '/u', options: { 'weighted-rebalance': 'off' }, locale: 'C.UTF-8' },
  bygfid: { top: '/g', options: { 'weighted-rebalance': 'off', 'randomize-hash-range-by-gfid': 'on' }, locale: '' },
};
const SUBDIRS = ['files', 'a', 'a/b', 'a/b/c', 'a/b/c/d', 'répertoire', '日本', 'emoji 🚀', ...Array.from({ length: 9 }, (_, i) => `dir-0${i + 1}`)];

const cleanups: (() => void)[] = [];
function cleanup(): void {
  while (cleanups.length) {
    try { cleanups.pop()!(); } catch (err) { console.error('cleanup:', (err as Error).message); }
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { cleanup(); process.exit(130); });

const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv): string =>
  execFileSync(cmd, args, { encoding: 'utf8', env: env ?? process.env });
const sleep = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };


function isMounted(mnt: string): boolean {
  return fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);
}

function waitFor(what: string, ok: () => boolean, ms = 20000): void {
  for (const end = Date.now() + ms; Date.now() < end; sleep(200)) {
    try { if (ok()) return; } catch { /* not yet */ }
  }
  throw new Error(`timed out waiting for ${what}`);
}

function xattrHex(file: string, name: string): string | undefined {
  const r = spawnSync('getfattr', ['--absolute-names', '-e', 'hex', '-n', name, file], { encoding: 'utf8' });
  const m = /=0x([0-9a-f]+)/.exec(r.stdout);
  return m?.[1];
}

const join = (...parts: (string | Uint8Array)[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p)));

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? path.resolve(import.meta.dirname, '../../test/dht/fixtures');
  const version = run('glusterfs', ['--version']).split('\n')[0]!.trim();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-dht-fixtures-'));
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));

  const ports: number[] = [];
  const brickDirs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = path.join(root, `brick${i}`);
    fs.mkdirSync(dir);
    run('mount', ['-t', 'tmpfs', '-o', `size=${BRICK_MB[i]}m`, `gfsfix${i}`, dir]);
    cleanups.push(() => run('umount', [dir]));
    brickDirs.push(dir);
    ports.push(await freePort());
  }
  for (let i = 0; i < 3; i++) {
    const vol = path.join(root, `brick${i}.vol`);
    fs.writeFileSync(vol, brickVolfile(i, brickDirs[i]!, ports[i]!));
    const pidFile = path.join(root, `brick${i}.pid`);
    run('glusterfsd', ['-f', vol, '-l', path.join(root, `brick${i}.log`), '-p', pidFile]);
    cleanups.push(() => {
      const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
      process.kill(pid, 'SIGTERM');
      waitFor(`brick ${i} to exit`, () => { try { process.kill(pid, 0); return false; } catch { return true; } }, 10000);
    });
    waitFor(`brick ${i} pid file`, () => fs.statSync(pidFile).size > 0);
  }

  const mnts: Record<string, string> = {};
  for (const [key, spec] of Object.entries(MOUNTS)) {
    const vol = path.join(root, `client-${key}.vol`);
    fs.writeFileSync(vol, clientVolfile(ports, spec.options));
    const mnt = path.join(root, `mnt-${key}`);
    fs.mkdirSync(mnt);
    const env = { ...process.env };
    delete env.LANG; delete env.LC_ALL;
    if (spec.locale) env.LC_ALL = spec.locale;
    run('glusterfs', ['-f', vol, '-l', path.join(root, `client-${key}.log`), mnt], env);
    cleanups.push(() => { if (isMounted(mnt)) run('umount', [mnt]); });
    waitFor(`mount ${key}`, () => isMounted(mnt) && fs.readdirSync(mnt) !== undefined);
    mnts[key] = mnt;
  }
  // DHT answers once every child is up; wait until the root layout is on all bricks.
  waitFor('root layout on every brick', () => brickDirs.every((b) => xattrHex(b, 'trusted.glusterfs.dht') !== undefined));

  const names = fixtureNames();
  const dirs: { path: string; mount: string }[] = [{ path: '/', mount: 'root' }];
  const created: { dir: string; name: NameCase }[] = [];
  for (const [key, spec] of Object.entries(MOUNTS)) {
    const mnt = mnts[key]!;
    const subdirs = key === 'bygfid' ? SUBDIRS.slice(0, 8) : SUBDIRS;
    for (const p of [spec.top, ...subdirs.map((s) => `${spec.top}/${s}`)]) {
      fs.mkdirSync(mnt + p);
      dirs.push({ path: p, mount: key });
    }
    for (const p of subdirs.map((s) => `${spec.top}/${s}`)) {
      // The files directory gets every name; the others a sample, to exercise their layouts.
      const set = p.endsWith('/files') ? names : names.filter((_, i) => i % 23 === 0);
      for (const n of set) {
        const file = join(mnt, p, '/', n.bytes);
        if (fs.existsSync(file)) continue; // a subdirectory of that name ("a", "d")
        fs.closeSync(fs.openSync(file, 'wx'));
        created.push({ dir: p, name: n });
      }
    }
  }
  for (const mnt of Object.values(mnts)) run('umount', [mnt]);

  const directories: DirectoryRecord[] = dirs.map(({ path: p, mount }) => {
    const layout: Record<string, string> = {};
    let gfid = '';
    brickDirs.forEach((b, i) => {
      const hex = xattrHex(b + p, 'trusted.glusterfs.dht');
      if (hex === undefined) throw new Error(`no layout for ${p} on brick ${i}`);
      layout[SUBVOLS[i]!] = hex;
      gfid = xattrHex(b + p, 'trusted.gfid') ?? '';
    });
    return { path: p, mount, gfid, layout };
  });

  let linkFiles = 0;
  const files: PlacementRecord[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const { dir, name } of created) {
    const holders: string[] = [];
    brickDirs.forEach((b, i) => {
      let st: fs.Stats;
      try { st = fs.lstatSync(join(b, dir, '/', name.bytes)); } catch { return; }
      // A DHT link file has mode exactly 01000 (and a linkto xattr); it is not the file.
      if ((st.mode & 0o7777) === 0o1000) { linkFiles++; return; }
      holders.push(SUBVOLS[i]!);
    });
    if (holders.length !== 1) throw new Error(`${dir}/${Buffer.from(name.bytes).toString('hex')} on ${holders.length} bricks`);
    let text: string | undefined;
    try { text = decoder.decode(name.bytes); } catch { text = undefined; }
    const id = text !== undefined ? { name: text } : { hex: Buffer.from(name.bytes).toString('hex') };
    files.push({ dir, ...id, kind: name.kind, subvol: holders[0]! });
  }

  const bricks: LayoutFixture['bricks'] = {};
  brickDirs.forEach((b, i) => {
    const st = fs.statfsSync(b);
    const bpc = Math.floor((1 << 20) / st.bsize);
    bricks[SUBVOLS[i]!] = { bsize: st.bsize, blocks: st.blocks, chunks: Math.floor((st.blocks + bpc - 1) / bpc) };
  });

  const generatedBy = 'scripts/dht-fixtures/generate.ts';
  const layouts: LayoutFixture = {
    glusterfs: version, generatedBy, subvolumes: [...SUBVOLS], volfileOrder: [...VOLFILE_ORDER], bricks, mounts: MOUNTS, directories,
  };
  const placements: PlacementFixture = { glusterfs: version, linkFiles, files };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'layouts.json'), JSON.stringify(layouts, null, 1) + '\n');
  fs.writeFileSync(path.join(outDir, 'placements.json'), JSON.stringify(placements, null, 0).replaceAll('},{', '},\n{') + '\n');
  const glibc = probeGlibcRegex(root, names);
  fs.writeFileSync(path.join(outDir, 'glibc-regex.json'), JSON.stringify(glibc, null, 0).replaceAll('},{', '},\n{') + '\n');
  const hashes = probeDmHash(root, names, directories.map((d) => d.path));
  fs.writeFileSync(path.join(outDir, 'dm-hash.json'), JSON.stringify(hashes, null, 0).replaceAll('},{', '},\n{') + '\n');
  console.log(`${version}: ${directories.length} directories, ${files.length} files, ${linkFiles} link files -> ${outDir}`);
}

try {
  await main();
} finally {
  cleanup();
}
