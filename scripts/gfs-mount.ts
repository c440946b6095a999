#!/usr/bin/env node
/**
 * gfs-mount [-o OPTIONS] [-f] VOLFILE MOUNTPOINT: mount a volfile's graph through FUSE.
 * Parses the command line here, then serves from a child process (see mount/daemon.ts for why).
 */
import { join } from 'node:path';
import { mountpointSlug, parseArgs, toArgs, UsageError, USAGE, type MountConfig } from './mount/options.js';
import { ROLE_ENV, runAttached, runDetached } from './mount/daemon.js';
import { describeFailure, runMount, setupLogging } from './mount/run.js';
import { serveChild } from './daemon.js';

function defaults(cfg: MountConfig, daemon: boolean): MountConfig {
  const slug = mountpointSlug(cfg.mountpoint);
  return {
    ...cfg,
    logFile: cfg.logFile ?? (daemon ? join('/var/log/gfs', `${slug}.log`) : undefined),
    pidFile: cfg.pidFile ?? (daemon ? join('/run/gfs', `${slug}.pid`) : undefined),
  };
}

/** In the serving child: mount, report, serve until unmounted. */
function serve(cfg: MountConfig, daemon: boolean): Promise<number> {
  setupLogging(cfg, cfg.logFile);
  return serveChild({
    name: 'gfs-mount',
    daemon,
    run: ({ searchPaths, onReady }) => runMount(cfg, { searchPaths, onReady: () => onReady() }),
    describe: describeFailure,
  });
}

async function main(argv: string[]): Promise<number> {
  let cfg: MountConfig | undefined;
  try {
    cfg = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`gfs-mount: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (!cfg) {
    process.stdout.write(USAGE);
    return 0;
  }
  const role = process.env[ROLE_ENV];
  if (role === 'daemon' || role === 'foreground') return serve(defaults(cfg, role === 'daemon'), role === 'daemon');
  if (cfg.foreground) return runAttached(toArgs(defaults(cfg, false)));
  const withDefaults = defaults(cfg, true);
  return runDetached(toArgs(withDefaults), withDefaults.logFile!);
}

main(process.argv.slice(2)).then(
  (code) => {
    // The serving child exits now even if some library left a handle open.
    if (process.env[ROLE_ENV]) process.exit(code);
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gfs-mount: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
