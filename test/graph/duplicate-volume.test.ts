import test from 'ava';
import { analyzeVolfileText } from '../../runtime/graph/load.js';
import { codesAt, vol } from './helpers.js';

test('a volume defined twice is refused at the second definition', (t) => {
  const text = vol('a', 'type t') + vol('a', 'type t') + vol('top', 'type t', 'subvolumes a');
  t.deepEqual(codesAt(text), ['GRAPH_DUPLICATE_VOLUME@4:8']);
  const d = analyzeVolfileText(text, 't.vol').diagnostics[0]!;
  t.regex(d.message, /defined twice \(first defined on line 1\)/);
});
