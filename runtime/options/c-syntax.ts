/**
 * The number and word syntax of GlusterFS options, as libglusterfs/src/common-utils.c parses it
 * with C's strtol/strtod. Each function returns the parsed value, or a string saying what is
 * wrong (the caller turns it into a diagnostic). Kept free of option/diagnostic concepts so that
 * it can be compared line by line with the C code.
 */

/** C isspace() in the C locale. */
const SPACE = '[ \\t\\n\\v\\f\\r]*';
const LEADING_MINUS = new RegExp(`^${SPACE}-`);
/** strtol/strtoll with base 0: optional sign, then 0x-hex, 0-octal or decimal digits. */
const STRTOL_BASE0 = new RegExp(`^${SPACE}([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))`);
const STRTOL_BASE10 = new RegExp(`^${SPACE}([+-]?)([0-9]+)`);
/** strtod, decimal forms only (inf/nan/hex floats are refused on purpose: see parse.ts). */
const STRTOD = new RegExp(`^${SPACE}([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)`);

export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_MIN = -(2n ** 63n);

export const UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5 } as const;
export type SizeUnit = keyof typeof UNITS;
const UNIT_BY_UPPER = new Map<string, number>(Object.entries(UNITS));

export const TIME_SUFFIXES: Readonly<Record<string, number>> = {
  '': 1, s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, days: 86400, w: 604800, wk: 604800,
};

/** First non-space character is '-' (the size/time/percent parsers refuse these outright). */
export function startsNegative(s: string): boolean {
  return LEADING_MINUS.test(s);
}

/** strtol: the parsed integer and the unparsed tail, or undefined when no digit was read. */
export function strtol(s: string, base: 0 | 10): { value: bigint; tail: string } | undefined {
  if (base === 10) {
    const m = STRTOL_BASE10.exec(s);
    if (!m) return undefined;
    const v = BigInt(m[2]!);
    return { value: m[1] === '-' ? -v : v, tail: s.slice(m[0].length) };
  }
  const m = STRTOL_BASE0.exec(s);
  if (!m) return undefined;
  const v = m[2] !== undefined ? BigInt(`0x${m[2]}`) : m[3] !== undefined ? BigInt(`0o${m[3].slice(1) || '0'}`) : BigInt(m[4]!);
  return { value: m[1] === '-' ? -v : v, tail: s.slice(m[0].length) };
}

/** strtod: the parsed number and the unparsed tail, or undefined when nothing was read. */
export function strtod(s: string): { value: number; tail: string } | undefined {
  const m = STRTOD.exec(s);
  if (!m) return undefined;
  return { value: Number(m[1]), tail: s.slice(m[0].length) };
}

/** gf_string2longlong (base 0, whole string), with gf_string2ulonglong's refusal of "-0". */
export function cInt(s: string): bigint | string {
  const r = strtol(s, 0);
  if (!r || r.tail !== '') return 'expected an integer (decimal, 0x-hex or 0-octal)';
  if (r.value > INT64_MAX || r.value < INT64_MIN) return 'the integer does not fit in 64 bits';
  if (r.value === 0n && startsNegative(s)) return 'expected an integer; -0 is refused';
  return r.value;
}

/** gf_string2double: strtod of the whole string. */
export function cDouble(s: string): number | string {
  const r = strtod(s);
  if (!r || r.tail !== '' || !Number.isFinite(r.value)) return 'expected a decimal number such as 0.5 or 1e-3';
  return r.value;
}

/**
 * gf_string2bytesize_range: a non-negative integer (base 10) or, when the text has a '.', a
 * decimal; then nothing or a unit B/KB/MB/GB/TB/PB in any case, powers of 1024, no space.
 */
export function cSize(s: string): number | string {
  const expected = 'expected a size: a number with an optional unit B, KB, MB, GB, TB or PB (any case, powers of 1024, no space), e.g. 32MB';
  if (startsNegative(s)) return `${expected}; negative sizes are refused`;
  let n: number;
  let tail: string;
  if (s.includes('.')) {
    const r = strtod(s);
    if (!r) return expected;
    n = r.value;
    tail = r.tail;
  } else {
    const r = strtol(s, 10);
    if (!r) return expected;
    if (r.value > INT64_MAX) return 'the size does not fit in 63 bits';
    n = Number(r.value);
    tail = r.tail;
  }
  if (tail !== '') {
    const unit = UNIT_BY_UPPER.get(tail.toUpperCase());
    if (unit === undefined) return expected;
    n *= unit;
  }
  if (n > Number(INT64_MAX)) return 'the size does not fit in 63 bits';
  return Math.trunc(n);
}

/** gf_string2time: strtol (base 0), then "", s, sec, m, min, h, hr, d, days, w, wk (case-sensitive). */
export function cTime(s: string): number | string {
  const expected = 'expected a time: whole seconds, or a number followed by s/sec, m/min, h/hr, d/days or w/wk, e.g. 10m';
  if (startsNegative(s)) return `${expected}; negative times are refused`;
  const r = strtol(s, 0);
  if (!r) return expected;
  const mult = Object.hasOwn(TIME_SUFFIXES, r.tail) ? TIME_SUFFIXES[r.tail]! : undefined;
  if (mult === undefined) return expected;
  const v = Number(r.value) * mult;
  if (!Number.isSafeInteger(v)) return 'the time is too large';
  return v;
}

/** gf_string2percent: strtod, then nothing or '%'. Range is checked by the caller. */
export function cPercent(s: string): number | string {
  const expected = 'expected a percentage such as 80% or 80';
  if (startsNegative(s)) return `${expected}; negative percentages are refused`;
  const r = strtod(s);
  if (!r || (r.tail !== '' && r.tail !== '%') || !Number.isFinite(r.value)) return expected;
  return r.value;
}

/**
 * gf_string2percent_or_bytesize plus xlator_option_validate_percent_or_sizet: a number with '%'
 * is a percentage; otherwise bytes with an optional KB..PB unit (GlusterFS does not accept the
 * "B" unit here) and no fraction (digits after '.' must all be 0, so 1.0MB is refused too).
 */
export function cPercentOrSize(s: string): { percent: number } | { bytes: number } | string {
  const expected = 'expected a percentage (e.g. 20%) or a size in bytes with an optional unit KB, MB, GB, TB or PB (e.g. 1GB)';
  if (startsNegative(s)) return `${expected}; negative values are refused`;
  const r = strtod(s);
  if (!r || !Number.isFinite(r.value)) return expected;
  if (r.tail === '%') return { percent: r.value };
  let n = r.value;
  if (r.tail !== '') {
    const unit = r.tail.toUpperCase() === 'B' ? undefined : UNIT_BY_UPPER.get(r.tail.toUpperCase());
    if (unit === undefined) return expected;
    n *= unit;
  }
  const dot = s.indexOf('.');
  if (dot >= 0 && !/^0*$/.test(s.slice(dot + 1))) return 'a size in bytes must be a whole number (fractions such as 1.5GB are refused)';
  if (n > Number(INT64_MAX)) return 'the size does not fit in 63 bits';
  return { bytes: n };
}

const TRUE_WORDS = new Set(['1', 'on', 'yes', 'true', 'enable']);
const FALSE_WORDS = new Set(['0', 'off', 'no', 'false', 'disable']);

/** gf_string2boolean: strcasecmp against the ten words, nothing trimmed. */
export function cBool(s: string): boolean | string {
  const w = s.toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  return 'expected a boolean: on/off, yes/no, true/false, enable/disable or 1/0 (any case)';
}

/** gf_string2int32 (used by priority-list): strtol base 0, whole string, 32-bit range. */
export function cInt32(s: string): number | undefined {
  const r = strtol(s, 0);
  if (!r || r.tail !== '' || r.value > 2147483647n || r.value < -2147483648n) return undefined;
  return Number(r.value);
}

/** C strtok: the non-empty pieces between any of the delimiter characters. */
export function strtok(s: string, delims: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || delims.includes(s[i]!)) {
      if (i > start) out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}
