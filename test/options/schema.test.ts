import test from 'ava';
import { compileOptionTable, validateOptions, type OptionTable } from '../../runtime/options/index.js';

const table = {
  'cache-size': { type: 'size', default: '32MB', min: '4MB', description: 'Size of the cache.' },
  'auth.addr.*.allow': { type: 'address-list' },
  'auth.addr.special.allow': { type: 'bool' },
  'remote-host': { type: 'address', required: true },
} as const satisfies OptionTable;

test('the compiled JSON Schema has properties, patternProperties for wildcard keys and required', (t) => {
  const { schema } = compileOptionTable(table);
  t.is(schema.additionalProperties, false);
  t.deepEqual(schema.required, ['remote-host']);
  t.deepEqual(Object.keys(schema.properties as object).sort(), ['auth.addr.special.allow', 'cache-size', 'log-level', 'remote-host']);
  const patterns = Object.keys(schema.patternProperties as object);
  t.is(patterns.length, 1);
  const re = new RegExp(patterns[0]!, 'u');
  t.true(re.test('auth.addr.brick1.allow'));
  t.false(re.test('auth.addr.special.allow'), 'a declared plain key is excluded from the wildcard');
  t.like((schema.properties as Record<string, object>)['cache-size'], {
    type: 'string', default: '32MB', description: 'Size of the cache.', gfsOption: { key: 'cache-size', type: 'size', min: '4MB' },
  });
});

test('ajv runs the schema: unknown keys and missing required options are ajv errors', (t) => {
  const c = compileOptionTable(table);
  t.false(c.validate({ 'cache-size': '8MB', nope: '1' }));
  const kinds = (c.validate.errors ?? []).map((e) => e.keyword).sort();
  t.deepEqual(kinds, ['additionalProperties', 'required']);
  t.true(c.validate({ 'remote-host': 'server1', 'auth.addr.x.allow': '*' }));
  t.false(c.validate({ 'remote-host': 'server_1' }), 'the gfsOption keyword checks GlusterFS syntax');
  t.false(c.validate({ 'remote-host': 'server1', 'cache-size': '1KB' }), 'and ranges');
});

test('a key matching a declared key and a wildcard is checked once, by the declared key', (t) => {
  const r = validateOptions(table, [
    { key: 'remote-host', value: 'h' },
    { key: 'auth.addr.special.allow', value: 'yes' },
  ], { volume: 'v', xlatorType: 't' });
  t.deepEqual(r.diagnostics, []);
  t.is(r.values['auth.addr.special.allow'], true);
  t.deepEqual(r.values['auth.addr.*.allow'], {});
});

test('each table object is compiled once', (t) => {
  t.is(compileOptionTable(table), compileOptionTable(table));
  t.not(compileOptionTable({ ...table }), compileOptionTable(table), 'another object is another table');
});
