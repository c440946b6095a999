import { gfsError } from '../diagnostics/codes.js';
import type { GfsError } from '../diagnostics/diagnostic.js';
import { FOP_NAMES } from '../fops/table.js';
import { API_VERSION, type XlatorDefinition } from '../xlator/define.js';

const FOPS: ReadonlySet<string> = new Set(FOP_NAMES);
const CBKS: ReadonlySet<string> = new Set(['forget', 'release', 'releasedir', 'clientDisconnect']);
const HOOKS = ['init', 'fini', 'reconfigure', 'notify', 'dump'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a definition came from, for messages: `built-in features/read-only` or `package x (file)`. */
export interface Origin {
  kind: 'builtin' | 'package';
  file: string;
  packageName?: string;
  packageDir?: string;
}

export const describe = (o: Origin): string => (o.kind === 'builtin' ? `built-in module ${o.file}` : `package ${o.packageName} (${o.file})`);

function bad(type: string, origin: Origin, problem: string, hint?: string): GfsError {
  return gfsError('XLATOR_BAD_EXPORT', {
    message: `${describe(origin)} does not export a valid translator definition for ${type}: ${problem}`,
    xlatorType: type,
    hint: hint ?? 'default-export the result of defineXlator({ apiVersion: 1, type, options, fops }) from gfs',
  });
}

export function apiVersionError(type: string, origin: Origin, found: unknown, where: string): GfsError {
  return gfsError('XLATOR_API_VERSION', {
    message: `${describe(origin)} provides ${type} for translator API version ${String(found)} (${where}), but this gfs runtime implements API version ${API_VERSION}`,
    xlatorType: type,
    hint: `install a release of ${origin.packageName ?? 'the translator'} built for API version ${API_VERSION}`,
  });
}

/** The module's default export, unwrapping a CommonJS module compiled from `export default`. */
function defaultExport(mod: unknown): unknown {
  const d = isObject(mod) ? mod.default : undefined;
  return isObject(d) && d.__esModule === true && 'default' in d ? d.default : d;
}

/**
 * Check that an imported module default-exports a definition of the requested type. Only the
 * shape is checked (a plugin may come from another copy of gfs, so no instanceof); the option
 * table itself is validated with the graph's options.
 */
export function checkDefinition(mod: unknown, type: string, origin: Origin): XlatorDefinition {
  const def = defaultExport(mod);
  if (def === undefined) return fail(bad(type, origin, 'the module has no default export'));
  if (!isObject(def)) return fail(bad(type, origin, `the default export is ${def === null ? 'null' : typeof def}, not an object`));
  if (typeof def.apiVersion !== 'number') return fail(bad(type, origin, 'apiVersion is missing or not a number'));
  if (def.apiVersion !== API_VERSION) return fail(apiVersionError(type, origin, def.apiVersion, 'its definition says so'));
  if (typeof def.type !== 'string') return fail(bad(type, origin, 'type is missing or not a string'));
  if (def.type !== type) {
    return fail(bad(type, origin, `it defines type ${def.type}`, `the package must export the type it is named for, or map types in its "gfs" field`));
  }
  if (!isObject(def.options)) return fail(bad(type, origin, 'options must be an object (use {} for none)'));
  for (const [key, spec] of Object.entries(def.options)) {
    if (!isObject(spec) || typeof spec.type !== 'string') return fail(bad(type, origin, `option ${key} has no type`));
  }
  for (const hook of HOOKS) {
    if (def[hook] !== undefined && typeof def[hook] !== 'function') return fail(bad(type, origin, `${hook} must be a function`));
  }
  checkTable(def.fops, 'fops', FOPS, type, origin);
  checkTable(def.cbks, 'cbks', CBKS, type, origin);
  if (def.children !== undefined) {
    const c = def.children;
    const okNum = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
    if (!isObject(c) || !okNum(c.min) || !okNum(c.max)) return fail(bad(type, origin, 'children must be { min?, max? } with whole numbers'));
  }
  return def as unknown as XlatorDefinition;
}

/** A misspelt fop would silently pass through to the child, so unknown names are refused. */
function checkTable(table: unknown, what: string, known: ReadonlySet<string>, type: string, origin: Origin): void {
  if (table === undefined) return;
  if (!isObject(table)) fail(bad(type, origin, `${what} must be an object`));
  const t = table as Record<string, unknown>;
  const unknown = Object.keys(t).filter((k) => !known.has(k));
  if (unknown.length) fail(bad(type, origin, `${what} has unknown entries: ${unknown.join(', ')}`, `${what} names are ${[...known].slice(0, 6).join(', ')}, ...`));
  const notFn = Object.keys(t).filter((k) => t[k] !== undefined && typeof t[k] !== 'function');
  if (notFn.length) fail(bad(type, origin, `${what} entries must be functions: ${notFn.join(', ')}`));
}

function fail(err: GfsError): never {
  throw err;
}
