/** Plain-text tables for the bench output (also pasted into bench/README.md as they are). */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import type { Phase } from './workloads.js';

/** Right-aligned columns after a left-aligned first one. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function fmtRate(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '-';
  return r >= 100 ? Math.round(r).toString() : r.toFixed(1);
}

export function fmtRatio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '-' : (a / b).toFixed(2);
}

/**
 * One row per phase, one rate column per target, then ratios: every target against the last
 * one named in `baseOf` order (local disk), and each earlier pair listed in `pairs`.
 */
export function compare(results: Map<string, Phase[]>, pairs: [string, string][]): string {
  const labels = [...results.keys()];
  const phases = results.get(labels[0]!)!.map((p) => `${p.name} (${p.unit})`);
  const rate = (label: string, i: number) => results.get(label)?.[i]?.rate;
  const head = ['phase', ...labels, ...pairs.map(([a, b]) => `${a}/${b}`)];
  const rows = phases.map((name, i) => [name, ...labels.map((l) => fmtRate(rate(l, i))), ...pairs.map(([a, b]) => fmtRatio(rate(a, i), rate(b, i)))]);
  return table(head, rows);
}

/**
 * Per phase, the lowest and highest ratio of each pair within one round (the targets of a round
 * run one after the other, so a slower machine weighs on both): how far one run's ratio may be
 * from the median's.
 */
export function roundSpread(rounds: Map<string, Phase[][]>, pairs: [string, string][]): string {
  const first = [...rounds.values()][0]!;
  const head = ['ratio range over rounds', ...pairs.map(([a, b]) => `${a}/${b}`)];
  const rows = first[0]!.map((p, i) => [
    `${p.name} (${p.unit})`,
    ...pairs.map(([a, b]) => {
      const ra = rounds.get(a) ?? [];
      const rb = rounds.get(b) ?? [];
      const ratios = ra.map((r, k) => (r[i]?.rate ?? NaN) / (rb[k]?.[i]?.rate ?? NaN)).filter(Number.isFinite);
      return ratios.length ? `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}` : '-';
    }),
  ]);
  return table(head, rows);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/**
 * Per phase, the CPU one operation (one MiB for MiB/s phases) cost each target's client and
 * bricks, in µs (median over rounds), and per pair the ratio of the totals: above 1, ours spends
 * more. Empty when no target reported its CPU.
 */
export function cpuTable(rounds: Map<string, Phase[][]>, pairs: [string, string][]): string {
  const labels = [...rounds.keys()].filter((l) => rounds.get(l)!.some((r) => r.some((p) => p.cpu)));
  if (!labels.length) return '';
  const first = [...rounds.values()][0]![0]!;
  const per = (label: string, i: number): { client: number; server: number } | undefined => {
    const cs = rounds.get(label)!.map((r) => r[i]?.cpu).filter((c) => c !== undefined);
    return cs.length ? { client: median(cs.map((c) => c.client)), server: median(cs.map((c) => c.server)) } : undefined;
  };
  const shown = pairs.filter(([a, b]) => labels.includes(a) && labels.includes(b));
  const head = ['CPU µs per op or MiB (client + bricks)', ...labels, ...shown.map(([a, b]) => `${a}/${b}`)];
  const rows = first.map((p, i) => {
    const cpu = new Map(labels.map((l) => [l, per(l, i)]));
    const cells = labels.map((l) => {
      const c = cpu.get(l);
      return c ? `${c.client.toFixed(0)} + ${c.server.toFixed(0)}` : '-';
    });
    const total = (l: string) => {
      const c = cpu.get(l);
      return c && c.client + c.server;
    };
    return [`${p.name} (${p.unit})`, ...cells, ...shown.map(([a, b]) => fmtRatio(total(a), total(b)))];
  });
  return table(head, rows);
}

export function machine(): string {
  const cpus = os.cpus();
  let disk = '';
  try {
    const root = readFileSync('/proc/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === '/');
    disk = root ? `, / on ${root.split(' ')[0]} (${root.split(' ')[2]})` : '';
  } catch {
    // not Linux: no disk line
  }
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM${disk}`,
    `kernel: ${os.type()} ${os.release()}; node ${process.version}`,
  ].join('\n');
}
