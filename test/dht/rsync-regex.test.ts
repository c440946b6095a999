import test from 'ava';
import { dhtHashName, dmHash } from '../../xlators/cluster/distribute/hash.js';
import { compileHashRegex, mungeName } from '../../xlators/cluster/distribute/rsync-regex.js';
import { decodeGlibcUtf8 } from '../../xlators/cluster/distribute/glibc-utf8.js';
import { glibcRegex } from './fixtures.js';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const munged = (name: string | Uint8Array, opts = {}): string =>
  Buffer.from(mungeName(typeof name === 'string' ? Buffer.from(name) : name, opts)).toString();

test('an rsync temporary name hashes as the name it will be renamed to', (t) => {
  t.is(dhtHashName('.file.txt.Ab12cd'), dmHash('file.txt'));
  t.is(dhtHashName('.résumé.XyZ123'), dmHash('résumé'));
  t.is(dhtHashName('.two.dots.tar.gz.q'), dmHash('two.dots.tar.gz'));
  t.is(dhtHashName(`.${'x'.repeat(200)}.abcdef`), dmHash('x'.repeat(200)));
});

test('names that are not rsync-shaped are hashed whole', (t) => {
  for (const name of ['.hidden', '..x', '.a.', '...', 'not.rsync.name', '.x.y.']) t.is(munged(name), name, name);
  t.is(munged('.a..b'), 'a.');
});

test('a newline inside an rsync name is matched like any other character', (t) => {
  t.is(munged('.line\nbreak.Qw12er'), 'line\nbreak');
});

test('the rsync regex can be switched off with "none"', (t) => {
  const rsyncRegex = compileHashRegex('none');
  t.is(rsyncRegex, null);
  t.is(dhtHashName('.file.txt.Ab12cd', { rsyncRegex }), dmHash('.file.txt.Ab12cd'));
});

test('extra-hash-regex is tried before the rsync regex', (t) => {
  const extraRegex = compileHashRegex('^(.+)\\.tmp$')!;
  t.is(munged('report.pdf.tmp', { extraRegex }), 'report.pdf');
  t.is(munged('.report.pdf.tmp', { extraRegex }), '.report.pdf');
  // When the extra regex does not match, the rsync regex still applies.
  t.is(munged('.report.pdf.Ab12', { extraRegex }), 'report.pdf');
});

test('a regex whose group 1 does not take part does not munge', (t) => {
  const extraRegex = compileHashRegex('^x|(y)$')!;
  t.is(munged('xa', { extraRegex }), 'xa');
  t.is(munged('ay', { extraRegex }), 'y');
});

test('POSIX bracket expressions and classes are translated', (t) => {
  t.is(munged('abc123.part', { extraRegex: compileHashRegex('^([[:alpha:]]+)[[:digit:]]+\\.part$')! }), 'abc');
  t.is(munged('a\\b.x', { extraRegex: compileHashRegex('^([a\\]+)b')! }), 'a\\');
  t.is(compileHashRegex('([unclosed'), undefined);
});

test('the default regex munges exactly as glibc regexec does in the C and UTF-8 locales', (t) => {
  t.true(glibcRegex.cases.length > 40);
  for (const c of glibcRegex.cases) {
    const name = Buffer.from(c.hex, 'hex');
    for (const [locale, want] of [['c', c.c], ['utf8', c.utf8]] as const) {
      const got = mungeName(name, { regexLocale: locale });
      t.is(got === name ? null : hexOf(got), want, `${locale} ${c.hex}`);
    }
  }
});

test('glibc UTF-8 rules: 5- and 6-byte forms decode, overlong forms and surrogates do not', (t) => {
  t.not(decodeGlibcUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80)), null);
  t.not(decodeGlibcUtf8(Uint8Array.of(0xfc, 0x84, 0x80, 0x80, 0x80, 0x80)), null);
  t.is(decodeGlibcUtf8(Uint8Array.of(0xc0, 0xaf)), null);
  t.is(decodeGlibcUtf8(Uint8Array.of(0xed, 0xa0, 0x80)), null);
  t.is(decodeGlibcUtf8(Uint8Array.of(0xe2, 0x82)), null);
  t.deepEqual(decodeGlibcUtf8(Buffer.from('a😀'))?.offsets, [0, 1, 1, 5]);
});
