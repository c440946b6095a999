/**
 * Daemonizing, shared by gfs-mount and gfs-brick. The libuv threadpool size is read when the
 * pool starts, which happens while Node loads modules, before any of our code runs: setting
 * UV_THREADPOOL_SIZE in process.env is too late. So the serving process is always a child
 * started with it in its environment. The daemon child runs detached, its output in the log
 * file, and reports over IPC when it serves (`ready`) or failed (`error`); the parent waits for
 * that report and exits 0 or 1, as glusterfs/glusterfsd daemonize. The serving process writes
 * its pidfile once it serves and removes it on a clean stop.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { native } from '../native/index.js';

/**
 * storage/posix reads, large writes, fsyncs and some opens and closes on the libuv thread pool,
 * and a mount writes its page-cache invalidations there; Node's default of 4 threads would queue
 * parallel I/O (several clients, readahead) behind each other.
 */
export const THREADPOOL_SIZE = '16';

/**
 * V8 flags of every serving process. A server allocates little JavaScript that lives, so V8 sizes
 * its old generation to a few MB; with the young generation larger than the room left in it, V8
 * then starts a full mark-compact every few tens of milliseconds under streaming I/O (measured:
 * 40 per 256 MiB read through a mount, a third of both processes' CPU). Starting the old
 * generation's limit at 64 MB leaves room for the young generation: no mark-compact during the
 * same read, and sequential reads and writes over the wire went from 210 to 370 and from 340 to
 * 740 MB/s (bench/README.md). The cost is up to that much more garbage held before a collection.
 */
export const SERVING_NODE_FLAGS = ['--initial-old-space-size=64'];

/**
 * What a serving process (a brick, a mount) sets up for itself before it serves: buffers up to
 * 16 MiB come from the malloc heap, and up to 256 MiB of freed heap is kept (see tuneMalloc in
 * native/src/poll.c): the price is that a process's resident size does not shrink back below
 * what it once used, up to that much. Not done by the CLI and tests, which do not stream.
 */
function tuneServingProcess(): void {
  native.tuneMalloc(16 << 20, 256 << 20);
}

/** The command that runs this same script again with `args`, as a serving process. */
export function childCommand(args: string[]): [string, string[]] {
  const inherited = process.execArgv.filter((f) => !SERVING_NODE_FLAGS.some((s) => f.startsWith(s.split('=')[0]!)));
  return [process.execPath, [...SERVING_NODE_FLAGS, ...inherited, process.argv[1]!, ...args]];
}

/** The serving child's environment: the threadpool size, and `roleEnv` set to `role`. */
export function childEnv(roleEnv: string, role: string): NodeJS.ProcessEnv {
  return { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? THREADPOOL_SIZE, [roleEnv]: role };
}

export interface DetachedOptions {
  /** Arguments for the serving child (this script again). */
  args: string[];
  logFile: string;
  /** The environment variable that tells the child it is the daemon. */
  roleEnv: string;
  /** The message when the child exits before reporting; `status` is its signal or `status N`. */
  exitedEarly: (status: string) => string;
}

/**
 * Start the server detached, its stdout/stderr into the log file, and wait until it reports
 * ready (resolves 0) or failed (prints its message, resolves 1).
 */
export function runDetached(o: DetachedOptions): Promise<number> {
  mkdirSync(dirname(o.logFile), { recursive: true });
  const out = openSync(o.logFile, 'a');
  const [cmd, argv] = childCommand(o.args);
  const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', out, out, 'ipc'], env: childEnv(o.roleEnv, 'daemon') });
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
    child.on('exit', (code, signal) => done(1, o.exitedEarly(signal ?? `status ${code}`)));
  });
}

export interface ServeHooks {
  /** Where plugins are also looked for: the directory the command was started from. */
  searchPaths: string[];
  /** Call once serving: a daemon child reports `ready` (with `info`) to its parent and lets go. */
  onReady: (info?: Record<string, unknown>) => void;
}

export interface ServeOptions {
  /** The command's name, for messages. */
  name: string;
  daemon: boolean;
  run: (hooks: ServeHooks) => Promise<number>;
  /** The message for a failure of `run` (`volfileText` when the volfile had been read). */
  describe: (err: unknown, volfileText?: string) => string;
}

/** In the serving child: run, report ready or failure to a waiting parent, return the status. */
export async function serveChild(o: ServeOptions): Promise<number> {
  tuneServingProcess();
  const report = (m: unknown) => process.send?.(m);
  process.on('uncaughtException', (err) => {
    process.stderr.write(`${o.name}: uncaught exception: ${err.stack ?? err}\n`);
    process.exit(70);
  });
  // A daemon must not keep the directory it was started from busy; plugins are still looked for there.
  const startDir = process.cwd();
  if (o.daemon) process.chdir('/');
  try {
    return await o.run({
      searchPaths: [startDir],
      onReady: (info) => {
        if (!o.daemon) return;
        report({ type: 'ready', ...info });
        process.disconnect?.();
      },
    });
  } catch (err) {
    const message = o.describe(err, (err as { volfileText?: string }).volfileText);
    if (o.daemon) report({ type: 'error', message });
    process.stderr.write(message + '\n');
    return 1;
  }
}

/** Write this process's id to `pidFile` (if any), creating its directory. */
export function writePidFile(pidFile: string | undefined): void {
  if (!pidFile) return;
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
}

export function removePidFile(pidFile: string | undefined): void {
  if (pidFile) rmSync(pidFile, { force: true });
}
