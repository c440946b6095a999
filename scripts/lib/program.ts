import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node arguments that run one of our programs (`gfs-mount`, `gfs-brick`) from checkout `root`:
 * the built JavaScript users run (dist/, from `npm run build`) when `built` and it exists, else
 * the TypeScript source under tsx. Benches want the build (tsx costs a few percent per request:
 * its transform names every function); tests may run either.
 */
export function programArgs(root: string, name: 'gfs-mount' | 'gfs-brick', built: boolean): string[] {
  const js = join(root, 'dist/scripts', `${name}.js`);
  return built && existsSync(js) ? [js] : ['--import', 'tsx', join(root, 'scripts', `${name}.ts`)];
}
