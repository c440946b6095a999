/**
 * After an entry fop in a directory the kernel drops the directory's cached attributes and asks
 * for them again with its next request there: gfs-mount answers that GETATTR from the reply's
 * postparent (once, within the attribute timeout), as GlusterFS's md-cache does, and never
 * with attributes something else has changed since.
 */
import test, { type ExecutionContext } from 'ava';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { mountMemoryLogging } from './fixtures/harness.js';

const mountMemory = async (t: ExecutionContext, more: string) => {
  const { env, lines } = await mountMemoryLogging(t, 'stat-log', more);
  return { env, stats: lines };
};

test('creating, renaming and removing files costs no stat of their directory, and the directory shows the changes', async (t) => {
  const { env, stats } = await mountMemory(t, 'attribute-timeout=1,entry-timeout=1');
  const d = join(env.mnt, 'd');
  fs.mkdirSync(d);
  const before = stats().length;
  const mtimes: bigint[] = [];
  for (let i = 0; i < 20; i++) {
    fs.writeFileSync(join(d, `f${i}`), 'x');
    const st = fs.statSync(d, { bigint: true });
    // The memory volume counts a directory's entries as its size: each stat saw this create.
    t.is(st.size, BigInt(i + 1));
    mtimes.push(st.mtimeNs);
  }
  for (let i = 0; i < 20; i++) fs.renameSync(join(d, `f${i}`), join(d, `g${i}`));
  for (let i = 0; i < 20; i++) fs.unlinkSync(join(d, `g${i}`));
  const dirStats = stats().slice(before).filter((p) => p === '/d');
  t.true(dirStats.length <= 2, `stats of /d: ${dirStats.length}`);
  // Its mtime never went backwards across the 20 creates.
  t.true(mtimes.every((m, i) => i === 0 || m >= mtimes[i - 1]!));
  t.true(mtimes.at(-1)! > mtimes[0]!);
  t.deepEqual(fs.readdirSync(d), []);
});

test('a chmod of the directory is never hidden by attributes kept from an earlier create', async (t) => {
  const { env } = await mountMemory(t, 'attribute-timeout=1,entry-timeout=1');
  const d = join(env.mnt, 'd');
  fs.mkdirSync(d, 0o755);
  fs.writeFileSync(join(d, 'f'), 'x'); // keeps d's attributes (mode 755) after the create
  fs.chmodSync(d, 0o700);
  // A listing makes the kernel drop its cached atime, so the stat below asks the mount.
  fs.readdirSync(d);
  t.is(fs.statSync(d).mode & 0o777, 0o700);
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
