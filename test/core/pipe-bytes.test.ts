/**
 * Write data held in a pipe (runtime/core/pipe-bytes.ts): read out once into its placeholder,
 * sent to a socket without being copied (and still readable after), emptied when its request is
 * answered, and filled for any translator that does not declare it passes write data on unread.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { createFrame } from '../../runtime/core/frame.js';
import { closePipe, makePipe, PIPE_BYTES, PipeBytes, pipeBytesOf, realBytes, type Pipe } from '../../runtime/core/pipe-bytes.js';
import { PipePool } from '../../runtime/core/pipe-pool.js';
import { pipedPayload } from '../helpers/piped.js';
import { activateGraph } from '../../runtime/graph/create.js';
import { defineXlator } from '../../runtime/xlator/define.js';
import { native } from '../../native/index.js';
import { recordingXlators, spec, type Journal } from '../helpers/recording.js';

/** `data` in a fresh pipe; released pipes are collected in `released`. */
const payload = (data: Buffer, released: Pipe[] = []): PipeBytes => pipedPayload(data, { release: (p) => released.push(p) });

/** Bytes waiting in a pipe: a non-blocking read, where EAGAIN means empty and any other failure fails the test. */
function pipeHolds(p: Pipe): number {
  const n = native.readNb(p.r, Buffer.alloc(PIPE_BYTES));
  if (n < 0 && n !== -constants.errno.EAGAIN) throw new Error(`reading the pipe failed: errno ${-n}`);
  return Math.max(n, 0);
}

test('a payload in a pipe is read into its placeholder once; answering gives the pipe back to its owner', (t) => {
  const data = randomBytes(300_000);
  const released: Pipe[] = [];
  const pb = payload(data, released);
  t.is(pipeBytesOf(pb.placeholder), pb);
  t.true(pb.placeholder.equals(Buffer.alloc(data.length)), 'nothing read before it is asked for');
  t.true(pb.bytes().equals(data));
  t.is(pipeBytesOf(pb.placeholder), undefined, 'once filled it is an ordinary buffer');
  t.true(pb.bytes().equals(data), 'a second read gives the same bytes');
  t.deepEqual(released, []);
  pb.finish();
  pb.finish();
  t.deepEqual(released, [pb.pipe], 'given back once');
  closePipe(pb.pipe);
});

test('a payload nobody read goes back to its pool, which empties its pipe for the next one', (t) => {
  const pool = new PipePool(PIPE_BYTES, 1);
  const pipe = pool.take()!;
  const pb = pipedPayload(randomBytes(500_000), { pipe, release: (p) => pool.give(p) });
  t.deepEqual(pool.count, { made: 1, free: 0 });
  pb.finish();
  t.true(pb.answered);
  t.deepEqual(pool.count, { made: 1, free: 1 });
  const again = pool.take()!;
  t.is(again, pipe, 'the same pipe, reused');
  t.is(pipeHolds(again), 0, 'the unread payload was dropped');
  t.throws(() => pb.bytes(), { message: /answered request/ });
  // A tombstone: the placeholder is no piped payload any more, and its bytes cannot be had.
  t.is(pipeBytesOf(pb.placeholder), undefined);
  t.throws(() => realBytes(pb.placeholder.subarray(0, 10)), { message: /answered request/ });
  pool.give(again);
  pool.close();
  t.deepEqual(pool.count, { made: 0, free: 0 });
});

test('only the placeholder itself is a piped payload; a slice of it is filled when read', (t) => {
  const data = randomBytes(400_000);
  const pb = payload(data);
  t.is(pipeBytesOf(pb.placeholder.subarray(1)), undefined);
  t.is(pipeBytesOf(Buffer.from(data)), undefined);
  const slice = pb.placeholder.subarray(10, 20);
  t.true(realBytes(slice).equals(data.subarray(10, 20)));
  pb.finish();
  closePipe(pb.pipe);
});

test('a payload sent to a socket arrives whole, is not copied into its placeholder, and stays readable', async (t) => {
  const data = randomBytes(1 << 20);
  const got: Buffer[] = [];
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const server = createServer((s: Socket) => {
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => ended());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const sock = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', r));
  const fd = (sock as unknown as { _handle: { fd: number } })._handle.fd;
  const scratch = makePipe(PIPE_BYTES)!;
  const pb = payload(data);
  let sent = 0;
  for (let tries = 0; sent < data.length && tries < 1000; tries++) {
    const n = sent === 0 ? pb.sendTo(fd, scratch) : native.spliceNb(scratch.r, fd, data.length - sent);
    if (n > 0) sent += n;
    else await new Promise((r) => setTimeout(r, 5)); // the socket is full: let the peer read
  }
  sock.end();
  await done;
  t.is(sent, data.length);
  t.true(Buffer.concat(got).equals(data), 'the peer got the payload byte for byte');
  t.true(pb.placeholder.equals(Buffer.alloc(data.length)), 'the payload never went through our memory');
  t.true(pb.bytes().equals(data), 'sending left the payload in its pipe (tee)');
  pb.finish();
  closePipe(pb.pipe);
  closePipe(scratch);
});

test('a translator that does not declare passesWriteData gets a piped payload filled; one that does gets it as it is', async (t) => {
  const seen: { who: string; piped: boolean; bytes?: Buffer }[] = [];
  const passing = defineXlator({
    apiVersion: 1,
    type: 'test/passing',
    options: {},
    passesWriteData: true,
    fops: {
      writev: async (self, frame, a) => {
        seen.push({ who: 'passing', piped: pipeBytesOf(a.data) !== undefined });
        return self.firstChild!.fops.writev(frame, a);
      },
    },
  });
  const reading = defineXlator({
    apiVersion: 1,
    type: 'test/reading',
    options: {},
    fops: {
      writev: async (_self, _frame, a) => {
        seen.push({ who: 'reading', piped: pipeBytesOf(a.data) !== undefined, bytes: Buffer.from(a.data) });
        const iatt = { size: a.data.length } as never;
        return { prebuf: iatt, postbuf: iatt };
      },
    },
  });
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(
    spec([
      { name: 'store', type: 'test/reading' },
      { name: 'pass', type: 'test/passing', subvolumes: ['store'] },
    ]),
    { xlators: { ...recordingXlators(journal), 'test/passing': passing, 'test/reading': reading } },
  );
  t.teardown(() => graph.teardown());
  const data = randomBytes(600_000);
  const pb = payload(data);
  await graph.fops.writev(createFrame(), { fd: {} as never, data: pb.placeholder, offset: 0, flags: 0 });
  t.deepEqual(seen.map((s) => [s.who, s.piped]), [['passing', true], ['reading', false]]);
  t.true(seen[1]!.bytes!.equals(data), 'the reading translator saw the real bytes');
  pb.finish();
  closePipe(pb.pipe);
});
