import { formatDiagnostic, type DiagnosticData } from '../../runtime/diagnostics/diagnostic.js';

/**
 * `FILE:LINE:COLUMN: error: message` with hint and code frame. The frame is drawn only from
 * the text the location belongs to; a diagnostic with no location is prefixed with the file.
 */
export function formatForFile(d: DiagnosticData, file: string, text: string | undefined): string {
  const sameText = d.location?.source === file ? text : undefined;
  const body = formatDiagnostic(d, sameText);
  return d.location ? body : `${file}: ${body}`;
}

export function countBySeverity(diags: readonly DiagnosticData[]) {
  let errors = 0;
  let warnings = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
