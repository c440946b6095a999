import type { ExecutionContext } from 'ava';
import type { Fs, FsHandle } from '../fs.js';

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

/** Open, run, and close the handle whatever happens (an open file keeps a mount busy). */
export async function withHandle<T>(fs: Fs, path: string, flags: string, fn: (h: FsHandle) => Promise<T>): Promise<T> {
  const h = await fs.open(path, flags);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}
