import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { constants } from 'node:os';
import type { GfProtoFlock } from '../../rpc/programs/gfx-types.js';
import { serverClients } from '../../xlators/protocol/server/index.js';
import { REPLY_BACKLOG } from '../../xlators/protocol/server/client.js';
import { attached, NO_DICT, ROOT, startBrick } from './helpers.js';

const E = constants.errno;
const GF_LK_SETLK = 1;
const GF_LK_F_WRLCK = 1;
const flock = (owner: string): GfProtoFlock => ({ type: GF_LK_F_WRLCK, whence: 0, start: 0n, len: 0n, pid: 1, lk_owner: Buffer.from(owner) });

test('many clients work at once, each with its own files and fd numbers', async (t) => {
  const b = await startBrick(t);
  const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => attached(t, b, { 'process-uuid': `c${i}` })));
  await Promise.all(clients.map(async (c, i) => {
    const f = await c.call('create', { pargfid: ROOT, flags: 0o102, mode: 0o644, umask: 0, bname: `f${i}`, xdata: NO_DICT });
    t.is(f.value.op_ret, 0);
    for (let k = 0; k < 20; k++) {
      const data = Buffer.from(`client ${i} block ${k}\n`);
      const w = await c.call('writev', { gfid: f.value.stat.ia_gfid, fd: f.value.fd, offset: BigInt(k * data.length), size: data.length, flag: 0, xdata: NO_DICT }, data);
      t.is(w.value.op_ret, data.length);
    }
    await c.call('release', { gfid: f.value.stat.ia_gfid, fd: f.value.fd, xdata: NO_DICT });
  }));
  for (let i = 0; i < 6; i++) t.true(fs.readFileSync(path.join(b.dir, `f${i}`), 'utf8').endsWith(`client ${i} block 19\n`));
  t.is(serverClients(b.graph.top).length, 6);
});

test('a client that disconnects loses its locks and another client can take them', async (t) => {
  const b = await startBrick(t, {}, { locks: true });
  const a = await attached(t, b, { 'process-uuid': 'holder' });
  const other = await attached(t, b, { 'process-uuid': 'waiter' });
  const fa = await a.call('create', { pargfid: ROOT, flags: 0o102, mode: 0o644, umask: 0, bname: 'locked', xdata: NO_DICT });
  const gfid = fa.value.stat.ia_gfid;
  const got = await a.call('lk', { gfid, fd: fa.value.fd, cmd: GF_LK_SETLK, type: GF_LK_F_WRLCK, flock: flock('aaaa'), xdata: NO_DICT });
  t.is(got.value.op_ret, 0);
  const fo = await other.call('open', { gfid, flags: 2, xdata: NO_DICT });
  t.is(fo.value.op_ret, 0);
  const busy = await other.call('lk', { gfid, fd: fo.value.fd, cmd: GF_LK_SETLK, type: GF_LK_F_WRLCK, flock: flock('bbbb'), xdata: NO_DICT });
  t.is(busy.value.op_ret, -1);
  t.is(busy.value.op_errno, E.EAGAIN);
  a.conn.close();
  for (let i = 0; i < 100 && serverClients(b.graph.top).length > 1; i++) await new Promise((r) => setTimeout(r, 20));
  const free = await other.call('lk', { gfid, fd: fo.value.fd, cmd: GF_LK_SETLK, type: GF_LK_F_WRLCK, flock: flock('bbbb'), xdata: NO_DICT });
  t.is(free.value.op_ret, 0, 'the lock went with its client');
});

test('a client that sends reads but never reads the replies stops being read once its replies pile up; the others are served, and it catches up when it reads', async (t) => {
  const b = await startBrick(t);
  const data = Buffer.alloc(1 << 20, 7);
  const greedy = await attached(t, b);
  const made = await greedy.call('create', { pargfid: ROOT, flags: 2 | 0o100, mode: 0o100644, umask: 0, bname: 'seed', xdata: NO_DICT });
  t.is(made.value.op_ret, 0);
  const gfid = made.value.stat.ia_gfid;
  const fd = BigInt(made.value.fd);
  t.is((await greedy.call('writev', { gfid, fd, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT }, data)).value.op_ret, data.length);
  // Stop reading this client's socket, then ask for 200 MiB of replies.
  greedy.conn.socket.pause();
  const reads = Array.from({ length: 200 }, () => greedy.call('readv', { gfid, fd, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT }));
  for (const r of reads) r.catch(() => undefined); // the test may end (fail) before they settle
  const server = () => serverClients(b.graph.top).find((c) => c.connection.socket.remotePort === greedy.conn.socket.localPort)!;
  // Sample until the brick is done with what it took in (nothing in flight, the queue steady):
  // the bound must hold then, not only during an arbitrary window.
  let most = 0;
  for (let last = -1, steady = 0; steady < 4; ) {
    await new Promise((r) => setTimeout(r, 25));
    const queued = server().connection.socket.writableLength;
    most = Math.max(most, queued);
    steady = server().inflight === 0 && queued === last ? steady + 1 : 0;
    last = queued;
  }
  // Held to the backlog plus what was in flight when it was reached (64 calls of 1 MiB), far from 200 MiB.
  t.log(`most queued: ${most} bytes`);
  t.true(most > 0, "replies did queue up");
  t.true(most <= REPLY_BACKLOG + 70 * (1 << 20), `${most} bytes queued`);
  // Another client is served meanwhile.
  const other = await attached(t, b);
  t.is((await other.call('lookup', { gfid: Buffer.alloc(16), pargfid: ROOT, flags: 0, bname: 'seed', xdata: NO_DICT })).value.op_ret, 0);
  // Reading again, the greedy client gets every reply, in full.
  greedy.conn.socket.resume();
  const done = await Promise.all(reads);
  t.true(done.every((r) => r.value.op_ret === data.length && r.payload!.equals(data)));
});
