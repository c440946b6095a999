/**
 * rsync-hash-regex / extra-hash-regex handling (dht_munge_name, dht_init_regex in
 * xlators/cluster/dht/src/dht-hashfn.c and dht-shared.c).
 *
 * GlusterFS compiles the options with regcomp(REG_EXTENDED) and runs regexec on the
 * name. When the regex matches and group 1 took part, the group's bytes are hashed
 * instead of the name. extra-hash-regex is tried first; if it does not munge, the
 * rsync regex is tried. The rsync regex defaults to `^\.(.+)\.[^.]+$`; the value
 * "none" disables either option.
 *
 * Matching follows the locale glibc's regexec runs in (`regexLocale`):
 * - 'utf8' (default; GlusterFS asks for en_US.UTF-8, which most servers have): the
 *   name is matched as characters. A name that is not valid UTF-8 (glibc's rules, see
 *   glibc-utf8.ts) is not munged: glibc's `.` and `[^.]` match no invalid byte, so an
 *   anchored pattern such as the default cannot match it.
 * - 'c' (the C locale, where en_US.UTF-8 is missing and LANG is unset): one character
 *   per byte, so `.\xff\xfe.abc` hashes as the two bytes ff fe.
 * For valid UTF-8 the default regex captures the same bytes in both locales, since '.'
 * (0x2e) never occurs inside a multi-byte sequence. JavaScript regexes pick the first
 * match by backtracking where POSIX picks the longest; a custom pattern with
 * ambiguous groups may capture differently from GlusterFS.
 */
import { decodeGlibcUtf8 } from './glibc-utf8.js';

export interface HashRegexOptions {
  /** rsync-hash-regex; undefined means the default, null means "none". */
  rsyncRegex?: RegExp | null;
  /** extra-hash-regex; tried before rsyncRegex. Undefined or null: not set. */
  extraRegex?: RegExp | null;
  /** The locale regexec runs in; default 'utf8'. */
  regexLocale?: 'utf8' | 'c';
}

/** `^\.(.+)\.[^.]+$`; the `s` flag because a POSIX `.` also matches a newline. */
export const DEFAULT_RSYNC_REGEX = /^\.(.+)\.[^.]+$/su;

const withIndices = new WeakMap<RegExp, RegExp>();

/** The same regex with the `d` flag, so a group's position maps back to bytes. */
function indexed(re: RegExp): RegExp {
  let r = withIndices.get(re);
  if (!r) {
    r = re.flags.includes('d') ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : new RegExp(re.source, re.flags.replace(/[gy]/g, '') + 'd');
    withIndices.set(re, r);
  }
  return r;
}

/** The bytes group 1 captured, or null when the regex does not munge the name. */
function mungeWith(re: RegExp, name: Uint8Array, locale: 'utf8' | 'c'): Uint8Array | null {
  let text: string;
  let offsets: (unit: number) => number;
  if (locale === 'c') {
    text = Buffer.from(name.buffer, name.byteOffset, name.byteLength).toString('latin1');
    offsets = (unit) => unit;
  } else {
    const decoded = decodeGlibcUtf8(name);
    if (!decoded) return null;
    text = decoded.text;
    offsets = (unit) => decoded.offsets[unit]!;
  }
  const m = indexed(re).exec(text);
  const span = m?.indices?.[1];
  if (!span) return null;
  return name.slice(offsets(span[0]), offsets(span[1]));
}

/** The bytes dht_hash_compute hashes for `name`. */
export function mungeName(name: Uint8Array, opts: HashRegexOptions = {}): Uint8Array {
  const locale = opts.regexLocale ?? 'utf8';
  if (opts.extraRegex) {
    const munged = mungeWith(opts.extraRegex, name, locale);
    if (munged) return munged;
  }
  const rsync = opts.rsyncRegex === undefined ? DEFAULT_RSYNC_REGEX : opts.rsyncRegex;
  if (rsync) {
    const munged = mungeWith(rsync, name, locale);
    if (munged) return munged;
  }
  return name;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: '\\p{L}', digit: '0-9', alnum: '\\p{L}\\p{Nd}', upper: '\\p{Lu}', lower: '\\p{Ll}',
  space: '\\s', blank: ' \\t', punct: '\\p{P}\\p{S}', xdigit: '0-9A-Fa-f', cntrl: '\\p{Cc}',
};

/**
 * Compiles an option value the way dht_init_regex does: "none" gives null (disabled),
 * anything else is a POSIX extended regex. Bracket expressions are translated (a
 * backslash is literal inside them, `[:alpha:]`-style classes become Unicode classes;
 * `print` and `graph` are not supported). Returns undefined when the
 * pattern does not compile; GlusterFS then logs a warning and leaves the option unset.
 */
export function compileHashRegex(source: string): RegExp | null | undefined {
  if (source === 'none') return null;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      out += c + source[++i];
    } else if (c === '[') {
      let j = i + 1;
      let body = '';
      if (source[j] === '^') { body += '^'; j++; }
      if (source[j] === ']') { body += '\\]'; j++; }
      for (; j < source.length && source[j] !== ']'; j++) {
        const cls = /^\[:([a-z]+):\]/.exec(source.slice(j));
        if (cls) {
          const mapped = POSIX_CLASSES[cls[1]!];
          if (mapped === undefined) return undefined;
          body += mapped;
          j += cls[0].length - 1;
        } else {
          // Inside a POSIX bracket a backslash is an ordinary character.
          body += /[\\\][]/.test(source[j]!) ? '\\' + source[j] : source[j];
        }
      }
      if (j >= source.length) return undefined;
      out += '[' + body + ']';
      i = j;
    } else {
      out += c;
    }
  }
  try {
    return new RegExp(out, 'su');
  } catch {
    return undefined;
  }
}
