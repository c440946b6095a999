/** gfs-mount raises the kernel readahead of its mount so sequential reads travel in 1 MiB requests, several at once. */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { findMount } from '../../xlators/mount/fuse/kernel/mount.js';
import { gfsMount, makeEnv } from './fixtures/harness.js';

const readAheadKb = (mnt: string) => Number(fs.readFileSync(`/sys/class/bdi/${findMount(mnt)!.dev}/read_ahead_kb`, 'utf8'));

test('the mount reads ahead 4 MiB by default, so a sequential read reaches the volume in 1 MiB requests that come back intact', async (t) => {
  const env = makeEnv(t);
  const log = join(env.dir, 'reads.log');
  const r = await gfsMount([...env.opts('fopen-keep-cache=off'), env.memoryVolfile(`  option read-log ${log}\n`), env.mnt]);
  t.is(r.code, 0, r.stderr);
  t.is(readAheadKb(env.mnt), 4096);
  // Every MiB different: a reply written with another request's data would show.
  const data = randomBytes(8 << 20);
  fs.writeFileSync(join(env.mnt, 'big'), data);
  t.true(fs.readFileSync(join(env.mnt, 'big')).equals(data));
  const sizes = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[1]));
  t.log(`READ sizes: ${[...new Set(sizes)].join(', ')} (${sizes.length} requests)`);
  t.is(Math.max(...sizes), 1 << 20);
});

test('-o read-ahead=0 leaves the kernel default of 128 KiB', async (t) => {
  const env = makeEnv(t);
  const r = await gfsMount([...env.opts('read-ahead=0'), env.memoryVolfile(), env.mnt]);
  t.is(r.code, 0, r.stderr);
  t.is(readAheadKb(env.mnt), 128);
});
