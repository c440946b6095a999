/**
 * Starting the serving process. The libuv threadpool size is read when the pool starts, which
 * happens while Node loads modules, before any of our code runs: setting UV_THREADPOOL_SIZE in
 * process.env is too late. So the serving process is always a child started with it in its
 * environment: detached for the daemon, attached (signals forwarded) for --foreground.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** One thread waits in read(/dev/fuse); the rest serve storage I/O. */
export const THREADPOOL_SIZE = '16';
/** Set in the serving child: `daemon` (report to the parent over IPC) or `foreground`. */
export const ROLE_ENV = 'GFS_MOUNT_ROLE';

function childArgs(args: string[]): [string, string[]] {
  return [process.execPath, [...process.execArgv, process.argv[1]!, ...args]];
}

const env = (role: string) => ({ ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? THREADPOOL_SIZE, [ROLE_ENV]: role });

/** --foreground: run the server as an attached child; resolves with its exit status. */
export function runAttached(args: string[]): Promise<number> {
  const [cmd, argv] = childArgs(args);
  const child = spawn(cmd, argv, { stdio: 'inherit', env: env('foreground') });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, forward);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

/**
 * Daemon: start the server detached, its stdout/stderr into the log file, and wait until it
 * reports the mount up (exit 0) or failed (print its message, exit 1).
 */
export function runDetached(args: string[], logFile: string): Promise<number> {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const [cmd, argv] = childArgs(args);
  const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', out, out, 'ipc'], env: env('daemon') });
  return new Promise((resolve) => {
    let settled = false;
    const done = (code: number, message?: string) => {
      if (settled) return;
      settled = true;
      if (message) process.stderr.write(message.endsWith('\n') ? message : message + '\n');
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.on('message', (m: { type?: string; message?: string }) => {
      if (m.type === 'ready') done(0);
      else if (m.type === 'error') done(1, m.message);
    });
    child.on('exit', (code, signal) => done(1, `gfs-mount: the mount process exited (${signal ?? `status ${code}`}) before the mount was up; see ${logFile}`));
  });
}
