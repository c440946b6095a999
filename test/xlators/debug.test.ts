import test from 'ava';
import { activateGraph } from '../../runtime/graph/create.js';
import { createFrame } from '../../runtime/core/frame.js';
import { FopError } from '../../runtime/core/fop-error.js';
import { Dict } from '../../runtime/core/dict.js';
import { FOP_NAMES, MODIFYING_FOPS } from '../../runtime/fops/table.js';
import { setLogSink } from '../../runtime/log/logger.js';
import trace from '../../xlators/debug/trace/index.js';
import ioStats from '../../xlators/debug/io-stats/index.js';
import readOnly from '../../xlators/features/read-only/index.js';
import { recordingXlators, spec, type Journal } from '../helpers/recording.js';

const call = (graph: { fops: Record<string, unknown> }, name: string, args: object, pid = 1) =>
  (graph.fops[name] as (f: unknown, a: unknown) => Promise<unknown>)(createFrame({ pid }), args);

function over(type: string, options: Array<{ key: string; value: string }> = []) {
  const journal: Journal = { lines: [] };
  return {
    journal,
    start: () =>
      activateGraph(
        spec([
          { name: 'brick', type: 'test/leaf' },
          { name: 'dbg', type, subvolumes: ['brick'], options },
        ]),
        { xlators: { ...recordingXlators(journal), 'debug/trace': trace, 'debug/io-stats': ioStats, 'features/read-only': readOnly } },
      ),
  };
}

test.serial('debug/trace logs every fop with its arguments and its result', async (t) => {
  const lines: string[] = [];
  const old = setLogSink((l) => lines.push(l));
  t.teardown(() => setLogSink(old));
  const { start } = over('debug/trace');
  const graph = await start();
  for (const name of FOP_NAMES) await call(graph, name, { loc: { path: `/file-for-${name}` } });
  for (const name of FOP_NAMES) {
    t.true(lines.some((l) => l.includes(`: ${name} (uid=0`) && l.includes(`/file-for-${name}`)), `call of ${name} logged`);
    t.true(lines.some((l) => l.includes(`: ${name} => ok`) && l.includes(`"fop":"${name}"`)), `result of ${name} logged`);
  }
  await graph.teardown();
});

test.serial('debug/trace logs the errno of a failed fop and exclude-ops silences a fop', async (t) => {
  const lines: string[] = [];
  const old = setLogSink((l) => lines.push(l));
  t.teardown(() => setLogSink(old));
  const { start } = over('debug/trace', [{ key: 'exclude-ops', value: 'stat,fstat' }]);
  const graph = await start();
  await call(graph, 'stat', { loc: { path: '/quiet' } });
  t.false(lines.some((l) => l.includes('/quiet')));
  await graph.teardown();
});

test('debug/io-stats counts every fop and the bytes written', async (t) => {
  const { start } = over('debug/io-stats');
  const graph = await start();
  await call(graph, 'writev', { data: Buffer.alloc(4096) });
  await call(graph, 'writev', { data: Buffer.alloc(100) });
  await call(graph, 'lookup', { loc: { path: '/' } });
  const dump = graph.get('dbg')!.dump().state as { bytesWritten: number; fops: Record<string, { calls: number; errors: number }> };
  t.is(dump.fops.writev!.calls, 2);
  t.is(dump.fops.lookup!.calls, 1);
  t.is(dump.bytesWritten, 4196);
  t.false('stat' in dump.fops);
  await graph.teardown();
});

test('features/read-only refuses every modifying fop with EROFS and lets reads through', async (t) => {
  const { start, journal } = over('features/read-only', [{ key: 'read-only', value: 'on' }]);
  const graph = await start();
  const counters = Dict.from({ 'trusted.afr.vol-client-0': Buffer.from([0, 0, 0, 1]) });
  for (const name of MODIFYING_FOPS) {
    const err = await t.throwsAsync(call(graph, name, { dict: counters }), { instanceOf: FopError }, name);
    t.is(err?.code, 'EROFS', name);
  }
  const openForWrite = await t.throwsAsync(call(graph, 'open', { flags: 0o2 }), { instanceOf: FopError });
  t.is(openForWrite?.code, 'EROFS');
  // An xattrop that adds zero only reads the counters: GlusterFS lets it through.
  await call(graph, 'xattrop', { dict: Dict.from({ 'trusted.afr.vol-client-0': Buffer.alloc(4) }) });
  await call(graph, 'open', { flags: 0 });
  await call(graph, 'readv', {});
  await call(graph, 'lookup', {});
  t.deepEqual(journal.lines.filter((l) => l.includes('answered')), ['brick answered xattrop', 'brick answered open', 'brick answered readv', 'brick answered lookup']);
  await graph.teardown();
});

test('features/read-only passes writes through when read-only is off, as GlusterFS does by default', async (t) => {
  const { start, journal } = over('features/read-only');
  const graph = await start();
  await call(graph, 'writev', { data: Buffer.from('x') });
  t.true(journal.lines.includes('brick answered writev'));
  await graph.teardown();
});

test('features/read-only lets internal clients with negative pids write', async (t) => {
  const { start, journal } = over('features/read-only', [{ key: 'read-only', value: 'yes' }]);
  const graph = await start();
  await call(graph, 'writev', { data: Buffer.from('x') }, -3);
  t.true(journal.lines.includes('brick answered writev'));
  await graph.teardown();
});
