import test from 'ava';
import { IdTable } from '../../runtime/core/id-table.js';

const v = (n: number) => ({ n });

test('entries set by id are found by it and gone once deleted', (t) => {
  const tab = new IdTable<{ n: number }>(8);
  tab.set(2, v(2));
  tab.set(4, v(4));
  t.is(tab.size, 2);
  t.deepEqual(tab.get(2), { n: 2 });
  t.true(tab.has(4));
  t.false(tab.has(6));
  t.true(tab.delete(2));
  t.false(tab.delete(2));
  t.is(tab.get(2), undefined);
  t.is(tab.size, 1);
});

test('an id whose slot is taken by a request still in flight is kept beside the ring', (t) => {
  const tab = new IdTable<{ n: number }>(8);
  // 1, 9 and 17 share slot 1; 1 is still in flight when the others come.
  for (const id of [1, 9, 17]) tab.set(id, v(id));
  t.is(tab.size, 3);
  for (const id of [1, 9, 17]) t.deepEqual(tab.get(id), { n: id });
  t.true(tab.delete(9));
  t.deepEqual(tab.get(17), { n: 17 });
  t.true(tab.delete(1));
  t.deepEqual(tab.get(17), { n: 17 });
  t.is(tab.get(1), undefined);
  // The freed slot serves the next id that maps to it, and the spilled one is still found.
  tab.set(25, v(25));
  t.deepEqual(tab.get(25), { n: 25 });
  t.deepEqual(tab.get(17), { n: 17 });
  t.is(tab.size, 2);
});

test('setting an id again replaces its entry without counting it twice', (t) => {
  const tab = new IdTable<{ n: number }>(8);
  tab.set(3, v(1));
  tab.set(3, v(2));
  tab.set(11, v(3));
  tab.set(11, v(4));
  t.is(tab.size, 2);
  t.deepEqual(tab.get(3), { n: 2 });
  t.deepEqual(tab.get(11), { n: 4 });
  // 19 spilled (slot 3 taken); slot 3 frees; setting 19 again replaces the spilled entry.
  tab.set(19, v(5));
  tab.delete(3);
  tab.set(19, v(6));
  t.is(tab.size, 2);
  t.deepEqual(tab.get(19), { n: 6 });
  t.true(tab.delete(19));
  t.is(tab.get(19), undefined);
  t.is(tab.size, 1);
});

test('ids up to 2^53 (FUSE uniques) and 0xffffffff (RPC xids) keep their own entries', (t) => {
  const tab = new IdTable<{ n: number }>();
  const big = [2 ** 53 - 2, 0xffffffff, 0x80000000, 2 ** 40 + 6, 6];
  for (const id of big) tab.set(id, v(id));
  for (const id of big) t.deepEqual(tab.get(id), { n: id });
  t.deepEqual([...tab.entries()].map(([id]) => id).sort((a, b) => a - b), [...big].sort((a, b) => a - b));
  for (const id of big) t.true(tab.delete(id));
  t.is(tab.size, 0);
});

test('iteration sees every entry once, also while deleting, and clear empties the table', (t) => {
  const tab = new IdTable<{ n: number }>(4);
  for (let id = 0; id < 10; id++) tab.set(id, v(id));
  const seen: number[] = [];
  for (const [id, e] of tab) {
    seen.push(e.n);
    tab.delete(id);
  }
  t.deepEqual(seen.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.is(tab.size, 0);
  for (let id = 0; id < 6; id++) tab.set(id, v(id));
  t.deepEqual([...tab.values()].map((e) => e.n).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  tab.clear();
  t.is(tab.size, 0);
  t.is(tab.get(5), undefined);
  t.deepEqual([...tab.values()], []);
});

test('a ring size that is not a power of two is refused', (t) => {
  t.throws(() => new IdTable(100), { instanceOf: RangeError, message: /power of two/ });
});
