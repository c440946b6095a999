import { createHash } from 'node:crypto';
import { withHandle, type Register } from './context.js';

const MiB = 1 << 20;

/** Sparse files, truncate, nanosecond times and parallel writers. */
export default function data(test: Register): void {
  test('a hole reads back as zeros and takes no space', async (t, { fs, scratch }) => {
    const d = await scratch();
    const at = 16 * MiB;
    await withHandle(fs, `${d}/sparse`, 'w+', async (h) => {
      await h.write(Buffer.from('end of the hole'), at);
      const st = await h.stat();
      t.is(st.size, at + 15);
      t.true(st.blocks * 512 < 1 * MiB, `only the data takes space (${st.blocks} blocks)`);
      t.true((await h.read(64 * 1024, 0)).equals(Buffer.alloc(64 * 1024)));
      t.true((await h.read(4096, at - 4096)).equals(Buffer.alloc(4096)));
      t.is((await h.read(15, at)).toString(), 'end of the hole');
    });
    t.true((await fs.readFile(`${d}/sparse`)).subarray(0, at).equals(Buffer.alloc(at)));
  });

  test('SEEK_DATA and SEEK_HOLE find the data and the holes', async (t, { fs, scratch }) => {
    const d = await scratch();
    const at = 16 * MiB;
    await withHandle(fs, `${d}/sparse`, 'w+', async (h) => {
      await h.write(Buffer.from('end of the hole'), at);
      t.is(await h.seek(0, 'data'), at);
      t.is(await h.seek(0, 'hole'), 0);
      t.is(await h.seek(at, 'hole'), at + 15);
      await t.throwsAsync(h.seek(at + 15, 'data'), { code: 'ENXIO' });
    });
  });

  test('truncate grows a file with zeros and shrinks it', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/f`, 'abcdefgh');
    await fs.truncate(`${d}/f`, 3);
    t.is((await fs.readFile(`${d}/f`)).toString(), 'abc');
    await fs.truncate(`${d}/f`, 6);
    t.deepEqual(await fs.readFile(`${d}/f`), Buffer.from([97, 98, 99, 0, 0, 0]));
    await withHandle(fs, `${d}/f`, 'r+', async (h) => {
      await h.truncate(2 * MiB);
      t.is((await h.stat()).size, 2 * MiB);
      t.true((await h.read(16, 2 * MiB - 16)).equals(Buffer.alloc(16)));
      await h.truncate(1);
      t.is((await h.read(10, 0)).toString(), 'a');
    });
    await fs.truncate(`${d}/f`, 0);
    t.is((await fs.stat(`${d}/f`)).size, 0);
  });

  test('atime and mtime are set and read back to the nanosecond', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/f`, 'x');
    const atime = { sec: 1_600_000_000, nsec: 123_456_789 };
    const mtime = { sec: 1_500_000_000, nsec: 987_654_321 };
    await fs.utimes(`${d}/f`, atime, mtime);
    const st = await fs.stat(`${d}/f`);
    t.deepEqual(st.atime, atime);
    t.deepEqual(st.mtime, mtime);
    await fs.mkdir(`${d}/dir`);
    await fs.utimes(`${d}/dir`, { sec: 1, nsec: 1 }, { sec: 2, nsec: 999_999_999 });
    const ds = await fs.stat(`${d}/dir`);
    t.deepEqual([ds.atime, ds.mtime], [{ sec: 1, nsec: 1 }, { sec: 2, nsec: 999_999_999 }]);
    const before = Date.now() / 1000 - 5;
    await fs.utimes(`${d}/f`, 'now', 'now');
    t.true((await fs.stat(`${d}/f`)).mtime.sec >= before);
  });

  test('parallel writers to different files each keep their own data', async (t, { fs, scratch }) => {
    const d = await scratch();
    const files = Array.from({ length: 8 }, (_, i) => ({ path: `${d}/w${i}`, data: pattern(i, 4 * MiB) }));
    await Promise.all(
      files.map(async (f) => {
        await withHandle(fs, f.path, 'w', async (h) => {
          for (let off = 0; off < f.data.length; off += 256 * 1024) await h.write(f.data.subarray(off, off + 256 * 1024), off);
        });
      }),
    );
    for (const f of files) t.is(digest(await fs.readFile(f.path)), digest(f.data), f.path);
  });

  test('parallel writers to one file at different offsets all land', async (t, { fs, scratch }) => {
    const d = await scratch();
    const region = 1 * MiB;
    const whole = Buffer.concat(Array.from({ length: 8 }, (_, i) => pattern(100 + i, region)));
    await fs.writeFile(`${d}/shared`, '');
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        withHandle(fs, `${d}/shared`, 'r+', async (h) => {
          for (let off = 0; off < region; off += 64 * 1024) {
            await h.write(whole.subarray(i * region + off, i * region + off + 64 * 1024), i * region + off);
          }
        }),
      ),
    );
    t.is((await fs.stat(`${d}/shared`)).size, whole.length);
    t.is(digest(await fs.readFile(`${d}/shared`)), digest(whole));
  });
}

/** Deterministic bytes that differ per seed and per position. */
export function pattern(seed: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i += 4) b.writeUInt32LE((Math.imul(i, 2654435761) ^ Math.imul(seed + 1, 40503)) >>> 0, i);
  return b;
}

export const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
