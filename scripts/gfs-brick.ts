#!/usr/bin/env node
/**
 * gfs-brick -f VOLFILE [-p PIDFILE] [-l LOGFILE] [--brick-port N] [-N]: the glusterfsd
 * counterpart. Without -N it starts itself again detached and returns once the brick listens
 * (exit 0) or failed (its message, exit 1), as glusterfsd daemonizes.
 */
import { basename, join } from 'node:path';
import { parseBrickArgs, toBrickArgs, UsageError, USAGE, type BrickConfig } from './brick/options.js';
import { describeBrickFailure, runBrick, setupBrickLogging } from './brick/run.js';
import { runDetached, serveChild } from './daemon.js';

/** Set in the serving child started by daemonize (see daemon.ts for why it is a child). */
const ROLE_ENV = 'GFS_BRICK_ROLE';

function serve(cfg: BrickConfig, daemon: boolean): Promise<number> {
  setupBrickLogging(cfg);
  return serveChild({
    name: 'gfs-brick',
    daemon,
    run: ({ searchPaths, onReady }) => runBrick(cfg, { searchPaths, onReady: (where) => onReady({ where }) }),
    describe: describeBrickFailure,
  });
}

/** Start the serving child detached, its output in the log file; wait for ready or failure. */
function daemonize(cfg: BrickConfig): Promise<number> {
  const logFile = cfg.logFile ?? join('/var/log/gfs/bricks', `${basename(cfg.volfile).replace(/\.vol$/, '')}.log`);
  return runDetached({
    args: toBrickArgs({ ...cfg, logFile }),
    logFile,
    roleEnv: ROLE_ENV,
    exitedEarly: (status) => `gfs-brick: the brick process exited (${status}) before it was serving; see ${logFile}`,
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
