import test from 'ava';
import v8 from 'node:v8';
import { withFields } from '../../runtime/core/objects.js';

// %HaveSameMap says whether two objects share V8's hidden class; the flag is read when a
// function is parsed, so the probe is compiled after setting it.
v8.setFlagsFromString('--allow-natives-syntax');
const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const base = () => ({ buf: { size: 1 }, postparent: { size: 2 }, inode: undefined as unknown });

test('withFields copies the base, sets the patch and leaves the base alone', (t) => {
  const b = base();
  const out = withFields(b, { xdata: 'x', buf: { size: 9 } });
  t.deepEqual(out, { buf: { size: 9 }, postparent: { size: 2 }, inode: undefined, xdata: 'x' });
  t.deepEqual(b, base());
  t.not(out as object, b);
});

test('copies that add a key share one hidden class, call after call', (t) => {
  const copy = (i: number) => withFields(base(), { xdata: i });
  for (let i = 0; i < 2000; i++) copy(i);
  t.true(sameHiddenClass(copy(1), copy(2)));
});
