/**
 * Turns one declared option into what validation needs at run time: bounds parsed once into
 * numbers, allowed-value matchers built once, the default parsed once. Declaration mistakes
 * (min > max, a default that does not parse) are collected as messages for OPTION_BAD_DECLARATION.
 */
import { cSize, cTime } from './c-syntax.js';
import { globRegExp, hasGlob } from './glob.js';
import { formatSize, formatTime } from './format.js';
import type { OptionSpec, OptionType } from './types.js';

export interface PreparedOption {
  readonly key: string;
  readonly spec: OptionSpec;
  readonly wildcard: boolean;
  /** Numeric bounds in the normalised unit (bytes, seconds, ...). */
  readonly min?: number;
  readonly max?: number;
  /** Bounds as a human reads them, in the option's own units (`4MB`, `1h`). */
  readonly minText?: string;
  readonly maxText?: string;
  /** str: one matcher per allowed value, returning the declared spelling on a match. */
  readonly allowed?: ReadonlyArray<(v: string) => string | undefined>;
  /** The parsed default, when declared. */
  readonly defaultValue?: unknown;
  readonly hasDefault: boolean;
}

const KNOWN_TYPES: ReadonlySet<OptionType> = new Set<OptionType>([
  'int', 'double', 'size', 'percent', 'percent-or-size', 'bool', 'time', 'str', 'path', 'xlator',
  'address', 'address-list', 'client-auth-addr', 'priority-list', 'size-list', 'any',
]);

export function isWildcardKey(key: string): boolean {
  return /[*?]/.test(key);
}

type Bound = { n?: number; text?: string };

function bound(spec: OptionSpec, which: 'min' | 'max', problems: string[]): Bound {
  const raw = (spec as { min?: unknown; max?: unknown })[which];
  if (raw === undefined) return {};
  const sizeLike = spec.type === 'size' || spec.type === 'percent-or-size' || spec.type === 'size-list';
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) problems.push(`${which} must be a finite number`);
    const text = sizeLike ? formatSize(raw) : spec.type === 'time' ? formatTime(raw) : String(raw);
    return { n: raw, text };
  }
  if (typeof raw === 'string' && (sizeLike || spec.type === 'time')) {
    const n = sizeLike ? cSize(raw) : cTime(raw);
    if (typeof n === 'string') {
      problems.push(`${which} \`${raw}\` does not parse: ${n}`);
      return {};
    }
    return { n, text: raw };
  }
  problems.push(`${which} of a ${spec.type} option must be a number`);
  return {};
}

function allowedMatchers(spec: OptionSpec, problems: string[]): PreparedOption['allowed'] {
  if (spec.type !== 'str' || spec.values === undefined || spec.values.length === 0) return undefined;
  const ci = spec.caseInsensitive === true;
  return spec.values.map((declared) => {
    if (typeof declared !== 'string' || declared.trim() === '') problems.push('allowed values must be non-empty strings');
    if (hasGlob(declared)) {
      const re = globRegExp(declared, ci ? 'i' : '');
      return (v: string) => (re.test(v) ? v : undefined);
    }
    if (ci) {
      const upper = declared.toUpperCase();
      return (v: string) => (v.toUpperCase() === upper ? declared : undefined);
    }
    return (v: string) => (v === declared ? declared : undefined);
  });
}

/**
 * Prepare without parsing the default (the caller does that with the parser, which needs the
 * prepared option); `problems` receives declaration mistakes.
 */
export function prepareShape(key: string, spec: OptionSpec, problems: string[]): Omit<PreparedOption, 'defaultValue' | 'hasDefault'> {
  if (typeof spec !== 'object' || spec === null || !KNOWN_TYPES.has(spec.type)) {
    problems.push(`unknown option type \`${String((spec as { type?: unknown } | null)?.type)}\``);
  }
  if (key === '' || /\s/.test(key)) problems.push('an option key must be non-empty and contain no white space');
  const wildcard = isWildcardKey(key);
  if (wildcard && spec.default !== undefined) problems.push('a wildcard option cannot have a default');
  if (wildcard && spec.required) problems.push('a wildcard option cannot be required');
  const lo = bound(spec, 'min', problems);
  const hi = bound(spec, 'max', problems);
  if (lo.n !== undefined && hi.n !== undefined && lo.n > hi.n) problems.push(`min ${lo.text} is greater than max ${hi.text}`);
  return {
    key,
    spec,
    wildcard,
    ...(lo.n !== undefined ? { min: lo.n, minText: lo.text } : {}),
    ...(hi.n !== undefined ? { max: hi.n, maxText: hi.text } : {}),
    allowed: allowedMatchers(spec, problems),
  };
}
