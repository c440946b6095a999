/**
 * `npm run bench [-- SECTION...] [--files N] [--settle MS] [--mib N] [--targets a,b] [--skip sequential,small]
 *  [--repeat N] [--warmup N] [--gaps] [--heat] [--baseline CHECKOUT] [--profile DIR] [-o MOUNTOPTS]`: runs the named sections (all by default) and prints a table
 * per section. Figures are side-by-side comparisons made in one run, never pass/fail thresholds
 * (except `parse`, which reports its 1 s target). See bench/README.md.
 */
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchParse } from './parse.js';
import { localSection } from './local.js';
import { distributeSection } from './distribute.js';
import { distributeLocalSection } from './distribute-local.js';
import { wireSection } from './wire.js';
import { machine, table } from './report.js';
import { heatCpus } from './heat.js';
import { cleanupAll, onCleanup } from './targets.js';
import { killWorkloads } from './workloads.js';

export interface BenchOptions {
  files?: number;
  /** Pause between small-file phases in ms (workloads.ts SETTLE_MS by default). */
  settleMs?: number;
  mib?: number;
  targets?: string[];
  skip?: string[];
  profile?: string;
  mountOptions?: string[];
  /** Another gfs checkout, mounted beside ours as `gfs-base`. */
  baseline?: string;
  /** Rounds per workload; the median is shown. */
  repeat?: number;
  /** Uncounted rounds per workload before those (default 1): see measure(). */
  warmup?: number;
  /** Also run the idle-gaps workload (workloads.ts idleGaps). */
  gaps?: boolean;
  /** Keep every CPU busy at nice 19 during the run (heat.ts). */
  heat?: boolean;
}

export interface BenchContext {
  opts: BenchOptions;
  /** A fresh folder for this section, removed afterwards (on the disk being measured). */
  work: string;
  say(text: string): void;
}

type Section = (ctx: BenchContext) => Promise<void>;

async function parseSection(ctx: BenchContext): Promise<void> {
  benchParse({ volumes: 2000, runs: 1 }); // warm the JIT up
  const r = benchParse();
  const rows = [[`${r.volumes} volumes, ${(r.bytes / 1e6).toFixed(1)} MB`, r.ms.toFixed(0), '1000', r.ms < 1000 ? 'yes' : 'NO']];
  ctx.say(`\nvolfile parse + graph passes (median of 3)\n${table(['input', 'ms', 'target ms', 'met'], rows)}`);
}

const SECTIONS: Record<string, Section> = { parse: parseSection, local: localSection, distribute: distributeSection, wire: wireSection, 'distribute-local': distributeLocalSection };

/** A whole number of rounds, at least `min`. */
function count(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes a whole number of rounds, at least ${min} (got ${JSON.stringify(v)})`);
  return n;
}

/** A whole number of milliseconds, 0 or more. */
function millis(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} takes a whole number of milliseconds, 0 or more (got ${JSON.stringify(v)})`);
  return n;
}

function parseArgs(argv: string[]): { sections: string[]; opts: BenchOptions } {
  const sections: string[] = [];
  const opts: BenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--files') opts.files = Number(val());
    else if (a === '--settle') opts.settleMs = millis(a, val());
    else if (a === '--mib') opts.mib = Number(val());
    else if (a === '--targets') opts.targets = val().split(',');
    else if (a === '--skip') opts.skip = val().split(',');
    else if (a === '--gaps') opts.gaps = true;
    else if (a === '--heat') opts.heat = true;
    else if (a === '--profile') opts.profile = val();
    else if (a === '--baseline') opts.baseline = val();
    else if (a === '--repeat') opts.repeat = count(a, val(), 1);
    else if (a === '--warmup') opts.warmup = count(a, val(), 0);
    else if (a === '-o') (opts.mountOptions ??= []).push(val());
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (!(a in SECTIONS)) throw new Error(`unknown section ${a} (known: ${Object.keys(SECTIONS).join(', ')})`);
    else sections.push(a);
  }
  return { sections: sections.length ? sections : Object.keys(SECTIONS), opts };
}

async function main(): Promise<void> {
  const { sections, opts } = parseArgs(process.argv.slice(2));
  // Interrupted: unmount and stop what was started, then exit.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killWorkloads();
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  console.log(machine());
  const base = fs.mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'gfs-bench-'));
  // Registered first, so it runs last: after every mount on it is gone (also on Ctrl-C).
  onCleanup(async () => fs.rmSync(base, { recursive: true, force: true }));
  if (opts.heat) console.log(`heat: ${heatCpus().pids.length} busy loops at nice 19 keep the CPUs from halting (bench/heat.ts)`);
  try {
    for (const name of sections) {
      console.log(`\n== ${name} ==`);
      const work = join(base, name);
      fs.mkdirSync(work);
      await SECTIONS[name]!({ opts, work, say: (t) => console.log(t) });
    }
  } finally {
    await cleanupAll();
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error)?.stack ?? String(err)}`);
  process.exitCode = 1;
});
