import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { native } from '../../native/index.js';
import { decodeRecord, encodeCall, frameRecord, RecordDecoder } from '../../rpc/sunrpc/index.js';
import { encode } from '../../rpc/xdr/schema.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GFS4, NO_DICT, emptyIattx } from '../../rpc/programs/index.js';
import { adoptAccepted, connectRpc, RpcConnection, type RpcAddress } from '../../rpc/transport/index.js';

/**
 * A paused server whose accepted sockets are adopted (as protocol/server does), storing each
 * write's payload; the client sends its calls before the server has adopted anything.
 */
async function adoptedServer(t: import('ava').ExecutionContext, unix: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'gfs-adopt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const stored: Buffer[] = [];
  const adopted: { accepted: Socket; socket: Socket }[] = [];
  const conns: RpcConnection[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const accepts: Socket[] = [];
  const server: Server = createServer({ pauseOnConnect: true }, (accepted) => {
    accepts.push(accepted);
    // Adopt only once the client's calls are queued in the kernel: nothing may be lost.
    void gate.then(() => {
      const { socket, attach } = adoptAccepted(accepted);
      adopted.push({ accepted, socket });
      const conn = new RpcConnection(socket);
      attach(conn);
      conns.push(conn);
      conn.serve(GFS4, {
        writev: (args, ctx) => {
          stored.push(ctx.payload!);
          return { value: { op_ret: args.size, op_errno: 0, xdata: NO_DICT, prestat: emptyIattx(), poststat: emptyIattx() } };
        },
      });
    });
  });
  const addr: RpcAddress = unix ? { path: join(dir, 'sock') } : { host: '127.0.0.1', port: 0 };
  await new Promise<void>((r) => ('path' in addr ? server.listen(addr.path, r) : server.listen(0, '127.0.0.1', r)));
  const where: RpcAddress = 'path' in addr ? addr : { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  const client = await connectRpc(where, { frameTimeoutMs: 10_000 });
  t.teardown(async () => {
    client.close();
    conns.forEach((c) => c.close());
    adopted.forEach(({ socket }) => socket.destroy());
    accepts.forEach((s) => s.destroy()); // accepted but never adopted (a test that failed early)
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { client, stored, adopted, release, where };
}

for (const unix of [false, true]) {
  test(`an adopted ${unix ? 'unix' : 'TCP'} connection serves calls sent before it was adopted, a 1 MiB payload intact, from its own socket`, async (t) => {
    const { client, stored, adopted, release } = await adoptedServer(t, unix);
    const big = randomBytes(1 << 20);
    const small = Buffer.from('hello');
    const write = (data: Buffer) =>
      client.call(GFS4, GFS4.procs.writev, { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT }, { payload: data });
    const calls = [write(small), write(big), write(small)];
    await new Promise((r) => setTimeout(r, 50));
    release();
    const replies = await Promise.all(calls);
    t.deepEqual(replies.map((r) => (r.value as { op_ret: number }).op_ret), [5, 1 << 20, 5]);
    t.deepEqual(stored, [small, big, small]);
    t.is(adopted.length, 1);
    t.not(adopted[0]!.socket, adopted[0]!.accepted, 'served from a new socket');
    t.true(adopted[0]!.accepted.destroyed);
    if (!unix) t.is(adopted[0]!.socket.remoteAddress, '127.0.0.1');
  });
}

test.serial('a read that comes back short is the last of its wake-up, and a record dribbled in pieces is still read whole', async (t) => {
  const { client, stored, release, where } = await adoptedServer(t, false);
  release();
  const write = (data: Buffer) =>
    client.call(GFS4, GFS4.procs.writev, { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT }, { payload: data });
  await write(Buffer.from('first')); // the server now reads its socket through the wait loop
  const real = native.readNb;
  let reads = 0;
  native.readNb = (fd, buf) => (reads++, real(fd, buf));
  t.teardown(() => (native.readNb = real));
  for (let i = 0; i < 20; i++) await write(Buffer.from(`call ${i}`));
  // Each call fits one read with room to spare, so a read after it would only find EAGAIN: 20
  // reads, against 40 when every wake-up read on until EAGAIN (slack for a call the kernel
  // happened to deliver in two parts).
  t.true(reads >= 20 && reads <= 22, `${reads} reads for 20 calls`);
  native.readNb = real;
  // Epoll is level-triggered: the rest of a record, arriving after a short read, wakes the reader.
  const s = connect((where as { port: number }).port, '127.0.0.1');
  t.teardown(() => s.destroy());
  const replies: Buffer[] = [];
  const dec = new RecordDecoder();
  s.on('data', (d) => replies.push(...dec.push(d)));
  const args = { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: 9, flag: 0, xdata: NO_DICT };
  const call = frameRecord(encodeCall({ xid: 77, prog: GFS4.prog, vers: GFS4.vers, proc: GFS4.procs.writev.proc }, [encode(GFS4.procs.writev.args, args), Buffer.from('dribbled!')]));
  for (let at = 0; at < call.length; at += 7) {
    s.write(call.subarray(at, at + 7));
    await new Promise((res) => setTimeout(res, 2));
  }
  while (!replies.length) await new Promise((res) => setTimeout(res, 10));
  const rec = decodeRecord(replies[0]!);
  t.is(rec.xid, 77);
  t.is(rec.payload.readInt32BE(0), 9, 'op_ret of the handler\'s reply');
  t.deepEqual(stored.at(-1), Buffer.from('dribbled!'));
});

test('a socket without a file descriptor is used as it is', (t) => {
  const bare = new Socket();
  const { socket } = adoptAccepted(bare);
  t.is(socket, bare);
  bare.destroy();
});
