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
