/**
 * How glibc's regexec sees a name in a UTF-8 locale. GlusterFS calls
 * setlocale(LC_ALL, "en_US.UTF-8") (else the environment's locale), so on most servers
 * hash regexes run on characters, decoded by glibc's UTF-8 rules: the original
 * RFC 2279 forms up to 6 bytes (31-bit values, so F4 90 80 80 and F8.. forms count),
 * but no overlong forms and no surrogates. Checked against glibc 2.36 regexec.
 */

export interface DecodedName {
  /** One JavaScript code point per glibc character (U+FFFD for values past U+10FFFF). */
  text: string;
  /** Byte offset of each UTF-16 unit of `text`, plus one entry for the end. */
  offsets: number[];
}

const MIN_FOR_LENGTH = [0, 0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000];

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  if (lead >= 0xf8 && lead <= 0xfb) return 5;
  if (lead >= 0xfc && lead <= 0xfd) return 6;
  return 0;
}

/** Decodes as glibc does, or returns null when any byte sequence is invalid. */
export function decodeGlibcUtf8(bytes: Uint8Array): DecodedName | null {
  let text = '';
  const offsets: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = sequenceLength(bytes[i]!);
    if (n === 0 || i + n > bytes.length) return null;
    let cp = n === 1 ? bytes[i]! : bytes[i]! & (0x7f >> n);
    for (let k = 1; k < n; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) return null;
      cp = cp * 64 + (b & 0x3f);
    }
    if (cp < MIN_FOR_LENGTH[n]! || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    const ch = cp > 0x10ffff ? '\ufffd' : String.fromCodePoint(cp);
    for (let u = 0; u < ch.length; u++) offsets.push(i);
    text += ch;
    i += n;
  }
  offsets.push(bytes.length);
  return { text, offsets };
}
