import test from 'ava';
import { analyzeVolfileText } from '../../runtime/graph/load.js';
import { codesAt, vol } from './helpers.js';

test('a subvolume that is never defined is refused at its name, with a suggestion', (t) => {
  const text = vol('client-0', 'type t') + vol('top', 'type t', 'subvolumes client-O');
  t.deepEqual(codesAt(text), ['GRAPH_UNREACHABLE@1:8', 'GRAPH_UNDEFINED_SUBVOLUME@6:14']);
  const d = analyzeVolfileText(text, 't.vol').diagnostics[1]!;
  t.is(d.hint, 'did you mean `client-0`?');
  t.is(d.volume, 'top');
});

test('a subvolume defined after its parent is refused with its own code', (t) => {
  const text = vol('top', 'type t', 'subvolumes a') + vol('a', 'type t');
  // `a` is now the last volume, hence the top; the old top is unreachable.
  t.deepEqual(codesAt(text), ['GRAPH_UNREACHABLE@1:8', 'GRAPH_SUBVOLUME_DEFINED_LATER@3:14']);
  const d = analyzeVolfileText(text, 't.vol').diagnostics.find((x) => x.code === 'GRAPH_SUBVOLUME_DEFINED_LATER')!;
  t.regex(d.message, /defined on line 5, after volume `top`/);
});

test('a volume listing itself is refused', (t) => {
  t.deepEqual(codesAt(vol('a', 'type t', 'subvolumes a')), ['GRAPH_SELF_REFERENCE@3:14']);
});

test('a child may have several parents', (t) => {
  const text = vol('c', 'type t') + vol('p1', 'type t', 'subvolumes c') + vol('p2', 'type t', 'subvolumes c') + vol('top', 'type t', 'subvolumes p1 p2');
  t.deepEqual(codesAt(text), []);
});
