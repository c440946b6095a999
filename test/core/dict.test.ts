import test from 'ava';
import { Dict } from '../../runtime/core/dict.js';
import { FopError } from '../../runtime/core/fop-error.js';
import { gfidFromBuffer, gfidToBuffer, gfidToIno, ROOT_GFID, newGfid } from '../../runtime/core/gfid.js';

test('a dict keeps each value with its type', (t) => {
  const d = Dict.from({ s: 'text', n: 5, f: 1.5, b: Buffer.from('v\0') });
  t.deepEqual(d.get('s'), { type: 'str', value: 'text' });
  t.deepEqual(d.get('n'), { type: 'int', value: 5n });
  t.deepEqual(d.get('f'), { type: 'double', value: 1.5 });
  t.is(d.getStr('b'), 'v', 'binary xattr values read as text lose the trailing NUL');
  t.is(d.getInt('n'), 5n);
});

test('gfids convert between text and 16 bytes, and the root is inode 1', (t) => {
  const g = newGfid();
  t.is(gfidFromBuffer(gfidToBuffer(g)), g);
  // Every byte value in every position (distinct nibbles, so a swap shows), from a view into a
  // larger buffer.
  for (let v = 0; v < 256; v++) {
    const b = Buffer.from(Array.from({ length: 20 }, (_, i) => (v + i * 37) & 255));
    const want = b.toString('hex', 2, 18).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    t.is(gfidFromBuffer(b.subarray(2, 18)), want);
  }
  const mixed = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  t.is(gfidFromBuffer(mixed), '00112233-4455-6677-8899-aabbccddeeff');
  t.throws(() => gfidFromBuffer(Buffer.alloc(15)), { instanceOf: RangeError });
  // Text to bytes: canonical, upper case, and forms the fast path hands to the general one.
  for (let i = 0; i < 200; i++) {
    const text = newGfid();
    t.deepEqual(gfidToBuffer(text), Buffer.from(text.replace(/-/g, ''), 'hex'));
    t.deepEqual(gfidToBuffer(text.toUpperCase()), Buffer.from(text.replace(/-/g, ''), 'hex'));
  }
  t.deepEqual(gfidToBuffer('00112233445566778899aabbccddeeff'), mixed);
  // Odd text of the canonical length goes the general way: the four dash positions dropped.
  const general = (g: string) => Buffer.from(g.slice(0, 8) + g.slice(9, 13) + g.slice(14, 18) + g.slice(19, 23) + g.slice(24), 'hex');
  for (const odd of ['0011223x-4455-6677-8899-aabbccddeeff', '00112233-4455-6677-8899-aabbccddeef\u00e9', '00112233-4455-6677-8899+aabbccddeeff']) {
    t.deepEqual(gfidToBuffer(odd), general(odd), odd);
  }
  t.is(gfidToIno(ROOT_GFID), 1n);
  t.is(gfidToIno('00000000-0000-0000-0102-030405060708'), 0x0102030405060708n);
  // The inode number is the gfid's last 8 bytes, for every gfid, whatever the case of its digits.
  for (let i = 0; i < 200; i++) {
    const g = newGfid();
    t.is(gfidToIno(g), gfidToBuffer(g).readBigUInt64BE(8), g);
    t.is(gfidToIno(g.toUpperCase()), gfidToBuffer(g).readBigUInt64BE(8));
  }
  t.is(gfidToIno('00000000-0000-0000-ffff-ffffffffffff'), 0xffffffffffffffffn);
  t.is(gfidToIno('00000000-0000-0000-8000-000000000000'), 0x8000000000000000n);
});

test('system errors become FopErrors with their errno', (t) => {
  const e = FopError.from(Object.assign(new Error('x'), { code: 'ENOENT' }));
  t.is(e.code, 'ENOENT');
  t.is(e.errno, 2);
  t.is(FopError.from(new Error('weird')).code, 'EIO');
});
