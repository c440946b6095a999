/** The brick's life in the serving process: volfile, graph, listen, serve until signalled. */
import { mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { gfsError } from '../../runtime/diagnostics/codes.js';
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { createGraph } from '../../runtime/graph/create.js';
import type { Graph } from '../../runtime/graph/graph.js';
import { parseVolfileText, readVolfileText } from '../../runtime/graph/load.js';
import { topVolume, type VolfileGraph } from '../../runtime/graph/model.js';
import { Logger, setDefaultLogLevel, setLogSink, type LogLevel } from '../../runtime/log/logger.js';
import { serverAddress } from '../../xlators/protocol/server/index.js';
import { removePidFile, writePidFile } from '../daemon.js';
import { finalGraphBlock } from '../mount/final-graph.js';
import type { BrickConfig } from './options.js';

const log = new Logger('gfs-brick');

export function setupBrickLogging(cfg: BrickConfig): void {
  if (cfg.logLevel) setDefaultLogLevel(cfg.logLevel as LogLevel);
  if (!cfg.logFile) return;
  mkdirSync(dirname(cfg.logFile), { recursive: true });
  const fd = openSync(cfg.logFile, 'a');
  setLogSink((line) => void writeSync(fd, line + '\n'));
}

/** The user's message for a failure: located diagnostics with a code frame, or the error text. */
export function describeBrickFailure(err: unknown, text?: string): string {
  if (err instanceof GfsError) return err.format(text);
  return `error: ${(err as Error)?.message ?? String(err)}`;
}

/** Parse, check the top is protocol/server, apply --brick-port to every server volume. */
export function brickGraph(text: string, cfg: BrickConfig): VolfileGraph {
  const g = parseVolfileText(text, cfg.volfile, { xlatorOptions: cfg.xlatorOptions });
  for (const w of g.warnings) log.warn(w.message, { code: w.code });
  const top = topVolume(g);
  if (top && top.type !== 'protocol/server') {
    throw gfsError('BRICK_TOP_NOT_SERVER', {
      message: `the top volume \`${top.name}\` is ${top.type}: a brick volfile ends with a protocol/server volume`,
      ...(top.typeLocation ? { location: top.typeLocation } : {}),
      volume: top.name,
      xlatorType: top.type,
      hint: 'gfs-mount serves client volfiles; gfs-brick serves brick volfiles',
    });
  }
  if (cfg.brickPort !== undefined) {
    for (const v of g.volumes) {
      if (v.type === 'protocol/server') v.options.push({ key: 'transport.socket.listen-port', value: String(cfg.brickPort), origin: 'program' });
    }
  }
  return g;
}

function lruLimit(g: VolfileGraph): number {
  const v = topVolume(g)?.options.filter((o) => o.key === 'inode-lru-limit').pop()?.value;
  const n = Number(v ?? 16384);
  return Number.isInteger(n) && n > 0 ? n : 16384;
}

export interface BrickHooks {
  onReady?: (where: string) => void;
  searchPaths?: string[];
}

/** Serve; resolves with the exit status after SIGTERM/SIGINT. Throws (with the volfile text) when the brick cannot start. */
export async function runBrick(cfg: BrickConfig, hooks: BrickHooks = {}): Promise<number> {
  let text: string | undefined;
  let graph: Graph | undefined;
  // Signals that arrive while starting still stop the brick, once it is up.
  let stopWhy: string | undefined;
  let wake: ((why: string) => void) | undefined;
  const onSignal = (sig: NodeJS.Signals) => (wake ? wake(`received ${sig}`) : (stopWhy = `received ${sig}`));
  for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, onSignal);
  try {
    try {
      text = await readVolfileText(cfg.volfile);
      const vg = brickGraph(text, cfg);
      log.info(`starting gfs-brick (pid ${process.pid}) for ${cfg.volfile}\n${finalGraphBlock(vg)}`);
      graph = await createGraph(vg, { lruLimit: lruLimit(vg), searchPaths: [dirname(cfg.volfile), ...(hooks.searchPaths ?? [])] });
      await graph.activate();
    } catch (err) {
      await graph?.teardown().catch(() => undefined);
      throw Object.assign(err as object, { volfileText: text });
    }
    const a = serverAddress(graph.top);
    const where = !a ? 'nowhere' : 'path' in a ? a.path : `${a.host}:${a.port}`;
    writePidFile(cfg.pidFile);
    log.info(`brick ${cfg.volfile} serving on ${where}`);
    hooks.onReady?.(where);
    const why = stopWhy ?? (await new Promise<string>((resolve) => (wake = resolve)));
    log.info(`${why}; shutting down`);
    await graph.teardown();
    removePidFile(cfg.pidFile);
    log.info('stopped');
    return 0;
  } finally {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.off(s, onSignal);
  }
}
