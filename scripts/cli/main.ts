/** `gfs` dispatch: `gfs volfile check|graph ...`. Returns the exit status. */
import { runCheck } from './check.js';
import { runGraph } from './graph.js';
import { runRebalance } from './rebalance.js';
import { EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './io.js';
import { MAIN_USAGE, VOLFILE_USAGE } from './usage.js';

const isHelp = (a: string | undefined) => a === '-h' || a === '--help' || a === 'help';

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`gfs: ${err.message}\n\n${err.usage}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === undefined) {
    io.err(MAIN_USAGE);
    return EXIT_USAGE;
  }
  if (isHelp(command)) {
    io.out(MAIN_USAGE);
    return EXIT_OK;
  }
  if (command === 'rebalance') return runRebalance(argv.slice(1), io);
  if (command !== 'volfile') throw new UsageError(`unknown command \`${command}\``, MAIN_USAGE);
  if (sub === undefined) {
    io.err(VOLFILE_USAGE);
    return EXIT_USAGE;
  }
  if (isHelp(sub)) {
    io.out(VOLFILE_USAGE);
    return EXIT_OK;
  }
  if (sub === 'check') return runCheck(rest, io);
  if (sub === 'graph') return runGraph(rest, io);
  throw new UsageError(`unknown subcommand \`volfile ${sub}\``, VOLFILE_USAGE);
}
