/**
 * Starting gfs-mount's serving process (see ../daemon.ts for why it is always a child):
 * detached for the daemon, attached (signals forwarded) for --foreground.
 */
import { spawn } from 'node:child_process';
import { childCommand, childEnv, runDetached as runDetachedChild } from '../daemon.js';

/** Set in the serving child: `daemon` (report to the parent over IPC) or `foreground`. */
export const ROLE_ENV = 'GFS_MOUNT_ROLE';

/** --foreground: run the server as an attached child; resolves with its exit status. */
export function runAttached(args: string[]): Promise<number> {
  const [cmd, argv] = childCommand(args);
  const child = spawn(cmd, argv, { stdio: 'inherit', env: childEnv(ROLE_ENV, 'foreground') });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, forward);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

/**
 * Daemon: start the server detached, its stdout/stderr into the log file, and wait until it
 * reports the mount up (exit 0) or failed (print its message, exit 1).
 */
export function runDetached(args: string[], logFile: string): Promise<number> {
  return runDetachedChild({
    args,
    logFile,
    roleEnv: ROLE_ENV,
    exitedEarly: (status) => `gfs-mount: the mount process exited (${status}) before the mount was up; see ${logFile}`,
  });
}
