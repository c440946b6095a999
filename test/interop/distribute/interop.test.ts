/**
 * Distribute interop with real GlusterFS 10.3, both ways, over three bricks:
 * - a volume the real glusterfs client wrote on real glusterfsd bricks, read and written by our
 *   gfs-mount (protocol/client x3 -> cluster/distribute, the same client volfile), then read and
 *   written by the real client again;
 * - a volume our gfs-mount wrote on our gfs-brick bricks, read and written by the real client,
 *   then by ours again.
 * After each client the bricks are read directly: every file on the brick its name hashes to
 * (or behind a link file there naming its brick), directories everywhere with one gfid, and a
 * directory recreated by the other client gets byte-identical layouts.
 */
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { HAVE_REAL_GLUSTER, startDistVolume, type BrickKind, type ClientKind, type DistVolume, type Mount } from './cluster.js';
import { linked, placementProblems, scanVolume } from './disk.js';
import { Model, content, writeInitial, writeMore } from './model.js';
import { needing } from '../../helpers/needs.js';

const NEEDS = 'real GlusterFS (glusterfs-server, glusterfs-client) and /dev/fuse';
const serial = needing(HAVE_REAL_GLUSTER, NEEDS);

/** Root layouts each side gave a fresh volume, to compare across the two tests. */
const rootLayouts = new Map<ClientKind, Record<string, string | undefined>>();

function checkDisk(t: ExecutionContext, vol: DistVolume, when: string) {
  const scan = scanVolume(vol.brickDirs, vol.subvols);
  t.deepEqual(placementProblems(scan, vol.subvols), [], `on-disk placement ${when}`);
  return scan;
}

function checkRead(t: ExecutionContext, m: Model, mount: Mount, when: string): number {
  const { problems, checked } = m.verify(mount.mnt);
  t.deepEqual(problems, [], `${mount.client} reads back ${when}`);
  return checked;
}

/** The client on `mount` removes and recreates the empty /lay directories: layouts must not change. */
function recreateLayouts(t: ExecutionContext, vol: DistVolume, m: Model, mount: Mount): number {
  const dirs = [...m.dirs].filter((d) => d.startsWith('/lay/')).sort();
  const before = scanVolume(vol.brickDirs, vol.subvols).dirs;
  m.use(mount.mnt);
  for (const d of dirs) m.rmdir(d);
  for (const d of dirs) m.mkdir(d);
  const after = scanVolume(vol.brickDirs, vol.subvols).dirs;
  for (const d of dirs) t.deepEqual(after.get(d)?.layout, before.get(d)?.layout, `${mount.client} gives ${d} the layout the other client gave it`);
  return dirs.length;
}

async function interop(t: ExecutionContext, bricks: BrickKind, first: ClientKind, second: ClientKind): Promise<void> {
  const vol = await startDistVolume({ bricks });
  t.teardown(() => vol.stop());
  const tagOf = (c: ClientKind) => (c === 'gfs' ? 'ours' : 'real');
  try {
    // 1. The first client writes a fresh volume.
    const a = await vol.mount(first);
    const m = new Model(a.mnt);
    writeInitial(m, tagOf(first));
    t.deepEqual(m.verify(a.mnt).problems, [], `${first} reads its own writes`);
    await a.unmount();
    let scan = checkDisk(t, vol, `after ${first} wrote`);
    const firstLinks = linked(scan);
    t.true(firstLinks.length > 0, `${first}'s renames left link files`);
    rootLayouts.set(first, scan.dirs.get('/')!.layout);

    // 2. The second client reads it all (through the first client's link files), then writes.
    const b = await vol.mount(second);
    const read1 = checkRead(t, m, b, `what ${first} wrote`);
    const layouts = recreateLayouts(t, vol, m, b);
    writeMore(m.use(b.mnt), tagOf(second), tagOf(first));
    checkRead(t, m, b, 'its own writes');
    await b.unmount();
    scan = checkDisk(t, vol, `after ${second} wrote`);
    const secondLinks = linked(scan).filter((p) => p.includes(`${tagOf(second)}-`));
    t.true(secondLinks.length > 0, `${second}'s renames left link files`);

    // 3. The first client again: reads the second's writes (and link files), writes more.
    const c = await vol.mount(first);
    const read2 = checkRead(t, m, c, `what ${second} wrote`);
    m.use(c.mnt);
    for (const p of secondLinks.slice(0, 4)) m.rename(p, `${p}-back`);
    for (let i = 0; i < 10; i++) m.write(`/${tagOf(second)}/by-${tagOf(first)}-${i}`, content(first, `late${i}`));
    m.unlink(`/${tagOf(second)}/x0`);
    checkRead(t, m, c, 'after more writes');
    await c.unmount();
    checkDisk(t, vol, `after ${first} wrote again`);

    // 4. And the second once more, to read the first's last writes.
    const d = await vol.mount(second);
    checkRead(t, m, d, `${first}'s last writes`);
    await d.unmount();
    t.log(`${first} -> ${second}: ${read1} entries read, ${layouts} layouts recreated identically, ` +
      `link files ${firstLinks.length} (${first}) and ${secondLinks.length} (${second}) followed, ${read2} entries read back`);
  } catch (err) {
    t.log(vol.logs());
    throw err;
  }
}

serial('our distribute over real glusterfsd bricks reads and writes a volume the real client wrote, and the real client reads ours', async (t) => {
  await interop(t, 'glusterfsd', 'glusterfs', 'gfs');
});

serial('the real glusterfs distribute client reads and writes a volume ours wrote on gfs bricks, and ours reads it back', async (t) => {
  await interop(t, 'gfs-brick', 'gfs', 'glusterfs');
});

serial('a fresh volume gets the same root layout from either client', (t) => {
  const real = rootLayouts.get('glusterfs');
  const ours = rootLayouts.get('gfs');
  if (!real || !ours) return t.fail('both interop tests must have run');
  t.deepEqual(ours, real);
});


serial('a real glusterfs mount of the volume with md-cache over distribute (the bench\'s glusterfs-mdc) reads what the plain one wrote; a gfs mount cannot have it', async (t) => {
  const vol = await startDistVolume({ bricks: 'glusterfsd' });
  t.teardown(() => vol.stop());
  const plain = await vol.mount('glusterfs');
  const cached = await vol.mount('glusterfs', [], { mdCache: true });
  t.regex(readFileSync(join(vol.dir, 'client-md-cache.vol'), 'utf8'), /type performance\/md-cache\n {4}subvolumes iv-dht/);
  writeFileSync(join(plain.mnt, 'f'), 'through the plain client');
  t.is(readFileSync(join(cached.mnt, 'f'), 'utf8'), 'through the plain client');
  await t.throwsAsync(vol.mount('gfs', [], { mdCache: true }), { message: /only a glusterfs mount/ });
});

/** `getfattr --only-values`: the raw bytes a mount answers for one xattr, or the error's text. */
function xattrOf(path: string, name: string): string {
  const r = spawnSync('getfattr', ['--only-values', '-n', name, path]);
  return r.status === 0 ? JSON.stringify(r.stdout.toString('latin1')) : r.stderr.toString().trim().replace(path, 'PATH');
}

for (const bricks of ['glusterfsd', 'gfs-brick'] as const) {
  serial(`pathinfo through gfs-mount is byte for byte the real client's, and linkinfo names the link file's brick, over ${bricks} bricks`, async (t) => {
    const vol = await startDistVolume({ bricks });
    t.teardown(() => vol.stop());
    const real = await vol.mount('glusterfs');
    const ours = await vol.mount('gfs');
    mkdirSync(join(real.mnt, 'd'));
    for (let i = 0; i < 6; i++) writeFileSync(join(real.mnt, 'd', `f${i}`), 'x');
    // Renamed names that now hash elsewhere keep their data where it was, behind a link file.
    for (let i = 0; i < 6; i++) renameSync(join(real.mnt, 'd', `f${i}`), join(real.mnt, 'd', `moved${i}`));
    let links = 0;
    for (let i = 0; i < 6; i++) {
      const p = `d/moved${i}`;
      for (const key of ['trusted.glusterfs.pathinfo', 'glusterfs.pathinfo']) t.is(xattrOf(join(ours.mnt, p), key), xattrOf(join(real.mnt, p), key), `${key} of ${p}`);
      // linkinfo: the link file's brick path, from the bricks themselves. (The real mount answers
      // EINVAL for it whatever the file: its FUSE bridge resolves the file without a parent, so
      // DHT cannot hash the name. Ours has the parent and answers.)
      const link = vol.brickDirs.find((dir) => {
        const st = lstatSync(join(dir, p), { throwIfNoEntry: false });
        return st !== undefined && (st.mode & 0o7777) === 0o1000;
      });
      if (link) links++;
      const want = link ? JSON.stringify(`<POSIX(${link}):${hostname()}:${link}/${p}>\0`) : 'PATH: trusted.distribute.linkinfo: No such attribute';
      t.is(xattrOf(join(ours.mnt, p), 'trusted.distribute.linkinfo'), want, `linkinfo of ${p}`);
      if (i === 0) t.log(`the real mount's linkinfo of ${p}: ${xattrOf(join(real.mnt, p), 'trusted.distribute.linkinfo')}`);
    }
    t.true(links > 0, 'some renamed file has a link file');
    // A directory: every brick (the real client lists them in the order they answered), then the layout.
    const dirInfo = (m: Mount) => {
      const v = JSON.parse(xattrOf(join(m.mnt, 'd'), 'trusted.glusterfs.pathinfo')) as string;
      const [, bricksPart, layout] = /^\(\(<DISTRIBUTE:[^>]+> (.*)\) (\(\S+-layout .*\))\)\0?$/.exec(v) ?? [];
      return { bricks: bricksPart?.split(' ').sort(), layout };
    };
    t.deepEqual(dirInfo(ours), dirInfo(real));
  });
}
