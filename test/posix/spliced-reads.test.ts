/**
 * Large reads made for protocol/server (a frame with pipedReads) come back with their data in a
 * pipe (runtime/core/pipe-bytes.ts): exact, the pipe given back once sent, never for small
 * reads, reads for anyone else, or below a translator that does not declare passesReadData.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { pipeBytesOf } from '../../runtime/core/pipe-bytes.js';
import { startGraph } from '../../runtime/testkit/index.js';
import { defineXlator } from '../../runtime/xlator/define.js';
import type { PosixState } from '../../xlators/storage/posix/state.js';
import { Dict } from '../../runtime/core/dict.js';
import { gfidFromBuffer } from '../../runtime/core/gfid.js';
import { serverClients } from '../../xlators/protocol/server/index.js';
import { attached, NO_DICT, ROOT, startBrick, xdata } from '../protocol-server/helpers.js';
import { openFile, posixGraph } from './helpers.js';

const MiB = 1 << 20;

/** A brick with `/f` of `size` random bytes open for reading, and a frame marked as protocol/server marks its reads. */
async function pipedFile(t: Parameters<typeof posixGraph>[0], size: number) {
  const g = await posixGraph(t);
  const data = randomBytes(size);
  await g.create('/f', data);
  const fd = await openFile(t, g, '/f', fs.constants.O_RDONLY);
  const f = g.frame();
  f.pipedReads = true;
  return { g, data, fd, f };
}

test('a large read for the wire comes back in a pipe holding exactly the file; answered, the pipe goes back', async (t) => {
  const { g, data, fd, f } = await pipedFile(t, 2 * MiB);
  const r = await g.fops.readv(f, { fd, size: MiB, offset: 12345, flags: 0 });
  const pb = pipeBytesOf(r.data);
  t.truthy(pb, 'the data is still in a pipe');
  t.true(pb!.finishOnSend, 'finished by the connection that sends it');
  t.true(pb!.bytes().equals(data.subarray(12345, 12345 + MiB)));
  const pool = (g.graph.get('brick')!.priv as PosixState).readPipes;
  t.deepEqual(pool.count, { made: 1, free: 0 });
  pb!.finish();
  t.deepEqual(pool.count, { made: 1, free: 1 });
  // The tail of the file: a short read, still piped and exact.
  const tail = pipeBytesOf((await g.fops.readv(f, { fd, size: MiB, offset: 2 * MiB - 300_000, flags: 0 })).data)!;
  t.true(tail.bytes().equals(data.subarray(2 * MiB - 300_000)));
  tail.finish();
  t.is((await g.fops.readv(f, { fd, size: MiB, offset: 3 * MiB, flags: 0 })).data.length, 0, 'past the end: nothing');
  t.deepEqual(pool.count, { made: 1, free: 1 }, 'one pipe did for all');
});

test('small reads, reads larger than half a pipe, and reads for a frame not from protocol/server come as bytes', async (t) => {
  const { g, data, fd, f } = await pipedFile(t, 3 * MiB);
  const small = await g.fops.readv(f, { fd, size: 128 * 1024, offset: 0, flags: 0 });
  t.is(pipeBytesOf(small.data), undefined);
  t.true(small.data.equals(data.subarray(0, 128 * 1024)));
  const plain = await g.fops.readv(g.frame(), { fd, size: MiB, offset: 0, flags: 0 });
  t.is(pipeBytesOf(plain.data), undefined);
  t.true(plain.data.equals(data.subarray(0, MiB)));
  // Over half a pipe is copied (a 2 MiB + 1 unaligned read would not even fit), whole.
  for (const size of [1.5 * MiB, 2 * MiB + 1]) {
    const big = await g.fops.readv(f, { fd, size, offset: 100, flags: 0 });
    t.is(pipeBytesOf(big.data), undefined, `${size} bytes are copied`);
    t.true(big.data.equals(data.subarray(100, 100 + size)));
  }
});

test('a large read on a directory fd fails as it should and leaves splicing on for files', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  const data = randomBytes(MiB);
  await g.create('/f', data);
  const f = g.frame();
  f.pipedReads = true;
  const dfd = await openFile(t, g, '/d', fs.constants.O_RDONLY);
  await t.throwsAsync(g.fops.readv(f, { fd: dfd, size: MiB, offset: 0, flags: 0 }), { message: /^EISDIR/ });
  const fd = await openFile(t, g, '/f', fs.constants.O_RDONLY);
  const pb = pipeBytesOf((await g.fops.readv(f, { fd, size: MiB, offset: 0, flags: 0 })).data);
  t.truthy(pb, 'files are still spliced');
  t.true(pb!.bytes().equals(data));
  pb!.finish();
});

test('below a translator that does not declare passesReadData, posix answers with bytes', async (t) => {
  let seen: Buffer | undefined;
  const reading = defineXlator({
    apiVersion: 1,
    type: 'test/reading',
    options: {},
    fops: {
      readv: async (self, frame, a) => {
        const r = await self.firstChild!.fops.readv(frame, a);
        seen = r.data;
        return r;
      },
    },
  });
  const g = await startGraph({ stack: [{ type: 'test/reading' }], xlators: { 'test/reading': reading } });
  t.teardown(() => g.stop());
  const data = randomBytes(MiB);
  await g.create('/f', data);
  const fd = await openFile(t, g, '/f', fs.constants.O_RDONLY);
  const f = g.frame();
  f.pipedReads = true;
  await g.fops.readv(f, { fd, size: MiB, offset: 0, flags: 0 });
  t.is(pipeBytesOf(seen!), undefined);
  t.true(seen!.equals(data));
});

test('a large read over the wire is spliced from the brick file to the socket: the client gets it byte for byte, the pipes go back', async (t) => {
  const b = await startBrick(t, {}, { locks: true });
  const c = await attached(t, b);
  const gfid = randomBytes(16);
  const made = await c.call('create', {
    pargfid: ROOT, flags: 2 | 0o100, mode: 0o100644, umask: 0o022, bname: 'f', xdata: xdata(new Dict().setGfid('gfid-req', gfidFromBuffer(gfid))),
  });
  t.is(made.value.op_ret, 0);
  const fd = BigInt(made.value.fd);
  const data = randomBytes(3 * MiB + 5000);
  fs.writeFileSync(join(b.dir, 'f'), data); // the file the brick made, filled behind its back
  const parts = await Promise.all(
    [0, 1, 2, 3].map((i) => c.call('readv', { gfid, fd, offset: BigInt(i * MiB), size: MiB, flag: 0, xdata: NO_DICT })),
  );
  t.true(Buffer.concat(parts.map((p) => p.payload!)).equals(data));
  const [client] = serverClients(b.graph.top);
  t.true(client!.connection.piped.spliced > 0, `spliced to the socket: ${JSON.stringify(client!.connection.piped)}`);
  t.is(client!.connection.piped.spliced + client!.connection.piped.copied, 3 * MiB + 5000, 'every piped byte sent once');
  const pool = (b.graph.get('b-posix')!.priv as PosixState).readPipes;
  for (let i = 0; i < 50 && pool.count.free < pool.count.made; i++) await new Promise((r) => setTimeout(r, 10));
  t.true(pool.count.made >= 1, 'reads were spliced');
  t.is(pool.count.free, pool.count.made, 'every pipe came back');
});
