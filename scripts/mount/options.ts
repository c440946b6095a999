/**
 * `gfs-mount [-o OPTIONS] [-f] VOLFILE MOUNTPOINT`: the command line, parsed and checked before
 * anything is started. Mount options follow mount.glusterfs; an unknown one is an error.
 */
import { closest } from 'fastest-levenshtein';
import { resolve } from 'node:path';

export interface MountConfig {
  volfile: string;
  mountpoint: string;
  foreground: boolean;
  readOnly: boolean;
  logLevel?: string;
  logFile?: string;
  pidFile?: string;
  /** mount/fuse options given on the command line (raw strings, validated by the translator). */
  fuseOptions: Record<string, string>;
  xlatorOptions: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: gfs-mount [-o OPTION[,OPTION...]] [-f|--foreground] VOLFILE MOUNTPOINT

Mounts the translator graph of VOLFILE on MOUNTPOINT through FUSE.

  -o ro                       read-only (inserts features/read-only on top)
  -o log-level=LEVEL          CRITICAL, ERROR, WARNING, INFO (default), DEBUG, TRACE, NONE
  -o log-file=PATH            default /var/log/gfs/<mountpoint>.log (stderr with -f)
  -o pid-file=PATH            default /run/gfs/<mountpoint>.pid (daemon only)
  -o attribute-timeout=SECS   kernel attribute cache (default 1.0)
  -o entry-timeout=SECS       kernel name cache (default 1.0)
  -o negative-timeout=SECS    kernel "no such file" cache (default 0)
  -o direct-io-mode=MODE      auto, enable or disable
  -o fopen-keep-cache[=on|off] keep file pages cached across opens (default auto: on when the
                              kernel invalidates them on change, as GlusterFS)
  -o read-ahead=SIZE          kernel readahead (default 4MB; 0 keeps the kernel's 128 KiB)
  -o readdir-size=SIZE        entries asked of the volume per listing request (default 128KB)
  -o readdir-cache=on|off     let the kernel answer repeated listings for up to the attribute
                              timeout (default on)
  -o lru-limit=N              unused inodes kept (default 65536)
  -o fsname=NAME              mount source shown in /proc/mounts
  -o splice-writes=on|off     pass large writes' data to the bricks without copying it
                              (default on; needs fs.pipe-max-size >= 2097152 or CAP_SYS_RESOURCE)
  -o selinux, -o capability   pass security.selinux / security.capability xattrs to the volume
                              (by default the mount answers them itself, as GlusterFS does)
  -o xlator-option=PATTERN.KEY=VALUE   set an option on matching volumes (repeatable)
  -f, --foreground            stay attached; log to stderr
  -h, --help                  show this help

umount MOUNTPOINT stops the daemon. See docs/mount.md.
`;

/** Options given to the mount/fuse translator as they are. */
const FUSE_KEYS = ['attribute-timeout', 'entry-timeout', 'negative-timeout', 'direct-io-mode', 'fopen-keep-cache', 'read-ahead', 'readdir-size', 'readdir-cache', 'lru-limit', 'fsname', 'max-write', 'splice-writes', 'selinux', 'capability'];
const VALUED = ['log-level', 'log-file', 'pid-file', 'xlator-option', ...FUSE_KEYS];
/** Accepted and ignored, so fstab lines work (mount(8) passes them to helpers). */
const IGNORED = ['rw', 'defaults', 'auto', 'noauto', 'nofail', '_netdev', 'user', 'nouser', 'exec', 'noexec', 'suid', 'nosuid', 'dev', 'nodev', 'atime', 'noatime', 'relatime'];
const LEVELS = ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG', 'TRACE', 'NONE'];

function applyOption(cfg: MountConfig, opt: string): void {
  const eq = opt.indexOf('=');
  const key = eq === -1 ? opt : opt.slice(0, eq);
  const value = eq === -1 ? undefined : opt.slice(eq + 1);
  if (key === 'ro' && value === undefined) return void (cfg.readOnly = true);
  // mount.glusterfs's flag options: given bare, they turn the mount/fuse option on.
  if ((key === 'selinux' || key === 'capability' || key === 'fopen-keep-cache') && value === undefined) return void (cfg.fuseOptions[key] = 'on');
  if (IGNORED.includes(key) || key.startsWith('x-')) return;
  if (!VALUED.includes(key)) {
    const hint = closest(key, ['ro', ...VALUED]);
    throw new UsageError(`unknown mount option \`${opt}\` (did you mean \`${hint}\`?)`);
  }
  if (value === undefined || value === '') throw new UsageError(`mount option \`${key}\` needs a value: -o ${key}=VALUE`);
  if (key === 'log-level') {
    if (!LEVELS.includes(value.toUpperCase())) throw new UsageError(`log-level must be one of ${LEVELS.join(', ')}, not \`${value}\``);
    cfg.logLevel = value.toUpperCase();
  } else if (key === 'log-file') cfg.logFile = resolve(value);
  else if (key === 'pid-file') cfg.pidFile = resolve(value);
  else if (key === 'xlator-option') cfg.xlatorOptions.push(value);
  else cfg.fuseOptions[key] = value;
}

/** Parse argv (without node and script). Throws UsageError; returns undefined for --help. */
export function parseArgs(argv: readonly string[]): MountConfig | undefined {
  const cfg: MountConfig = { volfile: '', mountpoint: '', foreground: false, readOnly: false, fuseOptions: {}, xlatorOptions: [] };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return undefined;
    else if (a === '-f' || a === '--foreground') cfg.foreground = true;
    else if (a === '-o') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('-o needs a list of options');
      // Commas separate options, except inside xlator-option values (PATTERN.KEY=a,b is rare; use -o twice).
      for (const o of v.split(',')) if (o) applyOption(cfg, o);
    } else if (a.startsWith('-o') && a.length > 2) {
      for (const o of a.slice(2).split(',')) if (o) applyOption(cfg, o);
    } else if (a === '--') positional.push(...argv.slice(i + 1)), (i = argv.length);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown flag \`${a}\``);
    else positional.push(a);
  }
  if (positional.length !== 2) throw new UsageError(`expected VOLFILE and MOUNTPOINT, got ${positional.length} argument(s)`);
  cfg.volfile = resolve(positional[0]!);
  cfg.mountpoint = resolve(positional[1]!);
  return cfg;
}

/** GlusterFS names logs after the mountpoint: /mnt/gv0 -> mnt-gv0. */
export function mountpointSlug(mountpoint: string): string {
  return mountpoint.replace(/^\/+|\/+$/g, '').replace(/\//g, '-') || 'root';
}

/** Back to argv form, for the daemon child. */
export function toArgs(cfg: MountConfig): string[] {
  const o: string[] = [];
  if (cfg.readOnly) o.push('ro');
  if (cfg.logLevel) o.push(`log-level=${cfg.logLevel}`);
  if (cfg.logFile) o.push(`log-file=${cfg.logFile}`);
  if (cfg.pidFile) o.push(`pid-file=${cfg.pidFile}`);
  for (const [k, v] of Object.entries(cfg.fuseOptions)) o.push(`${k}=${v}`);
  const args = o.length ? ['-o', o.join(',')] : [];
  for (const x of cfg.xlatorOptions) args.push('-o', `xlator-option=${x}`);
  return [...args, cfg.volfile, cfg.mountpoint];
}
