import test from 'ava';
import { activateGraph } from '../../runtime/graph/create.js';
import { createFrame } from '../../runtime/core/frame.js';
import { FopError } from '../../runtime/core/fop-error.js';
import { defineXlator } from '../../runtime/xlator/define.js';
import { recordingXlators, spec, type Journal } from '../helpers/recording.js';

const loc = { path: '/x' };

test('teardown waits for calls in flight before fini runs', async (t) => {
  const journal: Journal = { lines: [] };
  let release!: () => void;
  const slow = new Promise<void>((r) => (release = r));
  const graph = await activateGraph(
    spec([
      { name: 'brick', type: 'test/leaf' },
      { name: 'top', type: 'test/filter', subvolumes: ['brick'] },
    ]),
    { xlators: recordingXlators(journal, { slowFop: slow }) },
  );
  const call = graph.fops.stat(createFrame(), { loc });
  t.is(graph.callsInFlight, 1);
  const down = graph.teardown();
  await new Promise((r) => setTimeout(r, 20));
  t.false(journal.lines.includes('fini brick'), 'fini must wait for the call');
  release();
  await call;
  await down;
  const answered = journal.lines.indexOf('brick answered stat');
  t.true(answered >= 0 && answered < journal.lines.indexOf('fini brick'));
});

test('calls made after teardown fail with ENOTCONN', async (t) => {
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(spec([{ name: 'brick', type: 'test/leaf' }]), { xlators: recordingXlators(journal) });
  await graph.teardown();
  const err = await t.throwsAsync(graph.fops.stat(createFrame(), { loc }), { instanceOf: FopError });
  t.is(err?.code, 'ENOTCONN');
});

test('a translator that throws a plain Error from a fop answers EIO naming itself', async (t) => {
  const buggy = defineXlator({
    apiVersion: 1,
    type: 'test/buggy',
    options: {},
    fops: {
      stat: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    },
  });
  const journal: Journal = { lines: [] };
  const graph = await activateGraph(
    spec([
      { name: 'brick', type: 'test/leaf' },
      { name: 'bug', type: 'test/buggy', subvolumes: ['brick'] },
    ]),
    { xlators: { ...recordingXlators(journal), 'test/buggy': buggy } },
  );
  const err = await t.throwsAsync(graph.fops.stat(createFrame(), { loc }), { instanceOf: FopError });
  t.is(err?.code, 'EIO');
  t.regex(err!.message, /bug: stat failed: cannot read properties/);
  await graph.teardown();
});

test('a translator with no children answers fops it does not implement with ENOSYS', async (t) => {
  const empty = defineXlator({ apiVersion: 1, type: 'test/empty', options: {} });
  const graph = await activateGraph(spec([{ name: 'e', type: 'test/empty' }]), { xlators: { 'test/empty': empty } });
  const err = await t.throwsAsync(graph.fops.stat(createFrame(), { loc }), { instanceOf: FopError });
  t.is(err?.code, 'ENOSYS');
  await graph.teardown();
});
