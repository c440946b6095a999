/**
 * The names the fixture generator creates on a real GlusterFS distribute volume.
 * Deterministic (seeded), so regenerating gives the same set of names.
 */

export interface NameCase {
  /** Why the name is in the set (ascii-length, len16, utf8, raw-bytes, rsync, rsync-base). */
  kind: string;
  bytes: Uint8Array;
}

/** A small LCG: deterministic across runs and machines. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function asciiName(len: number, next: () => number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += ALNUM[next() % ALNUM.length];
  return s;
}

/** Bytes 0x01..0xff except '/' (0x2f); some are >= 0x80 and not valid UTF-8. */
function rawName(len: number, next: () => number, highOnly: boolean): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    let b = highOnly ? 0x80 + (next() % 0x80) : 1 + (next() % 0xff);
    if (b === 0x2f) b = 0x30;
    // A leading '.' would turn "." / ".." / rsync patterns up by accident.
    if (i === 0 && b === 0x2e) b = 0x2d;
    out[i] = b;
  }
  return out;
}

/** The full set: every ASCII length 1..255, multiples of 16, UTF-8, raw bytes, rsync. */
export function fixtureNames(): NameCase[] {
  const next = rng(0x6c757374);
  const cases: NameCase[] = [];
  for (let len = 1; len <= 255; len++) cases.push({ kind: 'ascii-length', bytes: utf8(asciiName(len, next)) });
  for (let len = 16; len <= 255; len += 16) {
    cases.push({ kind: 'len16', bytes: utf8(asciiName(len, next)) });
    cases.push({ kind: 'len16', bytes: utf8('x'.repeat(len)) });
  }
  const texts = [
    'é', 'ée', 'éée', 'café', 'résumé.txt', 'naïve-ü-ß', '日本', '日本語のファイル', '中文文件名.doc',
    '😀', 'a😀', 'ab😀', 'abc😀', '🎉🎉🎉🎉', 'emoji-🚀-rocket', 'Ωmega', 'ñ', 'ÿ', 'Ā',
    'ααααααααααααααααα', 'é'.repeat(8), 'é'.repeat(127), '日'.repeat(85), '😀'.repeat(63),
    'y'.repeat(254), 'z'.repeat(253) + 'é',
  ];
  for (const t of texts) cases.push({ kind: 'utf8', bytes: utf8(t) });
  for (const len of [1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 100, 255]) {
    cases.push({ kind: 'raw-bytes', bytes: rawName(len, next, true) });
    cases.push({ kind: 'raw-bytes', bytes: rawName(len, next, false) });
  }
  cases.push({ kind: 'raw-bytes', bytes: new Uint8Array([0xff]) });
  cases.push({ kind: 'raw-bytes', bytes: new Uint8Array([0x80]) });
  cases.push({ kind: 'raw-bytes', bytes: new Uint8Array([0x41, 0xff, 0x42]) });
  cases.push({ kind: 'raw-bytes', bytes: new Uint8Array([0x0a, 0x41]) });
  cases.push({ kind: 'raw-bytes', bytes: new Uint8Array(255).fill(0xff) });

  // rsync writes ".<name>.<6 random chars>" and renames it to <name> when done.
  const bases = ['file.txt', 'a', 'photo.jpeg', 'résumé', '日本', 'x'.repeat(200), 'two.dots.tar.gz', 'noext', 'line\nbreak'];
  for (const base of bases) {
    cases.push({ kind: 'rsync-base', bytes: utf8(base) });
    cases.push({ kind: 'rsync', bytes: utf8(`.${base}.${asciiName(6, next)}`) });
    cases.push({ kind: 'rsync', bytes: utf8(`.${base}.${asciiName(1, next)}`) });
  }
  // Not rsync shapes: no suffix, empty middle, leading dot only, trailing dot.
  for (const t of ['.hidden', '..x', '.a.', '.a..b', '...', '.x.y.', 'not.rsync.name']) {
    cases.push({ kind: 'rsync-edge', bytes: utf8(t) });
  }
  // rsync-style names that are not valid UTF-8: show how the regex treats raw bytes.
  const raw = (...parts: (string | number[])[]): Uint8Array =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));
  cases.push({ kind: 'rsync-raw', bytes: raw('.', [0xff, 0xfe], '.abc123') });
  cases.push({ kind: 'rsync-raw', bytes: raw('.abc', [0x80], '.Xy12Zq') });
  cases.push({ kind: 'rsync-raw', bytes: raw('.name.', [0xff]) });
  cases.push({ kind: 'rsync-raw', bytes: raw('.é', [0xe9], '.tmp001') });
  cases.push({ kind: 'rsync-raw-base', bytes: raw([0xff, 0xfe]) });
  cases.push({ kind: 'rsync-raw-base', bytes: raw('abc', [0x80]) });
  cases.push({ kind: 'rsync-raw-base', bytes: raw('é', [0xe9]) });

  const seen = new Set<string>();
  return cases.filter((c) => {
    const key = Buffer.from(c.bytes).toString('hex');
    if (seen.has(key) || c.bytes.length === 0 || c.bytes.length > 255) return false;
    seen.add(key);
    return true;
  });
}
