/**
 * Summarise a V8 .cpuprofile (from `npm run bench -- local --profile DIR`): the functions with the
 * most self time, and the total per source file. Usage: node --import tsx bench/profile-summary.ts FILE [N]
 */
import { readFileSync } from 'node:fs';
import { table } from './report.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    const short = cf.url.replace(/^.*\/work\/main\//, '').replace(/^file:\/\//, '') || '(native)';
    const key = `${cf.functionName || '(anonymous)'} ${short}:${cf.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    file.set(short, (file.get(short) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => [k, (us / 1000).toFixed(0), ((100 * us) / total).toFixed(1)]);
  return [
    `total ${(total / 1e6).toFixed(2)} s sampled`,
    table(['function (self time)', 'ms', '%'], rows(fn)),
    '',
    table(['file (self time)', 'ms', '%'], rows(file)),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: profile-summary.ts FILE.cpuprofile [N]');
  console.log(summarise(JSON.parse(readFileSync(path, 'utf8')) as Profile, Number(process.argv[3] ?? 25)));
}
