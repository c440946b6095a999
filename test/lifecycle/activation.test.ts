import test from 'ava';
import { activateGraph, createGraph } from '../../runtime/graph/create.js';
import { createFrame } from '../../runtime/core/frame.js';
import { FOP_NAMES } from '../../runtime/fops/table.js';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { recordingXlators, spec, type Journal } from '../helpers/recording.js';

const chain = spec([
  { name: 'brick', type: 'test/leaf' },
  { name: 'middle', type: 'test/filter', subvolumes: ['brick'] },
  { name: 'top', type: 'test/filter', subvolumes: ['middle'] },
]);

test('init runs top-down, PARENT_UP travels down and CHILD_UP comes back up to the top', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await createGraph(chain, { xlators: recordingXlators(journal) });
  const topEvents: string[] = [];
  graph.on('event', (e) => topEvents.push(e.type));
  await graph.activate();
  t.deepEqual(journal.lines, [
    'init top',
    'init middle',
    'init brick',
    'top got PARENT_UP',
    'middle got PARENT_UP from top',
    'brick got PARENT_UP from middle',
    'middle got CHILD_UP from brick',
    'top got CHILD_UP from middle',
  ]);
  t.deepEqual(topEvents, ['GRAPH_NEW', 'CHILD_UP']);
  t.is(graph.lastTopEvent, 'CHILD_UP');
  await graph.teardown();
});

test('teardown sends PARENT_DOWN first and finis bottom-up', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(chain, { xlators: recordingXlators(journal) });
  journal.lines.length = 0;
  await graph.teardown();
  t.deepEqual(journal.lines, [
    'top got PARENT_DOWN',
    'middle got PARENT_DOWN from top',
    'brick got PARENT_DOWN from middle',
    'middle got CHILD_DOWN from brick',
    'top got CHILD_DOWN from middle',
    'fini brick',
    'fini middle',
    'fini top',
  ]);
  t.is(graph.state, 'stopped');
});

test('every fop passes through translators that do not implement it, to the first child', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(chain, { xlators: recordingXlators(journal) });
  const frame = createFrame();
  for (const name of FOP_NAMES) {
    const result = (await (graph.fops[name] as (f: unknown, a: unknown) => Promise<{ xdata: { getStr(k: string): string } }>)(frame, {})) ;
    t.is(result.xdata.getStr('answeredBy'), 'brick', name);
    t.is(result.xdata.getStr('fop'), name);
  }
  t.is(journal.lines.filter((l) => l.startsWith('brick answered')).length, FOP_NAMES.length);
  await graph.teardown();
});

test('a child with two parents gets PARENT_UP from each and reports CHILD_UP to each', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(
    spec([
      { name: 'brick', type: 'test/leaf' },
      { name: 'left', type: 'test/filter', subvolumes: ['brick'] },
      { name: 'right', type: 'test/filter', subvolumes: ['brick'] },
      { name: 'top', type: 'test/filter', subvolumes: ['left', 'right'] },
    ]),
    { xlators: recordingXlators(journal) },
  );
  const lines = journal.lines;
  t.true(lines.includes('brick got PARENT_UP from left'));
  t.true(lines.includes('brick got PARENT_UP from right'));
  t.true(lines.includes('left got CHILD_UP from brick'));
  t.true(lines.includes('right got CHILD_UP from brick'));
  t.true(lines.includes('top got CHILD_UP from left'));
  t.true(lines.includes('top got CHILD_UP from right'));
  t.deepEqual(graph.get('brick')!.parents.map((p) => p.name), ['left', 'right']);
  await graph.teardown();
});

test('an init failure fails activation naming the translator and finis those already initialised', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await createGraph(chain, { xlators: recordingXlators(journal, { failInit: 'middle' }) });
  const err = await t.throwsAsync(graph.activate(), { instanceOf: GfsError });
  t.is(err?.code, 'XLATOR_INIT_FAILED');
  t.is(err?.volume, 'middle');
  t.regex(err!.message, /middle \(test\/filter\) failed to initialise: bad config/);
  t.deepEqual(journal.lines, ['init top', 'init middle', 'fini top']);
  t.is(graph.state, 'failed');
});

test('a graph can be activated, torn down and activated again without leaking timers or listeners', async (t) => {
  const journal: Journal = { lines: [] };
  const xlators = recordingXlators(journal);
  const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  for (let i = 0; i < 25; i++) {
    const graph = await activateGraph(chain, { xlators });
    t.is(graph.lastTopEvent, 'CHILD_UP');
    await graph.teardown();
    t.is(graph.listenerCount('event'), 0);
    t.is(graph.itable.lruSize, 0);
  }
  const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  t.is(after, before);
  t.is(journal.lines.filter((l) => l === 'init brick').length, 25);
  t.is(journal.lines.filter((l) => l === 'fini brick').length, 25);
});
