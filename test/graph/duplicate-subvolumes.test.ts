import test from 'ava';
import { codesAt, vol } from './helpers.js';

test('a second subvolumes line is refused', (t) => {
  const text = vol('a', 'type t') + vol('b', 'type t') + vol('top', 'type t', 'subvolumes a', 'subvolumes b');
  t.deepEqual(codesAt(text), ['GRAPH_UNREACHABLE@4:8', 'GRAPH_DUPLICATE_SUBVOLUMES@10:3']);
});
