import test, { type ExecutionContext } from 'ava';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { resolveXlator } from '../../runtime/loader/index.js';
import { addPackage, addPlugin, definitionSource, project } from './fixtures.js';

const env = {};

async function failure(t: ExecutionContext, type: string, source: string, pkg?: Record<string, unknown>) {
  const root = await project(t);
  await addPlugin(root, type, { source, pkg });
  const err = await t.throwsAsync(resolveXlator(type, { paths: [root], env }), { instanceOf: GfsError });
  return err as GfsError;
}

const badExports: [string, string, RegExp][] = [
  ['no default export', 'export const xlator = {};', /no default export/],
  ['a default export that is not an object', 'export default 42;', /number, not an object/],
  ['no apiVersion', 'export default { type: "acme/t", options: {} };', /apiVersion is missing/],
  ['no options table', 'export default { apiVersion: 1, type: "acme/t" };', /options must be an object/],
  ['an option without a type', 'export default { apiVersion: 1, type: "acme/t", options: { size: { default: "1" } } };', /option size has no type/],
  ['a misspelt fop name', 'export default { apiVersion: 1, type: "acme/t", options: {}, fops: { lookpu() {} } };', /unknown entries: lookpu/],
  ['a fop that is not a function', 'export default { apiVersion: 1, type: "acme/t", options: {}, fops: { lookup: "yes" } };', /must be functions: lookup/],
  ['an unknown cbk', 'export default { apiVersion: 1, type: "acme/t", options: {}, cbks: { forgot() {} } };', /cbks has unknown entries: forgot/],
  ['an init that is not a function', 'export default { apiVersion: 1, type: "acme/t", options: {}, init: true };', /init must be a function/],
  ['a malformed children range', 'export default { apiVersion: 1, type: "acme/t", options: {}, children: { min: -1 } };', /children must be/],
];

for (const [what, source, message] of badExports) {
  test(`a module with ${what} is refused as a bad export`, async (t) => {
    const err = await failure(t, 'acme/t', source);
    t.is(err.code, 'XLATOR_BAD_EXPORT');
    t.regex(err.message, message);
    t.regex(err.message, /package gfs-xlator-acme-t/);
  });
}

test('a module defining another type than the one requested is refused', async (t) => {
  const err = await failure(t, 'acme/asked', definitionSource('acme/other'));
  t.is(err.code, 'XLATOR_BAD_EXPORT');
  t.regex(err.message, /it defines type acme\/other/);
});

test('a definition for another API version is refused naming both versions', async (t) => {
  const err = await failure(t, 'acme/future', definitionSource('acme/future').replace('apiVersion: 1', 'apiVersion: 2'));
  t.is(err.code, 'XLATOR_API_VERSION');
  t.regex(err.message, /API version 2/);
  t.regex(err.message, /implements API version 1/);
});

test('package.json gfs.apiVersion is checked before any of the module runs', async (t) => {
  const err = await failure(t, 'acme/old', 'throw new Error("this module must not run");', { gfs: { apiVersion: 0 } });
  t.is(err.code, 'XLATOR_API_VERSION');
  t.regex(err.message, /API version 0 \(its package.json "gfs.apiVersion"\)/);
  t.regex(err.message, /implements API version 1/);
});

test('a module that throws while loading fails with the original error as cause', async (t) => {
  const err = await failure(t, 'acme/throws', 'throw new RangeError("bad constant");');
  t.is(err.code, 'XLATOR_IMPORT_FAILED');
  t.regex(err.message, /bad constant/);
  t.true(err.cause instanceof RangeError);
});

test('a module with a syntax error fails to import with a cause', async (t) => {
  const err = await failure(t, 'acme/syntax', 'export default {;');
  t.is(err.code, 'XLATOR_IMPORT_FAILED');
  t.true(err.cause instanceof SyntaxError);
});

test('a module importing a missing dependency gets a reinstall hint', async (t) => {
  const err = await failure(t, 'acme/deps', 'import "gfs-some-dependency-that-is-not-there"; export default {};');
  t.is(err.code, 'XLATOR_IMPORT_FAILED');
  t.regex(err.hint ?? '', /dependency/);
});

test('a "gfs" field mapping outside its package is refused', async (t) => {
  const root = await project(t);
  await addPackage(root, 'escape-artist', { gfs: { xlators: { 'acme/escape': '../../outside.js' } } }, {});
  const err = (await t.throwsAsync(resolveXlator('acme/escape', { paths: [root], env }))) as GfsError;
  t.is(err.code, 'XLATOR_BAD_EXPORT');
  t.regex(err.message, /outside the package folder/);
});
