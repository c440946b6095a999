/**
 * Large writes through gfs-mount: their data is spliced from the kernel into a pipe and handed to
 * the volume without being copied (runtime/core/pipe-bytes.ts), and still lands byte for byte:
 * on a volume whose translator takes it from the pipe, and over the wire to a gfs-brick, whatever
 * the sizes, offsets and number of writers.
 */
import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { spawnBrick } from '../protocol-server/brick-process.js';
import { gfsMount, makeEnv, stopAndLog, type Env } from './fixtures/harness.js';

const MiB = 1 << 20;

/** The memory volume with its splice log: the env and the logged "size piped|bytes" lines. */
async function mountMemory(t: ExecutionContext, more = ''): Promise<{ env: Env; log: () => string[] }> {
  const env = makeEnv(t);
  const file = join(env.dir, 'splice.log');
  const r = await gfsMount([...env.opts(more), env.memoryVolfile(`  option splice-log ${file}\n`), env.mnt]);
  t.is(r.code, 0, r.stderr);
  return { env, log: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []) };
}

/** Read a file through the mount past the page cache (O_DIRECT: every READ goes to the volume). */
function readDirect(file: string, size: number): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
  try {
    const out = Buffer.alloc(size);
    let got = 0;
    for (let n; got < size && (n = fs.readSync(fd, out, got, Math.min(MiB, size - got), got)) > 0; ) got += n;
    return out.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

const mountLog = (env: Env) => fs.readFileSync(env.log, 'utf8');

test('1 MiB writes reach the volume with their data still in a pipe, small ones as bytes, and the volume holds exactly what was written', async (t) => {
  const { env, log } = await mountMemory(t);
  const file = join(env.mnt, 'f');
  const data = randomBytes(4 * MiB + 4096);
  const fd = fs.openSync(file, 'w');
  for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, Math.min(MiB, data.length - off), off);
  fs.closeSync(fd);
  const lines = log();
  t.deepEqual(lines.filter((l) => l.startsWith(`${MiB} `)).map((l) => l.split(' ')[1]).slice(1), ['piped', 'piped', 'piped'], 'after the first large write, the next ones are spliced');
  t.true(lines.includes('4096 bytes'), 'a small write comes as bytes');
  t.true(readDirect(file, data.length).equals(data));
  t.regex(mountLog(env), /FUSE_SPLICE_ON/);
});

test('unaligned 1 MiB writes (a large WRITE and a small one each) keep splicing on: every large one after the first is spliced', async (t) => {
  const { env, log } = await mountMemory(t);
  const file = join(env.mnt, 'f');
  const data = randomBytes(6 * MiB);
  const fd = fs.openSync(file, 'w');
  for (let off = 0; off < data.length; off += MiB) fs.writeSync(fd, data, off, MiB, 1000 + off);
  fs.closeSync(fd);
  const lines = log();
  const large = lines.filter((l) => Number(l.split(' ')[0]) >= 256 * 1024);
  t.is(large.length, 6, lines.join(', '));
  t.deepEqual(large.map((l) => l.split(' ')[1]), ['bytes', 'piped', 'piped', 'piped', 'piped', 'piped'], lines.join(', '));
  t.true(readDirect(file, 1000 + data.length).subarray(1000).equals(data));
});

test('with -o splice-writes=off every write reaches the volume as bytes', async (t) => {
  const { env, log } = await mountMemory(t, 'splice-writes=off');
  const file = join(env.mnt, 'f');
  const data = randomBytes(3 * MiB);
  fs.writeFileSync(file, data);
  t.true(log().length > 0);
  t.deepEqual(log().filter((l) => !l.endsWith(' bytes')), []);
  t.true(readDirect(file, data.length).equals(data));
  t.notRegex(mountLog(env), /FUSE_SPLICE_ON/);
});

test('spliced writes over the wire land on the brick byte for byte: unaligned offsets, odd sizes, several writers at once', async (t) => {
  const brick = await spawnBrick(t);
  const env = makeEnv(t);
  const vol = env.volfile(
    'client.vol',
    [
      'volume c',
      '  type protocol/client',
      '  option remote-host 127.0.0.1',
      `  option remote-port ${brick.port}`,
      '  option remote-subvolume b-posix',
      'end-volume',
      '',
    ].join('\n'),
  );
  const r = await gfsMount([...env.opts(), vol, env.mnt]);
  t.is(r.code, 0, r.stderr);
  // Each writer: 1 MiB writes at an unaligned start, one of 300 KiB + 7 bytes, and a 1 MiB
  // rewrite in the middle; four writers at once, so several spliced writes are in flight.
  const expected = new Map<string, Buffer>();
  await Promise.all(
    [0, 1, 2, 3].map(async (w) => {
      const name = `w${w}`;
      const content = Buffer.alloc(5 * MiB + 300 * 1024 + 7 + 1000);
      const h = await fs.promises.open(join(env.mnt, name), 'w');
      try {
        let off = 1000;
        for (const size of [MiB, MiB, MiB, 300 * 1024 + 7, MiB, MiB]) {
          const chunk = randomBytes(size);
          await h.write(chunk, 0, size, off);
          chunk.copy(content, off);
          off += size;
        }
        const again = randomBytes(MiB);
        await h.write(again, 0, MiB, 2 * MiB + 123);
        again.copy(content, 2 * MiB + 123);
      } finally {
        await h.close();
      }
      expected.set(name, content);
    }),
  );
  for (const [name, content] of expected) {
    t.true(fs.readFileSync(join(brick.brick, name)).equals(content), `${name} on the brick is what was written`);
  }
  // The mount logs what it spliced when it stops: the session's count of spliced WRITEs and
  // protocol/client's bytes spliced to the socket.
  const log = await stopAndLog(t, env);
  const writes = Number(/FUSE_SPLICE_STATS.*"spliced":(\d+)/.exec(log)?.[1] ?? 0);
  const bytes = Number(/CLIENT_SPLICE_STATS.*"spliced":(\d+)/.exec(log)?.[1] ?? 0);
  // 4 writers x 7 WRITEs of 300 KiB or more. How many are spliced depends on how the writers'
  // other requests (create, flush, release) fall between them: 21 to 27 here; a third at least.
  t.log(`spliced WRITEs: ${writes} of 28; bytes spliced to the brick: ${bytes}`);
  t.true(writes >= 10, `spliced WRITEs: ${writes} of 28`);
  t.true(bytes >= 10 * 300 * 1024, `bytes spliced to the brick: ${bytes}`);
});
