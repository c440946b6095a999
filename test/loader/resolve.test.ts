import test from 'ava';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { listBuiltinXlators, resolveXlator, xlatorOrigin } from '../../runtime/loader/index.js';
import { addPackage, addPlugin, definitionSource, project } from './fixtures.js';

/** Env without GFS_XLATOR_PATH, so the developer's own setting does not leak into tests. */
const env = {};

test('a built-in type resolves to the definition in xlators/<category>/<name>', async (t) => {
  const def = await resolveXlator('features/read-only', { env });
  t.is(def.type, 'features/read-only');
  t.is(def.apiVersion, 1);
  t.is(xlatorOrigin(def)?.kind, 'builtin');
  t.regex(xlatorOrigin(def)!.file, /xlators\/features\/read-only\/index\.(ts|js)$/);
});

test('resolving the same type twice gives the same definition', async (t) => {
  const [a, b] = await Promise.all([resolveXlator('features/read-only', { env }), resolveXlator('features/read-only', { env })]);
  t.is(a, b);
  t.is(await resolveXlator('features/read-only', { env }), a);
});

test('listBuiltinXlators names every built-in folder with an index module', (t) => {
  const list = listBuiltinXlators();
  t.true(list.includes('features/read-only'));
  t.deepEqual(list, [...list].sort());
  t.true(list.every((x) => /^[a-z0-9._-]+\/[a-z0-9._-]+$/.test(x)));
});

test('a package named gfs-xlator-<category>-<name> provides that type', async (t) => {
  const root = await project(t);
  await addPlugin(root, 'acme/plain');
  const def = await resolveXlator('acme/plain', { paths: [root], env });
  t.is(def.type, 'acme/plain');
  t.deepEqual(Object.keys(def.fops ?? {}), ['statfs']);
  t.is(xlatorOrigin(def)?.packageName, 'gfs-xlator-acme-plain');
});

test('a scoped package @scope/gfs-xlator-<category>-<name> provides that type', async (t) => {
  const root = await project(t);
  await addPlugin(root, 'acme/scoped', { scope: '@acme' });
  const def = await resolveXlator('acme/scoped', { paths: [root], env });
  t.is(def.type, 'acme/scoped');
  t.is(xlatorOrigin(def)?.packageName, '@acme/gfs-xlator-acme-scoped');
});

test('any package can map types to modules in its package.json "gfs" field', async (t) => {
  const root = await project(t);
  await addPackage(
    root,
    'acme-storage-suite',
    { gfs: { apiVersion: 1, xlators: { 'acme/one': './lib/one.js', 'acme/two': './lib/two.js' } } },
    { 'lib/one.js': definitionSource('acme/one'), 'lib/two.js': definitionSource('acme/two') },
  );
  const one = await resolveXlator('acme/one', { paths: [root], env });
  const two = await resolveXlator('acme/two', { paths: [root], env });
  t.is(one.type, 'acme/one');
  t.is(two.type, 'acme/two');
  t.is(xlatorOrigin(two)?.packageName, 'acme-storage-suite');
  t.regex(xlatorOrigin(two)!.file, /lib\/two\.js$/);
});

test('a scoped package can map types in its "gfs" field', async (t) => {
  const root = await project(t);
  await addPackage(root, '@acme/tools', { gfs: { xlators: { 'acme/scoped-field': './x.js' } } }, { 'x.js': definitionSource('acme/scoped-field') });
  t.is((await resolveXlator('acme/scoped-field', { paths: [root], env })).type, 'acme/scoped-field');
});

test('the package entry follows "exports" conditions for import', async (t) => {
  const root = await project(t);
  await addPlugin(root, 'acme/conditional', {
    pkg: { exports: { '.': { require: './index.cjs', import: './esm/index.js' } } },
    source: 'throw new Error("the require entry must not be loaded")',
  });
  await mkdir(join(root, 'node_modules/gfs-xlator-acme-conditional/esm'));
  await writeFile(join(root, 'node_modules/gfs-xlator-acme-conditional/esm/index.js'), definitionSource('acme/conditional'));
  t.is((await resolveXlator('acme/conditional', { paths: [root], env })).type, 'acme/conditional');
});

test('packages are found in node_modules folders above the search path', async (t) => {
  const root = await project(t);
  await addPlugin(root, 'acme/upward');
  const deep = join(root, 'volfiles', 'site', 'a');
  await mkdir(deep, { recursive: true });
  t.is((await resolveXlator('acme/upward', { paths: [deep], env })).type, 'acme/upward');
});

test('GFS_XLATOR_PATH and the volfile folder are searched', async (t) => {
  const a = await project(t);
  const b = await project(t);
  await addPlugin(a, 'acme/from-env');
  await addPlugin(b, 'acme/from-volfile');
  t.is((await resolveXlator('acme/from-env', { env: { GFS_XLATOR_PATH: `/nonexistent:${a}` } })).type, 'acme/from-env');
  t.is((await resolveXlator('acme/from-volfile', { volfile: join(b, 'site.vol'), env })).type, 'acme/from-volfile');
});

test('a search path that is itself a plugin checkout provides the types of its "gfs" field', async (t) => {
  const root = await project(t);
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'work-in-progress', type: 'module', gfs: { xlators: { 'acme/wip': './wip.js' } } }));
  await writeFile(join(root, 'wip.js'), definitionSource('acme/wip'));
  t.is((await resolveXlator('acme/wip', { env: { GFS_XLATOR_PATH: root } })).type, 'acme/wip');
});

test('a built-in cannot be shadowed by a package of the same name', async (t) => {
  const root = await project(t);
  await addPlugin(root, 'features/read-only', { source: 'throw new Error("an impostor was loaded")' });
  const def = await resolveXlator('features/read-only', { paths: [root], env });
  t.is(xlatorOrigin(def)?.kind, 'builtin');
});

test('a missing type lists where it looked and the package names it tried', async (t) => {
  const root = await project(t);
  const err = await t.throwsAsync(resolveXlator('acme/missing', { paths: [root], env }), { instanceOf: GfsError });
  t.is(err?.code, 'XLATOR_NOT_FOUND');
  t.is(err?.xlatorType, 'acme/missing');
  t.true(err!.message.includes(join(root, 'node_modules')));
  t.true(err!.message.includes('(built-in)'));
  t.true(err!.message.includes('gfs-xlator-acme-missing'));
  t.true(err!.message.includes('@<scope>/gfs-xlator-acme-missing'));
  t.true(err!.message.includes('"gfs.xlators"'));
  t.regex(err!.hint ?? '', /npm install gfs-xlator-acme-missing/);
});

test('a misspelt built-in gets a did-you-mean hint', async (t) => {
  const err = await t.throwsAsync(resolveXlator('features/read-onyl', { env }));
  t.regex((err as GfsError).hint ?? '', /did you mean features\/read-only/);
});

test('a failed resolution is not cached: installing the package afterwards works', async (t) => {
  const root = await project(t);
  await t.throwsAsync(resolveXlator('acme/later', { paths: [root], env }), { code: 'XLATOR_NOT_FOUND' } as never);
  await addPlugin(root, 'acme/later');
  t.is((await resolveXlator('acme/later', { paths: [root], env })).type, 'acme/later');
});

test('a package installed after a "gfs" field scan is found', async (t) => {
  const root = await project(t);
  await t.throwsAsync(resolveXlator('acme/field-later', { paths: [root], env }));
  await addPackage(root, 'late-suite', { gfs: { xlators: { 'acme/field-later': './x.js' } } }, { 'x.js': definitionSource('acme/field-later') });
  t.is((await resolveXlator('acme/field-later', { paths: [root], env })).type, 'acme/field-later');
});

test('errors carry the volume and location when the caller gives them', async (t) => {
  const location = { source: 'site.vol', start: { offset: 20, line: 3, column: 10 }, end: { offset: 32, line: 3, column: 22 } };
  const err = (await t.throwsAsync(resolveXlator('acme/nowhere', { env, volume: 'v1', location }))) as GfsError;
  t.is(err.volume, 'v1');
  t.deepEqual(err.location, location);
  t.regex(err.format(), /^site\.vol:3:10: error: .*\[XLATOR_NOT_FOUND\]/);
});
