import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Built-in translators live in `xlators/<category>/<name>/index.{js,ts}`, two folders above this
 * one in both layouts: `runtime/loader` -> `xlators` in the sources (run with tsx), and
 * `dist/runtime/loader` -> `dist/xlators` once compiled.
 */
export const BUILTIN_ROOT = fileURLToPath(new URL('../../xlators/', import.meta.url));

/** The built-in module file for a (validated) type, or undefined. `.js` wins over `.ts`. */
export function builtinFile(type: string): string | undefined {
  const dir = join(BUILTIN_ROOT, type);
  return ['index.js', 'index.ts'].map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Every built-in type, sorted, for `gfs volfile check` listings and "did you mean" hints. */
export function listBuiltinXlators(): string[] {
  const out: string[] = [];
  for (const category of readdirNames(BUILTIN_ROOT)) {
    for (const name of readdirNames(join(BUILTIN_ROOT, category))) {
      if (builtinFile(`${category}/${name}`)) out.push(`${category}/${name}`);
    }
  }
  return out.sort();
}

function readdirNames(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

let ownRoot: { dir: string | undefined } | undefined;

/**
 * The root of the gfs package this module belongs to (the folder with gfs's package.json):
 * plugins installed next to gfs itself are found from here. Looked up once per process.
 */
export function ownPackageRoot(): string | undefined {
  return (ownRoot ??= { dir: findOwnRoot() }).dir;
}

function findOwnRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'gfs') return dir;
    } catch {
      // no package.json here, keep walking up
    }
    if (dirname(dir) === dir) return undefined;
  }
}
