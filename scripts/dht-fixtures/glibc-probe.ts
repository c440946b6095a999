/**
 * Records what glibc's regexec makes of rsync-style names in the C and the UTF-8
 * locale (glibc-regex.c), the two ways a GlusterFS client may run. Needs gcc.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { NameCase } from './names.js';

export interface GlibcRegexFixture {
  glibc: string;
  regex: string;
  /** Group 1 in hex per locale, null when the name is not munged. */
  cases: { hex: string; c: string | null; utf8: string | null }[];
}

/** Byte shapes around invalid and unusual UTF-8 (overlong, surrogate, > U+10FFFF, 5/6-byte forms). */
const EXTRA = [
  '2ec3a92e616263', '2e61ff62', '2e612eff62', '2e612e62ff', '2e0a612e62', '2ec32e61', '2e61c32e62', '2e612ec3',
  '2ef09f98802e61', '2ef09f982e61', '2ec0af2e61', '2eeda0802e61', '2ef49080802e61', '2ef58080802e61', '2ef7bfbfbf2e61',
  '2ef8888080802e61', '2efc84808080802e61', '2efdbfbfbfbfbf2e61', '2eefbfbf2e61', '2ef08f80802e61', '2ee080802e61',
  '2ec2802e61', '2e7f2e61', '2efe2e61', '2ef880808080802e61', '2ef4bfbfbf2e61', '2ee282ac2ee282ac',
];

export function probeGlibcRegex(workDir: string, names: readonly NameCase[]): GlibcRegexFixture {
  const exe = path.join(workDir, 'glibc-regex');
  execFileSync('gcc', ['-O1', '-o', exe, path.join(import.meta.dirname, 'glibc-regex.c')]);
  const hexes = [...new Set([
    ...names.filter((n) => n.kind.startsWith('rsync')).map((n) => Buffer.from(n.bytes).toString('hex')),
    ...EXTRA,
  ])];
  const run = (locale: string): (string | null)[] =>
    execFileSync(exe, [locale, ...hexes], { encoding: 'utf8' }).trimEnd().split('\n').map((l) => (l === '-' ? null : l));
  const c = run('C');
  const utf8 = run('C.UTF-8');
  const glibc = execFileSync('ldd', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  return { glibc, regex: '^\\.(.+)\\.[^.]+$', cases: hexes.map((hex, i) => ({ hex, c: c[i]!, utf8: utf8[i]! })) };
}

export interface DmHashFixture {
  library: string;
  /** gf_dm_hashfn of each name (hex bytes), as hex u32. */
  cases: { hex: string; hash: string }[];
}

/** Extra byte strings: empty, every single byte, and runs around the 16-byte block edges. */
function hashExtras(): string[] {
  const out = [''];
  for (let b = 1; b < 256; b++) out.push(b.toString(16).padStart(2, '0'));
  for (const fill of ['41', '80', 'ff', '7f']) {
    for (const len of [2, 3, 4, 5, 7, 8, 12, 13, 15, 16, 17, 31, 32, 33, 48, 255, 256, 300, 511]) out.push(fill.repeat(len));
  }
  return out;
}

/** Hashes names with the installed GlusterFS library itself. */
export function probeDmHash(workDir: string, names: readonly NameCase[], paths: readonly string[]): DmHashFixture {
  const exe = path.join(workDir, 'dm-hash');
  const lib = '/usr/lib/x86_64-linux-gnu/libglusterfs.so.0';
  execFileSync('gcc', ['-O1', '-o', exe, path.join(import.meta.dirname, 'dm-hash.c'), lib]);
  const hexes = [...new Set([
    ...names.map((n) => Buffer.from(n.bytes).toString('hex')),
    ...paths.map((p) => Buffer.from(p).toString('hex')),
    ...hashExtras(),
  ])];
  const out = execFileSync(exe, hexes, { encoding: 'utf8' }).trimEnd().split('\n');
  return { library: lib, cases: hexes.map((hex, i) => ({ hex, hash: out[i]! })) };
}
