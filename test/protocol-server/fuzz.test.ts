import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import { encodeCall } from '../../rpc/sunrpc/message.js';
import { credentialToAuth, glusterfsCredential } from '../../rpc/sunrpc/auth.js';
import { frameRecord } from '../../rpc/sunrpc/record.js';
import { GFS4_FOPS } from '../../rpc/programs/gfs4.js';
import { encodeMessage } from '../../rpc/programs/program.js';
import { NO_DICT, ROOT, RawClient } from './helpers.js';
import { alive, spawnBrick } from './brick-process.js';

/** A small seeded PRNG: the run is the same every time, and bounded (2 shared cores). */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0), s / 0x100000000);
  return { next, int: (n: number) => Math.floor(next() * n), bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))) };
}

const cred = credentialToAuth(glusterfsCredential({ pid: 1, uid: 0, gid: 0 }));
const call = (proc: number, prog = 1298437, vers = 400, args: Buffer = Buffer.alloc(0)) => encodeCall({ xid: 9, prog, vers, proc, cred }, args);

/** What an attacker sends on one connection. */
function attack(r: ReturnType<typeof rng>, i: number): Buffer {
  const lookupArgs = encodeMessage(GFS4_FOPS.lookup.procedure.args, { gfid: ROOT, pargfid: ROOT, flags: 0, bname: 'x', xdata: NO_DICT })[0]!;
  switch (i % 8) {
    case 0: return r.bytes(1 + r.int(200)); // raw noise
    case 1: return frameRecord(r.bytes(r.int(300))); // framed noise
    case 2: { // a record that claims to be enormous
      const h = Buffer.alloc(4);
      h.writeUInt32BE((0x80000000 | (0x7fffffff - r.int(1000))) >>> 0, 0);
      return Buffer.concat([h, r.bytes(64)]);
    }
    case 3: { // a valid call cut short (the socket closes mid-record)
      const rec = frameRecord(call(27, 1298437, 400, lookupArgs));
      return rec.subarray(0, 1 + r.int(rec.length - 1));
    }
    case 4: { // a well-framed lookup with truncated or corrupted arguments
      const args = Buffer.from(lookupArgs);
      for (let k = 0; k < 4; k++) args[r.int(args.length)] = r.int(256);
      return frameRecord(call(27, 1298437, 400, r.next() < 0.5 ? args.subarray(0, r.int(args.length)) : args));
    }
    case 5: return frameRecord(call(r.int(100), 1 + r.int(1e6), r.int(5))); // unknown programs and versions
    case 6: return frameRecord(call(60 + r.int(1000))); // unknown GFS4 procedure
    default: { // many fragments of noise, the last one oversized
      const parts: Buffer[] = [];
      for (let k = 0; k < 5; k++) parts.push(frameRecord(r.bytes(100), 10).subarray(0, -14));
      const h = Buffer.alloc(4);
      h.writeUInt32BE(0x40000000, 0);
      return Buffer.concat([...parts, h]);
    }
  }
}

/** Send, then wait until the server closes the connection or a short while passes. */
function hit(port: number, data: Buffer): Promise<'closed' | 'open'> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let done = false;
    const finish = (how: 'closed' | 'open') => {
      if (done) return;
      done = true;
      s.destroy();
      resolve(how);
    };
    s.on('error', () => finish('closed'));
    s.on('close', () => finish('closed'));
    s.on('data', () => {});
    s.on('connect', () => s.write(data, () => setTimeout(() => finish('open'), 150)));
  });
}

test('random, truncated and oversized frames never crash the brick and a well-behaved client keeps working', async (t) => {
  const b = await spawnBrick(t);
  const good = await RawClient.connect(t, { host: '127.0.0.1', port: b.port });
  t.is((await good.setvolume({ 'remote-subvolume': 'b-posix' })).op_ret, 0);
  const f = await good.call('create', { pargfid: ROOT, flags: 0o102, mode: 0o644, umask: 0, bname: 'steady', xdata: NO_DICT });
  t.is(f.value.op_ret, 0);
  const r = rng(0x5eed);
  let closed = 0;
  const ROUNDS = 12;
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => hit(b.port, attack(r, round * 8 + i))));
    closed += results.filter((x) => x === 'closed').length;
    // The good client's fd and data survive every round.
    const data = Buffer.from(`round ${round}`);
    const w = await good.call('writev', { gfid: f.value.stat.ia_gfid, fd: f.value.fd, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT }, data);
    t.is(w.value.op_ret, data.length);
    const rd = await good.call('readv', { gfid: f.value.stat.ia_gfid, fd: f.value.fd, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT });
    t.is(rd.payload?.toString(), data.toString());
    t.true(alive(b.pid), `the brick is alive after round ${round}`);
  }
  t.true(closed >= ROUNDS * 3, `malformed and oversized records close their connection (${closed} closed)`);
  const log = fs.readFileSync(b.logFile, 'utf8');
  t.regex(log, /exceeds the limit/, 'an oversized record is logged');
  t.notRegex(log, /uncaught exception/);
});
