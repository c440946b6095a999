import test from 'ava';
import { Dict } from '../../runtime/core/dict.js';
import { IaType, type Iatt } from '../../runtime/core/iatt.js';
import {
  dictFromWire, dictToWire, flockFromWire, flockToWire, gf_statfs, gfx_dict, gfx_iattx, iattFromWire, iattToWire, iattToWireNumbers, serializeDict, statfsFromWire, statfsToWire, unserializeDict, GF_DATA_TYPE,
} from '../../rpc/programs/index.js';
import { decode, encode } from '../../rpc/xdr/index.js';
import { makedev } from '../../native/index.js';

const iatt: Iatt = {
  gfid: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0', ino: 0x8394a5b6c7d8e9f0n, dev: 0xfe00n, type: IaType.DIR, mode: 0o40755, nlink: 2,
  uid: 1000, gid: 100, rdev: 0n, size: 4096, blksize: 4096, blocks: 8, atime: { sec: 1700000000, nsec: 5 },
  mtime: { sec: 1700000001, nsec: 6 }, ctime: { sec: 1700000002, nsec: 7 },
};

test('an Iatt survives the wire, type bits and permissions in one st_mode', (t) => {
  const w = iattToWire(iatt);
  t.is(w.mode, 0o40755);
  t.is(w.ia_flags, 0x17ffn);
  t.deepEqual(iattFromWire(w), iatt);
  const withBirth = { ...iatt, btime: { sec: 1, nsec: 2 } };
  t.deepEqual(iattFromWire(iattToWire(withBirth)), withBirth);
});

test('a Dict becomes a gfx_dict with GlusterFS type numbers, NUL-terminated keys and strings', (t) => {
  const d = new Dict().setStr('glusterfs.entrylk-count', 'x').setInt('n', -3n).setUint('u', 5n).setGfid('gfid-req', iatt.gfid).setBin('b', Buffer.from([1, 2]));
  const w = dictToWire(d);
  t.is(w.count, 5);
  t.deepEqual(w.pairs.map((p) => p.value.type), [GF_DATA_TYPE.STR, GF_DATA_TYPE.INT, GF_DATA_TYPE.UINT, GF_DATA_TYPE.GFUUID, GF_DATA_TYPE.PTR]);
  t.deepEqual(w.pairs[0]!.key, Buffer.from('glusterfs.entrylk-count\0'));
  t.deepEqual(w.pairs[0]!.value.value, Buffer.from('x\0'));
  t.is(w.xdr_size, encode(gfx_dict, w).length - 12);
  t.deepEqual(dictFromWire(decode(gfx_dict, encode(gfx_dict, w))), d);
});

test('a dict\'s xdr_size is the encoded size of its pairs for every value type and key length', (t) => {
  const d = new Dict().setDouble('d', 1.5).set('iatt', { type: 'iatt', value: iatt }).setStr('', '').setStr('abc', 'abcd').setBin('k'.repeat(255), Buffer.alloc(7));
  for (let n = 1; n <= 9; n++) d.setUint('u'.repeat(n), BigInt(n));
  d.setInt('i', -5n).setGfid('g', iatt.gfid);
  const w = dictToWire(d);
  t.is(w.xdr_size, encode(gfx_dict, w).length - 12);
  t.deepEqual(dictFromWire(decode(gfx_dict, encode(gfx_dict, w))), d);
});

test('keys encode the same each time, non-ASCII ones in UTF-8, also past the kept keys\' bound', (t) => {
  const keys = ['trusted.glusterfs.dht.linkto', 'user.ключ', ...Array.from({ length: 1100 }, (_, i) => `user.k${i}`), 'trusted.glusterfs.dht.linkto'];
  for (const key of keys) {
    const w = dictToWire(new Dict().setStr(key, 'v'));
    t.deepEqual(w.pairs[0]!.key, Buffer.from(`${key}\0`, 'utf8'), key);
    t.deepEqual(dictFromWire(decode(gfx_dict, encode(gfx_dict, w)))?.getStr(key), 'v');
  }
});

test('no dict is count -1 on the wire', (t) => {
  t.deepEqual(encode(gfx_dict, dictToWire(undefined)), Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
  t.is(dictFromWire(dictToWire(undefined)), undefined);
});

test('the serialized (pre-4.x) dict keeps text with its NUL and numbers as text', (t) => {
  const d = new Dict().setStr('process-uuid', 'abc').setInt('clnt-lk-version', 1n);
  const b = serializeDict(d);
  t.deepEqual(b.subarray(0, 4), Buffer.from([0, 0, 0, 2]));
  const back = unserializeDict(b);
  t.is(back.getStr('process-uuid'), 'abc');
  t.is(back.getStr('clnt-lk-version'), '1');
  t.true(serializeDict(back).equals(b));
});

test('a statvfs survives the wire with an fsid whose top bit is set (as ext4 often gives)', (t) => {
  const s = { bsize: 4096, frsize: 4096, blocks: 65_000_000, bfree: 20_000_000, bavail: 19_000_000, files: 16_000_000, ffree: 15_000_000, favail: 15_000_000, fsid: 0x9a20025bc1dd1e07n, flag: 4096, namemax: 255 };
  const bytes = encode(gf_statfs, statfsToWire(s));
  t.is(bytes.length, 11 * 8);
  t.is(bytes.readBigUInt64BE(8 * 8), 0x9a20025bc1dd1e07n);
  t.deepEqual(statfsFromWire(decode(gf_statfs, bytes)), s);
  // The same 64 bits reported signed by a translator go out unsigned, not refused.
  const signed = encode(gf_statfs, statfsToWire({ ...s, fsid: BigInt.asIntN(64, 0x9a20025bc1dd1e07n) }));
  t.true(signed.equals(bytes));
});

test('a lock keeps its signed range and owner', (t) => {
  const f = { type: 1, whence: 0, start: 0n, len: -1n, pid: 77, owner: Buffer.from('0102030405060708', 'hex') };
  const w = flockToWire(f);
  t.is(w.len, 0xffffffffffffffffn);
  t.deepEqual(flockFromWire(w), f);
});

test('an iattx built with numbers for its 64-bit fields encodes to the same bytes as the bigint one, sizes and times past 2^53 included', (t) => {
  const base: Iatt = {
    gfid: '5a1e8f9c-2b3d-4e5f-8a9b-0c1d2e3f4a5b', ino: 0x8a9b0c1d2e3f4a5bn, dev: 65024n, type: 1, mode: 0o100640, nlink: 1, uid: 1000, gid: 100,
    rdev: 0n, size: 2 ** 40 + 7, blksize: 4096, blocks: 2 ** 31 + 3,
    atime: { sec: -86_400, nsec: 1 }, mtime: { sec: 2 ** 33, nsec: 999_999_999 }, ctime: { sec: 1_700_000_000, nsec: 5 },
  };
  const huge = { ...base, size: 2 ** 60, blocks: 2 ** 57, mtime: { sec: 1e17, nsec: 0 }, atime: { sec: -1e17, nsec: 0 } };
  for (const i of [base, huge, { ...base, rdev: makedev(8, 1), btime: { sec: 1_600_000_000, nsec: 7 } }]) {
    t.deepEqual(encode(gfx_iattx, iattToWireNumbers(i)), encode(gfx_iattx, iattToWire(i)));
  }
});
