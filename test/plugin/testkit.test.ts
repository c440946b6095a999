import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E } from '../../runtime/core/fop-error.js';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { defineXlator } from '../../runtime/xlator/define.js';
import { startGraph } from '../../runtime/testkit/index.js';
import { addPlugin, project } from '../loader/fixtures.js';

/** A translator under test, not packaged yet: upper-cases what is read, when enabled. */
const shout = defineXlator({
  apiVersion: 1,
  type: 'acme/shout',
  options: { enabled: { type: 'bool', default: 'on' } },
  children: { min: 1, max: 1 },
  fops: {
    async readv(self, frame, args) {
      const res = await self.firstChild!.fops.readv(frame, args);
      return self.options.enabled ? { ...res, data: Buffer.from(res.data.toString('utf8').toUpperCase()) } : res;
    },
  },
});

test('a translator stack runs over a temporary storage/posix brick', async (t) => {
  const g = await startGraph({ stack: [{ type: 'acme/shout' }], xlators: { 'acme/shout': shout } });
  t.teardown(() => g.stop());
  t.deepEqual(g.graph.xlators.map((x) => `${x.name}:${x.type}`), ['brick:storage/posix', 'shout:acme/shout']);
  await g.mkdir('/docs');
  const st = await g.create('/docs/hello.txt', 'hello brick');
  t.is(st.size, 11);
  t.is((await g.read('/docs/hello.txt')).toString(), 'HELLO BRICK');
  t.deepEqual(await g.readdir('/docs'), ['hello.txt']);
  t.is((await g.lookup('/docs/hello.txt')).buf.size, 11);
  // The data really is on the brick, unchanged by the translator.
  t.is(readFileSync(join(g.brick!, 'docs/hello.txt'), 'utf8'), 'hello brick');
});

test('fops the helpers lack are called on g.fops with locs from the testkit', async (t) => {
  const g = await startGraph({ stack: [] });
  t.teardown(() => g.stop());
  await g.create('/a', 'x');
  const { loc } = await g.lookup('/a');
  const res = await g.fops.stat(g.frame(), { loc });
  t.is(res.buf.size, 1);
  const err = await t.throwsAsync(g.lookup('/missing'));
  t.is((err as { errno?: number }).errno, E.ENOENT);
});

test('reconfigure changes a running translator’s options', async (t) => {
  const g = await startGraph({ stack: [{ type: 'acme/shout' }], xlators: { 'acme/shout': shout } });
  t.teardown(() => g.stop());
  await g.create('/f', 'quiet');
  const changed = await g.reconfigure([
    { name: 'brick', type: 'storage/posix' },
    { name: 'shout', type: 'acme/shout', options: { enabled: 'off' }, subvolumes: ['brick'] },
  ]);
  t.deepEqual(changed, ['shout']);
  t.is((await g.read('/f')).toString(), 'quiet');
});

test('stop tears the graph down and removes the temporary brick', async (t) => {
  const g = await startGraph({ volfile: 'volume b\n  type storage/posix\nend-volume\n', brick: true });
  const brick = g.brick!;
  t.true(existsSync(brick));
  await g.stop();
  await g.stop();
  t.false(existsSync(brick));
  t.is(g.graph.state, 'stopped');
});

test('an unknown type in the volfile fails with the loader’s code', async (t) => {
  const volfile = 'volume b\n  type storage/posix\nend-volume\nvolume x\n  type acme/absent\n  subvolumes b\nend-volume\n';
  const err = await t.throwsAsync(startGraph({ volfile, brick: true }), { instanceOf: GfsError });
  t.is(err?.code, 'XLATOR_NOT_FOUND');
});

test('the brick root lists only what was created through the graph', async (t) => {
  const g = await startGraph({ stack: [] });
  t.teardown(() => g.stop());
  await g.create('/keep.txt', 'data');
  t.deepEqual(await g.readdir('/'), ['keep.txt']);
});

test('without definitions given, the stack is resolved through the plugin loader', async (t) => {
  const root = await project(t);
  await addPlugin(root, 'acme/counted', {
    source: `export default {
  apiVersion: 1, type: 'acme/counted', options: {},
  init: () => ({ lookups: 0 }),
  fops: { async lookup(self, frame, args) { self.priv.lookups++; return self.firstChild.fops.lookup(frame, args); } },
  dump: (self) => ({ lookups: self.priv.lookups }),
};`,
  });
  const g = await startGraph({ stack: [{ type: 'acme/counted' }], searchPaths: [root] });
  t.teardown(() => g.stop());
  await g.create('/a', 'x');
  await g.lookup('/a');
  t.true((g.graph.get('counted')!.dump().state as { lookups: number }).lookups >= 2);
});
