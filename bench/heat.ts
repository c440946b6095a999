/**
 * `--heat`: one busy loop per CPU at the lowest priority (nice 19) for the whole run, so that no
 * vCPU halts between requests. On a virtual machine the wake-up from a halt roughly doubles what
 * a small request costs, for every system alike (bench/README.md, twelfth round), and how much
 * varies with the host from run to run: with the loops, A/B comparisons (`--baseline`) of the
 * same requests see the code's own cost. Each loop yields to any task that wakes. Never the
 * default: the toll is part of what users of such machines get.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { onCleanup } from './targets.js';

/** Start the loops; the returned function (also registered for cleanup) stops them. */
export function heatCpus(count = availableParallelism()): { pids: number[]; stop: () => Promise<void> } {
  const children = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  for (const c of children) setPriority(c.pid!, 19);
  const stop = onCleanup(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
  });
  return { pids: children.map((c) => c.pid!), stop };
}
