/**
 * fnmatch(3) patterns as GlusterFS uses them for option keys (FNM_NOESCAPE) and for the allowed
 * values of str options: `*` any run of characters (dots and slashes included, no FNM_PATHNAME),
 * `?` one character, `[...]` a character class (`!` or `^` negates).
 */
const SPECIAL = /[.*+?^${}()|[\]\\/]/g;

export function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/** The regular-expression source (unanchored) for a glob; valid with and without the `u` flag. */
export function globSource(glob: string, capture = false): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += capture ? '(.*)' : '.*';
    else if (c === '?') out += capture ? '(.)' : '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^[]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(SPECIAL, '\\$&');
  }
  return out;
}

/** The regular-expression source matching exactly the text `s`. */
export function literalSource(s: string): string {
  return s.replace(SPECIAL, '\\$&');
}

export function globRegExp(glob: string, flags = ''): RegExp {
  return new RegExp(`^(?:${globSource(glob)})$`, flags);
}
