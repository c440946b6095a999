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
  t.is(gfidToIno(ROOT_GFID), 1n);
  t.is(gfidToIno('00000000-0000-0000-0102-030405060708'), 0x0102030405060708n);
});

test('system errors become FopErrors with their errno', (t) => {
  const e = FopError.from(Object.assign(new Error('x'), { code: 'ENOENT' }));
  t.is(e.code, 'ENOENT');
  t.is(e.errno, 2);
  t.is(FopError.from(new Error('weird')).code, 'EIO');
});
