import test from 'ava';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { optionMap, optionRecord } from '../../runtime/graph/model.js';
import { codesAt, vol } from './helpers.js';

test('an option given twice is a warning and the last value wins', (t) => {
  const text = vol('a', 'type t', 'option k 1', 'option j x', 'option k 2');
  t.deepEqual(codesAt(text), ['GRAPH_DUPLICATE_OPTION@5:3']);
  const g = parseVolfileText(text, 't.vol');
  const v = g.volumes[0]!;
  t.deepEqual(v.options.map((o) => o.value), ['1', 'x', '2'], 'file order is kept');
  t.is(optionMap(v).get('k')!.value, '2');
  t.deepEqual(optionRecord(v), { k: '2', j: 'x' });
  t.regex(g.warnings[0]!.message, /also on line 3.*last value `2` wins/);
});
