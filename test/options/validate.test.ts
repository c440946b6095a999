import test from 'ava';
import { formatDiagnostic, throwIfErrors, GfsError } from '../../runtime/diagnostics/index.js';
import { compileOptionTable, validateOptions, type OptionTable } from '../../runtime/options/index.js';
import { at } from './helpers.js';

const ioCache = {
  'cache-size': { type: 'size', default: '32MB', min: '4MB', max: '32GB', description: 'Size of the read cache.' },
  'cache-timeout': { type: 'time', default: '1', min: 0, max: 60, aliases: ['force-revalidate-timeout'] },
  priority: { type: 'priority-list' },
  'max-file-size': { type: 'size' },
  'auth.addr.*.allow': { type: 'address-list', aliases: ['auth.ip.*.allow'] },
  policy: { type: 'str', values: ['lru', 'fifo'], default: 'lru' },
} as const satisfies OptionTable;

const ctx = { volume: 'vol-io-cache', xlatorType: 'performance/io-cache', location: at(1) };

test('defaults are filled and typed values are keyed by the canonical key', (t) => {
  const r = validateOptions(ioCache, [{ key: 'max-file-size', value: '1MB', location: at(2) }], ctx);
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.values, {
    'max-file-size': 1024 * 1024,
    'cache-size': 32 * 1024 * 1024,
    'cache-timeout': 1,
    policy: 'lru',
    'auth.addr.*.allow': {},
  });
  t.false('priority' in r.values, 'an option without default that is not given stays absent');
});

test('log-level is accepted by every translator and normalised', (t) => {
  const r = validateOptions({}, [{ key: 'log-level', value: 'debug', location: at(2) }], ctx);
  t.deepEqual(r.diagnostics, []);
  t.is(r.values['log-level'], 'DEBUG');
  const bad = validateOptions({}, [{ key: 'log-level', value: 'LOUD', location: at(3) }], ctx);
  t.is(bad.diagnostics[0]?.code, 'OPTION_NOT_ALLOWED');
  t.regex(bad.diagnostics[0]!.hint!, /`DEBUG`/);
});

test('an unknown key is refused with a did-you-mean hint at its line', (t) => {
  const r = validateOptions(ioCache, [{ key: 'cache-sise', value: '64MB', location: at(7) }], ctx);
  t.is(r.diagnostics.length, 1);
  const d = r.diagnostics[0]!;
  t.is(d.code, 'OPTION_UNKNOWN');
  t.is(d.hint, 'did you mean `cache-size`?');
  t.is(d.location?.start.line, 7);
  t.is(d.volume, 'vol-io-cache');
  t.is(d.xlatorType, 'performance/io-cache');
  t.regex(formatDiagnostic(d), /^test\.vol:7:5: error: .*cache-sise.*\(volume vol-io-cache, type performance\/io-cache\) \[OPTION_UNKNOWN\]/);
});

test('an unknown key far from every option lists the valid keys', (t) => {
  const r = validateOptions(ioCache, [{ key: 'write-behind-window', value: '1', location: at(3) }], ctx);
  t.regex(r.diagnostics[0]!.hint!, /^valid options: .*`cache-size`.*`log-level`/);
});

test('every problem of a volume is reported with its own line', (t) => {
  const r = validateOptions(ioCache, [
    { key: 'cache-size', value: '64GB', location: at(2) },
    { key: 'cache-timeout', value: '2 min', location: at(3) },
    { key: 'policy', value: 'lfu', location: at(4) },
    { key: 'bogus', value: 'x', location: at(5) },
  ], ctx);
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.location?.start.line]), [
    ['OPTION_OUT_OF_RANGE', 2], ['OPTION_INVALID', 3], ['OPTION_NOT_ALLOWED', 4], ['OPTION_UNKNOWN', 5],
  ]);
  t.regex(r.diagnostics[0]!.message, /cache-size must be between 4MB and 32GB/);
  t.regex(r.diagnostics[1]!.message, /s\/sec, m\/min/);
  t.false('cache-size' in r.values, 'a refused value is not replaced by the default');
});

test('aliases map to the canonical key; messages name both', (t) => {
  const r = validateOptions(ioCache, [{ key: 'force-revalidate-timeout', value: '30', location: at(2) }], ctx);
  t.deepEqual(r.diagnostics, []);
  t.is(r.values['cache-timeout'], 30);
  t.false('force-revalidate-timeout' in r.values);
  const bad = validateOptions(ioCache, [{ key: 'force-revalidate-timeout', value: '2m', location: at(2) }], ctx);
  t.regex(bad.diagnostics[0]!.message, /`force-revalidate-timeout` \(alias of `cache-timeout`\).*between 0s and 1m/);
});

test('a duplicate key keeps the last value, alias or not', (t) => {
  const r = validateOptions(ioCache, [
    { key: 'cache-timeout', value: '5', location: at(2) },
    { key: 'force-revalidate-timeout', value: '7', location: at(3) },
  ], ctx);
  t.is(r.values['cache-timeout'], 7);
});

test('wildcard keys give a record of concrete key to value, aliases rewritten', (t) => {
  const r = validateOptions(ioCache, [
    { key: 'auth.addr.brick1.allow', value: '192.168.*', location: at(2) },
    { key: 'auth.ip.brick2.allow', value: '10.0.0.1,10.0.0.2', location: at(3) },
    { key: 'auth.addr.brick3.allow', value: 'not_an_address', location: at(4) },
  ], ctx);
  t.deepEqual(r.values['auth.addr.*.allow'], {
    'auth.addr.brick1.allow': ['192.168.*'],
    'auth.addr.brick2.allow': ['10.0.0.1', '10.0.0.2'],
  });
  t.is(r.diagnostics.length, 1);
  t.is(r.diagnostics[0]!.location?.start.line, 4);
  t.regex(r.diagnostics[0]!.message, /auth\.addr\.brick3\.allow/);
});

test('a missing required option is reported at the volume', (t) => {
  const table = { 'remote-host': { type: 'address', required: true, description: 'Server to connect to.' } } as const;
  const r = validateOptions(table, [], { ...ctx, location: at(10) });
  t.is(r.diagnostics[0]?.code, 'OPTION_REQUIRED');
  t.is(r.diagnostics[0]?.location?.start.line, 10);
  t.regex(r.diagnostics[0]!.message, /requires option `remote-host`/);
});

test('reconfigure validates a new option set with the same rules and fresh defaults', (t) => {
  const first = validateOptions(ioCache, [{ key: 'cache-size', value: '64MB', location: at(2) }], ctx);
  t.is(first.values['cache-size'], 64 * 1024 * 1024);
  const next = validateOptions(ioCache, [{ key: 'cache-timeout', value: '10' }], { volume: 'vol-io-cache', xlatorType: 'performance/io-cache' });
  t.deepEqual(next.diagnostics, []);
  t.is(next.values['cache-size'], 32 * 1024 * 1024, 'an option removed at reconfigure returns to its default');
  const bad = validateOptions(ioCache, [{ key: 'cache-size', value: '1KB' }], { volume: 'vol-io-cache', xlatorType: 'performance/io-cache' });
  t.is(bad.diagnostics[0]?.code, 'OPTION_OUT_OF_RANGE');
  t.is(bad.diagnostics[0]?.location, undefined, 'no location when the new options have none');
  const err = t.throws(() => throwIfErrors(bad.diagnostics), { instanceOf: GfsError });
  t.is(err?.code, 'OPTION_OUT_OF_RANGE');
});

test('default objects are not shared between volumes', (t) => {
  const table = { allow: { type: 'address-list', default: '*' } } as const;
  const a = validateOptions(table, [], ctx).values.allow as string[];
  const b = validateOptions(table, [], ctx).values.allow as string[];
  t.deepEqual(a, ['*']);
  t.not(a, b);
});

test('an invalid declaration is OPTION_BAD_DECLARATION', (t) => {
  const cases: OptionTable[] = [
    { n: { type: 'int', min: 10, max: 1 } },
    { n: { type: 'size', default: '32 MB' } },
    { n: { type: 'int', default: '100', max: 10 } },
    { n: { type: 'str', values: ['a', 'b'], default: 'c' } },
    { n: { type: 'size', min: 'lots' } },
    { 'n.*': { type: 'bool', default: 'on' } },
    { a: { type: 'bool' }, b: { type: 'bool', aliases: ['a'] } },
    { n: { type: 'nope' } as never },
  ];
  for (const table of cases) {
    const err = t.throws(() => compileOptionTable(table), { instanceOf: GfsError }, JSON.stringify(table));
    t.is(err?.code, 'OPTION_BAD_DECLARATION');
    const r = validateOptions(table, [], ctx);
    t.is(r.diagnostics[0]?.code, 'OPTION_BAD_DECLARATION', 'validateOptions reports it instead of throwing');
    t.is(r.diagnostics[0]?.xlatorType, 'performance/io-cache');
  }
  t.regex(t.throws(() => compileOptionTable(cases[0]!))!.message, /min 10 is greater than max 1/);
});
