/**
 * Large READs through gfs-mount over the wire come in pooled buffers (runtime/core/recycle.ts)
 * that the session gives back once each reply is written, and still return exactly what the
 * files hold, with several readers at once; a translator that keeps read data (io-cache) turns
 * the pooling off for the reads that pass through it.
 */
import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { spawnBrick } from '../protocol-server/brick-process.js';
import { gfsMount, makeEnv, stopAndLog, type Env } from './fixtures/harness.js';

const MiB = 1 << 20;

/** gfs-mount of one gfs-brick, with `above` (volume text over `c`) on top when given. */
async function mountWire(t: ExecutionContext, above = ''): Promise<{ env: Env; brick: string }> {
  const b = await spawnBrick(t);
  const env = makeEnv(t);
  const client = ['volume c', '  type protocol/client', '  option remote-host 127.0.0.1', `  option remote-port ${b.port}`, '  option remote-subvolume b-posix', 'end-volume', ''];
  const vol = env.volfile('client.vol', [...client, above].join('\n'));
  const r = await gfsMount([...env.opts(), vol, env.mnt]);
  t.is(r.code, 0, r.stderr);
  return { env, brick: b.brick };
}

/** Read a whole file through the mount past the page cache (O_DIRECT: every READ reaches the volume), `chunk` bytes at a time. */
async function readDirect(file: string, size: number, chunk = MiB): Promise<Buffer> {
  const h = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
  try {
    const out = Buffer.alloc(size);
    let got = 0;
    for (let n; got < size && (n = (await h.read(out, got, Math.min(chunk, size - got), got)).bytesRead) > 0; ) got += n;
    return out.subarray(0, got);
  } finally {
    await h.close();
  }
}

/** Unmount, wait for the serving process to end, and return the pool's stop line (undefined: none). */
async function stopStats(t: ExecutionContext, env: Env): Promise<{ lent: number; returned: number; made: number } | undefined> {
  const m = /FUSE_READ_POOL_STATS.*("lent".*)\}/.exec(await stopAndLog(t, env));
  return m ? (JSON.parse(`{${m[1]}}`) as { lent: number; returned: number; made: number }) : undefined;
}

/** Files of 1 MiB multiples and odd sizes, written on the brick (so the mount has none of them cached). */
function makeFiles(brick: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [i, size] of [4 * MiB, 3 * MiB + 12345, 2 * MiB + 1].entries()) {
    const data = randomBytes(size);
    fs.writeFileSync(join(brick, `f${i}`), data);
    files.set(`f${i}`, data);
  }
  return files;
}

test('large reads over the wire come in pooled buffers, every one given back, and three readers at once each get their file byte for byte', async (t) => {
  const { env, brick } = await mountWire(t);
  const files = makeFiles(brick);
  // Three passes: READs of 1 MiB (their replies are written from the thread pool), again (the
  // buffers given back are lent anew), then of 128 KiB (written inline, from smaller buffers).
  for (const [pass, chunk] of [MiB, MiB, 128 * 1024].entries()) {
    const got = await Promise.all([...files.keys()].map((name) => readDirect(join(env.mnt, name), files.get(name)!.length, chunk)));
    for (const [i, name] of [...files.keys()].entries()) t.true(got[i]!.equals(files.get(name)!), `${name}, pass ${pass + 1}`);
  }
  const stats = await stopStats(t, env);
  t.truthy(stats, 'the mount logged FUSE_READ_POOL_STATS');
  // 4 + 3 + 2 READs of 1 MiB a pass, then 32 + 24 + 16 of 128 KiB; the short tails (12345
  // bytes, 1 byte) are too small to pool. A reply whose first bytes come apart from its record
  // mark is assembled the usual way, so allow a few; without the 128 KiB pool it would be 18.
  t.true(stats!.lent >= 2 * 9 + 72 - 5 && stats!.lent <= 2 * 9 + 72, `READ replies in pooled buffers: ${stats!.lent} of 90`);
  t.is(stats!.returned, stats!.lent, 'every pooled buffer came back');
  t.true(stats!.made <= 32, `buffers made: ${stats!.made} for ${stats!.lent} replies`);
});

test('with io-cache above the client (it keeps what it reads) no READ comes in a pooled buffer, and the data is still right', async (t) => {
  const { env, brick } = await mountWire(t, ['volume cache', '  type performance/io-cache', '  subvolumes c', 'end-volume', ''].join('\n'));
  const files = makeFiles(brick);
  for (const [name, data] of files) t.true((await readDirect(join(env.mnt, name), data.length)).equals(data), name);
  t.is(await stopStats(t, env), undefined, 'no pooled READ was logged');
});
