import test from 'ava';
import { activateGraph } from '../../runtime/graph/create.js';
import { reconfigureGraph } from '../../runtime/graph/reconfigure.js';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { recordingXlators, spec, type Journal } from '../helpers/recording.js';

const volumes = (level: string) =>
  spec([
    { name: 'brick', type: 'test/leaf' },
    { name: 'top', type: 'test/filter', subvolumes: ['brick'], options: [{ key: 'level', value: level }] },
  ]);

test('reconfigure validates the new options and calls reconfigure only where they changed', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(volumes('2'), { xlators: recordingXlators(journal) });
  t.teardown(() => graph.teardown());
  t.is(graph.get('top')!.options.level, 2);
  const changed = await reconfigureGraph(graph, volumes('7'));
  t.deepEqual(changed, ['top']);
  t.true(journal.lines.includes('reconfigure top level=7'));
  t.is(graph.get('top')!.options.level, 7);
});

test('reconfigure refuses an invalid value with the same diagnostics as loading, keeping the old options', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(volumes('2'), { xlators: recordingXlators(journal) });
  t.teardown(() => graph.teardown());
  const err = await t.throwsAsync(reconfigureGraph(graph, volumes('11')), { instanceOf: GfsError });
  t.is(err?.code, 'OPTION_OUT_OF_RANGE');
  t.is(err?.volume, 'top');
  t.is(graph.get('top')!.options.level, 2);
});

test('reconfigure refuses a volfile whose names or types changed', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(volumes('2'), { xlators: recordingXlators(journal) });
  t.teardown(() => graph.teardown());
  const other = spec([
    { name: 'brick', type: 'test/leaf' },
    { name: 'renamed', type: 'test/filter', subvolumes: ['brick'] },
  ]);
  const err = await t.throwsAsync(reconfigureGraph(graph, other), { instanceOf: GfsError });
  t.is(err?.code, 'GRAPH_RECONFIGURE_INCOMPATIBLE');
});

test('an unknown option at load names the volume, the type and the nearest valid key', async (t) => {
  const journal: Journal = { lines: [] };
  const bad = spec([
    { name: 'brick', type: 'test/leaf' },
    { name: 'top', type: 'test/filter', subvolumes: ['brick'], options: [{ key: 'levle', value: '1' }] },
  ]);
  const err = await t.throwsAsync(activateGraph(bad, { xlators: recordingXlators(journal) }), { instanceOf: GfsError });
  t.is(err?.code, 'OPTION_UNKNOWN');
  t.is(err?.volume, 'top');
  t.is(err?.xlatorType, 'test/filter');
  t.regex(err!.format(), /level/);
  t.deepEqual(journal.lines, [], 'no init ran');
});

test('a translator with the wrong number of subvolumes is refused before any init', async (t) => {
  const journal: Journal = { lines: [] };
  const bad = spec([
    { name: 'a', type: 'test/leaf' },
    { name: 'b', type: 'test/leaf', subvolumes: ['a'] },
  ]);
  const err = await t.throwsAsync(activateGraph(bad, { xlators: recordingXlators(journal) }), { instanceOf: GfsError });
  t.is(err?.code, 'XLATOR_CHILDREN');
  t.deepEqual(journal.lines, []);
});
