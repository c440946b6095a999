import test from 'ava';
import { deitransform, itransform, origOffset } from '../../xlators/cluster/distribute/offsets.js';

test('small offsets encode as offset * N + index and decode back exactly', (t) => {
  for (const n of [2, 3, 5]) {
    for (const x of [1n, 2n, 77n, 123456789n]) {
      for (let i = 0; i < n; i++) {
        const y = itransform(x, i, n);
        t.is(y, x * BigInt(n) + BigInt(i));
        t.is(deitransform(y, n), i);
        t.is(origOffset(y, n), x);
      }
    }
  }
});

test('huge (ext4 hash) offsets keep the subvolume in the low bits and lose only those bits', (t) => {
  const x = 0x5a5a5a5a12345678n; // below 2^63, above the small range
  for (let i = 0; i < 3; i++) {
    const y = itransform(x, i, 3);
    t.true((y & (1n << 62n)) !== 0n);
    t.is(deitransform(y, 3), i);
    const back = origOffset(y, 3);
    t.true(back <= x && x - back < 8n);
  }
  t.is(itransform(0n, 2, 3), 0n);
  t.is(itransform((1n << 64n) - 1n, 2, 3), (1n << 64n) - 1n);
  t.is(itransform(42n, 0, 1), 42n);
});
