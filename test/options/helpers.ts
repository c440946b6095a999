import type { SourceLocation } from '../../runtime/diagnostics/index.js';

/** A location on `line` of a fake volfile, as the grammar would produce for an option line. */
export function at(line: number, source = 'test.vol'): SourceLocation {
  return { source, start: { offset: line * 100, line, column: 5 }, end: { offset: line * 100 + 20, line, column: 25 } };
}
