import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutionContext } from 'ava';

/** A scratch project folder, removed when the test ends (pass or fail). */
export async function project(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gfs-loader-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'node_modules'));
  return dir;
}

/** Write a package into `<root>/node_modules/<name>` with the given package.json and files. */
export async function addPackage(
  root: string,
  name: string,
  pkg: Record<string, unknown>,
  files: Record<string, string>,
): Promise<string> {
  const dir = join(root, 'node_modules', ...name.split('/'));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', ...pkg }, null, 2));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

/** Source of a module default-exporting a small but complete definition. */
export function definitionSource(type: string, extra = ''): string {
  return `export default {
  apiVersion: 1,
  type: ${JSON.stringify(type)},
  options: { greeting: { type: 'str', default: 'hello' } },
  children: { min: 1, max: 1 },
  fops: { async statfs(self, frame, args) { return self.firstChild.fops.statfs(frame, args); } },
  ${extra}
};
`;
}

/** A named-convention package providing `type` from index.js. */
export function addPlugin(root: string, type: string, opts: { scope?: string; source?: string; pkg?: Record<string, unknown> } = {}) {
  const name = `${opts.scope ? `${opts.scope}/` : ''}gfs-xlator-${type.replace('/', '-')}`;
  return addPackage(root, name, { exports: './index.js', keywords: ['gfs-xlator'], ...opts.pkg }, { 'index.js': opts.source ?? definitionSource(type) });
}
