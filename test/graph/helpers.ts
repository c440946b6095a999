import { analyzeVolfileText } from '../../runtime/graph/load.js';
import type { DiagnosticData } from '../../runtime/diagnostics/index.js';

/** Every diagnostic of a text, as `CODE@LINE:COLUMN`, for compact assertions. */
export function codesAt(text: string, xlatorOptions: string[] = []): string[] {
  return analyzeVolfileText(text, 't.vol', { xlatorOptions }).diagnostics.map(at);
}

export function at(d: DiagnosticData): string {
  return d.location ? `${d.code}@${d.location.start.line}:${d.location.start.column}` : d.code;
}

/** A volume block, one statement per line. */
export function vol(name: string, ...lines: string[]): string {
  return [`volume ${name}`, ...lines.map((l) => `  ${l}`), 'end-volume', ''].join('\n');
}
