import test from 'ava';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { codesAt, vol } from './helpers.js';

test('a volume the top does not reach is a warning, and the graph still loads', (t) => {
  const text = vol('orphan', 'type t') + vol('a', 'type t') + vol('top', 'type t', 'subvolumes a');
  t.deepEqual(codesAt(text), ['GRAPH_UNREACHABLE@1:8']);
  const g = parseVolfileText(text, 't.vol');
  t.is(g.top, 'top');
  t.deepEqual(g.warnings.map((w) => [w.code, w.severity, w.volume]), [['GRAPH_UNREACHABLE', 'warning', 'orphan']]);
});
