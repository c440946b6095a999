/**
 * Validation of one volume's options and of a whole graph. Every problem is collected (no early
 * exit) as a located diagnostic carrying the volume name and translator type; the caller decides
 * when to throw (throwIfErrors). The same function serves load time and reconfigure.
 */
import type { ErrorObject } from 'ajv';
import { diagnostic, GfsError, type DiagnosticData, type SourceLocation } from '../diagnostics/index.js';
import { compileOptionTable, RunContext, type CompiledOptions } from './compile.js';
import { listForHint, nearest } from './parse.js';
import type { OptionTable } from './types.js';

export interface RawOption {
  key: string;
  value: string;
  location?: SourceLocation;
}

export interface ValidateContext {
  volume: string;
  xlatorType: string;
  /** The volume's location, used when an option has none and for missing required options. */
  location?: SourceLocation;
  /** All volume names of the graph, to check `xlator` options. */
  volumeNames?: ReadonlySet<string>;
}

export interface ValidatedOptions {
  values: Record<string, unknown>;
  diagnostics: DiagnosticData[];
}

function unknownKey(c: CompiledOptions, key: string, ctx: ValidateContext): { message: string; hint: string } {
  const near = nearest(key, c.suggestions);
  const all = [...c.options.values()].filter((p) => !p.spec.deprecated).map((p) => p.key).sort();
  return {
    message: `translator ${ctx.xlatorType} has no option \`${key}\``,
    hint: near ? `did you mean \`${near}\`?` : `valid options: ${listForHint(all, 20)}`,
  };
}

function byPosition(a: DiagnosticData, b: DiagnosticData): number {
  if (!a.location || !b.location || a.location.source !== b.location.source) return 0;
  return a.location.start.offset - b.location.start.offset;
}

/** Validate and normalise one volume's options (load or reconfigure). Never throws. */
export function validateOptions(table: OptionTable, raw: ReadonlyArray<RawOption>, ctx: ValidateContext): ValidatedOptions {
  const where = { volume: ctx.volume, xlatorType: ctx.xlatorType };
  let c: CompiledOptions;
  try {
    c = compileOptionTable(table);
  } catch (e) {
    const diags = e instanceof GfsError ? e.diagnostics : [diagnostic('OPTION_BAD_DECLARATION', { message: String(e) })];
    return { values: {}, diagnostics: diags.map((d) => ({ ...d, ...where, ...(ctx.location ? { location: ctx.location } : {}) })) };
  }
  // Later lines win, as GlusterFS's dict_set does; an alias and its canonical key are one option.
  const data: Record<string, string> = {};
  const locations = new Map<string, SourceLocation | undefined>();
  const given = new Map<string, string>(); // key passed to ajv -> key as written
  for (const o of raw) {
    const key = c.resolveKey(o.key);
    data[key] = o.value;
    locations.set(key, o.location);
    given.set(key, o.key);
  }
  const run = new RunContext(ctx.volumeNames);
  const diagnostics: DiagnosticData[] = [];
  const at = (key?: string) => {
    const loc = (key !== undefined ? locations.get(key) : undefined) ?? ctx.location;
    return loc ? { location: loc } : {};
  };
  if (!c.validate.call(run, data)) {
    for (const err of c.validate.errors as ErrorObject[]) {
      if (err.keyword === 'additionalProperties') {
        const key = (err.params as { additionalProperty: string }).additionalProperty;
        const written = given.get(key) ?? key;
        diagnostics.push(diagnostic('OPTION_UNKNOWN', { ...unknownKey(c, written, ctx), ...at(key), ...where }));
      } else if (err.keyword === 'required') {
        const key = (err.params as { missingProperty: string }).missingProperty;
        const p = c.options.get(key);
        diagnostics.push(diagnostic('OPTION_REQUIRED', {
          message: `volume ${ctx.volume} of type ${ctx.xlatorType} requires option \`${key}\``,
          ...(p ? { hint: p.spec.description ? `${key}: ${p.spec.description}` : `add \`option ${key} <${p.spec.type}>\`` } : {}),
          ...at(),
          ...where,
        }));
      } else if (err.keyword !== 'gfsOption') {
        diagnostics.push(diagnostic('OPTION_INVALID', { message: `option ${err.instancePath}: ${err.message ?? 'invalid'}`, ...at(), ...where }));
      }
    }
  }
  for (const { key, result } of run.problems) {
    const written = given.get(key) ?? key;
    const message = written === key ? result.message : result.message.replace(`\`${key}\``, `\`${written}\` (alias of \`${key}\`)`);
    diagnostics.push(diagnostic(result.code, { message, ...(result.hint ? { hint: result.hint } : {}), ...at(key), ...where }));
  }
  // Defaults: parsed once at compile time; objects are copied so no two volumes share one.
  const values = run.values;
  const failed = new Set(run.problems.map((pr) => c.resolveKey(pr.key)));
  for (const p of c.options.values()) {
    if (p.key in values || failed.has(p.key)) continue;
    if (p.wildcard) values[p.key] = {};
    else if (p.hasDefault) {
      const d = p.defaultValue;
      values[p.key] = typeof d === 'object' && d !== null ? structuredClone(d) : d;
    }
  }
  return { values, diagnostics: diagnostics.sort(byPosition) };
}

export interface GraphForOptions {
  volumes: ReadonlyArray<{ name: string; type: string; location: SourceLocation; options: ReadonlyArray<RawOption & { location: SourceLocation }> }>;
}

/**
 * Validate every volume of a graph before any init runs; all problems are returned. Volumes whose
 * type has no table in `tables` are skipped (the loader reports unknown types).
 */
export function validateGraphOptions(
  graph: GraphForOptions,
  tables: ReadonlyMap<string, OptionTable>,
): { values: Map<string, Record<string, unknown>>; diagnostics: DiagnosticData[] } {
  const volumeNames = new Set(graph.volumes.map((v) => v.name));
  const values = new Map<string, Record<string, unknown>>();
  const diagnostics: DiagnosticData[] = [];
  for (const v of graph.volumes) {
    const table = tables.get(v.name);
    if (!table) continue;
    const r = validateOptions(table, v.options, { volume: v.name, xlatorType: v.type, location: v.location, volumeNames });
    values.set(v.name, r.values);
    for (const d of r.diagnostics) diagnostics.push(d);
  }
  return { values, diagnostics };
}
