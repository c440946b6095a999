import { defineXlator, type FopImpls } from '../../../runtime/xlator/define.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { FOP_NAMES, type FopName } from '../../../runtime/fops/table.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { options } from './options.js';
import { IoStats } from './stats.js';

interface State {
  stats: IoStats;
  timer?: NodeJS.Timeout;
}
type Self = Xlator<typeof options, State>;

/** A counting wrapper per fop, generated from the fop table. */
function counter(name: FopName) {
  return async (self: Self, frame: Frame, args: never) => {
    const child = self.firstChild!.fops[name] as (f: Frame, a: never) => Promise<unknown>;
    const start = performance.now();
    let failed = true;
    try {
      const result = await child(frame, args);
      failed = false;
      if (name === 'readv') self.priv.stats.bytesRead += (result as { data: Buffer }).data.length;
      if (name === 'writev') self.priv.stats.bytesWritten += (args as { data: Buffer }).data.length;
      return result;
    } finally {
      self.priv.stats.of(name).record((performance.now() - start) * 1000, failed);
    }
  };
}

const fops: Record<string, unknown> = {};
for (const name of FOP_NAMES) fops[name] = counter(name);

function schedule(self: Self, state: State): void {
  if (state.timer) clearInterval(state.timer);
  state.timer = undefined;
  const every = self.options['ios-dump-interval'];
  if (every > 0) {
    state.timer = setInterval(() => self.log.info(`io-stats: ${JSON.stringify(state.stats)}`), every * 1000);
    state.timer.unref();
  }
}

/** debug/io-stats: per-fop call counts, errors and latency, bytes read and written; see dump(). */
export default defineXlator({
  apiVersion: 1,
  type: 'debug/io-stats',
  description: 'Counts every fop, its failures and latency; glusterd puts it at the top of every graph.',
  options,
  passesWriteData: true,
  passesReadData: true,
  children: { min: 1, max: 1 },
  init(self): State {
    const state: State = { stats: new IoStats() };
    schedule(self, state);
    return state;
  },
  reconfigure(self) {
    queueMicrotask(() => schedule(self, self.priv));
  },
  fini(self) {
    if (self.priv.timer) clearInterval(self.priv.timer);
  },
  fops: fops as FopImpls<typeof options, State>,
  dump: (self) => self.priv.stats.toJSON(),
});
