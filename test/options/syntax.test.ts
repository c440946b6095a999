import test from 'ava';
import { parseOptionValue, formatOptionValue, describeOption, type OptionSpec } from '../../runtime/options/index.js';

const ok = (spec: OptionSpec, raw: string) => parseOptionValue(spec, raw);
const refused = (spec: OptionSpec, raw: string) => {
  try {
    parseOptionValue(spec, raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`\`${raw}\` was accepted as ${spec.type}`);
};

const KB = 1024;
const MB = KB * 1024;
const GB = MB * 1024;

test('bool accepts the ten GlusterFS words in any case', (t) => {
  for (const w of ['on', 'ON', 'Yes', 'true', 'TRUE', 'enable', 'Enable', '1']) t.is(ok({ type: 'bool' }, w), true, w);
  for (const w of ['off', 'OFF', 'no', 'No', 'false', 'disable', 'DISABLE', '0']) t.is(ok({ type: 'bool' }, w), false, w);
});

test('bool refuses other words, padding and numbers other than 0 and 1', (t) => {
  for (const w of ['y', 'n', 'enabled', ' on', 'on ', '2', '', 'onn']) t.regex(refused({ type: 'bool' }, w), /boolean/, w);
});

test('size units B KB MB GB TB PB are powers of 1024 in any case', (t) => {
  const s: OptionSpec = { type: 'size' };
  t.is(ok(s, '512'), 512);
  t.is(ok(s, '512B'), 512);
  t.is(ok(s, '4KB'), 4 * KB);
  t.is(ok(s, '4kb'), 4 * KB);
  t.is(ok(s, '32MB'), 32 * MB);
  t.is(ok(s, '32Mb'), 32 * MB);
  t.is(ok(s, '2GB'), 2 * GB);
  t.is(ok(s, '1TB'), 1024 * GB);
  t.is(ok(s, '1PB'), 1024 * 1024 * GB);
  t.is(ok(s, '1.5MB'), 1.5 * MB, 'a decimal is allowed and truncated to whole bytes');
  t.is(ok(s, '+8KB'), 8 * KB);
});

test('size refuses single-letter units, spaces before the unit, negatives and junk', (t) => {
  const s: OptionSpec = { type: 'size' };
  for (const v of ['4K', '4M', '1G', '32 MB', '-1', '-1MB', 'MB', '', '0x10', '4KiB', '10MB.']) t.regex(refused(s, v), /not a valid size/, v);
  t.regex(refused(s, '4K'), /KB, MB, GB/, 'the message says which units exist');
});

test('size min and max are checked and reported in the option units', (t) => {
  const s: OptionSpec = { type: 'size', min: '4MB', max: '32GB' };
  t.is(ok(s, '4MB'), 4 * MB);
  t.is(ok(s, '32GB'), 32 * GB);
  const msg = refused(s, '64GB');
  t.regex(msg, /out of range/);
  t.regex(msg, /must be between 4MB and 32GB/);
  t.regex(refused({ type: 'size', min: 1024 }, '1000'), /at least 1KB/);
});

test('time takes seconds or the suffixes s sec m min h hr d days w wk', (t) => {
  const s: OptionSpec = { type: 'time' };
  const cases: [string, number][] = [
    ['30', 30], ['30s', 30], ['30sec', 30], ['5m', 300], ['5min', 300], ['2h', 7200], ['2hr', 7200],
    ['1d', 86400], ['3days', 3 * 86400], ['1w', 604800], ['2wk', 2 * 604800], ['0x10', 16],
  ];
  for (const [raw, secs] of cases) t.is(ok(s, raw), secs, raw);
});

test('time refuses other suffixes, upper case, fractions and negatives', (t) => {
  const s: OptionSpec = { type: 'time' };
  for (const v of ['5M', '1day', '1H', '1.5m', '5 m', '-5', '', 'soon', '1ms']) t.regex(refused(s, v), /not a valid time/, v);
});

test('time bounds are in seconds and reported as times', (t) => {
  const s: OptionSpec = { type: 'time', min: 1, max: '1h' };
  t.is(ok(s, '60m'), 3600);
  t.regex(refused(s, '2h'), /between 1s and 1h/);
});

test('percent takes a number with or without % between 0 and 100', (t) => {
  t.is(ok({ type: 'percent' }, '80%'), 80);
  t.is(ok({ type: 'percent' }, '80'), 80);
  t.is(ok({ type: 'percent' }, '12.5%'), 12.5);
  t.regex(refused({ type: 'percent' }, '101%'), /between 0% and 100%/);
  for (const v of ['-5%', '80 %', '80%%', 'eighty', '', 'nan']) t.regex(refused({ type: 'percent' }, v), /not a valid percentage/, v);
});

test('percent-or-size: a % is a percentage, a bare number is bytes, units KB..PB', (t) => {
  const s: OptionSpec = { type: 'percent-or-size' };
  t.deepEqual(ok(s, '10%'), { percent: 10 });
  t.deepEqual(ok(s, '1048576'), { bytes: MB });
  t.deepEqual(ok(s, '100.00'), { bytes: 100 });
  t.deepEqual(ok(s, '1gb'), { bytes: GB });
  t.regex(refused(s, '150%'), /between 0% and 100%/);
  t.regex(refused(s, '1.5GB'), /whole number/, 'GlusterFS refuses fractional byte sizes');
  t.regex(refused(s, '1.0MB'), /whole number/, 'GlusterFS checks every character after the dot');
  t.regex(refused(s, '10B'), /percentage or size/, 'GlusterFS has no B unit for this type');
  t.regex(refused(s, '-1'), /percentage or size/);
  t.regex(refused({ type: 'percent-or-size', max: '1GB' }, '2GB'), /at most 1GB/);
});

test('int follows strtoll base 0: decimal, 0x hex and 0 octal, with min and max', (t) => {
  t.is(ok({ type: 'int' }, '42'), 42);
  t.is(ok({ type: 'int' }, '-7'), -7);
  t.is(ok({ type: 'int' }, '0x10'), 16);
  t.is(ok({ type: 'int' }, '010'), 8);
  t.is(ok({ type: 'int' }, ' 5'), 5, 'leading white space is skipped as strtoll does');
  for (const v of ['5 ', '1.5', '08', '1e3', '', 'ten', '-0', '99999999999999999999']) t.regex(refused({ type: 'int' }, v), /not a valid integer/, v);
  const r: OptionSpec = { type: 'int', min: 1, max: 64 };
  t.is(ok(r, '64'), 64);
  t.regex(refused(r, '0'), /between 1 and 64/);
  t.regex(refused({ type: 'int', max: 10 }, '11'), /at most 10/);
});

test('double takes decimal and exponent forms with bounds', (t) => {
  t.is(ok({ type: 'double' }, '0.75'), 0.75);
  t.is(ok({ type: 'double' }, '-1e-3'), -0.001);
  t.is(ok({ type: 'double' }, '.5'), 0.5);
  for (const v of ['1,5', '0.5s', '', 'inf', 'nan']) t.regex(refused({ type: 'double' }, v), /not a valid number/, v);
  t.regex(refused({ type: 'double', min: 0, max: 1 }, '1.5'), /between 0 and 1/);
});

test('str with allowed values compares exactly and lists the allowed values', (t) => {
  const s: OptionSpec = { type: 'str', values: ['lru', 'fifo'] };
  t.is(ok(s, 'lru'), 'lru');
  const msg = refused(s, 'LRU');
  t.regex(msg, /not one of the allowed values/);
  t.regex(msg, /allowed values: `lru`, `fifo`/);
  t.regex(refused(s, 'lfu'), /did you mean `lru`/);
  t.regex(refused(s, '   '), /not one of the allowed values/, 'blank never matches');
  t.is(ok({ type: 'str' }, 'anything at all'), 'anything at all');
  t.is(ok({ type: 'str', values: ['*.log', 'none'] }, 'app.log'), 'app.log', 'values are fnmatch patterns');
});

test('log-level style str is case-insensitive and normalises to the declared spelling', (t) => {
  const s: OptionSpec = { type: 'str', values: ['DEBUG', 'INFO'], caseInsensitive: true };
  t.is(ok(s, 'debug'), 'DEBUG');
  t.is(ok(s, 'Info'), 'INFO');
  t.regex(refused(s, 'verbose'), /allowed values/);
});

test('path must be absolute and must not contain ../', (t) => {
  t.is(ok({ type: 'path' }, '/data/brick1'), '/data/brick1');
  t.regex(refused({ type: 'path' }, 'data/brick1'), /absolute path/);
  t.regex(refused({ type: 'path' }, '/data/../etc'), /\.\.\//);
});

test('address accepts IPv4, IPv6 and host names only', (t) => {
  for (const v of ['192.168.1.10', '::1', 'fe80::1%eth0', '2001:db8:0:0:0:0:0:1', 'server1', 'gluster-1.example.com']) t.is(ok({ type: 'address' }, v), v, v);
  for (const v of ['', 'host_name', '-host', 'a..b', '192.168.*', '1::2::3', 'host.', 'a b']) t.regex(refused({ type: 'address' }, v), /not a valid address/, v);
});

test('address-list takes comma-separated addresses, wildcards and CIDRs', (t) => {
  const s: OptionSpec = { type: 'address-list' };
  t.deepEqual(ok(s, '*'), ['*']);
  t.deepEqual(ok(s, '192.168.*,10.0.0.0/8,server1'), ['192.168.*', '10.0.0.0/8', 'server1']);
  t.deepEqual(ok(s, '192.168.1.*, host2.example.com'), ['192.168.1.*', 'host2.example.com'], 'spaces after commas are dropped');
  t.deepEqual(ok(s, '/dir1(192.168.1.*|host1),/dir2(10.0.0.1)'), ['/dir1(192.168.1.*|host1)', '/dir2(10.0.0.1)']);
  for (const v of ['10.0.0.0/33', 'host_1', '192.168.1.1 10.0.0.1', 'dir(10.0.0.1)', '/dir()', '/dir(10.0.0.1']) t.regex(refused(s, v), /not a valid address list/, v);
});

test('client-auth-addr takes *, patterns, subnets, addresses and names', (t) => {
  const s: OptionSpec = { type: 'client-auth-addr' };
  t.deepEqual(ok(s, '*'), ['*']);
  t.deepEqual(ok(s, '192.168.1.0/24,host?,10.[0-9].*,::1'), ['192.168.1.0/24', 'host?', '10.[0-9].*', '::1']);
  for (const v of ['', ',', '10.0.0.0/40', '10.0.0.0/', 'bad_host']) t.regex(refused(s, v), /client auth address list/, v);
});

test('priority-list and size-list parse GlusterFS pairs', (t) => {
  t.deepEqual(ok({ type: 'priority-list' }, '*.jpg:2,*:1'), [{ pattern: '*.jpg', priority: 2 }, { pattern: '*', priority: 1 }]);
  for (const v of ['*.jpg', '*.jpg:high', '', '*.jpg:99999999999']) t.regex(refused({ type: 'priority-list' }, v), /priority-list/, v);
  t.deepEqual(ok({ type: 'size-list' }, '128KB'), [{ pattern: '*', bytes: 128 * KB }]);
  t.deepEqual(ok({ type: 'size-list' }, '*.img:1MB,*:128KB'), [{ pattern: '*.img', bytes: MB }, { pattern: '*', bytes: 128 * KB }]);
  t.regex(refused({ type: 'size-list' }, '1000'), /multiple of 512/);
  t.regex(refused({ type: 'size-list', min: '16KB' }, '1KB'), /at least 16KB/);
});

test('formatOptionValue writes values back in option syntax that parses to the same value', (t) => {
  const cases: [OptionSpec, string, string][] = [
    [{ type: 'size' }, '32768KB', '32MB'],
    [{ type: 'size' }, '1536', '1536B'],
    [{ type: 'time' }, '600', '10m'],
    [{ type: 'time' }, '90', '90s'],
    [{ type: 'bool' }, 'YES', 'on'],
    [{ type: 'percent' }, '80', '80%'],
    [{ type: 'percent-or-size' }, '2048', '2KB'],
    [{ type: 'address-list' }, '10.0.0.1, host1', '10.0.0.1,host1'],
    [{ type: 'priority-list' }, '*.jpg:2', '*.jpg:2'],
  ];
  for (const [spec, raw, out] of cases) {
    const v = ok(spec, raw);
    t.is(formatOptionValue(spec, v), out);
    t.deepEqual(ok(spec, out), v, `${out} parses back`);
  }
});

test('describeOption is one line with type, default, range and description', (t) => {
  const line = describeOption('cache-size', { type: 'size', default: '32MB', min: '4MB', max: '32GB', description: 'Size of the cache.' });
  t.is(line, 'cache-size (size, default 32MB, between 4MB and 32GB): Size of the cache.');
  t.is(describeOption('policy', { type: 'str', values: ['lru', 'fifo'], aliases: ['cache-policy'] }), 'policy (str, one of lru|fifo, alias cache-policy)');
});
