/**
 * Translator options: GlusterFS's typed option tables, compiled to JSON Schema and checked with
 * ajv, normalised to typed values, validated for a whole graph before any init and again at
 * reconfigure.
 */
import { prepareOption } from './compile.js';
import { parsePrepared } from './parse.js';
import type { OptionSpec } from './types.js';

export * from './types.js';
export { compileOptionTable, type CompiledOptions } from './compile.js';
export { validateOptions, validateGraphOptions, type RawOption, type ValidateContext, type ValidatedOptions, type GraphForOptions } from './validate.js';
export { formatOptionValue, describeOption, formatSize, formatTime } from './format.js';

/**
 * Parse one value as the option would (syntax, range, allowed values). Throws an Error whose
 * message says what is wrong and what syntax is expected; a bad declaration throws too.
 * `xlator` options are not checked against a graph here.
 */
export function parseOptionValue(spec: OptionSpec, raw: string, key = 'value'): unknown {
  const problems: string[] = [];
  const p = prepareOption(key, spec, problems);
  if (problems.length) throw new Error(`invalid option declaration: ${problems.join('; ')}`);
  const r = parsePrepared(p, key, raw);
  if (!r.ok) throw new Error(r.hint ? `${r.message} (${r.hint})` : r.message);
  return r.value;
}
