/**
 * `--xlator-option PATTERN.KEY=VALUE`: set an option on every volume whose name matches the
 * shell wildcard PATTERN, after the volfile is read (GlusterFS gf_add_cmdline_options).
 *
 * Splitting follows glusterfsd.c gf_remember_xlator_option exactly:
 * - PATTERN is everything before the FIRST `.`; so a pattern can never contain a dot, while
 *   the key may (`*-client-*.transport.socket.listen-port=24009` sets
 *   `transport.socket.listen-port` on every `*-client-*` volume);
 * - KEY runs from after that dot to the FIRST `=`; VALUE is everything after it (it may
 *   contain `=` and `.`).
 * Refused (GRAPH_BAD_XLATOR_OPTION): no dot, no `=`, an `=` before the first dot, or an empty
 * pattern, key or value. GlusterFS accepts an empty key; we do not.
 *
 * Matching is fnmatch(3) without flags, as GlusterFS calls it with FNM_NOESCAPE: `*` and `?`
 * also match `/` and a leading `.` (brick volumes are named `/srv/gl/b1`), `[...]` classes
 * work, braces and extglobs do not, and a backslash is an ordinary character.
 *
 * When several overrides set the same key on one volume, the one given LAST wins (GlusterFS's
 * list order makes the first one win, which nobody relies on; last-wins is what a shell user
 * expects). A pattern that matches no volume is a warning (GRAPH_XLATOR_OPTION_UNMATCHED).
 */
import picomatch from 'picomatch';
import { diagnostic } from '../diagnostics/codes.js';
import type { DiagnosticData } from '../diagnostics/diagnostic.js';
import type { VolfileGraph } from './model.js';

export interface XlatorOption {
  pattern: string;
  key: string;
  value: string;
  /** The argument as given. */
  raw: string;
}

/** Split one argument; returns a GRAPH_BAD_XLATOR_OPTION diagnostic when malformed. */
export function parseXlatorOption(raw: string): XlatorOption | DiagnosticData {
  const dot = raw.indexOf('.');
  const eq = raw.indexOf('=');
  let problem: string | undefined;
  if (dot === -1) problem = 'it has no `.` between the volume pattern and the key';
  else if (eq === -1) problem = 'it has no `=` between the key and the value';
  else if (eq < dot) problem = 'the `=` comes before the first `.` (a volume pattern cannot contain `=` or `.`)';
  else if (dot === 0) problem = 'the volume pattern is empty';
  else if (eq === dot + 1) problem = 'the key is empty';
  else if (eq === raw.length - 1) problem = 'the value is empty';
  if (problem !== undefined) {
    return diagnostic('GRAPH_BAD_XLATOR_OPTION', {
      message: `--xlator-option \`${raw}\` is malformed: ${problem}`,
      hint: 'use PATTERN.KEY=VALUE, e.g. `*-client-*.transport.socket.listen-port=24009`',
    });
  }
  return { pattern: raw.slice(0, dot), key: raw.slice(dot + 1, eq), value: raw.slice(eq + 1), raw };
}

const MATCH_OPTIONS: picomatch.PicomatchOptions = {
  bash: true, // `*` crosses `/`, like fnmatch without FNM_PATHNAME
  dot: true, // `*` matches a leading `.`, like fnmatch without FNM_PERIOD
  nobrace: true,
  noextglob: true,
  nonegate: true,
  noglobstar: true,
};

/** fnmatch-style matcher for a volume-name pattern (see the file comment). */
export function volumeMatcher(pattern: string): (name: string) => boolean {
  // Backslashes are literal (FNM_NOESCAPE); fnmatch negates a class with `[!`, picomatch with `[^`.
  return picomatch(pattern.replace(/\\/g, '\\\\').replace(/\[!/g, '[^'), MATCH_OPTIONS);
}

/**
 * Apply overrides to `graph` in place: each matching volume gets an OptionDecl with origin
 * `xlator-option` appended (so it wins in the map view). Returns the diagnostics: malformed
 * arguments (errors) and patterns that match nothing (warnings).
 */
export function applyXlatorOptions(graph: VolfileGraph, args: readonly string[]): DiagnosticData[] {
  const out: DiagnosticData[] = [];
  for (const raw of args) {
    const parsed = parseXlatorOption(raw);
    if ('code' in parsed) {
      out.push(parsed);
      continue;
    }
    const matches = volumeMatcher(parsed.pattern);
    let hits = 0;
    for (const v of graph.volumes) {
      if (!matches(v.name)) continue;
      hits++;
      v.options.push({ key: parsed.key, value: parsed.value, origin: 'xlator-option', override: raw });
    }
    if (hits === 0) {
      out.push(
        diagnostic('GRAPH_XLATOR_OPTION_UNMATCHED', {
          message: `--xlator-option \`${raw}\`: pattern \`${parsed.pattern}\` matches no volume`,
          hint: `volumes: ${graph.volumes.map((v) => v.name).slice(0, 10).join(', ')}${graph.volumes.length > 10 ? ', ...' : ''}`,
        }),
      );
    }
  }
  return out;
}
