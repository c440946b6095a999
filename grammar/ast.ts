/**
 * The syntax tree of a volfile, as the Peggy grammar (volfile.peggy) produces it through the
 * builder below. Every node carries a SourceLocation ({source, start, end}, each point with
 * offset, line and column counted from 1) so that every later check can point at the text.
 *
 * The tree is the file as written, in order, without structural judgement: a volume may have
 * no type or two, statements may stand outside a volume. runtime/graph turns it into the
 * VolfileGraph model and its passes report what GlusterFS would refuse.
 */
import type { SourceLocation } from '../runtime/diagnostics/location.js';

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

/** What the grammar's actions call. One method per node kind, no logic. */
export interface AstBuilder {
  file(items: Item[]): VolfileAst;
  volume(name: Word, body: Statement[], location: SourceLocation): VolumeBlock;
  typeStmt(value: Word, location: SourceLocation): TypeStatement;
  option(key: Word, value: Word, location: SourceLocation): OptionStatement;
  subvolumes(names: Word[], location: SourceLocation): SubvolumesStatement;
  strayEnd(location: SourceLocation): StrayEnd;
  /** `raw` of a quoted string still holds its backslash escapes. */
  word(raw: string, quoted: boolean, location: SourceLocation): Word;
}

/** `\x` means a literal x (graph.l's `\\.` rule). */
function unescape(raw: string): string {
  return raw.includes('\\') ? raw.replace(/\\(.)/g, '$1') : raw;
}

export const astBuilder: AstBuilder = {
  file: (items) => ({ items }),
  volume: (name, body, location) => ({ kind: 'volume', name, body, location }),
  typeStmt: (value, location) => ({ kind: 'type', value, location }),
  option: (key, value, location) => ({ kind: 'option', key, value, location }),
  subvolumes: (names, location) => ({ kind: 'subvolumes', names, location }),
  strayEnd: (location) => ({ kind: 'end-volume', location }),
  word: (raw, quoted, location) => ({ text: quoted ? unescape(raw) : raw, quoted, location }),
};
