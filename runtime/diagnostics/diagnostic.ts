import { codeFrame, formatLocation, type SourceLocation } from './location.js';

export type Severity = 'error' | 'warning';

/**
 * Everything the runtime reports about configuration or lifecycle problems is a Diagnostic:
 * a stable code (append-only, like GlusterFS message ids), a message, and where it applies.
 */
export interface DiagnosticData {
  code: string;
  severity: Severity;
  message: string;
  location?: SourceLocation;
  volume?: string;
  xlatorType?: string;
  hint?: string;
}

export class GfsError extends Error implements DiagnosticData {
  readonly code: string;
  readonly severity: Severity;
  readonly location?: SourceLocation;
  readonly volume?: string;
  readonly xlatorType?: string;
  readonly hint?: string;
  /** When several problems were found at once (a whole graph validated), all of them. */
  readonly diagnostics: DiagnosticData[];

  constructor(data: DiagnosticData & { cause?: unknown; diagnostics?: DiagnosticData[] }) {
    super(data.message, data.cause === undefined ? undefined : { cause: data.cause });
    this.name = 'GfsError';
    this.code = data.code;
    this.severity = data.severity;
    this.location = data.location;
    this.volume = data.volume;
    this.xlatorType = data.xlatorType;
    this.hint = data.hint;
    this.diagnostics = data.diagnostics ?? [toData(data)];
  }

  /** `FILE:LINE:COLUMN: message` plus a code frame when the source text is known. */
  format(text?: string): string {
    return this.diagnostics.map((d) => formatDiagnostic(d, text)).join('\n');
  }

  toJSON(): DiagnosticData {
    return toData(this);
  }
}

function toData(d: DiagnosticData): DiagnosticData {
  const out: DiagnosticData = { code: d.code, severity: d.severity, message: d.message };
  if (d.location) out.location = d.location;
  if (d.volume) out.volume = d.volume;
  if (d.xlatorType) out.xlatorType = d.xlatorType;
  if (d.hint) out.hint = d.hint;
  return out;
}

export function formatDiagnostic(d: DiagnosticData, text?: string): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  const who = d.volume ? ` (volume ${d.volume}${d.xlatorType ? `, type ${d.xlatorType}` : ''})` : '';
  let out = `${where}${d.severity}: ${d.message}${who} [${d.code}]`;
  if (d.hint) out += `\n  hint: ${d.hint}`;
  if (text !== undefined && d.location) out += `\n${codeFrame(text, d.location)}`;
  return out;
}
