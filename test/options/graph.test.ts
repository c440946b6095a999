import test from 'ava';
import { validateGraphOptions, validateOptions, type OptionTable } from '../../runtime/options/index.js';
import { at } from './helpers.js';

const posix = { directory: { type: 'path', required: true } } as const satisfies OptionTable;
const ioCache = { 'cache-size': { type: 'size', default: '32MB', min: '4MB', max: '32GB' } } as const satisfies OptionTable;
const afr = {
  'read-subvolume': { type: 'xlator' },
  'data-self-heal': { type: 'bool', default: 'on' },
} as const satisfies OptionTable;

const graph = {
  volumes: [
    { name: 'posix1', type: 'storage/posix', location: at(1), options: [{ key: 'directory', value: 'relative/dir', location: at(3) }] },
    { name: 'posix2', type: 'storage/posix', location: at(5), options: [] },
    { name: 'repl', type: 'cluster/replicate', location: at(8), options: [
      { key: 'read-subvolume', value: 'posix3', location: at(9) },
      { key: 'data-self-heal', value: 'maybe', location: at(10) },
    ] },
    { name: 'cache', type: 'performance/io-cache', location: at(13), options: [{ key: 'cache-sise', value: '1GB', location: at(14) }] },
    { name: 'mystery', type: 'unknown/type', location: at(17), options: [{ key: 'whatever', value: '1', location: at(18) }] },
  ],
};
const tables = new Map<string, OptionTable>([['posix1', posix], ['posix2', posix], ['repl', afr], ['cache', ioCache]]);

test('the whole graph is validated and every problem is returned, in order, with volume and type', (t) => {
  const r = validateGraphOptions(graph, tables);
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.volume, d.xlatorType, d.location?.start.line]), [
    ['OPTION_INVALID', 'posix1', 'storage/posix', 3],
    ['OPTION_REQUIRED', 'posix2', 'storage/posix', 5],
    ['OPTION_NOT_ALLOWED', 'repl', 'cluster/replicate', 9],
    ['OPTION_INVALID', 'repl', 'cluster/replicate', 10],
    ['OPTION_UNKNOWN', 'cache', 'performance/io-cache', 14],
  ]);
  t.false(r.values.has('mystery'), 'a volume whose type has no table is left to the loader');
  t.is(r.values.get('cache')?.['cache-size'], 32 * 1024 * 1024);
});

test('an xlator option must name a volume of the graph', (t) => {
  const r = validateGraphOptions(graph, tables);
  const d = r.diagnostics.find((x) => x.volume === 'repl' && x.code === 'OPTION_NOT_ALLOWED')!;
  t.regex(d.message, /`posix3` is not the name of a volume/);
  t.regex(d.hint!, /did you mean `posix1`\?|did you mean `posix2`\?/);
  const good = validateGraphOptions(
    { volumes: [{ ...graph.volumes[2]!, options: [{ key: 'read-subvolume', value: 'posix2', location: at(9) }] }, graph.volumes[1]!] },
    new Map([['repl', afr]]),
  );
  t.deepEqual(good.diagnostics, []);
  t.is(good.values.get('repl')?.['read-subvolume'], 'posix2');
});

test('an xlator option outside a graph accepts any non-empty name', (t) => {
  const r = validateOptions(afr, [{ key: 'read-subvolume', value: 'anything' }], { volume: 'v', xlatorType: 'cluster/replicate' });
  t.deepEqual(r.diagnostics, []);
});

// Its speed is measured by `npm run bench -- parse` (with option validation), not asserted here.
test('a 10,000-volume graph validates every volume, aliases and defaults included', (t) => {
  const client = {
    'remote-host': { type: 'address', required: true },
    'remote-subvolume': { type: 'str', required: true },
    'ping-timeout': { type: 'time', default: '42', min: 0, max: 1013 },
    'transport.socket.keepalive': { type: 'bool', default: 'on', aliases: ['keepalive'] },
    'frame-timeout': { type: 'time', default: '1800' },
  } as const satisfies OptionTable;
  const volumes = [];
  const tbl = new Map<string, OptionTable>();
  for (let i = 0; i < 10_000; i++) {
    const name = `client-${i}`;
    const line = i * 6 + 1;
    volumes.push({ name, type: 'protocol/client', location: at(line), options: [
      { key: 'remote-host', value: `server${i % 50}.example.com`, location: at(line + 1) },
      { key: 'remote-subvolume', value: `/bricks/b${i}`, location: at(line + 2) },
      { key: 'ping-timeout', value: '10', location: at(line + 3) },
      { key: 'keepalive', value: 'off', location: at(line + 4) },
      { key: 'log-level', value: 'INFO', location: at(line + 5) },
    ] });
    tbl.set(name, client);
  }
  const r = validateGraphOptions({ volumes }, tbl);
  t.deepEqual(r.diagnostics, []);
  t.is(r.values.size, 10_000);
  t.is(r.values.get('client-9999')?.['transport.socket.keepalive'], false);
  t.is(r.values.get('client-0')?.['frame-timeout'], 1800, 'defaults filled in for every volume');
});
