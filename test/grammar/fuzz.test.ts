import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { GfsError } from '../../runtime/diagnostics/index.js';
import { analyzeVolfileText, parseVolfileText } from '../../runtime/graph/load.js';
import { GLUSTER_VOLFILES } from '../helpers/shared.js';

/**
 * Whatever the input, loading yields a graph or a GfsError whose every diagnostic has a
 * location inside the text. Never a crash, never an unlocated error. Runs are bounded: the
 * machine is shared.
 */
function checkNeverCrashes(text: string): void {
  let graph;
  try {
    graph = parseVolfileText(text, 'f.vol');
  } catch (err) {
    if (!(err instanceof GfsError)) throw err;
    for (const d of err.diagnostics) {
      if (!d.location) throw new Error(`unlocated ${d.code}: ${d.message}`);
      const { start, end } = d.location;
      if (start.offset < 0 || start.offset > text.length || end.offset < start.offset || start.line < 1 || start.column < 1) {
        throw new Error(`bad location for ${d.code}: ${JSON.stringify(d.location)}`);
      }
    }
    return;
  }
  if (graph.volumes.length === 0 || graph.top !== graph.volumes.at(-1)!.name) throw new Error('graph without a top');
}

const TOKENS = ['volume', 'type', 'option', 'subvolumes', 'end-volume', 'a', 'b', 'top', '"q s"', '"\\"e"', '"', '\\', '#c', 'x#y', '`', '\n', ' ', '\t', '\r\n', 'storage/posix', '/srv/b1', 'é', '\u0000'];

test('random token soups never crash the loader', (t) => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), fc.array(fc.constantFrom(' ', '\n', ''), { maxLength: 60 }), (toks, seps) => {
      checkNeverCrashes(toks.map((tok, i) => tok + (seps[i] ?? ' ')).join(''));
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('random strings never crash the loader', (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => checkNeverCrashes(s)), { numRuns: 50 });
  t.pass();
});

const REAL = readFileSync(`${GLUSTER_VOLFILES}/dvol.tcp-fuse.vol`, 'utf8');

test('mutated real volfiles never crash the loader', (t) => {
  const lines = REAL.split('\n');
  const mutation = fc.record({
    at: fc.nat({ max: lines.length - 1 }),
    op: fc.constantFrom('delete', 'duplicate', 'swap', 'insert', 'truncate'),
    text: fc.constantFrom(...TOKENS),
    other: fc.nat({ max: lines.length - 1 }),
  });
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
      const ls = [...lines];
      for (const m of muts) {
        const i = Math.min(m.at, ls.length - 1);
        if (ls.length === 0) break;
        if (m.op === 'delete') ls.splice(i, 1);
        else if (m.op === 'duplicate') ls.splice(i, 0, ls[i]!);
        else if (m.op === 'swap') [ls[i], ls[Math.min(m.other, ls.length - 1)]] = [ls[Math.min(m.other, ls.length - 1)]!, ls[i]!];
        else if (m.op === 'insert') ls[i] = `${ls[i]} ${m.text}`;
        else ls[i] = ls[i]!.slice(0, Math.floor(ls[i]!.length / 2));
      }
      checkNeverCrashes(ls.join('\n'));
    }),
    { numRuns: 100 },
  );
  t.pass();
});

test('the analysis of a mutated file always reports in file order', (t) => {
  const text = REAL.replace('subvolumes dvol-dht', 'subvolumes dvol-dhtt').replace('type performance/io-cache', 'option x y\n type performance/io-cache');
  const offsets = analyzeVolfileText(text, 'f.vol').diagnostics.map((d) => d.location!.start.offset);
  t.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
  t.true(offsets.length >= 2);
});
