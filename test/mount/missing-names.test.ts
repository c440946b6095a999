/**
 * A lookup that finds nothing: the mount answers it as the kernel's "no entry" (nodeid 0), kept
 * by the kernel for negative-timeout seconds and not at all by default, as GlusterFS's mount
 * does. Another mount of the same brick plays the other client.
 */
import test from 'ava';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gfsMount, makeEnv, mountDemoVolume } from './fixtures/harness.js';

const DEMO = join(process.cwd(), 'volfiles/demo.vol');

/** A second mount of `brick`: another client of the same files. */
async function otherClient(t: Parameters<typeof mountDemoVolume>[0], brick: string): Promise<string> {
  const env = makeEnv(t);
  const r = await gfsMount([...env.opts(`xlator-option=demo-posix.directory=${brick}`), DEMO, env.mnt]);
  t.is(r.code, 0, r.stderr);
  return env.mnt;
}

test('a missing name is ENOENT and is found as soon as another client creates it', async (t) => {
  const { env, brick } = await mountDemoVolume(t);
  const other = await otherClient(t, brick);
  for (let i = 0; i < 3; i++) t.throws(() => fs.statSync(join(env.mnt, 'late')), { code: 'ENOENT' });
  fs.writeFileSync(join(other, 'late'), 'here');
  t.is(fs.readFileSync(join(env.mnt, 'late'), 'utf8'), 'here', 'no "no entry" answer was kept');
});

test('with negative-timeout the kernel keeps "no entry" until it expires, and this mount\'s own create ends it', async (t) => {
  const { env, brick } = await mountDemoVolume(t, 'negative-timeout=2');
  const other = await otherClient(t, brick);
  t.throws(() => fs.statSync(join(env.mnt, 'late')), { code: 'ENOENT' });
  const missedAt = Date.now();
  fs.writeFileSync(join(other, 'late'), 'here');
  t.throws(() => fs.statSync(join(env.mnt, 'late')), { code: 'ENOENT' }, 'still the kept answer');
  await sleep(Math.max(0, missedAt + 2500 - Date.now()));
  t.is(fs.readFileSync(join(env.mnt, 'late'), 'utf8'), 'here', 'found once the kept answer expired');
  t.throws(() => fs.statSync(join(env.mnt, 'gone')), { code: 'ENOENT' });
  fs.writeFileSync(join(env.mnt, 'gone'), 'made here');
  t.is(fs.readFileSync(join(env.mnt, 'gone'), 'utf8'), 'made here');
});
