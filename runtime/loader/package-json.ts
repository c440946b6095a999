import { readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** The fields of a package.json the loader reads. */
export interface PackageJson {
  name?: unknown;
  version?: unknown;
  main?: unknown;
  exports?: unknown;
  gfs?: unknown;
}

/** The `gfs` field: `{ "apiVersion": 1, "xlators": { "features/veto": "./dist/index.js" } }`. */
export interface GfsField {
  apiVersion?: unknown;
  xlators: Record<string, string>;
}

/** A package.json we could read, or undefined (missing, unreadable, not JSON, too large). */
export function readPackageJson(dir: string): PackageJson | undefined {
  const file = join(dir, 'package.json');
  try {
    // A package.json is small; refusing huge ones keeps a hostile node_modules from stalling us.
    if (statSync(file).size > 1 << 20) return undefined;
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}

/** The `gfs` field with only its string entries kept, or undefined when absent or not an object. */
export function gfsField(pkg: PackageJson): GfsField | undefined {
  const g = pkg.gfs as { apiVersion?: unknown; xlators?: unknown } | undefined;
  if (!g || typeof g !== 'object') return undefined;
  const xlators: Record<string, string> = {};
  // A named-convention package may give only apiVersion; `xlators` is then empty.
  if (g.xlators && typeof g.xlators === 'object') for (const [k, v] of Object.entries(g.xlators)) if (typeof v === 'string') xlators[k] = v;
  return { apiVersion: g.apiVersion, xlators };
}

const CONDITIONS = new Set(['node', 'import', 'default']);

/** Pick the target of an `exports` value for `import` in Node, in the package's own key order. */
function exportTarget(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (Array.isArray(exp)) {
    for (const e of exp) {
      const t = exportTarget(e);
      if (t) return t;
    }
    return undefined;
  }
  if (!exp || typeof exp !== 'object') return undefined;
  const obj = exp as Record<string, unknown>;
  if (Object.keys(obj).some((k) => k.startsWith('.'))) return exportTarget(obj['.']);
  for (const [k, v] of Object.entries(obj)) {
    if (!CONDITIONS.has(k)) continue;
    const t = exportTarget(v);
    if (t) return t;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The file `import('<package>')` would load, resolved by hand because the package lives in a
 * search path, not next to this module. Returns the path and whether it stays inside the package.
 */
export function packageEntry(dir: string, pkg: PackageJson, mapped?: string): { file: string; inside: boolean } {
  const rel = mapped ?? exportTarget(pkg.exports) ?? (typeof pkg.main === 'string' ? pkg.main : 'index.js');
  const base = resolve(dir, rel);
  const file = [base, `${base}.js`, join(base, 'index.js')].find(isFile) ?? base;
  return { file, inside: file.startsWith(resolve(dir) + sep) };
}
