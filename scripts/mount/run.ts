/** The mount's life in the serving process: checks, graph, mount, serve until unmounted or signalled. */
import { mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { createGraph } from '../../runtime/graph/create.js';
import type { Graph } from '../../runtime/graph/graph.js';
import { readVolfileText, parseVolfileText } from '../../runtime/graph/load.js';
import { appendVolume, volumeByName, type VolfileGraph } from '../../runtime/graph/model.js';
import { Logger, setDefaultLogLevel, setLogSink, type LogLevel } from '../../runtime/log/logger.js';
import type { XlatorDefinition } from '../../runtime/xlator/define.js';
import { fusePriv } from '../../xlators/mount/fuse/index.js';
import { removePidFile, writePidFile } from '../daemon.js';
import { finalGraphBlock } from './final-graph.js';
import type { MountConfig } from './options.js';
import { checkFuseAvailable, MountError, prepareMountpoint } from './prepare.js';

export interface RunHooks {
  /** Extra translator definitions by type (tests mount in-memory translators). */
  xlators?: Readonly<Record<string, XlatorDefinition<any, any>>>;
  /** The mount is up and serving. */
  onReady?: () => void;
  /** Extra folders searched for translator plugin packages (besides the volfile's folder). */
  searchPaths?: string[];
  /** How long to wait for CHILD_UP/CHILD_DOWN after activation. */
  childTimeoutMs?: number;
}

const log = new Logger('gfs-mount');

/** Unique volume name: `base`, `base-2`, ... */
function freeName(g: VolfileGraph, base: string): string {
  let name = base;
  for (let i = 2; volumeByName(g, name); i++) name = `${base}-${i}`;
  return name;
}

/** Parse the volfile, then stack features/read-only (for ro) and mount/fuse on its top. */
export function mountGraph(text: string, cfg: MountConfig): VolfileGraph {
  const g = parseVolfileText(text, cfg.volfile, { xlatorOptions: cfg.xlatorOptions });
  for (const w of g.warnings) log.warn(w.message, { code: w.code });
  if (cfg.readOnly) appendVolume(g, { name: freeName(g, `${g.top}-read-only`), type: 'features/read-only', options: { 'read-only': 'on' } });
  appendVolume(g, {
    name: freeName(g, 'fuse'),
    type: 'mount/fuse',
    options: { mountpoint: cfg.mountpoint, ...(cfg.readOnly ? { 'read-only': 'on' } : {}), ...cfg.fuseOptions },
  });
  return g;
}

/** The message a user sees when the mount fails: located diagnostics, hints. */
export function describeFailure(err: unknown, volfileText?: string): string {
  if (err instanceof GfsError) return err.format(volfileText);
  if (err instanceof MountError) return `error: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
  return `error: ${(err as Error)?.message ?? String(err)}`;
}

export function setupLogging(cfg: MountConfig, file: string | undefined): void {
  if (cfg.logLevel) setDefaultLogLevel(cfg.logLevel as LogLevel);
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a');
  setLogSink((line) => void writeSync(fd, line + '\n'));
}

/**
 * Mount and serve; resolves with the exit status once the volume is unmounted (umount, SIGTERM,
 * SIGINT). Throws (with the volfile text for locating errors) when the mount cannot come up.
 */
export async function runMount(cfg: MountConfig, hooks: RunHooks = {}): Promise<number> {
  checkFuseAvailable();
  let text: string | undefined;
  let graph: Graph | undefined;
  try {
    text = await readVolfileText(cfg.volfile);
    const vg = mountGraph(text, cfg);
    await prepareMountpoint(cfg.mountpoint, log);
    log.info(`starting gfs-mount (pid ${process.pid}) for ${cfg.volfile} on ${cfg.mountpoint}\n${finalGraphBlock(vg)}`);
    const lru = Number(cfg.fuseOptions['lru-limit'] ?? 65536);
    graph = await createGraph(vg, { lruLimit: Number.isFinite(lru) && lru > 0 ? lru : 65536, xlators: hooks.xlators, searchPaths: [dirname(cfg.volfile), ...(hooks.searchPaths ?? [])] });
    await graph.activate();
    const state = await graph.waitForChildState(hooks.childTimeoutMs ?? 60_000);
    if (state === 'CHILD_DOWN') log.warn('the volume is down: requests fail with "Transport endpoint is not connected" until it comes up');
  } catch (err) {
    await graph?.teardown().catch(() => undefined);
    throw Object.assign(err as object, { volfileText: text });
  }
  const priv = fusePriv(graph.top)!;
  writePidFile(cfg.pidFile);
  log.info(`mounted ${cfg.volfile} on ${cfg.mountpoint}`);
  hooks.onReady?.();

  const why = await new Promise<string>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => resolve(`received ${sig}`);
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(s, onSignal);
    priv.ended.then(() => resolve(`${cfg.mountpoint} was unmounted`));
  });
  log.info(`${why}; shutting down`);
  await graph.teardown();
  removePidFile(cfg.pidFile);
  log.info('stopped');
  return 0;
}
