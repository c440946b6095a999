import { defineXlator, type FopImpls } from '../../runtime/xlator/define.js';
import { Dict } from '../../runtime/core/dict.js';
import { FOP_NAMES } from '../../runtime/fops/table.js';
import type { GfEvent } from '../../runtime/xlator/events.js';
import type { GraphSpec, VolumeSpec } from '../../runtime/graph/spec.js';

/**
 * In-process translators for lifecycle tests. They are real translators run by the real
 * runtime; they only record what happens to them so tests can assert on order.
 */
export interface Journal {
  lines: string[];
}

export function recordingXlators(journal: Journal, opts: { failInit?: string; slowFop?: Promise<void> } = {}) {
  const note = (line: string) => journal.lines.push(line);
  const event = (self: { name: string }, e: GfEvent) => note(`${self.name} got ${e.type}${e.from ? ` from ${e.from.name}` : ''}`);

  /** Answers every fop itself, saying who answered. */
  const leafFops: Record<string, unknown> = {};
  for (const name of FOP_NAMES) {
    leafFops[name] = async (self: { name: string }) => {
      if (name === 'stat' && opts.slowFop) await opts.slowFop;
      note(`${self.name} answered ${name}`);
      return { xdata: Dict.from({ answeredBy: self.name, fop: name }) };
    };
  }

  const leaf = defineXlator({
    apiVersion: 1,
    type: 'test/leaf',
    options: { label: { type: 'str', default: 'leaf' } },
    init(self) {
      note(`init ${self.name}`);
      if (opts.failInit === self.name) throw new Error('disk on fire');
      const timer = setInterval(() => {}, 60_000);
      timer.unref(); // a failing test must not keep the worker alive
      return { timer };
    },
    fini(self) {
      note(`fini ${self.name}`);
      clearInterval(self.priv.timer);
    },
    notify(self, e) {
      event(self, e);
      return self.defaultNotify(e);
    },
    fops: leafFops as FopImpls<{ label: { type: 'str'; default: 'leaf' } }, { timer: NodeJS.Timeout }>,
    children: { max: 0 },
  });

  /** Implements nothing but notify: every fop must pass through it. */
  const filter = defineXlator({
    apiVersion: 1,
    type: 'test/filter',
    options: { level: { type: 'int', min: 0, max: 10, default: '1' } },
    init(self) {
      note(`init ${self.name}`);
      if (opts.failInit === self.name) throw new Error('bad config');
      return undefined;
    },
    fini(self) {
      note(`fini ${self.name}`);
    },
    reconfigure(self, next) {
      note(`reconfigure ${self.name} level=${next.level}`);
    },
    notify(self, e) {
      event(self, e);
      return self.defaultNotify(e);
    },
  });

  return { 'test/leaf': leaf, 'test/filter': filter };
}

export function spec(volumes: Array<Partial<VolumeSpec> & { name: string; type: string }>): GraphSpec {
  return {
    source: 'test.vol',
    volumes: volumes.map((v) => ({ options: [], subvolumes: [], ...v })),
  };
}
