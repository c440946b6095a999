/**
 * Compile-time tests of OptionValues<T>. This file has no runtime behaviour: it is checked by
 * `npx tsc --noEmit -p .` (the project tsconfig includes runtime/**), so a wrong derived type
 * fails the ordinary typecheck. `@ts-expect-error` lines fail the build if they stop being errors.
 * (Test files *.test.ts are excluded from tsc, which is why this lives here.)
 */
import type { OptionTable, OptionValues, PercentOrSize, PriorityList, SizeList } from './types.js';

const table = {
  'cache-size': { type: 'size', default: '32MB', min: '4MB', max: '32GB' },
  'cache-timeout': { type: 'time' },
  'min-free-disk': { type: 'percent-or-size', default: '10%' },
  'read-only': { type: 'bool', default: 'off' },
  policy: { type: 'str', values: ['lru', 'fifo'], default: 'lru' },
  pattern: { type: 'str', values: ['*.log', 'plain'] },
  anything: { type: 'str' },
  'remote-host': { type: 'address', required: true },
  'auth.addr.*.allow': { type: 'address-list' },
  priority: { type: 'priority-list' },
  'block-size': { type: 'size-list' },
} as const satisfies OptionTable;

type V = OptionValues<typeof table>;
declare const v: V;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

assertType<Equal<V['cache-size'], number>>(); // default -> always present
assertType<Equal<V['cache-timeout'], number | undefined>>(); // no default -> may be absent
assertType<Equal<V['min-free-disk'], PercentOrSize>>();
assertType<Equal<V['read-only'], boolean>>();
assertType<Equal<V['policy'], 'lru' | 'fifo'>>(); // plain allowed values -> their union
assertType<Equal<V['pattern'], string | undefined>>(); // a glob among the values -> string
assertType<Equal<V['anything'], string | undefined>>();
assertType<Equal<V['remote-host'], string>>(); // required -> present
assertType<Equal<V['auth.addr.*.allow'], Readonly<Record<string, string[]>>>>(); // wildcard -> record
assertType<Equal<V['priority'], PriorityList | undefined>>();
assertType<Equal<V['block-size'], SizeList | undefined>>();
assertType<Equal<V['log-level'], 'CRITICAL' | 'ERROR' | 'WARNING' | 'INFO' | 'DEBUG' | 'TRACE' | 'NONE' | undefined>>(); // common option

// @ts-expect-error options are read-only for translators
v['cache-size'] = 1;
// @ts-expect-error an undeclared key is not there
void v['cache-sise'];
// @ts-expect-error a str with declared values is not any string
const p: V['policy'] = 'lfu';
void p;

// A table that redeclares a common option keeps its own type.
const own = { 'log-level': { type: 'str', default: 'INFO' } } as const satisfies OptionTable;
assertType<Equal<OptionValues<typeof own>['log-level'], string>>();

// The general form used by the runtime (`OptionTable`) still indexes by any string.
declare const loose: OptionValues<OptionTable>;
void loose['anything'];
