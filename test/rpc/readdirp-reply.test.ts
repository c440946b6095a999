import test from 'ava';
import fc from 'fast-check';
import { decode, encode, RpcDecodeError } from '../../rpc/xdr/index.js';
import { clientReplyOf, dictFromWire, dictToWire, emptyIattx, gfx_readdirp_rsp, iattFromWire, iattToWire, isEmptyIattx, NO_DICT } from '../../rpc/programs/index.js';
import type { DirEntry } from '../../runtime/fops/types.js';
import { direntsOf, type ClientDirplist } from '../../xlators/protocol/client/replies.js';
import { Dict } from '../../runtime/core/dict.js';
import { IaType, type Iatt } from '../../runtime/core/iatt.js';
import { arbitraryOf } from './helpers/arbitrary.js';

type Rsp = ReturnType<typeof gfx_readdirp_rsp.decode>;

type Dirplist = ReturnType<typeof gfx_readdirp_rsp.decode>['reply'][number];

/** The reference: a readdirp entry from the declared message, converted field by field. */
function direntFromWire(e: Dirplist): DirEntry {
  const out: DirEntry = { name: e.name, offset: e.d_off, ino: e.d_ino, type: e.d_type };
  if (!isEmptyIattx(e.stat)) out.stat = iattFromWire(e.stat);
  const dict = dictFromWire(e.dict);
  if (dict) out.dict = dict;
  return out;
}

/** What the declared message and direntFromWire make of the bytes. */
function reference(bytes: Buffer) {
  const v = decode(gfx_readdirp_rsp, bytes);
  return { op_ret: v.op_ret, op_errno: v.op_errno, xdata: v.xdata, reply: v.reply.map(direntFromWire) };
}

/** What protocol/client makes of them: its reply decoder, then direntsOf. */
function client(bytes: Buffer) {
  const v = decode(clientReplyOf(gfx_readdirp_rsp), bytes) as { op_ret: number; op_errno: number; xdata: unknown; reply: ClientDirplist[] };
  return { op_ret: v.op_ret, op_errno: v.op_errno, xdata: v.xdata, reply: direntsOf(v.reply) };
}

test('the client\'s readdirp decoding gives what the declared message and direntFromWire give, for any reply', (t) => {
  fc.assert(
    fc.property(arbitraryOf(gfx_readdirp_rsp), (msg: Rsp) => {
      const bytes = encode(gfx_readdirp_rsp, msg);
      t.deepEqual(client(bytes), reference(bytes));
    }),
    { numRuns: 300 },
  );
});

test('sizes, times and inode numbers past 2^32 and 2^53, negative times, btime, empty stats and entry dicts decode as the reference does', (t) => {
  const iatt = (over: Partial<Iatt>): Iatt => ({
    gfid: '9f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b', ino: 0xfedcba9876543210n, dev: 2049n, type: IaType.REG, mode: 0o100644, nlink: 1, uid: 1000, gid: 100,
    rdev: 0n, size: 2 ** 40 + 5, blksize: 4096, blocks: 2 ** 33, atime: { sec: -86_400, nsec: 1 }, mtime: { sec: 2 ** 34, nsec: 999_999_999 }, ctime: { sec: 0, nsec: 0 }, ...over,
  });
  const entries = [
    { d_ino: 1n, d_off: 0xffffffffffffffffn, d_len: 1, d_type: 4, name: '.', stat: emptyIattx(), dict: NO_DICT },
    { d_ino: 7n, d_off: 1n << 62n, d_len: 4, d_type: 8, name: 'file', stat: iattToWire(iatt({})), dict: NO_DICT },
    { d_ino: 8n, d_off: 3n, d_len: 6, d_type: 8, name: 'größe', stat: iattToWire(iatt({ size: 2 ** 53 + 2, btime: { sec: 1_700_000_000, nsec: 5 } })), dict: NO_DICT },
    { d_ino: 9n, d_off: 4n, d_len: 3, d_type: 2, name: 'dev', stat: iattToWire(iatt({ type: IaType.CHR, mode: 0o20600, rdev: 0x0801n })), dict: NO_DICT },
    // Partly empty stats are stats: only a zero gfid, mode and inode number together mean "none".
    { d_ino: 10n, d_off: 5n, d_len: 1, d_type: 0, name: 'a', stat: { ...emptyIattx(), ia_ino: 5n }, dict: NO_DICT },
    { d_ino: 11n, d_off: 6n, d_len: 1, d_type: 0, name: 'b', stat: { ...emptyIattx(), mode: 0o100644 }, dict: NO_DICT },
    { d_ino: 12n, d_off: 7n, d_len: 1, d_type: 0, name: 'c', stat: { ...emptyIattx(), ia_gfid: Buffer.alloc(16, 1) }, dict: NO_DICT },
  ];
  const withDict = new Dict().setStr('trusted.glusterfs.dht.linkto', 'vol-client-1');
  const bytes = encode(gfx_readdirp_rsp, { op_ret: entries.length, op_errno: 0, xdata: NO_DICT, reply: entries.map((e, i) => (i === 1 ? { ...e, dict: dictToWire(withDict) } : e)) });
  const fast = client(bytes);
  t.deepEqual(fast, reference(bytes));
  t.is(fast.reply[0]!.stat, undefined);
  t.is(fast.reply[1]!.stat!.size, 2 ** 40 + 5);
  t.is(fast.reply[1]!.stat!.atime.sec, -86_400);
  t.is(fast.reply[1]!.dict!.getStr('trusted.glusterfs.dht.linkto'), 'vol-client-1');
  t.deepEqual(fast.reply[2]!.stat!.btime, { sec: 1_700_000_000, nsec: 5 });
  t.is(fast.reply[2]!.name, 'größe');
  t.is(fast.reply[4]!.stat!.ino, 5n);
  t.is(fast.reply[5]!.stat!.mode, 0o100644);
  t.is(fast.reply[6]!.stat!.gfid, '01010101-0101-0101-0101-010101010101');
});

test('a readdirp reply cut anywhere is a decode error for the client\'s decoder, as for the declared message', (t) => {
  const entries = Array.from({ length: 3 }, (_, i) => ({ d_ino: BigInt(i), d_off: BigInt(i + 1), d_len: 2, d_type: 8, name: `f${i}`, stat: emptyIattx(), dict: NO_DICT }));
  const bytes = encode(gfx_readdirp_rsp, { op_ret: 3, op_errno: 0, xdata: NO_DICT, reply: entries });
  for (let cut = 0; cut < bytes.length; cut++) {
    const part = bytes.subarray(0, cut);
    t.throws(() => decode(gfx_readdirp_rsp, part), { instanceOf: RpcDecodeError });
    t.throws(() => decode(clientReplyOf(gfx_readdirp_rsp), part), { instanceOf: RpcDecodeError }, `cut at ${cut}`);
  }
});
