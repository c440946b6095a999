import test from 'ava';
import { codesAt, vol } from './helpers.js';

test('a volume without a type is refused at its name', (t) => {
  t.deepEqual(codesAt(vol('a', 'option k v')), ['GRAPH_MISSING_TYPE@1:8']);
  t.deepEqual(codesAt('volume a\nend-volume\n'), ['GRAPH_MISSING_TYPE@1:8']);
});

test('a type given twice is refused at the second one', (t) => {
  t.deepEqual(codesAt(vol('a', 'type t', 'option k v', 'type u')), ['GRAPH_DUPLICATE_TYPE@4:3']);
});

test('a type that is not the first statement is refused', (t) => {
  t.deepEqual(codesAt(vol('a', 'option k v', 'type t')), ['GRAPH_TYPE_NOT_FIRST@3:3']);
});
