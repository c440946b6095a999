/**
 * Option table -> JSON Schema -> one ajv validation function, compiled once per table object.
 *
 * The schema is the contract: declared keys are `properties`, wildcard keys (`auth.addr.*.allow`)
 * are `patternProperties`, anything else fails `additionalProperties: false`, required options are
 * `required`. Each property carries the custom keyword `gfsOption`, whose compiled closure runs the
 * GlusterFS syntax check and stores the normalised value in the per-call context (ajv's
 * `passContext`), so each value is parsed exactly once. Aliases are mapped to the canonical key
 * before ajv runs (resolveKey).
 */
import { Ajv, type SchemaObject, type ValidateFunction } from 'ajv';
import { diagnostic, throwIfErrors, type DiagnosticData } from '../diagnostics/index.js';
import { globRegExp, globSource, literalSource } from './glob.js';
import { parsePrepared, type ParseResult } from './parse.js';
import { prepareShape, isWildcardKey, type PreparedOption } from './prepare.js';
import { COMMON_OPTIONS, type OptionSpec, type OptionTable } from './types.js';

/** A value that failed its check, recorded by the keyword for validate.ts to report. */
export interface Problem {
  key: string;
  result: Extract<ParseResult, { ok: false }>;
}

/**
 * What the ajv keyword closures read and write during one validation call
 * (`validate.call(new RunContext(...), data)`). A class so that the keyword can tell it from
 * whatever `this` a direct `compiled.validate(data)` call happens to pass.
 */
export class RunContext {
  readonly values: Record<string, unknown> = {};
  readonly problems: Problem[] = [];
  constructor(readonly volumeNames?: ReadonlySet<string>) {}
}

export interface CompiledOptions {
  /** The declaration plus COMMON_OPTIONS (the table's own entry wins). */
  readonly table: OptionTable;
  /** The JSON Schema (draft-07) ajv compiled. */
  readonly schema: SchemaObject;
  /** Canonical key -> prepared option, in declaration order. */
  readonly options: ReadonlyMap<string, PreparedOption>;
  /** Keys offered as "did you mean" candidates: canonical keys, aliases and wildcard patterns. */
  readonly suggestions: readonly string[];
  /** Call as `validate.call(runContext, data)`; data maps canonical/concrete keys to raw strings. */
  readonly validate: ValidateFunction;
  /** Canonical key for a declared key or alias; wildcard aliases are rewritten; others unchanged. */
  resolveKey(key: string): string;
}

/** Read by the keyword's compile step: the options of the table being compiled right now. */
let compiling: ReadonlyMap<string, PreparedOption> | undefined;

const ajv = new Ajv({ allErrors: true, passContext: true, strict: true });
ajv.addKeyword({
  keyword: 'gfsOption',
  schemaType: 'object',
  errors: false,
  compile(schema: { key: string }) {
    const p = compiling?.get(schema.key);
    if (!p) throw new Error(`gfsOption: no prepared option ${schema.key}`);
    return function check(this: unknown, data: unknown, cxt?: { parentDataProperty?: string | number }): boolean {
      const concrete = String(cxt?.parentDataProperty ?? p.key);
      const run = this instanceof RunContext ? this : undefined;
      const r = parsePrepared(p, concrete, String(data), run?.volumeNames);
      if (!run) return r.ok; // called without a context: check only
      if (!r.ok) {
        run.problems.push({ key: concrete, result: r });
        return false;
      }
      if (p.wildcard) ((run.values[p.key] ??= {}) as Record<string, unknown>)[concrete] = r.value;
      else run.values[p.key] = r.value;
      return true;
    };
  },
});

const prepared = new WeakMap<OptionSpec, PreparedOption>();

/** Prepare one option (parsed bounds, matchers, parsed default); `problems` gets declaration errors. */
export function prepareOption(key: string, spec: OptionSpec, problems: string[] = []): PreparedOption {
  const cached = prepared.get(spec);
  if (cached && cached.key === key) return cached;
  const before = problems.length;
  const shape = prepareShape(key, spec, problems);
  let p: PreparedOption = { ...shape, hasDefault: false };
  if (spec.default !== undefined && problems.length === before) {
    const r = parsePrepared(p, key, spec.default);
    if (r.ok) p = { ...p, defaultValue: r.value, hasDefault: true };
    else problems.push(`the default does not pass its own check: ${r.message}`);
  }
  if (problems.length === before) prepared.set(spec, p);
  return p;
}

function propertySchema(p: PreparedOption): SchemaObject {
  const s = p.spec as OptionSpec & { min?: unknown; max?: unknown; values?: readonly string[] };
  const gfs: Record<string, unknown> = { key: p.key, type: s.type };
  if (s.min !== undefined) gfs.min = s.min;
  if (s.max !== undefined) gfs.max = s.max;
  if (s.values !== undefined) gfs.values = [...s.values];
  const out: SchemaObject = { type: 'string', gfsOption: gfs };
  if (s.description !== undefined) out.description = s.description;
  if (s.default !== undefined) out.default = s.default;
  return out;
}

function build(table: OptionTable): CompiledOptions {
  const merged: OptionTable = { ...COMMON_OPTIONS, ...table };
  const problems: DiagnosticData[] = [];
  const options = new Map<string, PreparedOption>();
  const exact = new Map<string, string>();
  const wildAliases: { re: RegExp; canonical: string }[] = [];
  for (const [key, spec] of Object.entries(merged)) {
    const msgs: string[] = [];
    options.set(key, prepareOption(key, spec, msgs));
    exact.set(key, key);
    for (const alias of spec?.aliases ?? []) {
      if (exact.has(alias) && exact.get(alias) !== key) msgs.push(`alias \`${alias}\` is already used by \`${exact.get(alias)}\``);
      if (isWildcardKey(alias) !== isWildcardKey(key) || (alias.match(/[*?]/g)?.join('') ?? '') !== (key.match(/[*?]/g)?.join('') ?? '')) {
        msgs.push(`alias \`${alias}\` must have the same wildcards as \`${key}\``);
      }
      if (isWildcardKey(alias)) wildAliases.push({ re: new RegExp(`^${globSource(alias, true)}$`), canonical: key });
      else exact.set(alias, key);
    }
    for (const m of msgs) problems.push(diagnostic('OPTION_BAD_DECLARATION', { message: `option \`${key}\`: ${m}` }));
  }
  throwIfErrors(problems);

  const properties: Record<string, SchemaObject> = {};
  const patternProperties: Record<string, SchemaObject> = {};
  const plainKeys = [...options.values()].filter((p) => !p.wildcard).map((p) => p.key);
  const earlierPatterns: string[] = [];
  const required: string[] = [];
  for (const p of options.values()) {
    if (!p.wildcard) {
      properties[p.key] = propertySchema(p);
      if (p.spec.required) required.push(p.key);
      continue;
    }
    // A declared plain key, or an earlier wildcard (GlusterFS matches in table order), takes
    // precedence: exclude them so each given key is checked by exactly one subschema.
    const re = globRegExp(p.key);
    const excluded = [...plainKeys.filter((k) => re.test(k)).map(literalSource), ...earlierPatterns];
    const src = globSource(p.key);
    patternProperties[`^${excluded.map((e) => `(?!(?:${e})$)`).join('')}(?:${src})$`] = propertySchema(p);
    earlierPatterns.push(src);
  }
  const schema: SchemaObject = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties,
    ...(Object.keys(patternProperties).length ? { patternProperties } : {}),
    additionalProperties: false,
    ...(required.length ? { required } : {}),
  };
  compiling = options;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } finally {
    compiling = undefined;
    ajv.removeSchema(schema); // the table's WeakMap entry owns it; do not keep every table alive
  }
  const suggestions = [...options.values()].filter((p) => !p.spec.deprecated).flatMap((p) => [p.key, ...(p.spec.aliases ?? [])]);
  const resolveKey = (key: string): string => {
    const hit = exact.get(key);
    if (hit !== undefined) return hit;
    for (const { re, canonical } of wildAliases) {
      const m = re.exec(key);
      if (!m) continue;
      let i = 1;
      return canonical.replace(/[*?]/g, () => m[i++] ?? '');
    }
    return key;
  };
  return { table: merged, schema, options, suggestions, validate, resolveKey };
}

const cache = new WeakMap<OptionTable, CompiledOptions | Error>();

/** Compile once per table object; a bad declaration throws OPTION_BAD_DECLARATION (also cached). */
export function compileOptionTable(table: OptionTable): CompiledOptions {
  let c = cache.get(table);
  if (c === undefined) {
    try {
      c = build(table);
    } catch (e) {
      c = e instanceof Error ? e : new Error(String(e));
    }
    cache.set(table, c);
  }
  if (c instanceof Error) throw c;
  return c;
}
