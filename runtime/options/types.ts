/**
 * Option declarations, GlusterFS's volume_option_t re-imagined as a typed `as const` table.
 * A translator declares `options: { 'cache-size': { type: 'size', default: '32MB', min: '4MB' } }`
 * and receives `self.options['cache-size']` as a number of bytes.
 *
 * Keys may contain `*` (any run of characters, dots included) and `?` wildcards, as GlusterFS's
 * fnmatch(FNM_NOESCAPE) does (`auth.addr.*.allow`); such an option's value is a record from each
 * concrete key given in the volfile to its value.
 */
interface Common {
  /** Default as GlusterFS writes it: a string in the option's own syntax. */
  default?: string;
  description?: string;
  /** Other keys accepted for this option (GlusterFS's key[] beyond the first). */
  aliases?: readonly string[];
  /** Must be given in the volfile. */
  required?: boolean;
  /** GlusterFS op-version that introduced it (documentation only). */
  opVersion?: number;
  /** Hidden from `gfs volfile options` listings (internal/deprecated). */
  deprecated?: boolean;
}

/** Bounds of size-like options: a size string (`'4MB'`) or a number of bytes. */
type SizeBound = string | number;
/** Bounds of time options: seconds, or a time string (`'1h'`). */
type TimeBound = string | number;

export type OptionSpec =
  | (Common & { type: 'int'; min?: number; max?: number })
  | (Common & { type: 'double'; min?: number; max?: number })
  | (Common & { type: 'size'; min?: SizeBound; max?: SizeBound })
  | (Common & { type: 'percent' })
  /** min/max bound the byte form only; the percent form is always 0..100. */
  | (Common & { type: 'percent-or-size'; min?: SizeBound; max?: SizeBound })
  | (Common & { type: 'bool' })
  | (Common & { type: 'time'; min?: TimeBound; max?: TimeBound })
  /**
   * `values` are fnmatch patterns as in GlusterFS (usually plain words), compared
   * case-sensitively unless `caseInsensitive` (then the value normalises to the declared spelling).
   */
  | (Common & { type: 'str'; values?: readonly string[]; caseInsensitive?: boolean })
  | (Common & { type: 'path' })
  | (Common & { type: 'xlator' })
  | (Common & { type: 'address' })
  | (Common & { type: 'address-list' })
  | (Common & { type: 'client-auth-addr' })
  | (Common & { type: 'priority-list' })
  /** Entries must be multiples of 512 and at least `min` (GlusterFS's stripe block-size rule). */
  | (Common & { type: 'size-list'; min?: SizeBound })
  | (Common & { type: 'any' });

export type OptionType = OptionSpec['type'];
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** `percent-or-size` normalises to one of these (a bare number is bytes, as in GlusterFS). */
export type PercentOrSize = { percent: number } | { bytes: number };
/** `priority-list` (`pattern:prio,pattern:prio`) normalises to ordered pairs. */
export type PriorityList = { pattern: string; priority: number }[];
/** `size-list` (`pattern:size,...` or one size, which means pattern `*`). */
export type SizeList = { pattern: string; bytes: number }[];

/** The normalised TypeScript value of each option type. */
export interface OptionValueMap {
  int: number;
  double: number;
  /** bytes */
  size: number;
  /** 0..100 */
  percent: number;
  'percent-or-size': PercentOrSize;
  bool: boolean;
  /** seconds */
  time: number;
  str: string;
  path: string;
  xlator: string;
  address: string;
  /** entries in order: addresses, wildcards, CIDRs, or `/dir(addr|addr)` */
  'address-list': string[];
  'client-auth-addr': string[];
  'priority-list': PriorityList;
  'size-list': SizeList;
  any: string;
}

type Glob = `${string}${'*' | '?' | '['}${string}`;
/** A `str` option with declared plain values is typed as their union. */
type StrValue<S> = S extends { values: readonly (infer V extends string)[] }
  ? string extends V ? string : V extends Glob ? string : V
  : string;
type ValueOf<S extends OptionSpec> = S extends { type: 'str' } ? StrValue<S> : OptionValueMap[S['type']];
type Present<S> = S extends { default: string } ? true : S extends { required: true } ? true : false;

type Own<T extends OptionTable> = {
  readonly [K in keyof T]: K extends `${string}${'*' | '?'}${string}`
    ? Readonly<Record<string, ValueOf<T[K]>>>
    : Present<T[K]> extends true
      ? ValueOf<T[K]>
      : ValueOf<T[K]> | undefined;
};

/**
 * The typed options object a translator receives, derived from its declaration, plus the
 * options every translator accepts (`log-level`) unless the table redeclares them.
 */
export type OptionValues<T extends OptionTable> = Own<T> & Own<Omit<typeof COMMON_OPTIONS, keyof T>>;

/** Every translator accepts these, as GlusterFS's xlator.c default_options does. */
export const COMMON_OPTIONS = {
  'log-level': {
    type: 'str',
    values: ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG', 'TRACE', 'NONE'],
    // GlusterFS's validator compares case-sensitively but handle_default_options() applies the
    // level with strcasecmp; we accept any case and normalise to the upper-case spelling.
    caseInsensitive: true,
    description: 'Log level of this translator (case-insensitive).',
  },
} as const satisfies OptionTable;
