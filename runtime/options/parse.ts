/**
 * String -> typed value for one prepared option, following GlusterFS's validators in
 * libglusterfs/src/options.c (xlator_option_validate_*). Returns a result rather than throwing:
 * validating a 10,000-volume graph must not pay for exceptions.
 */
import { closest, distance } from 'fastest-levenshtein';
import { parseAddressList, parseClientAuthAddr, validInternetAddress } from './addresses.js';
import { cBool, cDouble, cInt, cInt32, cPercent, cPercentOrSize, cSize, cTime, strtok } from './c-syntax.js';
import { describeRange, formatSize } from './format.js';
import type { PreparedOption } from './prepare.js';
import type { PriorityList, SizeList } from './types.js';

export type ParseResult =
  | { ok: true; value: unknown }
  | { ok: false; code: 'OPTION_INVALID' | 'OPTION_OUT_OF_RANGE' | 'OPTION_NOT_ALLOWED'; message: string; hint?: string };

/** `did you mean `x`?` when one candidate is close enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates as string[]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** A short list for hints; long lists are cut so a message stays one screen wide. */
export function listForHint(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max).map((s) => `\`${s}\``).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

function invalid(key: string, raw: string, what: string, expected: string): ParseResult {
  return { ok: false, code: 'OPTION_INVALID', message: `option \`${key}\` value \`${raw}\` is not a valid ${what}: ${expected}` };
}

function inRange(p: PreparedOption, key: string, raw: string, n: number, value: unknown = n): ParseResult {
  if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
    return {
      ok: false,
      code: 'OPTION_OUT_OF_RANGE',
      message: `option \`${key}\` value \`${raw}\` is out of range: ${key} must be ${describeRange(p.minText, p.maxText)}`,
    };
  }
  return { ok: true, value };
}

function percentRange(key: string, raw: string, percent: number, value: unknown): ParseResult {
  if (percent < 0 || percent > 100) {
    return { ok: false, code: 'OPTION_OUT_OF_RANGE', message: `option \`${key}\` value \`${raw}\` is out of range: ${key} must be between 0% and 100%` };
  }
  return { ok: true, value };
}

function parseStr(p: PreparedOption, key: string, raw: string): ParseResult {
  if (!p.allowed) return { ok: true, value: raw };
  // is_all_whitespaces(): a blank value never matches a list of allowed values
  if (!/^ *$/.test(raw)) {
    for (const match of p.allowed) {
      const v = match(raw);
      if (v !== undefined) return { ok: true, value: v };
    }
  }
  const values = p.spec.type === 'str' ? (p.spec.values ?? []) : [];
  const near = nearest(raw, values);
  return {
    ok: false,
    code: 'OPTION_NOT_ALLOWED',
    message: `option \`${key}\` value \`${raw}\` is not one of the allowed values`,
    hint: `${near ? `did you mean \`${near}\`? ` : ''}allowed values: ${listForHint(values, 64)}`,
  };
}

function parseXlator(key: string, raw: string, volumeNames: ReadonlySet<string> | undefined): ParseResult {
  if (raw === '') return invalid(key, raw, 'translator name', 'expected the name of a volume in this graph');
  if (!volumeNames || volumeNames.has(raw)) return { ok: true, value: raw };
  const names = [...volumeNames];
  const near = nearest(raw, names);
  return {
    ok: false,
    code: 'OPTION_NOT_ALLOWED',
    message: `option \`${key}\` value \`${raw}\` is not the name of a volume in this graph`,
    hint: near ? `did you mean \`${near}\`?` : `volumes: ${listForHint(names)}`,
  };
}

function parsePriorityList(key: string, raw: string): ParseResult {
  const out: PriorityList = [];
  const entries = strtok(raw, ',');
  for (const entry of entries) {
    const [pattern, prio] = strtok(entry, ':');
    const priority = prio === undefined ? undefined : cInt32(prio);
    if (pattern === undefined || priority === undefined) {
      return invalid(key, raw, 'priority-list', 'expected pattern:priority pairs separated by commas, e.g. *.jpg:2,*:1');
    }
    out.push({ pattern, priority });
  }
  if (out.length === 0) return invalid(key, raw, 'priority-list', 'expected at least one pattern:priority pair');
  return { ok: true, value: out };
}

/** gf_validate_size: a size, at least min, a multiple of 512. Either one size or pattern:size,... */
function parseSizeList(p: PreparedOption, key: string, raw: string): ParseResult {
  const ok = (s: string): number | undefined => {
    const n = cSize(s);
    return typeof n === 'number' && n >= (p.min ?? 0) && n % 512 === 0 ? n : undefined;
  };
  const single = ok(raw);
  if (single !== undefined) return { ok: true, value: [{ pattern: '*', bytes: single }] satisfies SizeList };
  const out: SizeList = [];
  for (const entry of strtok(raw, ',')) {
    const [pattern, size] = strtok(entry, ':');
    const bytes = size === undefined ? undefined : ok(size);
    if (pattern === undefined || bytes === undefined) break;
    out.push({ pattern, bytes });
  }
  if (out.length > 0 && out.length === strtok(raw, ',').length) return { ok: true, value: out };
  const min = p.min ? `, at least ${p.minText ?? formatSize(p.min)}` : '';
  return invalid(key, raw, 'size-list', `expected a size (a multiple of 512${min}) or pattern:size pairs separated by commas`);
}

/** Parse and range-check one value. `key` is the key as the user wrote it (for messages). */
export function parsePrepared(p: PreparedOption, key: string, raw: string, volumeNames?: ReadonlySet<string>): ParseResult {
  const spec = p.spec;
  switch (spec.type) {
    case 'int': {
      const v = cInt(raw);
      return typeof v === 'string' ? invalid(key, raw, 'integer', v) : inRange(p, key, raw, Number(v));
    }
    case 'double': {
      const v = cDouble(raw);
      return typeof v === 'string' ? invalid(key, raw, 'number', v) : inRange(p, key, raw, v);
    }
    case 'size': {
      const v = cSize(raw);
      return typeof v === 'string' ? invalid(key, raw, 'size', v) : inRange(p, key, raw, v);
    }
    case 'time': {
      const v = cTime(raw);
      return typeof v === 'string' ? invalid(key, raw, 'time', v) : inRange(p, key, raw, v);
    }
    case 'percent': {
      const v = cPercent(raw);
      return typeof v === 'string' ? invalid(key, raw, 'percentage', v) : percentRange(key, raw, v, v);
    }
    case 'percent-or-size': {
      const v = cPercentOrSize(raw);
      if (typeof v === 'string') return invalid(key, raw, 'percentage or size', v);
      return 'percent' in v ? percentRange(key, raw, v.percent, v) : inRange(p, key, raw, v.bytes, v);
    }
    case 'bool': {
      const v = cBool(raw);
      return typeof v === 'string' ? invalid(key, raw, 'boolean', v) : { ok: true, value: v };
    }
    case 'str':
      return parseStr(p, key, raw);
    case 'path':
      if (raw.includes('../')) return invalid(key, raw, 'path', 'a path must not contain ../');
      if (!raw.startsWith('/')) return invalid(key, raw, 'path', 'expected an absolute path starting with /');
      return { ok: true, value: raw };
    case 'xlator':
      return parseXlator(key, raw, volumeNames);
    case 'address':
      return validInternetAddress(raw, false, false)
        ? { ok: true, value: raw }
        : invalid(key, raw, 'address', 'expected an IPv4 address, an IPv6 address or a host name');
    case 'address-list': {
      const v = parseAddressList(raw);
      return v ? { ok: true, value: v } : invalid(key, raw, 'address list',
        'expected addresses separated by commas (IPv4/IPv6 addresses, host names, wildcards such as 192.168.*, CIDRs such as 10.0.0.0/8), or /dir(addr|addr) entries');
    }
    case 'client-auth-addr': {
      const v = parseClientAuthAddr(raw);
      return v ? { ok: true, value: v } : invalid(key, raw, 'client auth address list',
        'expected addresses separated by commas: *, a pattern with * ? or [, a subnet such as 10.0.0.0/8, an IP address or a host name');
    }
    case 'priority-list':
      return parsePriorityList(key, raw);
    case 'size-list':
      return parseSizeList(p, key, raw);
    case 'any':
      return { ok: true, value: raw };
  }
}
