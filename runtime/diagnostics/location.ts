/** A place in a source text (a volfile). Lines and columns count from 1. */
export interface SourcePoint {
  offset: number;
  line: number;
  column: number;
}

export interface SourceLocation {
  /** File name as given by the user, or a label such as `<stdin>`. */
  source: string;
  start: SourcePoint;
  end: SourcePoint;
}

/** `FILE:LINE:COLUMN` */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.source}:${loc.start.line}:${loc.start.column}`;
}

/**
 * The offending line followed by a caret under the column, as compilers print it.
 * Tabs are kept so the caret lines up in a terminal.
 */
export function codeFrame(text: string, loc: SourceLocation): string {
  const lines = text.split(/\r?\n/);
  const line = lines[loc.start.line - 1] ?? '';
  const gutter = String(loc.start.line);
  const pad = line.slice(0, Math.max(0, loc.start.column - 1)).replace(/[^\t]/g, ' ');
  const width = loc.end.line === loc.start.line ? Math.max(1, loc.end.column - loc.start.column) : 1;
  return `${gutter} | ${line}\n${' '.repeat(gutter.length)} | ${pad}${'^'.repeat(Math.min(width, Math.max(1, line.length - loc.start.column + 1)))}`;
}
