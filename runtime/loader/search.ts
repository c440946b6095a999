import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gfsField, packageEntry, readPackageJson, type PackageJson } from './package-json.js';
import { packageNameFor } from './type-name.js';

/** A package that claims to provide a type, before its module is imported. */
export interface Candidate {
  packageName: string;
  packageDir: string;
  /** The module file to import. */
  file: string;
  /** False when the entry escapes the package directory (refused by the caller). */
  inside: boolean;
  /** The package.json `gfs.apiVersion`, when given. */
  apiVersion?: unknown;
  /** How it was found: by its name or by its package.json `gfs.xlators` field. */
  via: 'name' | 'gfs-field';
}

export interface SearchResult {
  candidate?: Candidate;
  /** node_modules folders (and package folders) that were examined, in order. */
  looked: string[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function mtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

function candidateFrom(type: string, dir: string, pkg: PackageJson, via: Candidate['via']): Candidate | undefined {
  const field = pkg.gfs === undefined ? undefined : gfsField(pkg);
  const mapped = field?.xlators[type];
  if (via === 'gfs-field' && mapped === undefined) return undefined;
  const { file, inside } = packageEntry(dir, pkg, mapped);
  const name = typeof pkg.name === 'string' ? pkg.name : dir;
  return { packageName: name, packageDir: dir, file, inside, apiVersion: field?.apiVersion, via };
}

/**
 * Which package in one node_modules folder maps which types through its `gfs.xlators` field.
 * Building it reads every package.json once, so it is kept until the folder (or a scope folder)
 * changes: a long-running server picks up a package installed after it started.
 */
interface FieldIndex {
  stamps: Map<string, number>;
  types: Map<string, string>;
}
const fieldIndexes = new Map<string, FieldIndex>();

function fieldIndex(nm: string): Map<string, string> {
  const cached = fieldIndexes.get(nm);
  if (cached && [...cached.stamps].every(([dir, t]) => mtime(dir) === t)) return cached.types;
  const stamps = new Map([[nm, mtime(nm)]]);
  const types = new Map<string, string>();
  const scan = (dir: string, names: string[]) => {
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const pkgDir = join(dir, n);
      const field = gfsField(readPackageJson(pkgDir) ?? {});
      for (const t of Object.keys(field?.xlators ?? {})) if (!types.has(t)) types.set(t, pkgDir);
    }
  };
  const entries = safeReaddir(nm);
  scan(nm, entries.filter((n) => !n.startsWith('@')));
  for (const scope of entries.filter((n) => n.startsWith('@'))) {
    const sdir = join(nm, scope);
    stamps.set(sdir, mtime(sdir));
    scan(sdir, safeReaddir(sdir));
  }
  fieldIndexes.set(nm, { stamps, types });
  return types;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Look for `type` in one node_modules folder: by name, by scoped name, by `gfs` field. */
function searchNodeModules(type: string, nm: string): Candidate | undefined {
  const name = packageNameFor(type);
  const direct = join(nm, name);
  const pkg = readPackageJson(direct);
  if (pkg) return candidateFrom(type, direct, pkg, 'name');
  for (const scope of safeReaddir(nm).filter((n) => n.startsWith('@'))) {
    const dir = join(nm, scope, name);
    const scoped = readPackageJson(dir);
    if (scoped) return candidateFrom(type, dir, scoped, 'name');
  }
  const byField = fieldIndex(nm).get(type);
  const fieldPkg = byField && readPackageJson(byField);
  return fieldPkg ? candidateFrom(type, byField, fieldPkg, 'gfs-field') : undefined;
}

/**
 * Search each path in order: a path that is itself a package mapping the type in its `gfs` field
 * (a plugin checkout under development), then the node_modules folders from it up to the root,
 * as Node resolves bare imports. The first package found wins.
 */
export function findPackage(type: string, paths: readonly string[]): SearchResult {
  const looked: string[] = [];
  const seen = new Set<string>();
  for (const start of paths) {
    const root = resolve(start);
    const own = readPackageJson(root);
    if (own && gfsField(own)?.xlators[type] !== undefined) {
      looked.push(root);
      return { candidate: candidateFrom(type, root, own, 'gfs-field'), looked };
    }
    for (let dir = root; ; dir = dirname(dir)) {
      const nm = join(dir, 'node_modules');
      if (!seen.has(nm)) {
        seen.add(nm);
        if (isDir(nm)) {
          looked.push(nm);
          const candidate = searchNodeModules(type, nm);
          if (candidate) return { candidate, looked };
        }
      }
      if (dirname(dir) === dir) break;
    }
  }
  return { looked };
}
