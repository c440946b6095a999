import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closest, distance } from 'fastest-levenshtein';
import { gfsError } from '../diagnostics/codes.js';
import type { SourceLocation } from '../diagnostics/location.js';
import { GfsError } from '../diagnostics/diagnostic.js';
import { API_VERSION, type XlatorDefinition } from '../xlator/define.js';
import { builtinFile, BUILTIN_ROOT, listBuiltinXlators, ownPackageRoot } from './builtin.js';
import { findPackage, type Candidate } from './search.js';
import { isValidXlatorType, packageNameFor, PACKAGE_KEYWORD, PACKAGE_PREFIX } from './type-name.js';
import { apiVersionError, checkDefinition, describe, type Origin } from './validate.js';

export { listBuiltinXlators, BUILTIN_ROOT } from './builtin.js';
export { isValidXlatorType, packageNameFor, PACKAGE_KEYWORD, PACKAGE_PREFIX } from './type-name.js';
export type { Origin as XlatorOrigin } from './validate.js';

export interface ResolveOptions {
  /** Searched first, before the defaults (cwd, volfile folder, GFS_XLATOR_PATH, gfs's own root). */
  paths?: readonly string[];
  /** The volfile being loaded, when it is a file: its folder is searched too. */
  volfile?: string;
  /** Environment to read GFS_XLATOR_PATH from (tests); process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Attached to every error, so a failure points at the volfile's `type` line. */
  volume?: string;
  location?: SourceLocation;
}

const cache = new Map<string, Promise<XlatorDefinition>>();
const origins = new WeakMap<object, Origin>();

/** Where a resolved definition came from (built-in file or package), for `gfs volfile check`. */
export function xlatorOrigin(def: XlatorDefinition<any, any>): Origin | undefined {
  return origins.get(def);
}

/** Forget every resolution (tests; a server that reinstalled plugins). Node keeps modules cached. */
export function clearXlatorCache(): void {
  cache.clear();
}

/** The folders searched for plugin packages, in order, without duplicates. */
export function searchPaths(opts: ResolveOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const fromEnv = (env.GFS_XLATOR_PATH ?? '').split(':').filter((p) => p !== '');
  const own = ownPackageRoot();
  const all = [...(opts.paths ?? []), process.cwd(), ...(opts.volfile ? [dirname(opts.volfile)] : []), ...fromEnv, ...(own ? [own] : [])];
  return [...new Set(all)];
}

/**
 * Load the definition of a translator type: a built-in (`xlators/<category>/<name>/`) if there is
 * one, else an installed package named `gfs-xlator-<category>-<name>` (or `@scope/...`), else any
 * package whose package.json maps the type in `gfs.xlators`. Results are cached per process.
 * Every failure is a GfsError (XLATOR_NOT_FOUND, XLATOR_IMPORT_FAILED, XLATOR_BAD_EXPORT,
 * XLATOR_API_VERSION) whose `cause` keeps the underlying error.
 */
export function resolveXlator(type: string, opts: ResolveOptions = {}): Promise<XlatorDefinition> {
  // The type may come from a volfile sent over the network: check it before any path is built.
  if (!isValidXlatorType(type)) return Promise.reject(located(invalidType(type as unknown), opts));
  const paths = searchPaths(opts);
  const key = `${type}\0${paths.join('\0')}`;
  let p = cache.get(key);
  if (!p) {
    p = load(type, paths).catch((err: unknown) => {
      cache.delete(key); // a package installed later may fix it
      throw err;
    });
    cache.set(key, p);
  }
  return p.catch((err: unknown) => {
    throw located(err, opts);
  });
}

function invalidType(type: unknown): GfsError {
  const shown = typeof type === 'string' ? type.slice(0, 100) : undefined;
  return gfsError('XLATOR_NOT_FOUND', {
    message: `invalid translator type ${shown === undefined ? String(type) : JSON.stringify(shown)}`,
    xlatorType: shown,
    hint: 'a type is category/name in lowercase letters, digits, ".", "_" and "-", e.g. performance/io-cache',
  });
}

async function load(type: string, paths: string[]): Promise<XlatorDefinition> {
  const builtin = builtinFile(type);
  if (builtin) return importDefinition(type, { kind: 'builtin', file: builtin });
  const { candidate, looked } = findPackage(type, paths);
  if (!candidate) throw notFound(type, looked);
  return importPackage(type, candidate);
}

async function importPackage(type: string, c: Candidate): Promise<XlatorDefinition> {
  const origin: Origin = { kind: 'package', file: c.file, packageName: c.packageName, packageDir: c.packageDir };
  if (!c.inside) {
    throw gfsError('XLATOR_BAD_EXPORT', {
      message: `package ${c.packageName} maps ${type} to ${c.file}, which is outside the package folder ${c.packageDir}`,
      xlatorType: type,
    });
  }
  // Refuse before running any of its code when package.json already says it is incompatible.
  if (c.apiVersion !== undefined && c.apiVersion !== API_VERSION) {
    throw apiVersionError(type, origin, c.apiVersion, 'its package.json "gfs.apiVersion"');
  }
  return importDefinition(type, origin);
}

async function importDefinition(type: string, origin: Origin): Promise<XlatorDefinition> {
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(origin.file).href);
  } catch (cause) {
    const msg = (cause as Error)?.message ?? String(cause);
    const code = (cause as { code?: unknown })?.code;
    throw gfsError('XLATOR_IMPORT_FAILED', {
      message: `cannot load ${type} from ${describe(origin)}: ${msg}`,
      xlatorType: type,
      hint:
        code === 'ERR_UNKNOWN_FILE_EXTENSION'
          ? 'plugins must ship compiled JavaScript (.js); TypeScript sources load only under tsx'
          : code === 'ERR_MODULE_NOT_FOUND'
            ? 'a dependency of the translator is missing: reinstall its package'
            : undefined,
      cause,
    });
  }
  const def = checkDefinition(mod, type, origin);
  if (!origins.has(def)) origins.set(def, origin);
  return def;
}

function notFound(type: string, looked: string[]): GfsError {
  const name = packageNameFor(type);
  const builtins = listBuiltinXlators();
  const near = builtins.length ? closest(type, builtins) : undefined;
  const where = [`${BUILTIN_ROOT} (built-in)`, ...looked];
  return gfsError('XLATOR_NOT_FOUND', {
    message:
      `no translator provides type ${type}: not a built-in, and no installed package ${name}, @<scope>/${name}, ` +
      `or package mapping "${type}" in its package.json "gfs.xlators" field. Looked in: ${where.join(', ')}`,
    xlatorType: type,
    hint:
      near && distance(near, type) <= Math.max(2, Math.floor(type.length / 4))
        ? `did you mean ${near}? Otherwise install the package that provides ${type} (npm install ${name})`
        : `install the package that provides it (npm install ${name}) or add its folder to GFS_XLATOR_PATH`,
  });
}

/** The same error with the volfile's volume and location, for callers that know them. */
function located(err: unknown, opts: ResolveOptions): unknown {
  if (!(err instanceof GfsError) || (!opts.volume && !opts.location)) return err;
  return new GfsError({
    code: err.code,
    severity: err.severity,
    message: err.message,
    xlatorType: err.xlatorType,
    hint: err.hint,
    volume: opts.volume ?? err.volume,
    location: opts.location ?? err.location,
    cause: err.cause,
  });
}
