import { readFileSync } from 'node:fs';

/**
 * Whether a process exists (signal 0 checks without sending anything). No pid, or pid 0 (which
 * would address the whole process group), is never alive.
 */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pid a daemon wrote to `pidFile`, or undefined when there is none. Read in one step: the
 * daemon removes the file as it exits, so checking first and reading after can race with it.
 */
export function readPidFile(pidFile: string): number | undefined {
  try {
    return Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}
