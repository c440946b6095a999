import test from 'ava';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { isValidXlatorType, resolveXlator } from '../../runtime/loader/index.js';

// Types come from volfiles that may arrive over the network: none of these may reach the disk.
const INVALID = [
  '',
  'read-only',
  'features/read-only/extra',
  '../../../etc/passwd',
  '/features/read-only',
  'features/..',
  'features/a..b',
  '.hidden/x',
  'features/-dash',
  'Features/Read-Only',
  'features\\read-only',
  'features/read only',
  'features/read-only\0',
  'features/%2e%2e',
  `acme/${'x'.repeat(300)}`,
];

test('type strings are checked against category/name in lowercase', (t) => {
  for (const bad of INVALID) t.false(isValidXlatorType(bad), bad);
  for (const good of ['features/read-only', 'performance/io-cache', 'acme/v2.1_beta', 'a/b']) t.true(isValidXlatorType(good), good);
  t.false(isValidXlatorType(42));
});

test.serial('invalid type strings are refused without touching the filesystem', async (t) => {
  const names = ['existsSync', 'statSync', 'readdirSync', 'readFileSync', 'lstatSync', 'realpathSync'] as const;
  const saved = names.map((n) => fs[n]);
  const touched: string[] = [];
  for (const n of names) {
    (fs as unknown as Record<string, unknown>)[n] = (...args: unknown[]) => {
      touched.push(`${n}(${String(args[0])})`);
      throw new Error('the filesystem was touched');
    };
  }
  syncBuiltinESMExports();
  try {
    for (const bad of INVALID) {
      const err = await t.throwsAsync(resolveXlator(bad), { instanceOf: GfsError });
      t.is(err?.code, 'XLATOR_NOT_FOUND');
      t.regex(err!.message, /^invalid translator type/);
    }
    const err = await t.throwsAsync(resolveXlator(undefined as unknown as string));
    t.regex(err!.message, /invalid translator type undefined/);
  } finally {
    names.forEach((n, i) => ((fs as unknown as Record<string, unknown>)[n] = saved[i]));
    syncBuiltinESMExports();
  }
  t.deepEqual(touched, []);
});
