/**
 * The syntax tree of a volfile, as the Peggy grammar (volfile.peggy) produces it through the
 * builder below. Every node carries a SourceLocation ({source, start, end}, each point with
 * offset, line and column counted from 1) so that every later check can point at the text.
 *
 * The tree is the file as written, in order, without structural judgement: a volume may have
 * no type or two, statements may stand outside a volume. runtime/graph turns it into the
 * VolfileGraph model and its passes report what GlusterFS would refuse.
 */
import type { SourceLocation, SourcePoint } from '../runtime/diagnostics/location.js';

/** A name, key or value: a bare run of characters or a quoted string (escapes processed). */
export interface Word {
  text: string;
  quoted: boolean;
  location: SourceLocation;
}

export interface TypeStatement {
  kind: 'type';
  value: Word;
  location: SourceLocation;
}

export interface OptionStatement {
  kind: 'option';
  key: Word;
  value: Word;
  location: SourceLocation;
}

export interface SubvolumesStatement {
  kind: 'subvolumes';
  names: Word[];
  location: SourceLocation;
}

/** What may appear inside `volume ... end-volume` (and, wrongly, outside). */
export type Statement = TypeStatement | OptionStatement | SubvolumesStatement;

/** An `end-volume` with no open volume. */
export interface StrayEnd {
  kind: 'end-volume';
  location: SourceLocation;
}

export interface VolumeBlock {
  kind: 'volume';
  name: Word;
  body: Statement[];
  /** From `volume` to the end of `end-volume`. */
  location: SourceLocation;
}

export type Item = VolumeBlock | Statement | StrayEnd;

export interface VolfileAst {
  items: Item[];
}

/** What Peggy's `range()` gives: offsets into the text. */
export interface Range {
  start: number;
  end: number;
}

/** What the grammar's actions call. One method per node kind, no logic. */
export interface AstBuilder {
  file(items: Item[]): VolfileAst;
  volume(name: Word, body: Statement[], range: Range): VolumeBlock;
  typeStmt(value: Word, range: Range): TypeStatement;
  option(key: Word, value: Word, range: Range): OptionStatement;
  subvolumes(names: Word[], range: Range): SubvolumesStatement;
  strayEnd(range: Range): StrayEnd;
  /** `raw` of a quoted string still holds its backslash escapes. */
  word(raw: string, quoted: boolean, range: Range): Word;
}

/** `\x` means a literal x (graph.l's `\\.` rule). */
function unescape(raw: string): string {
  return raw.includes('\\') ? raw.replace(/\\(.)/g, '$1') : raw;
}

/** Offsets to {offset, line, column}, by binary search over line starts. */
export function lineIndex(text: string): (offset: number) => SourcePoint {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

/** A builder for one text: every node gets a full SourceLocation. */
export function createAstBuilder(text: string, source: string): AstBuilder {
  const point = lineIndex(text);
  const loc = (r: Range): SourceLocation => ({ source, start: point(r.start), end: point(r.end) });
  return {
    file: (items) => ({ items }),
    volume: (name, body, r) => ({ kind: 'volume', name, body, location: loc(r) }),
    typeStmt: (value, r) => ({ kind: 'type', value, location: loc(r) }),
    option: (key, value, r) => ({ kind: 'option', key, value, location: loc(r) }),
    subvolumes: (names, r) => ({ kind: 'subvolumes', names, location: loc(r) }),
    strayEnd: (r) => ({ kind: 'end-volume', location: loc(r) }),
    word: (raw, quoted, r) => ({ text: quoted ? unescape(raw) : raw, quoted, location: loc(r) }),
  };
}
