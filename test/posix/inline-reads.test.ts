import test from 'ava';
import fs from 'node:fs';
import { kfd } from '../../xlators/storage/posix/kfd.js';
import { openFile, posixGraph } from './helpers.js';

/** Reads that went to the thread pool while `run` ran (the module's kfd.read, counted). */
async function poolReads(run: () => Promise<void>): Promise<number> {
  const real = kfd.read;
  let n = 0;
  kfd.read = (fd, buf, pos) => (n++, real(fd, buf, pos));
  try {
    await run();
  } finally {
    kfd.read = real;
  }
  return n;
}

// Serial: the counter replaces the module's kfd.read for the whole file's worker.
test.serial('a small read of cached data is answered inline, and so is the end of the file', async (t) => {
  const g = await posixGraph(t);
  const text = 'x'.repeat(3000) + 'the end';
  await g.create('/small', text);
  const fd = await openFile(t, g, '/small', fs.constants.O_RDONLY);
  const n = await poolReads(async () => {
    const whole = await g.fops.readv(g.frame(), { fd, size: 4096, offset: 0, flags: 0 });
    t.is(whole.data.toString(), text);
    t.is(whole.stbuf.size, text.length);
    t.is((await g.fops.readv(g.frame(), { fd, size: 100, offset: 3000, flags: 0 })).data.toString(), 'the end');
    t.is((await g.fops.readv(g.frame(), { fd, size: 4096, offset: 8192, flags: 0 })).data.length, 0);
  });
  t.is(n, 0, 'no read went to the thread pool');
});

test.serial('a read larger than the inline limit goes to the thread pool and comes back whole', async (t) => {
  const g = await posixGraph(t);
  const data = Buffer.alloc(256 * 1024, 7);
  data.write('first', 0);
  data.write('last', data.length - 4);
  await g.create('/big', data);
  const fd = await openFile(t, g, '/big', fs.constants.O_RDONLY);
  const n = await poolReads(async () => {
    const r = await g.fops.readv(g.frame(), { fd, size: data.length, offset: 0, flags: 0 });
    t.true(r.data.equals(data));
  });
  t.true(n >= 1);
});
