/**
 * Tests that change the whole machine's state (here: drop the kernel's dentry and inode caches,
 * which evicts every FUSE inode not in use, other tests' mounts included). ava runs them by
 * themselves, after every other test (ava.alone.config.mjs): run beside a test that counts the
 * volume's READs, a cache drop made its kept pages vanish and it failed.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServer, until } from '../fuse/fixtures/server.js';

const exec = promisify(execFile);

test('every lookup the kernel took is given back through FORGET or BATCH_FORGET', async (t) => {
  const s = await startServer(t);
  fs.mkdirSync(join(s.mnt, 'd'));
  for (let i = 0; i < 64; i++) fs.writeFileSync(join(s.mnt, 'd', `f${i}`), 'x');
  fs.readdirSync(join(s.mnt, 'd'), { withFileTypes: true });
  // Evicting many cached inodes at once makes the kernel give their lookups back. Whether it
  // sends them one by one or batched is its own timing, so both count.
  const forgets = async () => {
    const c = (await s.stats()).counts;
    return (c.BATCH_FORGET ?? 0) + (c.FORGET ?? 0);
  };
  await exec('sh', ['-c', 'echo 2 > /proc/sys/vm/drop_caches']);
  t.true(await until(async () => (await forgets()) > 0), 'evicted inodes are forgotten');
  for (let i = 0; i < 64; i++) fs.statSync(join(s.mnt, 'd', `f${i}`));
  await exec('rm', ['-rf', join(s.mnt, 'd')]);
  await exec('sh', ['-c', 'echo 2 > /proc/sys/vm/drop_caches']);
  const ok = await until(async () => {
    const st = await s.stats();
    return Object.entries(st.nlookup).every(([ino, n]) => ino === '1' || n === 0);
  });
  const st = await s.stats();
  t.true(ok, `lookups still held: ${JSON.stringify(st.nlookup)}`);
  t.log(`FORGET ${st.counts.FORGET ?? 0}, BATCH_FORGET ${st.counts.BATCH_FORGET ?? 0}`);
});
