import test from 'ava';
import { GfsError } from '../../runtime/diagnostics/index.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { codesAt } from './helpers.js';

test('an empty or comment-only volfile is refused', (t) => {
  t.deepEqual(codesAt(''), ['GRAPH_EMPTY@1:1']);
  t.deepEqual(codesAt('# nothing here\n\n'), ['GRAPH_EMPTY@1:1']);
  t.throws(() => parseVolfileText('', 'e.vol'), { instanceOf: GfsError, code: 'GRAPH_EMPTY' });
});
