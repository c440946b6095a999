import test from 'ava';
import { codesAt, vol } from './helpers.js';

test('an option or subvolumes line outside any volume is refused where it stands', (t) => {
  const text = 'option k v\n' + vol('a', 'type t') + 'subvolumes a\n';
  t.deepEqual(codesAt(text), ['GRAPH_OPTION_OUTSIDE_VOLUME@1:1', 'GRAPH_OPTION_OUTSIDE_VOLUME@5:1']);
});

test('a stray end-volume is a syntax error', (t) => {
  t.deepEqual(codesAt(vol('a', 'type t') + 'end-volume\n'), ['VOLFILE_SYNTAX@4:1']);
});
