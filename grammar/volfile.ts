/**
 * Typed entry point to the generated volfile parser. Turns every failure into a GfsError with
 * a location: VOLFILE_TOO_LARGE, VOLFILE_BACKTICK, VOLFILE_SYNTAX.
 */
import { gfsError } from '../runtime/diagnostics/codes.js';
import type { SourceLocation, SourcePoint } from '../runtime/diagnostics/location.js';
import { createAstBuilder, type VolfileAst } from './ast.js';
import { parse, SyntaxError as PeggySyntaxError, type PeggyExpectation } from './generated/volfile.js';

/** A volfile may arrive over the network (GETSPEC): bound what we are willing to parse. */
export const MAX_VOLFILE_BYTES = 16 * 1024 * 1024;

const KEYWORDS = new Set(['volume', 'type', 'option', 'subvolumes', 'subvolumeS', 'end-volume']);

/** Parse volfile text into its syntax tree. Throws a located GfsError on the first syntax error. */
export function parseVolfileAst(text: string, source: string, maxBytes = MAX_VOLFILE_BYTES): VolfileAst {
  // Cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw gfsError('VOLFILE_TOO_LARGE', {
      message: `the volfile is larger than ${maxBytes} bytes (${Buffer.byteLength(text, 'utf8')} bytes); refusing to parse it`,
      location: pointLocation(source, text, 0),
    });
  }
  refuseBackticks(text, source);
  try {
    return parse(text, { grammarSource: source, builder: createAstBuilder(text, source) });
  } catch (err) {
    if (err instanceof PeggySyntaxError) throw toGfsError(err, text, source);
    throw err;
  }
}

/**
 * GlusterFS (graph.y `preprocess`) runs every unescaped `` `...` `` through a shell before
 * lexing, even inside comments and quoted strings. gfs never runs commands from a volfile, so
 * it refuses every backtick GlusterFS would run, using the same escape rule (a backslash
 * toggles "escaped" for the next character). An escaped backtick inside a quoted string is a
 * literal backtick in GlusterFS too, and is accepted.
 */
function refuseBackticks(text: string, source: string): void {
  let at = text.indexOf('`');
  while (at !== -1) {
    let backslashes = 0;
    for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 92; i--) backslashes++;
    if (backslashes % 2 === 0) {
      const close = text.indexOf('`', at + 1);
      const lineEnd = text.indexOf('\n', at);
      const end = close !== -1 && (lineEnd === -1 || close < lineEnd) ? close + 1 : at + 1;
      throw gfsError('VOLFILE_BACKTICK', {
        message:
          'backtick command substitution is refused: GlusterFS would run this text in a shell, ' +
          'gfs never runs commands from a volfile',
        hint: 'write the value literally (a volfile may come from the network)',
        location: spanLocation(source, text, at, end),
      });
    }
    at = text.indexOf('`', at + 1);
  }
}

function toGfsError(err: PeggySyntaxError, text: string, source: string) {
  const loc: SourceLocation = { source, start: err.location.start, end: err.location.end };
  // Errors raised by grammar actions (`expected` is null) already read well.
  if (!err.expected) {
    const hint = err.message.includes('to close volume') ? 'every `volume NAME` block ends with `end-volume`' : undefined;
    return gfsError('VOLFILE_SYNTAX', { message: err.message, location: loc, hint });
  }
  const found = describeFound(text, loc.start.offset);
  if (found.token) loc.end = pointAt(text, loc.start, loc.start.offset + found.token.length);
  return gfsError('VOLFILE_SYNTAX', {
    message: `expected ${describeExpected(err.expected)}, found ${found.text}`,
    location: loc,
    hint: hintFor(found.token, startsLine(text, loc.start.offset)),
  });
}

function describeExpected(expected: PeggyExpectation[]): string {
  const names = new Set<string>();
  for (const e of expected) {
    if (e.type === 'end') names.add('end of file');
    else if (e.description && e.description !== 'whitespace') names.add(e.description);
  }
  const list = [...names].sort((a, b) => Number(a === 'end of file') - Number(b === 'end of file') || a.localeCompare(b));
  if (list.length <= 1) return list[0] ?? 'something else';
  return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function describeFound(text: string, offset: number): { text: string; token?: string } {
  if (offset >= text.length) return { text: 'end of file' };
  const token = /^[^ \t\r\n]{1,40}/.exec(text.slice(offset, offset + 41))?.[0] ?? text[offset]!;
  return { text: `\`${token}\``, token };
}

function hintFor(token: string | undefined, firstOnLine: boolean): string | undefined {
  if (token === undefined) return undefined;
  if (KEYWORDS.has(token)) return `\`${token}\` is a keyword; quote it ("${token}") to use it as a name or value`;
  if (token.startsWith('\\')) return 'a backslash is only allowed inside a quoted string';
  if (!firstOnLine) return 'a name or value containing spaces must be quoted';
  return undefined;
}

function startsLine(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i--;
  return i < 0 || text[i] === '\n';
}

function pointAt(text: string, from: SourcePoint, offset: number): SourcePoint {
  let { line, column } = from;
  for (let i = from.offset; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return { offset, line, column };
}

function spanLocation(source: string, text: string, start: number, end: number): SourceLocation {
  const s = pointAt(text, { offset: 0, line: 1, column: 1 }, start);
  return { source, start: s, end: pointAt(text, s, end) };
}

function pointLocation(source: string, text: string, offset: number): SourceLocation {
  return spanLocation(source, text, offset, Math.min(text.length, offset + 1));
}
