/**
 * `gfs-brick -f VOLFILE [-p PIDFILE] [-l LOGFILE] [--brick-port N] [-N]`: the command line,
 * checked before anything starts. Flags follow glusterfsd's spelling.
 */
import { resolve } from 'node:path';

export interface BrickConfig {
  volfile: string;
  pidFile?: string;
  logFile?: string;
  logLevel?: string;
  brickPort?: number;
  /** -N / --no-daemon: stay in the foreground (log to stderr unless -l). */
  noDaemon: boolean;
  xlatorOptions: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: gfs-brick -f VOLFILE [-p PIDFILE] [-l LOGFILE] [--brick-port N] [-N]

Serves the translator graph of VOLFILE, whose top is protocol/server, to GlusterFS clients.
Like glusterfsd it daemonizes once the brick listens, unless -N is given.

  -f, --volfile=VOLFILE          the brick volfile (required)
  -p, --pid-file=PIDFILE         write the serving process id here (removed on exit)
  -l, --log-file=LOGFILE         log here (default: /var/log/gfs/bricks/<volfile>.log as a daemon, stderr with -N)
  -L, --log-level=LEVEL          CRITICAL, ERROR, WARNING, INFO (default), DEBUG, TRACE, NONE
      --brick-port=N             listen on port N (overrides transport.socket.listen-port)
      --xlator-option=VOL.KEY=VALUE   set an option on matching volumes (repeatable)
  -N, --no-daemon                stay in the foreground
  -h, --help                     show this help

SIGTERM or SIGINT stops the brick cleanly. See docs in xlators/protocol/server/README.md.
`;

const LEVELS = ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG', 'TRACE', 'NONE'];

/** Parse argv (without node and script). Throws UsageError; undefined for --help. */
export function parseBrickArgs(argv: readonly string[]): BrickConfig | undefined {
  const cfg: BrickConfig = { volfile: '', noDaemon: false, xlatorOptions: [] };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) (inline = a.slice(eq + 1)), (a = a.slice(0, eq));
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-h': case '--help': return undefined;
      case '-f': case '--volfile': cfg.volfile = resolve(value()); break;
      case '-p': case '--pid-file': cfg.pidFile = resolve(value()); break;
      case '-l': case '--log-file': cfg.logFile = resolve(value()); break;
      case '-L': case '--log-level': {
        const v = value().toUpperCase();
        if (!LEVELS.includes(v)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
        cfg.logLevel = v;
        break;
      }
      case '--brick-port': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--brick-port needs a port number 0-65535, not \`${v}\``);
        cfg.brickPort = Number(v);
        break;
      }
      case '--xlator-option': cfg.xlatorOptions.push(value()); break;
      case '-N': case '--no-daemon': cfg.noDaemon = true; break;
      default: throw new UsageError(`unknown argument \`${argv[i]}\``);
    }
  }
  if (!cfg.volfile) throw new UsageError('a volfile is required: -f VOLFILE');
  return cfg;
}

/** Back to argv form, for the serving child. */
export function toBrickArgs(cfg: BrickConfig): string[] {
  const out = ['-f', cfg.volfile, '-N'];
  if (cfg.pidFile) out.push('-p', cfg.pidFile);
  if (cfg.logFile) out.push('-l', cfg.logFile);
  if (cfg.logLevel) out.push('-L', cfg.logLevel);
  if (cfg.brickPort !== undefined) out.push('--brick-port', String(cfg.brickPort));
  for (const x of cfg.xlatorOptions) out.push('--xlator-option', x);
  return out;
}
