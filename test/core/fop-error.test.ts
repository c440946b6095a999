import test from 'ava';
import { E, FopError } from '../../runtime/core/fop-error.js';

test('a FopError carries its errno, its code and a message naming both', (t) => {
  const e = new FopError(E.ENOENT, 'f is gone');
  t.true(e instanceof Error);
  t.is(e.errno, E.ENOENT);
  t.is(e.code, 'ENOENT');
  t.is(e.message, 'ENOENT: f is gone');
  t.is(e.name, 'FopError');
});

test('the shared answer for an errno is one frozen FopError per errno', (t) => {
  const a = FopError.of(E.ENOENT);
  t.is(FopError.of(E.ENOENT), a);
  t.not(FopError.of(E.EEXIST), a);
  t.true(a instanceof FopError && a instanceof Error);
  t.is(a.errno, E.ENOENT);
  t.is(a.code, 'ENOENT');
  t.is(a.message, 'ENOENT');
  t.true(Object.isFrozen(a));
  // A handler cannot attach anything to an answer other requests share (ES modules are strict).
  t.throws(() => Object.assign(a, { cause: 'mine' }), { instanceOf: TypeError });
});

test('an unknown errno still gets a code', (t) => {
  t.is(FopError.of(4095).code, 'E4095');
});
