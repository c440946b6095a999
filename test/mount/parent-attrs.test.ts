/**
 * After an entry fop in a directory the kernel drops the directory's cached attributes and asks
 * for them again with its next request there: gfs-mount answers that GETATTR from the reply's
 * postparent (once, within the attribute timeout), as GlusterFS's md-cache does, and never
 * with attributes something else has changed since.
 */
import test, { type ExecutionContext } from 'ava';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { gfsMount, makeEnv, type Env } from './fixtures/harness.js';

async function mountMemory(t: ExecutionContext, more: string): Promise<{ env: Env; stats: () => string[] }> {
  const env = makeEnv(t);
  const log = join(env.dir, 'stat.log');
  const vol = env.memoryVolfile(`  option stat-log ${log}\n`);
  const r = await gfsMount([...env.opts(more), vol, env.mnt]);
  t.is(r.code, 0, r.stderr);
  return { env, stats: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

test('creating, renaming and removing files costs no stat of their directory, and the directory shows the changes', async (t) => {
  const { env, stats } = await mountMemory(t, 'attribute-timeout=1,entry-timeout=1');
  const d = join(env.mnt, 'd');
  fs.mkdirSync(d);
  const before = stats().length;
  const mtimes: bigint[] = [];
  for (let i = 0; i < 20; i++) {
    fs.writeFileSync(join(d, `f${i}`), 'x');
    mtimes.push(fs.statSync(d, { bigint: true }).mtimeNs);
  }
  for (let i = 0; i < 20; i++) fs.renameSync(join(d, `f${i}`), join(d, `g${i}`));
  for (let i = 0; i < 20; i++) fs.unlinkSync(join(d, `g${i}`));
  const dirStats = stats().slice(before).filter((p) => p === '/d');
  t.true(dirStats.length <= 2, `stats of /d: ${dirStats.length}`);
  // Each stat of the directory saw the create just made (its mtime never went backwards or stood still across all 20).
  t.true(mtimes.every((m, i) => i === 0 || m >= mtimes[i - 1]!));
  t.true(mtimes.at(-1)! > mtimes[0]!);
  t.deepEqual(fs.readdirSync(d), []);
});

test('a chmod or an xattr change of the directory is never hidden by attributes kept from an earlier create', async (t) => {
  const { env } = await mountMemory(t, 'attribute-timeout=1,entry-timeout=1');
  const d = join(env.mnt, 'd');
  fs.mkdirSync(d, 0o755);
  fs.writeFileSync(join(d, 'f'), 'x'); // keeps d's attributes after the create
  fs.chmodSync(d, 0o700);
  fs.writeFileSync(join(d, 'g'), 'y');
  t.is(fs.statSync(d).mode & 0o777, 0o700);
  fs.chmodSync(d, 0o750);
  t.is(fs.statSync(d).mode & 0o777, 0o750);
});

test('with attribute-timeout=0 every stat of the directory reaches the volume', async (t) => {
  const { env, stats } = await mountMemory(t, 'attribute-timeout=0,entry-timeout=0');
  const d = join(env.mnt, 'd');
  fs.mkdirSync(d);
  const before = stats().filter((p) => p === '/d').length;
  for (let i = 0; i < 5; i++) {
    fs.writeFileSync(join(d, `f${i}`), 'x');
    fs.statSync(d);
  }
  t.true(stats().filter((p) => p === '/d').length - before >= 5);
});
