import { createHash, randomBytes } from 'node:crypto';
import type { Register } from './context.js';

const MiB = 1 << 20;
const TOTAL = 1024 * MiB;

/** Block `i` of the stream: one random MiB with its index stamped in, so no two blocks match. */
function block(base: Buffer, i: number): Buffer {
  base.writeUInt32LE(i, 0);
  base.writeUInt32LE(i ^ 0x5a5a5a5a, MiB - 4);
  return base;
}

/** A 1 GiB file written and read back in 1 MiB requests, compared by checksum (memory stays low). */
export default function large(test: Register): void {
  test('a 1 GiB file is written and read back with the same checksum', async (t, { fs, scratch }) => {
    const d = await scratch();
    const base = randomBytes(MiB);
    const written = createHash('sha256');
    const w = await fs.open(`${d}/big`, 'w');
    try {
      for (let i = 0; i < TOTAL / MiB; i++) {
        const b = block(base, i);
        written.update(b);
        await w.write(b, i * MiB);
      }
      await w.sync();
    } finally {
      await w.close();
    }
    t.is((await fs.stat(`${d}/big`)).size, TOTAL);
    const read = createHash('sha256');
    const r = await fs.open(`${d}/big`, 'r');
    let total = 0;
    try {
      for (;;) {
        const chunk = await r.read(MiB, total);
        if (chunk.length === 0) break;
        read.update(chunk);
        total += chunk.length;
      }
    } finally {
      await r.close();
    }
    t.is(total, TOTAL);
    t.is(read.digest('hex'), written.digest('hex'));
    await fs.unlink(`${d}/big`);
  });
}
