/** Values back into GlusterFS syntax, for messages, `gfs volfile options` and help text. */
import { UNITS } from './c-syntax.js';
import type { OptionSpec, PercentOrSize, PriorityList, SizeList } from './types.js';

const SIZE_UNITS = (['PB', 'TB', 'GB', 'MB', 'KB'] as const).map((u) => [u, UNITS[u]] as const);
const TIME_UNITS = [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60]] as const;

/** The largest unit that divides exactly: 33554432 -> `32MB`, 1536 -> `1536B`... `1.5KB` is never produced. */
export function formatSize(bytes: number): string {
  if (bytes === 0 || !Number.isInteger(bytes)) return String(bytes);
  for (const [name, size] of SIZE_UNITS) if (bytes % size === 0) return `${bytes / size}${name}`;
  return `${bytes}B`;
}

/** The largest unit that divides exactly: 600 -> `10m`, 90 -> `90s`. */
export function formatTime(seconds: number): string {
  if (seconds === 0 || !Number.isInteger(seconds)) return `${seconds}s`;
  for (const [name, size] of TIME_UNITS) if (seconds % size === 0) return `${seconds / size}${name}`;
  return `${seconds}s`;
}

/** A normalised value written back in the option's own syntax (parseOptionValue reads it back). */
export function formatOptionValue(spec: OptionSpec, value: unknown): string {
  if (value === undefined) return '';
  switch (spec.type) {
    case 'size':
      return formatSize(value as number);
    case 'time':
      return formatTime(value as number);
    case 'bool':
      return value ? 'on' : 'off';
    case 'percent':
      return `${value as number}%`;
    case 'percent-or-size': {
      const v = value as PercentOrSize;
      return 'percent' in v ? `${v.percent}%` : v.bytes === 0 ? '0' : formatSize(v.bytes);
    }
    case 'address-list':
    case 'client-auth-addr':
      return (value as string[]).join(',');
    case 'priority-list':
      return (value as PriorityList).map((p) => `${p.pattern}:${p.priority}`).join(',');
    case 'size-list': {
      const v = value as SizeList;
      if (v.length === 1 && v[0]!.pattern === '*') return formatSize(v[0]!.bytes);
      return v.map((p) => `${p.pattern}:${formatSize(p.bytes)}`).join(',');
    }
    default:
      return String(value);
  }
}

/** The allowed range in the option's own units: `between 4MB and 32GB`, `at least 1`. */
export function describeRange(minText: string | undefined, maxText: string | undefined): string | undefined {
  if (minText !== undefined && maxText !== undefined) return `between ${minText} and ${maxText}`;
  if (minText !== undefined) return `at least ${minText}`;
  if (maxText !== undefined) return `at most ${maxText}`;
  return undefined;
}

/** One line of help: `cache-size (size, default 32MB, between 4MB and 32GB): Size of the cache.` */
export function describeOption(key: string, spec: OptionSpec): string {
  const facts: string[] = [spec.type];
  if (spec.required) facts.push('required');
  if (spec.default !== undefined) facts.push(`default ${spec.default === '' ? '""' : spec.default}`);
  const s = spec as { min?: string | number; max?: string | number };
  const text = (b: string | number | undefined) =>
    b === undefined || typeof b === 'string' ? b
      : spec.type === 'time' ? formatTime(b)
      : spec.type === 'size' || spec.type === 'percent-or-size' || spec.type === 'size-list' ? formatSize(b) : String(b);
  const range = spec.type === 'percent' ? 'between 0% and 100%' : describeRange(text(s.min), text(s.max));
  if (range) facts.push(range);
  if (spec.type === 'str' && spec.values?.length) facts.push(`one of ${spec.values.join('|')}`);
  if (spec.aliases?.length) facts.push(`alias ${spec.aliases.join(', ')}`);
  if (spec.deprecated) facts.push('deprecated');
  return `${key} (${facts.join(', ')})${spec.description ? `: ${spec.description}` : ''}`;
}
