import test from 'ava';
import { RpcDecodeError, RpcEncodeError, XdrReader, XdrWriter, array, decode, encode, fixed, hyper, list, opaque, optional, string, struct, uhyper, uint, union, int } from '../../rpc/xdr/index.js';

test('opaque data is padded to four bytes and its length comes first', (t) => {
  t.deepEqual(encode(opaque(), Buffer.from('abcde')), Buffer.from('00000005616263646500000000'.slice(0, 24), 'hex'));
  t.deepEqual(encode(fixed(3), Buffer.from('abc')), Buffer.from('61626300', 'hex'));
  t.deepEqual(encode(string(), ''), Buffer.alloc(4));
});

test('strings are counted UTF-8, padded to four bytes, byte for byte as Buffer.from encodes them', (t) => {
  // The writer encodes text in place; this is what the wire must carry, built the plain way.
  const expected = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b, Buffer.alloc((4 - (b.length & 3)) & 3)]);
  };
  const names = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é', 'ü.txt', '日本語のファイル', '😀x', 'x\ud800y', '\udc00', 'z'.repeat(255), 'ä'.repeat(1000)];
  for (const s of names) t.deepEqual(encode(string(), s), expected(s), JSON.stringify(s));
  // Several in one writer: each starts where the last one's padding ends.
  const w = new XdrWriter(8);
  for (const s of names) w.string(s, 4096);
  t.deepEqual(w.finish(), Buffer.concat(names.map(expected)));
  // The maximum counts bytes, not characters.
  t.notThrows(() => encode(string(4), 'éé'));
  t.throws(() => encode(string(4), 'ééé'), { instanceOf: RpcEncodeError, message: /6 bytes exceeds its maximum 4/ });
});

test('hypers are 64-bit bigints, signed and unsigned', (t) => {
  t.deepEqual(encode(hyper, -1n), Buffer.alloc(8, 0xff));
  t.is(decode(uhyper, Buffer.alloc(8, 0xff)), 0xffffffffffffffffn);
  t.throws(() => encode(uhyper, -1n), { instanceOf: RpcEncodeError });
  t.throws(() => encode(int, 2 ** 31), { instanceOf: RpcEncodeError });
});

test('a length past its declared maximum or past the bytes left is a decode error', (t) => {
  t.throws(() => decode(opaque(4), encode(opaque(), Buffer.alloc(8))), { instanceOf: RpcDecodeError, message: /maximum 4/ });
  t.throws(() => decode(opaque(), Buffer.from('7fffffff', 'hex')), { instanceOf: RpcDecodeError, message: /bytes left/ });
  t.throws(() => decode(array(uint), Buffer.from('10000000', 'hex')), { instanceOf: RpcDecodeError });
  t.throws(() => encode(string(2), 'abc'), { instanceOf: RpcEncodeError });
});

test('leftover bytes after a message are refused', (t) => {
  t.throws(() => decode(uint, Buffer.alloc(8)), { instanceOf: RpcDecodeError, message: /unexpected bytes/ });
});

test('unions, optional data and linked lists', (t) => {
  const u = union({ 1: uint, 2: string() });
  t.deepEqual(decode(u, encode(u, { type: 2, value: 'x' })), { type: 2, value: 'x' });
  t.throws(() => decode(u, Buffer.from('0000000300000000', 'hex')), { instanceOf: RpcDecodeError, message: /no arm/ });
  const o = optional(uint);
  t.deepEqual(encode(o, null), Buffer.alloc(4));
  const l = list(struct({ n: uint }));
  t.deepEqual(encode(l, [{ n: 1 }, { n: 2 }]), Buffer.from('00000001000000010000000100000002' + '00000000', 'hex'));
  t.deepEqual(decode(l, encode(l, [{ n: 1 }, { n: 2 }])), [{ n: 1 }, { n: 2 }]);
  t.throws(() => decode(optional(uint), Buffer.from('00000002', 'hex')), { instanceOf: RpcDecodeError, message: /bool/ });
});

test('hypers round-trip byte-exact on both sides of the double-precision fast path', (t) => {
  const signed = [0n, 1n, -1n, 0xffffffffn, 0x100000000n, -0x100000000n, -0x100000001n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
  for (const v of signed) {
    const ref = Buffer.alloc(8);
    ref.writeBigInt64BE(v);
    t.deepEqual(encode(hyper, v), ref, `encode ${v}`);
    t.is(decode(hyper, ref), v, `decode ${v}`);
  }
  const unsigned = [0n, 0xffffffffn, 0x100000000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n];
  for (const v of unsigned) {
    const ref = Buffer.alloc(8);
    ref.writeBigUInt64BE(v);
    t.deepEqual(encode(uhyper, v), ref, `encode ${v}`);
    t.is(decode(uhyper, ref), v, `decode ${v}`);
  }
});

test('a reader over a slice of a shared buffer never reads past the slice, whatever end it is given', (t) => {
  const pool = Buffer.alloc(64, 0xaa);
  const slice = pool.subarray(8, 16);
  slice.writeUInt32BE(7, 0);
  const r = new XdrReader(slice, 0, 64);
  t.is(r.uint(), 7);
  t.is(r.remaining, 4);
  r.uint();
  t.throws(() => r.uint(), { instanceOf: RpcDecodeError, message: /truncated/ });
  t.is(new XdrReader(slice, -4).uint(), 7, 'a negative start reads from the slice, not the bytes before it');
  t.is(new XdrReader(slice, Number.NaN).uint(), 7, 'so does a start that is not a number');
  const unbounded = new XdrReader(slice, 0, Number.NaN);
  t.is(unbounded.remaining, 8, 'an end that is not a number is the slice end');
  const moved = new XdrReader(slice);
  moved.pos = -4;
  t.throws(() => moved.uint(), { instanceOf: RpcDecodeError }, 'a position moved before the slice reads nothing');
});

test('a writer patches only words it has written', (t) => {
  const w = new XdrWriter(8);
  w.uint(1);
  w.uint(2);
  w.patchUint(4, 9);
  t.deepEqual(w.finish(), Buffer.from('0000000100000009', 'hex'));
  t.throws(() => w.patchUint(8, 1), { instanceOf: RangeError });
  t.throws(() => w.patchUint(-4, 1), { instanceOf: RangeError });
});

test('a writer that outgrows its buffer keeps what it wrote', (t) => {
  const w = new XdrWriter(4);
  for (let i = 0; i < 100; i++) w.uint(i);
  w.hyper(-2n);
  const out = w.finish();
  t.is(out.length, 408);
  t.is(out.readUInt32BE(396), 99);
  t.is(out.readBigInt64BE(400), -2n);
});
