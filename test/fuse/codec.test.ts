import test from 'ava';
import { InitFlag, Size } from '../../xlators/mount/fuse/kernel/abi.js';
import { decodeHeader, Reader } from '../../xlators/mount/fuse/kernel/decode.js';
import { attrOut, DirBuffer, entryOut, openOut, outHeader } from '../../xlators/mount/fuse/kernel/encode.js';
import { negotiate } from '../../xlators/mount/fuse/kernel/init.js';
import { devFromKernel, devToKernel, fromFlock, toFlock } from '../../xlators/mount/fuse/bridge/attr.js';

function initRequest(minor: number, flags: number): Reader {
  const b = Buffer.alloc(Size.IN_HEADER + 64);
  b.writeUInt32LE(7, 40);
  b.writeUInt32LE(minor, 44);
  b.writeUInt32LE(131072, 48);
  b.writeUInt32LE(flags >>> 0, 52);
  return new Reader(b);
}

test('INIT keeps only flags the kernel offers and never enables the writeback cache', (t) => {
  const offered = InitFlag.ASYNC_READ | InitFlag.MAX_PAGES | InitFlag.WRITEBACK_CACHE | InitFlag.BIG_WRITES;
  const { conn, reply } = negotiate(initRequest(38, offered), { maxWrite: 1 << 20 });
  t.is(conn.flags, InitFlag.ASYNC_READ | InitFlag.MAX_PAGES | InitFlag.BIG_WRITES);
  t.is(reply.length, 64);
  t.is(reply.readUInt32LE(20), 1 << 20); // max_write
  t.is(reply.readUInt16LE(28), 256); // max_pages
});

test('INIT takes HANDLE_KILLPRIV_V2 when offered, and not when the mount turns it off', (t) => {
  const offered = InitFlag.MAX_PAGES | InitFlag.HANDLE_KILLPRIV_V2;
  t.is(negotiate(initRequest(38, offered), { maxWrite: 1 << 20 }).conn.flags, offered);
  t.is(negotiate(initRequest(38, offered), { maxWrite: 1 << 20, flagsOff: InitFlag.HANDLE_KILLPRIV_V2 }).conn.flags, InitFlag.MAX_PAGES);
});

test('without MAX_PAGES the write size falls back to 128 KiB and old kernels get a short reply', (t) => {
  const { conn, reply } = negotiate(initRequest(22, InitFlag.BIG_WRITES), { maxWrite: 1 << 20 });
  t.is(conn.maxWrite, 128 * 1024);
  t.is(conn.minor, 22);
  t.is(reply.length, 24);
});

test('INIT from a kernel older than protocol 7.12 is refused with the version it needs', (t) => {
  t.throws(() => negotiate(initRequest(11, InitFlag.BIG_WRITES), { maxWrite: 1 << 20 }), { message: /7\.11 is too old: this build needs 7\.12/ });
  t.notThrows(() => negotiate(initRequest(12, InitFlag.BIG_WRITES), { maxWrite: 1 << 20 }));
});

test('a readdir reply refuses an entry that does not fit and records are 8-byte aligned', (t) => {
  const list = new DirBuffer(64, false);
  t.true(list.fits('a'));
  t.true(list.add({ name: 'a', ino: 1n, type: 8, off: 1n })); // 24 + 1 -> 32
  t.true(list.fits('abcdefgh'));
  t.false(list.fits('abcdefghi'), 'a 9-byte name needs 40 of the 32 left');
  t.true(list.add({ name: 'abcdefgh', ino: 2n, type: 8, off: 2n })); // 24 + 8 -> 32
  t.false(list.fits('c'));
  t.false(list.add({ name: 'c', ino: 3n, type: 8, off: 3n }));
  t.is(list.length, 64);
  t.is(list.bytes().readUInt32LE(16), 1);
  t.is(list.bytes().toString('utf8', 56, 64), 'abcdefgh');
});

test('device numbers convert between glibc dev_t and the kernel encoding', (t) => {
  const makedev = (ma: bigint, mi: bigint) => ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
  for (const [ma, mi] of [[1n, 3n], [8n, 17n], [259n, 300000n], [4095n, 255n]] as const) {
    const dev = makedev(ma, mi);
    t.is(devFromKernel(devToKernel(dev)), dev);
  }
  t.is(devToKernel(makedev(1n, 3n)), 0x103);
});

test('a lock to end of file keeps len 0 in gf_flock and OFFSET_MAX for the kernel', (t) => {
  const owner = Buffer.alloc(8, 1);
  const whole = toFlock({ start: 10n, end: 0x7fffffffffffffffn, type: 1, pid: 5 }, owner);
  t.is(whole.len, 0n);
  t.is(fromFlock(whole).end, 0x7fffffffffffffffn);
  const part = toFlock({ start: 10n, end: 19n, type: 0, pid: 5 }, owner);
  t.is(part.len, 10n);
  t.is(fromFlock(part).end, 19n);
});

test('entry replies carry 64-bit fields exactly: sizes past 4 GiB, times before 1970, node ids and inode numbers past 2^53', (t) => {
  const e = {
    nodeid: 0xfedc_ba98_7654_3210n,
    generation: 3n,
    entryValid: 1.5,
    attrValid: 0.25,
    attr: {
      ino: 0x8000_0000_0000_0001n,
      size: 2 ** 40 + 3,
      blocks: 2 ** 33 + 1,
      atime: { sec: -86_400, nsec: 5 },
      mtime: { sec: 2 ** 34, nsec: 999_999_999 },
      ctime: { sec: 0, nsec: 0 },
      mode: 0o100644,
      nlink: 2,
      uid: 4_000_000_000,
      gid: 7,
      rdev: 0,
      blksize: 4096,
    },
  };
  const b = entryOut(e);
  t.is(b.length, Size.ENTRY_OUT);
  t.is(b.readBigUInt64LE(0), e.nodeid);
  t.is(b.readBigUInt64LE(8), 3n);
  t.is(b.readBigUInt64LE(16), 1n);
  t.is(b.readUInt32LE(32), 500_000_000);
  t.is(b.readBigUInt64LE(24), 0n);
  t.is(b.readUInt32LE(36), 250_000_000);
  const a = 40;
  t.is(b.readBigUInt64LE(a), e.attr.ino);
  t.is(b.readBigUInt64LE(a + 8), BigInt(2 ** 40 + 3));
  t.is(b.readBigUInt64LE(a + 16), BigInt(2 ** 33 + 1));
  t.is(b.readBigInt64LE(a + 24), -86_400n);
  t.is(b.readBigInt64LE(a + 32), BigInt(2 ** 34));
  t.is(b.readUInt32LE(a + 52), 999_999_999);
  t.is(b.readUInt32LE(a + 68), 4_000_000_000);
});

test('a readdirplus record holds a multi-byte name and an offset past 2^63 as the kernel reads them', (t) => {
  const list = new DirBuffer(4096, true);
  const name = 'é-名前';
  t.true(list.add({ name, ino: 42n, type: 8, off: -2n }));
  const b = list.bytes();
  const d = Size.ENTRY_OUT;
  t.is(b.readBigUInt64LE(d), 42n);
  t.is(b.readBigUInt64LE(d + 8), 2n ** 64n - 2n);
  t.is(b.readUInt32LE(d + 16), Buffer.byteLength(name));
  t.is(b.toString('utf8', d + 24, d + 24 + Buffer.byteLength(name)), name);
  t.is(b.length % 8, 0);
});

test('replies built in Node\'s shared buffer pool carry no stale bytes: the same whatever the pool held', (t) => {
  const attr = {
    ino: 7n, size: 1, blocks: 1, atime: { sec: 1, nsec: 0 }, mtime: { sec: 1, nsec: 0 }, ctime: { sec: 1, nsec: 0 },
    mode: 0o100644, nlink: 1, uid: 0, gid: 0, rdev: 0, blksize: 4096,
  };
  const entry = { nodeid: 9n, generation: 0n, entryValid: 1, attrValid: 1, attr };
  /** Fill the pool from here on (the part not yet handed out) with `byte`, then build the replies. */
  const build = (byte: number) => {
    const p = Buffer.allocUnsafe(1);
    new Uint8Array(p.buffer, p.byteOffset + 1).fill(byte);
    return [entryOut(entry), attrOut(attr, 1.5), openOut(5n, 1)];
  };
  for (let round = 0; round < 20; round++) {
    const [e1, a1, o1] = build(0xff);
    const [e0, a0, o0] = build(0x00);
    // Every byte written: what the pool held before cannot show through.
    t.deepEqual(e1, e0);
    t.deepEqual(a1, a0);
    t.deepEqual(o1, o0);
    t.is(a0!.readUInt32LE(12), 0, 'fuse_attr_out.dummy');
    t.is(o0!.readBigUInt64LE(0), 5n);
  }
});

test('requests and replies in slices of a shared buffer are read and written within their slice', (t) => {
  const pool = Buffer.alloc(256, 0xee);
  const req = pool.subarray(64, 64 + Size.IN_HEADER + 8);
  req.writeUInt32LE(req.length, 0);
  req.writeUInt32LE(1, 4); // LOOKUP
  req.writeBigUInt64LE(77n, 8);
  req.writeBigUInt64LE(5n, 16);
  req.writeUInt32LE(1000, 24);
  req.write('name\0', Size.IN_HEADER);
  const h = decodeHeader(req);
  t.is(h.unique, 77n);
  t.is(h.nodeid, 5n);
  t.is(h.uid, 1000);
  // An end past the slice, or not a number, stops at the slice's end: the bytes after it (0xee)
  // are never read as part of the body.
  for (const end of [req.length + 64, Number.NaN]) {
    const r = new Reader(req, Size.IN_HEADER, end);
    t.is(r.remaining, 8);
    t.is(r.u32(), Buffer.from('name').readUInt32LE(0));
    r.u32();
    t.throws(() => r.u32(), { instanceOf: RangeError });
  }
  t.throws(() => decodeHeader(req.subarray(0, Size.IN_HEADER - 1)), { instanceOf: RangeError });
  const into = pool.subarray(8, 8 + Size.OUT_HEADER);
  outHeader(9n, -2, 100, into);
  t.is(into.readUInt32LE(0), Size.OUT_HEADER + 100);
  t.is(into.readInt32LE(4), -2);
  t.is(into.readBigUInt64LE(8), 9n);
  t.is(pool[8 + Size.OUT_HEADER], 0xee, 'nothing written past the header');
  t.throws(() => outHeader(9n, 0, 0, pool.subarray(0, 8)), { instanceOf: RangeError });
});
