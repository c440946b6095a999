import type { TestFn } from 'ava';
import { A, B, type CaseEnv, type Register } from './cases/context.js';
import data from './cases/data.js';
import entries from './cases/entries.js';
import large from './cases/large.js';
import permissions from './cases/permissions.js';
import rename from './cases/rename.js';
import xattrs from './cases/xattrs.js';
import type { Fs, Target } from './fs.js';

/**
 * Register the conformance cases for one target: the same assertions for every stack. The
 * target starts once before the cases and always stops after them; cases run one at a time,
 * each in its own directory.
 */
export function runConformance(test: TestFn, target: Target): void {
  let fs: Fs | undefined;
  let n = 0;
  test.before(async () => {
    fs = await target.setup();
  });
  test.after.always(() => target.teardown());
  const env: CaseEnv = {
    get fs() {
      if (!fs) throw new Error(`target ${target.name} did not start`);
      return fs;
    },
    async scratch(mode = 0o755) {
      const dir = `/case-${++n}`;
      await env.fs.mkdir(dir);
      await env.fs.chmod(dir, mode);
      return dir;
    },
    a: () => env.fs.as(A.uid, A.gid, A.groups),
    b: () => env.fs.as(B.uid, B.gid, B.groups),
  };
  const register: Register = (name, fn) => test.serial(`${target.name}: ${name}`, (t) => fn(t, env));
  for (const group of [entries, rename, permissions, xattrs, data, large]) group(register);
}
