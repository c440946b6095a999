/**
 * `gfs rebalance VOLFILE fix-layout|start [--progress auto|bar|plain|none]`: after subvolumes
 * were added to a distribute volume's volfile, give every directory a layout over all of them
 * (fix-layout) and move files to the subvolume their names now hash to (start, which fixes the
 * layouts first). Runs in-process on the graph the volfile describes; the volume may stay
 * mounted meanwhile. A progress bar goes to stderr on a terminal; a summary to stdout.
 */
import { activateGraph } from '../../runtime/graph/create.js';
import { readVolfile } from '../../runtime/graph/load.js';
import { rebalance, type RebalanceEvent, type RebalanceStats } from '../../xlators/cluster/distribute/rebalance.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, type CliIo } from './io.js';

export const REBALANCE_USAGE = `Usage: gfs rebalance VOLFILE fix-layout|start [--progress auto|bar|plain|none]

  fix-layout   rewrite every directory's layout so it spans all subvolumes of the volume
  start        fix-layout, then move every file to the subvolume its name hashes to

The volfile's graph is built in-process (its cluster/distribute volume and subvolumes); every
subvolume must be up. An interrupted run can simply be run again.
  --progress   bar (stderr, default on a terminal), plain (one line per file), none
`;

type Progress = 'bar' | 'plain' | 'none';

function parse(argv: string[]): { volfile: string; mode: 'fix-layout' | 'start'; progress: Progress } {
  const pos: string[] = [];
  let progress: Progress | 'auto' = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--progress' || a.startsWith('--progress=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'auto' && v !== 'bar' && v !== 'plain' && v !== 'none') throw new UsageError(`--progress takes auto, bar, plain or none`, REBALANCE_USAGE);
      progress = v;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option \`${a}\``, REBALANCE_USAGE);
    else pos.push(a);
  }
  const [volfile, mode] = pos;
  if (!volfile || (mode !== 'fix-layout' && mode !== 'start') || pos.length !== 2) throw new UsageError('expected VOLFILE and fix-layout or start', REBALANCE_USAGE);
  return { volfile, mode, progress: progress === 'auto' ? (process.stderr.isTTY ? 'bar' : 'none') : progress };
}

function bar(stats: RebalanceStats, width = 30): string {
  const done = stats.moved + stats.skipped + stats.failed;
  const frac = stats.toMove ? done / stats.toMove : 1;
  const fill = Math.round(frac * width);
  return `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${Math.floor(frac * 100)}% ${done}/${stats.toMove} files (moved ${stats.moved}, failed ${stats.failed})`;
}

export async function runRebalance(argv: string[], io: CliIo): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '--help')) {
    io.out(REBALANCE_USAGE);
    return EXIT_OK;
  }
  const { volfile, mode, progress } = parse(argv);
  const graph = await activateGraph(await readVolfile(volfile));
  try {
    const state = await graph.waitForChildState(30_000);
    if (state !== 'CHILD_UP') throw new Error(`the volume is not up (${state})`);
    let lastDraw = 0;
    const onEvent = (e: RebalanceEvent, stats: RebalanceStats) => {
      if (progress === 'plain') {
        if (e.type === 'directory') io.err(`layout ${e.path}\n`);
        else io.err(`${e.result} ${e.path} ${e.from} -> ${e.to}${e.error ? `: ${e.error}` : ''}\n`);
      } else if (progress === 'bar' && e.type === 'file' && Date.now() - lastDraw > 100) {
        lastDraw = Date.now();
        io.err(bar(stats));
      }
    };
    const stats = await rebalance(graph, { mode, onEvent });
    if (progress === 'bar' && mode === 'start') io.err(`${bar(stats)}\n`);
    io.out(
      mode === 'fix-layout'
        ? `fix-layout: ${stats.directories} directories laid out over ${graph.xlators.filter((x) => x.type === 'cluster/distribute')[0]!.children.length} subvolumes\n`
        : `rebalance: ${stats.directories} directories, files scanned ${stats.scanned}, moved ${stats.moved}, skipped ${stats.skipped}, failed ${stats.failed}\n`,
    );
    return stats.failed ? EXIT_PROBLEMS : EXIT_OK;
  } catch (err) {
    io.err(`gfs rebalance: ${(err as Error).message}\n`);
    return EXIT_PROBLEMS;
  } finally {
    await graph.teardown();
  }
}
