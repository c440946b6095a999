import test from 'ava';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FopError } from '../../runtime/core/fop-error.js';
import { native } from '../../native/index.js';
import { hashedBrick, makeBricks, start, volfile, where, SUBVOLS, type Bricks } from './helpers.js';

const host = hostname();
const brickInfo = (b: Bricks, sv: string, path: string) => `<POSIX(${b.dirs[sv]}):${host}:${b.dirs[sv]}${path}>`;

async function getx(g: Awaited<ReturnType<typeof start>>, path: string, name: string): Promise<string> {
  const { loc } = await g.lookup(path);
  const r = await g.fops.getxattr(g.frame(), { loc, name });
  return r.dict.getStr(name)!;
}

test('pathinfo of a file names distribute and the brick holding its data, by either key and any leading part of one', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/d');
  await g.create('/d/f', 'x');
  const [on] = where(b, 'd/f').data;
  const want = `(<DISTRIBUTE:dist> ${brickInfo(b, on!, '/d/f')})`;
  t.is(await getx(g, '/d/f', 'trusted.glusterfs.pathinfo'), want);
  t.is(await getx(g, '/d/f', 'glusterfs.pathinfo'), want);
  t.is(await getx(g, '/d/f', 'trusted.glusterfs.path'), want, 'XATTR_IS_PATHINFO compares only the length asked');
});

test('pathinfo of a directory lists every brick, then the layout in subvolume name order', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/d');
  const ranges = SUBVOLS.map((sv) => {
    const x = native.lgetxattrSync(join(b.dirs[sv]!, 'd'), 'trusted.glusterfs.dht');
    return { sv, start: x.readUInt32BE(8), stop: x.readUInt32BE(12) };
  });
  const layout = ranges.map((r) => `(${r.sv} ${r.start} ${r.stop})`).join(' ');
  const bricks = SUBVOLS.map((sv) => brickInfo(b, sv, '/d')).join(' ');
  t.is(await getx(g, '/d', 'trusted.glusterfs.pathinfo'), `((<DISTRIBUTE:dist> ${bricks}) (dist-layout ${layout}))`);
});

test('linkinfo of a renamed file is the pathinfo of its link file on the hashed brick; without a link file it is ENODATA', async (t) => {
  const b = makeBricks(t);
  const g = await start(volfile(b));
  t.teardown(() => g.stop());
  await g.mkdir('/r');
  await g.create('/r/plain', 'p');
  const e = await t.throwsAsync(() => getx(g, '/r/plain', 'trusted.distribute.linkinfo'), { instanceOf: FopError });
  t.is(e?.code, 'ENODATA');
  // A rename to a name hashing to another brick leaves the data where it was and a link file
  // on the new name's brick.
  await g.create('/r/src', 'data');
  const from = where(b, 'r/src').data[0]!;
  let to = '';
  for (let i = 0; !to; i++) if (hashedBrick(b, 'r', `dst${i}`) !== from) to = `dst${i}`;
  const { loc: oldloc } = await g.lookup('/r/src');
  await g.fops.rename(g.frame(), { oldloc, newloc: await g.newLoc(`/r/${to}`) });
  const w = where(b, `r/${to}`);
  t.deepEqual(w.data, [from]);
  t.is(await getx(g, `/r/${to}`, 'trusted.distribute.linkinfo'), brickInfo(b, w.links[0]!, `/r/${to}`));
});
