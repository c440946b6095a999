/**
 * Parse + graph passes (+ option validation when tables are given) on a generated
 * 10,000-volume volfile: a distribute tree over client leaves with a chain of filters on top.
 * Target: under 1 s. Run: node --import tsx bench/parse.ts
 */
import { fileURLToPath } from 'node:url';
import { parseVolfileText } from '../runtime/graph/load.js';
import { withLocations } from '../runtime/graph/spec.js';
import { validateGraphOptions, type OptionTable } from '../runtime/options/index.js';

/** `volumes` volumes: 80% clients with 6 options, grouped 8 per dht, then a filter chain. */
export function generateVolfile(volumes = 10_000): string {
  const out: string[] = [];
  const clients = Math.floor(volumes * 0.8);
  const groups = Math.ceil(clients / 8);
  const chain = volumes - clients - groups;
  for (let i = 0; i < clients; i++) {
    out.push(
      `volume v-client-${i}`,
      '    type protocol/client',
      '    option transport-type tcp',
      `    option remote-host host${i % 50}.example.org`,
      `    option remote-subvolume /srv/gl/b${i}`,
      '    option ping-timeout 42',
      '    option send-gids true',
      '    option "strict-locks" "off" # quoted, with a comment',
      'end-volume',
      '',
    );
  }
  for (let g = 0; g < groups; g++) {
    const subs = [];
    for (let i = g * 8; i < Math.min(clients, g * 8 + 8); i++) subs.push(`v-client-${i}`);
    out.push(`volume v-dht-${g}`, '    type cluster/distribute', '    option min-free-disk 5%', `    subvolumes ${subs.join(' ')}`, 'end-volume', '');
  }
  // The first filter joins every dht group; the rest form a chain up to the top.
  let below = Array.from({ length: groups }, (_, g) => `v-dht-${g}`).join(' ');
  for (let c = 0; c < chain; c++) {
    out.push(`volume v-filter-${c}`, '    type performance/io-cache', '    option cache-size 64MB', `    subvolumes ${below}`, 'end-volume', '');
    below = `v-filter-${c}`;
  }
  return out.join('\n');
}

export interface BenchResult {
  ms: number;
  volumes: number;
  bytes: number;
  /** Part of `ms` spent validating options (0 when no tables were given). */
  validateMs: number;
}

/**
 * Time loading the generated volfile: the median of `runs` loads (the machine is shared, one run
 * is noisy). `tablesByType` (option tables by volume type) adds option validation.
 */
export function benchParse(opts: { volumes?: number; runs?: number; tablesByType?: Map<string, OptionTable> } = {}): BenchResult {
  const text = generateVolfile(opts.volumes);
  const runs: BenchResult[] = [];
  for (let i = 0; i < (opts.runs ?? 3); i++) runs.push(loadOnce(text, opts.tablesByType));
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)]!;
}

function loadOnce(text: string, tablesByType?: Map<string, OptionTable>): BenchResult {
  const start = performance.now();
  const graph = parseVolfileText(text, 'bench.vol');
  let validateMs = 0;
  if (tablesByType) {
    const v0 = performance.now();
    const tables = new Map<string, OptionTable>();
    for (const v of graph.volumes) {
      const t = tablesByType.get(v.type);
      if (t) tables.set(v.name, t);
    }
    validateGraphOptions(withLocations(graph), tables);
    validateMs = performance.now() - v0;
  }
  return { ms: performance.now() - start, volumes: graph.volumes.length, bytes: text.length, validateMs };
}

// Permissive tables so validation does real work without needing the translators installed.
const ANY: OptionTable = {
  'transport-type': { type: 'str' },
  'remote-host': { type: 'str' },
  'remote-subvolume': { type: 'str' },
  'ping-timeout': { type: 'int' },
  'send-gids': { type: 'bool' },
  'strict-locks': { type: 'bool' },
};
const TABLES = new Map<string, OptionTable>([
  ['protocol/client', ANY],
  ['cluster/distribute', { 'min-free-disk': { type: 'percent-or-size' } }],
  ['performance/io-cache', { 'cache-size': { type: 'size' } }],
]);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchParse({ volumes: 2000, runs: 1 }); // warm up the JIT
  const parse = benchParse();
  const full = benchParse({ tablesByType: TABLES });
  console.log(`parse + graph passes: ${parse.volumes} volumes, ${(parse.bytes / 1e6).toFixed(1)} MB in ${parse.ms.toFixed(0)} ms (median of 3)`);
  console.log(`with option validation: ${full.ms.toFixed(0)} ms (validation ${full.validateMs.toFixed(0)} ms)`);
  if (parse.ms > 1000) process.exitCode = 1;
}
