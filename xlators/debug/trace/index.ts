import { defineXlator, type FopImpls } from '../../../runtime/xlator/define.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { FopError } from '../../../runtime/core/fop-error.js';
import { FOP_NAMES, type FopName } from '../../../runtime/fops/table.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { summarise } from './format.js';

const options = {
  'include-ops': { type: 'str', aliases: ['include'], description: 'Comma-separated fops to trace (default: all).' },
  'exclude-ops': { type: 'str', aliases: ['exclude'], description: 'Comma-separated fops not to trace.' },
  'history-size': { type: 'size', default: '1024', description: 'How many recent calls the dump keeps.' },
  'log-file': { type: 'bool', default: 'no', description: 'Accepted for GlusterFS compatibility; lines go to the process log.' },
  'log-history': { type: 'bool', default: 'no', description: 'Keep recent calls for the dump.' },
} as const;

interface State {
  traced: Set<FopName>;
  history: string[];
}
type Self = Xlator<typeof options, State>;

const opList = (s: string | undefined) => new Set((s ?? '').split(/[,\s]+/).filter(Boolean));

function selected(o: Self['options']): Set<FopName> {
  const inc = opList(o['include-ops']);
  const exc = opList(o['exclude-ops']);
  return new Set(FOP_NAMES.filter((n) => (inc.size === 0 || inc.has(n)) && !exc.has(n)));
}

function record(self: Self, line: string): void {
  self.log.info(line);
  if (!self.options['log-history']) return;
  const h = self.priv.history;
  h.push(line);
  if (h.length > self.options['history-size']) h.splice(0, h.length - self.options['history-size']);
}

/** One generic tracer per fop, generated from the fop table: no hand-written per-fop code. */
function tracer(name: FopName) {
  return async (self: Self, frame: Frame, args: never) => {
    const child = self.firstChild!.fops[name] as (f: Frame, a: never) => Promise<unknown>;
    if (!self.priv.traced.has(name)) return child(frame, args);
    const started = process.hrtime.bigint();
    record(self, `${frame.unique}: ${name} (uid=${frame.uid} gid=${frame.gid} pid=${frame.pid}) ${JSON.stringify(summarise(args))}`);
    try {
      const result = await child(frame, args);
      const us = Number(process.hrtime.bigint() - started) / 1000;
      record(self, `${frame.unique}: ${name} => ok in ${us.toFixed(0)}us ${JSON.stringify(summarise(result))}`);
      return result;
    } catch (err) {
      const code = err instanceof FopError ? err.code : String(err);
      record(self, `${frame.unique}: ${name} => -1 (${code})`);
      throw err;
    }
  };
}

const fops: Record<string, unknown> = {};
for (const name of FOP_NAMES) fops[name] = tracer(name);

/** debug/trace: logs every fop with its arguments and its result or errno. */
export default defineXlator({
  apiVersion: 1,
  type: 'debug/trace',
  description: 'Logs every fop with its arguments and result.',
  options,
  children: { min: 1, max: 1 },
  init: (self): State => ({ traced: selected(self.options), history: [] }),
  reconfigure(self, next) {
    self.priv.traced = selected(next);
  },
  fops: fops as FopImpls<typeof options, State>,
  dump: (self) => ({ traced: [...self.priv.traced].length, history: self.priv.history }),
});
