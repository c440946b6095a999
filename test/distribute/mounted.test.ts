import test from 'ava';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../scripts/cli/main.js';
import { gfsMount, makeEnv } from '../mount/fixtures/harness.js';
import { makeBricks, volfile, where } from './helpers.js';
import { GLUSTER_VOLFILES } from '../helpers/shared.js';

test('a 3-brick distribute volume mounted through the kernel: create, list, rename, remove', async (t) => {
  const b = makeBricks(t);
  const env = makeEnv(t);
  const vol = env.volfile('dist.vol', volfile(b));
  const r = await gfsMount([...env.opts(), vol, env.mnt]);
  t.is(r.code, 0, r.stderr);
  mkdirSync(join(env.mnt, 'd'));
  for (let i = 0; i < 40; i++) writeFileSync(join(env.mnt, 'd', `f${i}`), `data ${i}`);
  const bricks = new Set(Array.from({ length: 40 }, (_, i) => where(b, `d/f${i}`).data[0]));
  t.is(bricks.size, 3);
  t.is(readdirSync(join(env.mnt, 'd')).length, 40);
  for (let i = 0; i < 40; i++) renameSync(join(env.mnt, 'd', `f${i}`), join(env.mnt, 'd', `g${i}`));
  const names = readdirSync(join(env.mnt, 'd')).sort();
  t.deepEqual(names, Array.from({ length: 40 }, (_, i) => `g${i}`).sort());
  for (let i = 0; i < 40; i++) t.is(readFileSync(join(env.mnt, 'd', `g${i}`), 'utf8'), `data ${i}`);
  t.true(statSync(join(env.mnt, 'd')).isDirectory());
  t.true(statfsSync(env.mnt).blocks > 0);
  for (let i = 0; i < 40; i++) rmSync(join(env.mnt, 'd', `g${i}`));
  rmdirSync(join(env.mnt, 'd'));
  t.deepEqual(readdirSync(env.mnt), []);
  for (const dir of Object.values(b.dirs)) t.deepEqual(readdirSync(dir).filter((n) => n !== '.glusterfs'), []);
});

test("the distribute volume of a glusterd-written volfile validates", async (t) => {
  const text = readFileSync(`${GLUSTER_VOLFILES}/dvol.tcp-fuse.vol`, 'utf8');
  const keep = text.split(/\n(?=volume )/).filter((v) => /^volume dvol-(client-\d|dht)\b/.test(v.trim())).join('\n');
  const env = makeEnv(t);
  const path = env.volfile('dht.vol', keep);
  let out = '';
  let err = '';
  const code = await main(['volfile', 'check', path], { out: (s) => void (out += s), err: (s) => void (err += s) });
  t.is(code, 0, out + err);
});
