import test, { type ExecutionContext } from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { native } from '../../native/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogSink } from '../../runtime/log/logger.js';
import { Dict } from '../../runtime/core/dict.js';
import { pipedPayload } from '../helpers/piped.js';
import { BufferPool, isLent, recycle } from '../../runtime/core/recycle.js';
import { closePipe, type Pipe } from '../../runtime/core/pipe-bytes.js';
import { CALLBACK, DUMP, GFS4, NO_DICT, emptyIattx } from '../../rpc/programs/index.js';
import { encodeCall, frameRecord, glusterfsCredential, RecordDecoder, decodeRecord } from '../../rpc/sunrpc/index.js';
import { RpcConnection, RpcConnectionClosedError, RpcRejectedError, RpcTimeoutError, connectRpc, listenRpc, type RpcAddress } from '../../rpc/transport/index.js';

const logs: string[] = [];
setLogSink((line) => logs.push(line));

/** A server on a free loopback port (or a unix socket) and one client, closed after the test. */
async function pair(t: ExecutionContext, setup: (c: RpcConnection) => void, unix = false) {
  let addr: RpcAddress = { host: '127.0.0.1', port: 0 };
  if (unix) {
    const dir = mkdtempSync(join(tmpdir(), 'gfs-rpc-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    addr = { path: join(dir, 'sock') };
  }
  const serverConns: RpcConnection[] = [];
  const server = await listenRpc(addr, (c) => {
    serverConns.push(c);
    setup(c);
  });
  const where: RpcAddress = unix ? addr : { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  const client = await connectRpc(where, { frameTimeoutMs: 5000 });
  t.teardown(() => {
    client.close();
    serverConns.forEach((c) => c.close());
    server.close();
  });
  return { client, server, where, serverConns };
}

const lookupArgs = { gfid: Buffer.alloc(16), pargfid: Buffer.alloc(16, 1), flags: 0, bname: 'd', xdata: NO_DICT };
const lookupReply = (ret: number) => ({ op_ret: ret, op_errno: 0, xdata: NO_DICT, prestat: emptyIattx(), poststat: emptyIattx() });

test('a call over TCP reaches the handler with its credential and the reply comes back', async (t) => {
  const { client } = await pair(t, (c) =>
    c.serve(GFS4, {
      lookup: (args, ctx) => {
        t.is(args.bname, 'd');
        t.is(ctx.cred.flavor, 'glusterfs-v3');
        return { value: lookupReply(0) };
      },
    }).serve(DUMP, { PING: () => ({ value: { op_ret: 0, op_errno: 0, xdata: Buffer.alloc(0) } }) }),
  );
  const cred = glusterfsCredential({ pid: 42, uid: 1000, gid: 1000, groups: [10, 20] });
  const r = await client.call(GFS4, GFS4.procs.lookup, lookupArgs, { cred });
  t.is((r.value as { op_ret: number }).op_ret, 0);
  const ping = await client.call(DUMP, DUMP.procs.PING, undefined);
  t.is(ping.value.op_ret, 0);
});

test('each call carries its own credential when a client stamps every frame with its birth time', async (t) => {
  const seen: { uid: number; sec: bigint; nsec: number }[] = [];
  const { client } = await pair(t, (c) =>
    c.serve(GFS4, {
      lookup: (_args, ctx) => {
        if (ctx.cred.flavor !== 'glusterfs-v3') throw new Error(`unexpected ${ctx.cred.flavor}`);
        seen.push({ uid: ctx.cred.uid, sec: ctx.cred.ctime.sec, nsec: ctx.cred.ctime.nsec });
        return { value: lookupReply(0) };
      },
    }),
  );
  // As a real GlusterFS client sends them: the same caller, a new ctime per frame.
  const base = glusterfsCredential({ pid: 7, uid: 1000, gid: 1000, groups: [4, 27] });
  if (base.flavor !== 'glusterfs-v3') throw new Error('a v3 credential was expected');
  const sent = [
    { ...base, ctime: { sec: 1_700_000_000n, nsec: 1 } },
    { ...base, ctime: { sec: 1_700_000_000n, nsec: 2 } },
    { ...base, ctime: { sec: 1_700_000_001n, nsec: 2 } },
    { ...base, uid: 1001, ctime: { sec: 1_700_000_001n, nsec: 2 } },
    { ...base, ctime: { sec: 1_700_000_001n, nsec: 2 } },
  ];
  for (const cred of sent) await client.call(GFS4, GFS4.procs.lookup, lookupArgs, { cred });
  t.deepEqual(seen, sent.map((c) => ({ uid: c.uid, sec: c.ctime.sec, nsec: c.ctime.nsec })));
});

test('concurrent calls are matched to their replies by xid, whatever order the replies come in', async (t) => {
  const { client } = await pair(t, (c) =>
    c.serve(GFS4, {
      lookup: async (args) => {
        const n = Number(args.bname);
        await new Promise((r) => setTimeout(r, 50 - n * 5));
        return { value: lookupReply(n) };
      },
    }),
  );
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => client.call(GFS4, GFS4.procs.lookup, { ...lookupArgs, bname: String(i) })),
  );
  t.deepEqual(results.map((r) => (r.value as { op_ret: number }).op_ret), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('a call with no reply times out and the connection stays usable', async (t) => {
  let first = true;
  const { client } = await pair(t, (c) =>
    c.serve(GFS4, {
      lookup: () => {
        if (first) {
          first = false;
          return new Promise<never>(() => {});
        }
        return { value: lookupReply(7) };
      },
    }),
  );
  await t.throwsAsync(client.call(GFS4, GFS4.procs.lookup, lookupArgs, { timeoutMs: 100 }), { instanceOf: RpcTimeoutError });
  t.is(client.outstanding, 0);
  const r = await client.call(GFS4, GFS4.procs.lookup, lookupArgs);
  t.is((r.value as { op_ret: number }).op_ret, 7);
});

test('write data and read data travel after the body over a unix socket', async (t) => {
  const stored: Buffer[] = [];
  const { client } = await pair(
    t,
    (c) =>
      c.serve(GFS4, {
        writev: (args, ctx) => {
          stored.push(ctx.payload!);
          return { value: { op_ret: args.size, op_errno: 0, xdata: NO_DICT, prestat: emptyIattx(), poststat: emptyIattx() } };
        },
        readv: () => ({ value: { op_ret: stored[0]!.length, op_errno: 0, stat: emptyIattx(), size: stored[0]!.length, xdata: NO_DICT }, payload: stored[0]! }),
      }),
    true,
  );
  const data = Buffer.from('hello\n');
  const w = await client.call(GFS4, GFS4.procs.writev, { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: 6, flag: 0, xdata: NO_DICT }, { payload: data });
  t.is((w.value as { op_ret: number }).op_ret, 6);
  const r = await client.call(GFS4, GFS4.procs.readv, { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: 4096, flag: 0, xdata: NO_DICT });
  t.deepEqual(r.payload, data);
});

test('the server can call its client back on the same connection', async (t) => {
  let fetched!: () => void;
  const got = new Promise<void>((r) => (fetched = r));
  const { client, serverConns } = await pair(t, (c) => c.serve(GFS4, { lookup: () => ({ value: lookupReply(0) }) }));
  client.serve(CALLBACK, { FETCHSPEC: () => fetched() });
  await client.call(GFS4, GFS4.procs.lookup, lookupArgs); // make sure the server side exists
  serverConns[0]!.notify(CALLBACK, CALLBACK.procs.FETCHSPEC, undefined);
  await got;
  t.pass();
});

test('unknown programs and procedures are refused with the RPC status, not a hang', async (t) => {
  const { client } = await pair(t, (c) => c.serve(GFS4, {}));
  const e1 = await t.throwsAsync(client.call(GFS4, GFS4.procs.lookup, lookupArgs), { instanceOf: RpcRejectedError });
  t.regex(e1!.message, /procedure unavailable/);
  const e2 = await t.throwsAsync(client.call(DUMP, DUMP.procs.PING, undefined), { instanceOf: RpcRejectedError });
  t.regex(e2!.message, /program unavailable/);
  // A program this peer does not speak is what no GlusterFS peer sends: the connection goes.
  await new Promise<void>((r) => (client.closed ? r() : client.once('close', () => r())));
  t.true(client.closed);
});

/** A raw socket to the server: send bytes, collect replies. */
function raw(where: RpcAddress) {
  const s = 'path' in where ? connect(where.path) : connect(where.port, where.host);
  const dec = new RecordDecoder();
  const records: Buffer[] = [];
  s.on('data', (d) => records.push(...dec.push(d)));
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  return { s, records, closed };
}

test('arguments that do not decode get GARBAGE_ARGS, then that connection is closed', async (t) => {
  const { where } = await pair(t, (c) => c.serve(GFS4, { lookup: () => ({ value: lookupReply(0) }) }));
  const r = raw(where);
  t.teardown(() => r.s.destroy());
  r.s.write(frameRecord(encodeCall({ xid: 9, prog: GFS4.prog, vers: GFS4.vers, proc: 27 }, Buffer.alloc(6))));
  while (!r.records.length) await new Promise((res) => setTimeout(res, 10));
  const rec = decodeRecord(r.records[0]!);
  t.is(rec.xid, 9);
  t.like(rec.msg, { mtype: 1, value: { stat: 0, value: { data: { stat: 4 } } } });
  await r.closed;
});

test.serial('an oversized or malformed record closes only that connection, with a log line', async (t) => {
  const { client, where } = await pair(t, (c) => c.serve(GFS4, { lookup: () => ({ value: lookupReply(3) }) }));
  logs.length = 0;
  const big = raw(where);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(0x80000000 + 8 * 1024 * 1024, 0);
  big.s.write(header);
  await big.closed;
  t.true(logs.some((l) => /refusing a record/.test(l) && /exceeds the limit/.test(l)));
  const bad = raw(where);
  bad.s.write(frameRecord(Buffer.from([0, 0, 0, 1, 0, 0, 0, 7])));
  await bad.closed;
  t.true(logs.some((l) => /malformed RPC message/.test(l)));
  const r = await client.call(GFS4, GFS4.procs.lookup, lookupArgs);
  t.is((r.value as { op_ret: number }).op_ret, 3, 'the other connection still works');
});

test.serial('a peer that stops in the middle of a record is logged', async (t) => {
  const { where } = await pair(t, () => {});
  logs.length = 0;
  const r = raw(where);
  r.s.end(frameRecord(Buffer.alloc(100)).subarray(0, 50));
  await r.closed;
  await new Promise((res) => setTimeout(res, 50));
  t.true(logs.some((l) => /middle of a record/.test(l)));
});

test('closing a connection fails its outstanding calls', async (t) => {
  const { client } = await pair(t, (c) => c.serve(GFS4, { lookup: () => new Promise<never>(() => {}) }));
  const p = client.call(GFS4, GFS4.procs.lookup, lookupArgs);
  setTimeout(() => client.close(), 20);
  await t.throwsAsync(p, { instanceOf: RpcConnectionClosedError });
  await t.throwsAsync(client.call(GFS4, GFS4.procs.lookup, lookupArgs), { instanceOf: RpcConnectionClosedError });
});


test('a connected TCP socket\'s records go out through the native writev, and arrive', async (t) => {
  const { client } = await pair(t, (c) => c.serve(GFS4, { lookup: () => ({ value: lookupReply(0) }) }));
  const real = native.writevNb;
  let calls = 0;
  native.writevNb = (fd, head, rest) => (calls++, real(fd, head, rest));
  t.teardown(() => (native.writevNb = real));
  await Promise.all(Array.from({ length: 5 }, () => client.call(GFS4, GFS4.procs.lookup, lookupArgs)));
  t.true(calls >= 1, 'the direct path was taken');
});

test('records the kernel cannot take at once (a peer not reading) are sent whole and in order, and records sent while they drain queue behind them', async (t) => {
  const seen: { offset: bigint; sum: string }[] = [];
  let server!: RpcConnection;
  const { client } = await pair(t, (c) => {
    server = c;
    c.hold(true);
    c.serve(GFS4, {
      writev: (args, ctx) => {
        seen.push({ offset: args.offset, sum: createHash('sha1').update(ctx.payload!).digest('hex') });
        return { value: { op_ret: args.size, op_errno: 0, xdata: NO_DICT, prestat: emptyIattx(), poststat: emptyIattx() } };
      },
    });
  });
  // The first 40 x 256 KiB: far more than the socket buffers hold while the server does not
  // read, so writes come back short or EAGAIN and the rest queues behind them.
  const payloads = Array.from({ length: 80 }, () => randomBytes(256 * 1024));
  const send = (i: number) =>
    client.call(GFS4, GFS4.procs.writev, { gfid: Buffer.alloc(16), fd: 1n, offset: BigInt(i), size: payloads[i]!.length, flag: 0, xdata: NO_DICT }, { payload: payloads[i]! });
  const calls = payloads.slice(0, 40).map((_, i) => send(i));
  await new Promise((r) => setTimeout(r, 100));
  t.true(client.socket.writableLength > 0, 'some records wait in the socket');
  server.hold(false);
  // More records while the queue drains: the kernel has room again now and then, but what waits
  // in the socket must go first.
  for (let i = 40; i < 80; i++) {
    await new Promise((r) => setImmediate(r));
    calls.push(send(i));
  }
  await Promise.all(calls);
  t.deepEqual(seen, payloads.map((p, i) => ({ offset: BigInt(i), sum: createHash('sha1').update(p).digest('hex') })));
});

test('calls read while a connection is held run in order once it is released, each once', async (t) => {
  const seen: string[] = [];
  let server!: RpcConnection;
  const { client } = await pair(t, (c) => {
    server = c;
    c.hold(true);
    c.serve(GFS4, {
      lookup: (args) => {
        seen.push(args.bname);
        // Held again while the replay runs (as a server's outstanding-call limit does) and
        // released later: nothing may run twice or be lost.
        if (args.bname === 'n100') {
          c.hold(true);
          setTimeout(() => c.hold(false), 20);
        }
        return { value: lookupReply(0) };
      },
    });
  });
  const names = Array.from({ length: 300 }, (_, i) => `n${i}`);
  const calls = names.map((bname) => client.call(GFS4, GFS4.procs.lookup, { ...lookupArgs, bname }));
  await new Promise((r) => setTimeout(r, 100));
  t.deepEqual(seen, [], 'nothing runs while held');
  server.hold(false);
  await Promise.all(calls);
  await new Promise((r) => setTimeout(r, 60)); // past the second release
  // Another hold and release finds nothing left to run again.
  server.hold(true);
  server.hold(false);
  await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(seen, names);
});

/** A pair whose server keeps a copy of every write's data. */
async function storingPair(t: ExecutionContext) {
  const stored: Buffer[] = [];
  const { client } = await pair(t, (c) =>
    c.serve(GFS4, {
      writev: (args, ctx) => {
        stored.push(Buffer.from(ctx.payload!));
        return { value: { op_ret: args.size, op_errno: 0, xdata: NO_DICT, prestat: emptyIattx(), poststat: emptyIattx() } };
      },
    }),
  );
  return { client, stored };
}

const writeArgs = (size: number) => ({ gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size, flag: 0, xdata: NO_DICT });

test('write data still in a pipe is spliced to the socket: the brick gets it byte for byte, the client never copies it', async (t) => {
  const { client, stored } = await storingPair(t);
  const data = randomBytes(1 << 20);
  const pb = pipedPayload(data);
  const w = await client.call(GFS4, GFS4.procs.writev, writeArgs(data.length), { payload: pb.placeholder });
  t.is((w.value as { op_ret: number }).op_ret, data.length);
  t.true(stored[0]!.equals(data));
  t.true(pb.placeholder.equals(Buffer.alloc(data.length)), 'the data never went through the placeholder');
  t.true(client.piped.spliced > 0, 'spliced to the socket');
  t.is(client.piped.spliced + client.piped.copied, data.length, 'what the socket did not take at once was copied from the scratch pipe');
  pb.finish();
});

test('a slice of piped write data is sent with its own bytes, not the empty placeholder', async (t) => {
  const { client, stored } = await storingPair(t);
  const data = randomBytes(400_000);
  const pb = pipedPayload(data);
  const part = pb.placeholder.subarray(1000, 301_000);
  await client.call(GFS4, GFS4.procs.writev, writeArgs(part.length), { payload: part });
  t.true(stored[0]!.equals(data.subarray(1000, 301_000)));
  t.deepEqual(client.piped, { spliced: 0, copied: 0 }, 'a slice is ordinary data once filled');
  pb.finish();
});

test('piped write data that finds the socket full is sent from copies, every record whole and in order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs-rpc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sock');
  // A peer that reads nothing until told: a unix socket takes a few hundred KiB, then is full.
  let peer!: Socket;
  let accept!: () => void;
  const accepted = new Promise<void>((r) => (accept = r));
  const server = createServer((s) => {
    peer = s;
    s.pause();
    accept();
  });
  await new Promise<void>((r) => server.listen(path, r));
  t.teardown(() => server.close());
  const client = await connectRpc({ path }, { frameTimeoutMs: 60_000 });
  t.teardown(() => client.close());
  await accepted;
  const datas = Array.from({ length: 4 }, () => randomBytes(1 << 20));
  const pbs = datas.map((d) => pipedPayload(d));
  const calls = pbs.map((pb) => client.call(GFS4, GFS4.procs.writev, writeArgs(pb.length), { payload: pb.placeholder }).catch(() => undefined));
  await new Promise((r) => setTimeout(r, 100));
  const dec = new RecordDecoder();
  const records: Buffer[] = [];
  peer.on('data', (d: Buffer) => records.push(...dec.push(d)));
  peer.resume();
  for (let i = 0; i < 500 && records.length < datas.length; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(records.length, datas.length);
  records.forEach((rec, i) => t.true(rec.subarray(rec.length - datas[i]!.length).equals(datas[i]!), `record ${i} carries its own data, whole`));
  const { spliced, copied } = client.piped;
  t.true(spliced > 0 && copied > 0, `spliced while the socket took it, copied behind a full socket (${spliced} + ${copied} bytes)`);
  t.is(spliced + copied, 4 << 20);
  pbs.forEach((pb) => pb.finish());
  client.close();
  await Promise.all(calls);
});

test('read data in a pipe whose reply can no longer be sent (the client went) gives its pipe back', async (t) => {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const released: unknown[] = [];
  const pb = pipedPayload(randomBytes(512 * 1024), { release: (p) => released.push(p), finishOnSend: true });
  const { client, serverConns } = await pair(t, (c) =>
    c.serve(GFS4, {
      readv: async () => {
        await gate;
        return { value: { op_ret: pb.length, op_errno: 0, stat: emptyIattx(), size: pb.length, xdata: NO_DICT }, payload: pb.placeholder };
      },
    }),
  );
  const call = client.call(GFS4, GFS4.procs.readv, { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: pb.length, flag: 0, xdata: NO_DICT }).catch(() => undefined);
  for (let i = 0; i < 100 && !serverConns.length; i++) await new Promise((r) => setTimeout(r, 10));
  client.close();
  for (let i = 0; i < 100 && !serverConns[0]!.closed; i++) await new Promise((r) => setTimeout(r, 10));
  t.true(serverConns[0]!.closed);
  open();
  await call;
  for (let i = 0; i < 50 && !released.length; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(released.length, 1, 'the pipe went back unsent');
  t.true(pb.answered);
  closePipe(released[0] as Pipe);
});

test('a large reply to a call made with a reply pool is read into a buffer of that pool; other calls\' replies are not', async (t) => {
  const data = randomBytes(300_000);
  const { client } = await pair(t, (c) =>
    c.serve(GFS4, {
      readv: () => ({ value: { op_ret: data.length, op_errno: 0, stat: emptyIattx(), size: data.length, xdata: NO_DICT }, payload: data }),
    }),
  );
  const pool = new BufferPool(512 * 1024, 4);
  const args = { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT };
  const pooled = await client.call(GFS4, GFS4.procs.readv, args, { replyPool: pool });
  t.true(pooled.payload!.equals(data));
  t.true(isLent(pooled.payload!), 'the payload is a view of a pooled buffer');
  t.is(pool.counts.lent, 1);
  recycle(pooled.payload!);
  const plain = await client.call(GFS4, GFS4.procs.readv, args);
  t.true(plain.payload!.equals(data));
  t.false(isLent(plain.payload!));
  t.is(pool.counts.lent, 1, 'a call without the pool did not take from it');
  // The pooled buffer came back and serves the next pooled reply.
  const again = await client.call(GFS4, GFS4.procs.readv, args, { replyPool: pool });
  t.true(again.payload!.equals(data));
  t.is(again.payload!.buffer, pooled.payload!.buffer);
  t.is(pool.counts.made, 1);
});

test('a large call from the peer that carries the xid of a pooled call still pending is not read into the pool (only replies are)', async (t) => {
  const data = randomBytes(300_000);
  let answer!: () => void;
  const answered = new Promise<void>((r) => (answer = r));
  const { client, serverConns } = await pair(t, (c) =>
    c.serve(GFS4, {
      readv: async () => {
        await answered;
        return { value: { op_ret: data.length, op_errno: 0, stat: emptyIattx(), size: data.length, xdata: NO_DICT }, payload: data };
      },
    }),
  );
  let callbacks = 0;
  client.serve(CALLBACK, { CACHE_INVALIDATION: () => void callbacks++ });
  const pool = new BufferPool(512 * 1024, 4);
  const args = { gfid: Buffer.alloc(16), fd: 1n, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT };
  const pending = client.call(GFS4, GFS4.procs.readv, args, { replyPool: pool });
  // The server's connection exists once the call has been accepted.
  for (let i = 0; i < 400 && serverConns.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  // Both ends number their calls alike, so the server's first call carries the client's first xid.
  const zero = { ia_gfid: Buffer.alloc(16), ia_ino: 0n, ia_dev: 0n, mode: 0, ia_nlink: 0, ia_uid: 0, ia_gid: 0, ia_rdev: 0n, ia_size: 0n, ia_blksize: 0, ia_blocks: 0n, ia_atime: 0, ia_atime_nsec: 0, ia_mtime: 0, ia_mtime_nsec: 0, ia_ctime: 0, ia_ctime_nsec: 0 };
  const big = new Dict().setBin('filler', randomBytes(200_000));
  serverConns[0]!.notify(CALLBACK, CALLBACK.procs.CACHE_INVALIDATION, { gfid: '00000000-0000-0000-0000-000000000001', event_type: 0, flags: 0, expire_time_attr: 0, stat: zero, parent_stat: zero, oldparent_stat: zero, xdata: big });
  for (let i = 0; i < 200 && callbacks === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(callbacks, 1, 'the callback arrived and was served');
  t.is(pool.counts.lent, 0, 'the call was not assembled in the pooled call\'s buffer');
  answer();
  const r = await pending;
  t.true(r.payload!.equals(data));
  t.true(isLent(r.payload!));
});
