#!/usr/bin/env node
/**
 * gfs-brick -f VOLFILE [-p PIDFILE] [-l LOGFILE] [--brick-port N] [-N]: the glusterfsd
 * counterpart. Without -N it starts itself again detached and returns once the brick listens
 * (exit 0) or failed (its message, exit 1), as glusterfsd daemonizes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseBrickArgs, toBrickArgs, UsageError, USAGE, type BrickConfig } from './brick/options.js';
import { describeBrickFailure, runBrick, setupBrickLogging } from './brick/run.js';

const ROLE_ENV = 'GFS_BRICK_ROLE';
/**
 * storage/posix reads, writes, opens and closes files on the libuv thread pool; Node's default
 * of 4 threads queues a brick's parallel I/O (several clients, readahead, write-behind) behind
 * each other. The pool size is read before any of our code runs, so the serving child gets it
 * in its environment, as gfs-mount's does (scripts/mount/daemon.ts).
 */
const THREADPOOL_SIZE = '16';

async function serve(cfg: BrickConfig, daemon: boolean): Promise<number> {
  setupBrickLogging(cfg);
  const report = (m: unknown) => process.send?.(m);
  process.on('uncaughtException', (err) => {
    process.stderr.write(`gfs-brick: uncaught exception: ${err.stack ?? err}\n`);
    process.exit(70);
  });
  const startDir = process.cwd();
  if (daemon) process.chdir('/');
  try {
    return await runBrick(cfg, {
      searchPaths: [startDir],
      onReady: (where) => {
        if (!daemon) return;
        report({ type: 'ready', where });
        process.disconnect?.();
      },
    });
  } catch (err) {
    const message = describeBrickFailure(err, (err as { volfileText?: string }).volfileText);
    if (daemon) report({ type: 'error', message });
    process.stderr.write(message + '\n');
    return 1;
  }
}

/** Start the serving child detached, its output in the log file; wait for ready or failure. */
function daemonize(cfg: BrickConfig): Promise<number> {
  const logFile = cfg.logFile ?? join('/var/log/gfs/bricks', `${basename(cfg.volfile).replace(/\.vol$/, '')}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...toBrickArgs({ ...cfg, logFile })], {
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
    env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? THREADPOOL_SIZE, [ROLE_ENV]: 'daemon' },
  });
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
    child.on('exit', (code, signal) => done(1, `gfs-brick: the brick process exited (${signal ?? `status ${code}`}) before it was serving; see ${logFile}`));
  });
}

async function main(argv: string[]): Promise<number> {
  let cfg: BrickConfig | undefined;
  try {
    cfg = parseBrickArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`gfs-brick: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (!cfg) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (process.env[ROLE_ENV] === 'daemon') return serve(cfg, true);
  if (cfg.noDaemon) return serve(cfg, false);
  return daemonize(cfg);
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit now even if a library left a handle open (the daemon child is already detached).
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`gfs-brick: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
