import test from 'ava';
import { bufferView } from '../../runtime/core/bytes.js';

test('bufferView is a view of the whole ArrayBuffer, addressed by the slice offset', (t) => {
  const whole = Buffer.alloc(64);
  const slice = whole.subarray(20, 28);
  const d = bufferView(slice);
  t.is(d.buffer, whole.buffer);
  d.setUint32(slice.byteOffset, 0xdeadbeef);
  t.is(slice.readUInt32BE(0), 0xdeadbeef);
  t.is(whole.readUInt32BE(20), 0xdeadbeef);
});

test('bufferView reuses the view of either of the last two ArrayBuffers and replaces the older', (t) => {
  const a = Buffer.alloc(16);
  const b = Buffer.alloc(16);
  const c = Buffer.alloc(16);
  const va = bufferView(a);
  const vb = bufferView(b);
  t.is(bufferView(a.subarray(4)), va, 'a again, after b');
  t.is(bufferView(b.subarray(8)), vb, 'b again, after a');
  const vc = bufferView(c); // a was used least recently: it goes
  t.is(vc.buffer, c.buffer);
  t.is(bufferView(b), vb);
  t.not(bufferView(a), va, 'a was dropped and gets a new view');
  t.is(bufferView(a).buffer, a.buffer);
});
