import test from 'ava';
import { GfsError } from '../../runtime/diagnostics/index.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { vol } from './helpers.js';

test('every problem is collected into one error, in file order', (t) => {
  const text = vol('a', 'option k v') + vol('a', 'type t', 'type u') + vol('top', 'type t', 'subvolumes a zz top');
  const err = t.throws(() => parseVolfileText(text, 't.vol'), { instanceOf: GfsError })!;
  t.deepEqual(
    err.diagnostics.map((d) => d.code),
    ['GRAPH_MISSING_TYPE', 'GRAPH_DUPLICATE_VOLUME', 'GRAPH_DUPLICATE_TYPE', 'GRAPH_UNDEFINED_SUBVOLUME', 'GRAPH_SELF_REFERENCE'],
  );
  t.regex(err.message, /and 4 more problems/);
  const formatted = err.format(text);
  t.true(formatted.startsWith('t.vol:1:8: error: volume `a` has no `type`'));
});
