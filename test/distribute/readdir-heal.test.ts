import test from 'ava';
import { constants, rmdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Fd } from '../../runtime/core/fd.js';
import type { Inode } from '../../runtime/core/inode.js';
import type { FopError } from '../../runtime/core/fop-error.js';
import { native } from '../../native/index.js';
import { diskLayout, makeBricks, setDown, start, volfile, where, SUBVOLS } from './helpers.js';

async function listAll(g: Awaited<ReturnType<typeof start>>, path: string, size: number, from = 0n) {
  const { loc } = await g.lookup(path);
  const fd = new Fd(loc.inode!, constants.O_RDONLY);
  await g.fops.opendir(g.frame(), { loc, fd });
  const out: { name: string; offset: bigint }[] = [];
  try {
    for (let offset = from; ; ) {
      const { entries } = await g.fops.readdirp(g.frame(), { fd, size, offset });
      if (!entries.length) break;
      for (const e of entries) out.push({ name: e.name, offset: e.offset });
      offset = entries[entries.length - 1]!.offset;
    }
  } finally {
    await g.graph.release(fd, true);
  }
  return out;
}

test('readdirp pages across bricks with small buffers: every entry once, offsets resume anywhere', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/p');
  const want = new Set<string>(['.', '..']);
  for (let i = 0; i < 120; i++) {
    await g.create(`/p/file-${i}`, '');
    want.add(`file-${i}`);
  }
  for (let i = 0; i < 6; i++) {
    await g.mkdir(`/p/sub-${i}`);
    want.add(`sub-${i}`);
  }
  const all = await listAll(g, '/p', 200);
  const names = all.map((e) => e.name);
  t.is(names.length, new Set(names).size, 'no duplicates');
  t.deepEqual([...names].sort(), [...want].sort());
  // the same listing again is identical (stable offsets)
  t.deepEqual(await listAll(g, '/p', 700), all);
  // seekdir: resuming from any handed-out offset gives exactly the rest
  for (const k of [0, 5, 40, 77, all.length - 2]) {
    const rest = await listAll(g, '/p', 300, all[k]!.offset);
    t.deepEqual(rest.map((e) => e.name), names.slice(k + 1), `resume after entry ${k}`);
  }
  // offsets name the brick they came from: low bits (mod 3, or the low 2 bits of huge ones)
  t.true(all.every((e) => e.offset !== 0n));
});

test('a directory missing on one brick, or with a hole in its layout, is healed by lookup', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/h');
  const gfid = native.lgetxattrSync(join(b.dirs[SUBVOLS[0]!]!, 'h'), 'trusted.gfid').toString('hex');
  const layoutBefore = SUBVOLS.map((sv) => diskLayout(b, sv, 'h'));
  // remove one copy behind distribute's back (and its handle)
  rmdirSync(join(b.dirs[SUBVOLS[1]!]!, 'h'));
  const canon = `${gfid.slice(0, 8)}-${gfid.slice(8, 12)}-${gfid.slice(12, 16)}-${gfid.slice(16, 20)}-${gfid.slice(20)}`;
  rmSync(join(b.dirs[SUBVOLS[1]!]!, '.glusterfs', gfid.slice(0, 2), gfid.slice(2, 4), canon));
  g.graph.itable.prune();
  await g.lookup('/h');
  t.true(existsSync(join(b.dirs[SUBVOLS[1]!]!, 'h')));
  t.is(native.lgetxattrSync(join(b.dirs[SUBVOLS[1]!]!, 'h'), 'trusted.gfid').toString('hex'), gfid);
  // the healed copy joins with an empty range: a hole now, so the whole layout is redone
  const after = SUBVOLS.map((sv) => diskLayout(b, sv, 'h')!);
  const covered = after.map((l) => (l.start === l.stop ? 0 : l.stop - l.start + 1)).reduce((a, x) => a + x, 0);
  t.is(covered, 2 ** 32);
  t.true(after.every((l) => l.commitHash === 1));
  void layoutBefore;
  // remove a layout xattr: holes, healed
  native.lremovexattrSync(join(b.dirs[SUBVOLS[2]!]!, 'h'), 'trusted.glusterfs.dht');
  g.graph.itable.prune();
  await g.lookup('/h');
  t.truthy(diskLayout(b, SUBVOLS[2]!, 'h'));
});

test('with one brick down: live files work, names on the dead brick fail ENOTCONN, mkdir is refused', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b, { switchable: true }));
  t.teardown(() => g.stop());
  const events: string[] = [];
  g.graph.on('event', (e: { type: string }) => events.push(e.type));
  await g.mkdir('/dd');
  for (let i = 0; i < 24; i++) await g.create(`/dd/f${i}`, `v${i}`);
  const dead = SUBVOLS[1]!;
  const onDead = [...Array(24).keys()].filter((i) => where(b, `dd/f${i}`).data[0] === dead);
  const onLive = [...Array(24).keys()].filter((i) => where(b, `dd/f${i}`).data[0] !== dead);
  t.true(onDead.length > 0 && onLive.length > 0);
  await setDown(g, dead, true);
  t.deepEqual(events, ['SOME_DESCENDENT_DOWN']);
  g.graph.itable.prune();
  for (const i of onLive) {
    t.is((await g.read(`/dd/f${i}`)).toString(), `v${i}`);
    const { loc } = await g.lookup(`/dd/f${i}`);
    const fd = new Fd(loc.inode!, constants.O_WRONLY);
    await g.fops.open(g.frame(), { loc, flags: constants.O_WRONLY, fd });
    await g.fops.writev(g.frame(), { fd, data: Buffer.from('W'), offset: 0, flags: 0 });
    await g.graph.release(fd);
    t.is((await g.read(`/dd/f${i}`)).toString()[0], 'W');
  }
  for (const i of onDead) {
    const e = await t.throwsAsync(g.lookup(`/dd/f${i}`));
    t.is((e as FopError).code, 'ENOTCONN');
  }
  const m = await t.throwsAsync(g.mkdir('/dd/newdir'));
  t.is((m as FopError).code, 'ENOTCONN');
  for (const sv of SUBVOLS) t.false(existsSync(join(b.dirs[sv]!, 'dd', 'newdir')));
  // listing shows what the live bricks hold
  const names = await g.readdir('/dd');
  t.is(names.length, onLive.length);
  await setDown(g, dead, false);
  t.is(events.at(-1), 'CHILD_UP');
  await g.mkdir('/dd/newdir');
  t.is((await g.readdir('/dd')).length, 25);
});

test('the volume reports CHILD_UP once every brick has answered, CHILD_DOWN only when all are down', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b, { switchable: true }));
  t.teardown(() => g.stop());
  const events: string[] = [];
  g.graph.on('event', (e: { type: string }) => events.push(e.type));
  for (const sv of SUBVOLS) await setDown(g, sv, true);
  t.deepEqual(events, ['SOME_DESCENDENT_DOWN', 'SOME_DESCENDENT_DOWN', 'CHILD_DOWN']);
  await setDown(g, SUBVOLS[0]!, false);
  t.is(events.at(-1), 'CHILD_UP');
  for (const sv of SUBVOLS.slice(1)) await setDown(g, sv, false);
  const st = await g.fops.statfs(g.frame(), { loc: (await g.lookup('/')).loc });
  t.true(st.buf.blocks > 0);
});

test('a listing asks no brick again once that brick said its part ended, and only the last brick ends the directory', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/p');
  for (let i = 0; i < 60; i++) await g.create(`/p/file-${i}`, '');
  const calls: { subvol: string; n: number; eof: boolean }[] = [];
  for (const name of SUBVOLS) {
    const fops = g.graph.xlators.find((x) => x.name === name)!.fops as unknown as Record<string, (f: unknown, a: unknown) => Promise<{ entries: unknown[]; eof?: boolean }>>;
    const orig = fops.readdirp!;
    fops.readdirp = async (f, a) => {
      const r = await orig(f, a);
      calls.push({ subvol: name, n: r.entries.length, eof: r.eof === true });
      return r;
    };
  }
  const { loc } = await g.lookup('/p');
  const fd = new Fd(loc.inode!, constants.O_RDONLY);
  await g.fops.opendir(g.frame(), { loc, fd });
  const batches: { n: number; eof: boolean }[] = [];
  const names: string[] = [];
  for (let offset = 0n; ; ) {
    const { entries, eof } = await g.fops.readdirp(g.frame(), { fd, size: 1 << 16, offset });
    batches.push({ n: entries.length, eof: eof === true });
    names.push(...entries.map((e) => e.name));
    if (eof) break;
    t.true(entries.length > 0, 'only the end of the directory is an empty batch');
    offset = entries[entries.length - 1]!.offset;
  }
  await g.graph.release(fd, true);
  t.is(new Set(names).size, 62);
  t.deepEqual(calls.map((c) => c.subvol), SUBVOLS, `one call per brick: ${JSON.stringify(calls)}`);
  t.true(calls.every((c) => c.n > 0 && c.eof), JSON.stringify(calls));
  t.deepEqual(batches.map((x) => x.eof), [false, false, true], JSON.stringify(batches));
});

// Serial: the switch translator's down set is shared by the tests of this file.
test.serial('with the last brick down the last brick that is up ends the listing, and a rewound listing sees new names', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b, { switchable: true }));
  t.teardown(() => g.stop());
  await g.mkdir('/p');
  for (let i = 0; i < 30; i++) await g.create(`/p/file-${i}`, '');
  const { loc } = await g.lookup('/p');
  const fd = new Fd(loc.inode!, constants.O_RDONLY);
  await g.fops.opendir(g.frame(), { loc, fd });
  t.teardown(() => setDown(g, SUBVOLS[2]!, false));
  await setDown(g, SUBVOLS[2]!, true);
  const listOnce = async () => {
    const batches: { n: number; eof: boolean }[] = [];
    const names: string[] = [];
    for (let offset = 0n; batches.length < 10; ) {
      const { entries, eof } = await g.fops.readdirp(g.frame(), { fd, size: 1 << 16, offset });
      batches.push({ n: entries.length, eof: eof === true });
      names.push(...entries.map((e) => e.name));
      if (eof || entries.length === 0) break;
      offset = entries[entries.length - 1]!.offset;
    }
    return { batches, names };
  };
  const first = await listOnce();
  t.deepEqual(first.batches.map((x) => x.eof), [false, true], JSON.stringify(first.batches));
  t.true(first.batches.every((x) => x.n > 0), 'no empty call at the end');
  await setDown(g, SUBVOLS[2]!, false);
  for (let i = 30; i < 40; i++) await g.create(`/p/file-${i}`, '');
  const again = await listOnce(); // offset 0 on the same fd: a rewind
  await g.graph.release(fd, true);
  t.deepEqual(again.batches.map((x) => x.eof), [false, false, true], JSON.stringify(again.batches));
  t.deepEqual(again.names.filter((n) => n.startsWith('file-')).sort(), Array.from({ length: 40 }, (_, i) => `file-${i}`).sort());
});

test.serial('a directory first read while a brick was down gets every name created in it once the brick is back, without being looked up again', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b, { switchable: true }));
  t.teardown(() => g.stop());
  await g.mkdir('/late');
  // The brick to take down: any but the one `late` hashes to in the root (its lookup needs that one).
  let late: Inode | undefined;
  let dead: string | undefined;
  for (const sv of SUBVOLS) {
    await setDown(g, sv, true);
    // Forget what was known: /late's layout is read again, with a hole where the dead brick's range is.
    g.graph.itable.prune();
    late = await g.lookup('/late').then((r) => r.loc.inode, () => undefined);
    if (late) {
      dead = sv;
      break;
    }
    await setDown(g, sv, false);
  }
  if (!late || !dead) return t.fail('no brick could be taken down');
  await setDown(g, dead, false);
  // As the kernel does within its entry timeout: new names under the inode it holds, no lookup
  // of /late first. Enough names that some hash into the range of the brick that came back.
  for (let i = 0; i < 12; i++) {
    const loc = { path: `/late/f${i}`, name: `f${i}`, parent: late, pargfid: late.gfid, inode: g.graph.itable.create() };
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
    const res = await g.fops.create(g.frame(), { loc, flags, mode: constants.S_IFREG | 0o644, umask: 0, fd: new Fd(loc.inode, flags) });
    await g.graph.release(res.fd);
  }
  t.true([...Array(12).keys()].some((i) => where(b, `late/f${i}`).data[0] === dead), 'some names landed on the brick that came back');
  t.is((await g.readdir('/late')).length, 12);
});
