import type { ExecutionContext } from 'ava';
import type { Fs } from '../fs.js';

/** Two ordinary users: A (uid 1000, gid 1000, also in group 1002) and B (uid 1001, gid 1001). */
export const A = { uid: 1000, gid: 1000, groups: [1002] };
export const B = { uid: 1001, gid: 1001, groups: [] as number[] };

export interface CaseEnv {
  /** Root's view of the volume. */
  fs: Fs;
  /** A fresh directory for this case (owned by root, `mode` exactly). */
  scratch(mode?: number): Promise<string>;
  a(): Promise<Fs>;
  b(): Promise<Fs>;
}

export type Case = (t: ExecutionContext, env: CaseEnv) => Promise<void>;
export type Register = (name: string, fn: Case) => void;

/** The call fails with this errno name. */
export async function fails(t: ExecutionContext, p: Promise<unknown>, code: string): Promise<void> {
  await t.throwsAsync(p, { code }, `expected ${code}`);
}
