/**
 * The kernel drops a file's cached size and times after each WRITE it sends (the reply carries
 * no attributes) and asks again with the next stat: gfs-mount answers that GETATTR from the
 * write's postbuf (once, within the attribute timeout), as GlusterFS's md-cache does, and never
 * with attributes something else of this mount has changed since.
 */
import test, { type ExecutionContext } from 'ava';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { mountMemoryLogging } from './fixtures/harness.js';

const mountMemory = async (t: ExecutionContext, more: string) => {
  const { env, lines } = await mountMemoryLogging(t, 'stat-log', more);
  return { env, stats: lines };
};

test('a stat after writing a file costs no stat on the volume and shows the written size and mtime', async (t) => {
  const { env, stats } = await mountMemory(t, 'attribute-timeout=1,entry-timeout=1');
  const before = stats().length;
  const seen: bigint[] = [];
  for (let i = 0; i < 20; i++) {
    const f = join(env.mnt, `f${i}`);
    fs.writeFileSync(f, Buffer.alloc(100 + i));
    const st = fs.statSync(f, { bigint: true });
    t.is(st.size, BigInt(100 + i));
    seen.push(st.mtimeNs);
  }
  const fileStats = stats().slice(before).filter((p) => p.startsWith('/f'));
  t.true(fileStats.length <= 2, `stats of the files: ${fileStats.length}`);
  // Once the attribute timeout is over the stats go to the volume: the kept mtimes were its own.
  await new Promise((r) => setTimeout(r, 1100));
  for (let i = 0; i < 20; i++) t.is(fs.statSync(join(env.mnt, `f${i}`), { bigint: true }).mtimeNs, seen[i]);
});

test('a size, mode, link count or name changed after the write is never hidden by the kept attributes', async (t) => {
  const { env } = await mountMemory(t, 'attribute-timeout=1,entry-timeout=1');
  const f = join(env.mnt, 'f');
  fs.writeFileSync(f, 'hello');
  fs.truncateSync(f, 2);
  t.is(fs.statSync(f).size, 2);
  fs.writeFileSync(f, 'hello again');
  fs.chmodSync(f, 0o600);
  t.is(fs.statSync(f).mode & 0o777, 0o600);
  fs.appendFileSync(f, '!');
  fs.linkSync(f, join(env.mnt, 'g'));
  t.is(fs.statSync(f).nlink, 2);
  fs.appendFileSync(f, '!');
  fs.unlinkSync(join(env.mnt, 'g'));
  t.is(fs.statSync(f).nlink, 1);
  fs.appendFileSync(f, '!');
  fs.closeSync(fs.openSync(f, 'w')); // O_TRUNC, and no write after it
  t.is(fs.statSync(f).size, 0);
  fs.appendFileSync(f, 'xyz');
  // The memory volume leaves a renamed file's own attributes as they were: this checks the name.
  fs.renameSync(f, join(env.mnt, 'h'));
  t.is(fs.statSync(join(env.mnt, 'h')).size, 3);
  t.is(fs.readFileSync(join(env.mnt, 'h'), 'utf8'), 'xyz');
});

test('with attribute-timeout=0 every stat after a write reaches the volume', async (t) => {
  const { env, stats } = await mountMemory(t, 'attribute-timeout=0,entry-timeout=0');
  const before = stats().filter((p) => p === '/f').length;
  for (let i = 0; i < 5; i++) {
    fs.writeFileSync(join(env.mnt, 'f'), `x${i}`);
    fs.statSync(join(env.mnt, 'f'));
  }
  t.true(stats().filter((p) => p === '/f').length - before >= 5);
});
