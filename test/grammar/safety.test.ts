import test from 'ava';
import { MAX_VOLFILE_BYTES, parseVolfileAst } from '../../grammar/volfile.js';
import { GfsError } from '../../runtime/diagnostics/index.js';

test('a backtick command is refused, never run, and located', (t) => {
  const text = 'volume a\n type t\n option k `touch /tmp/pwned`\nend-volume\n';
  const err = t.throws(() => parseVolfileAst(text, 't.vol'), { instanceOf: GfsError })!;
  t.is(err.code, 'VOLFILE_BACKTICK');
  t.deepEqual([err.location!.start.line, err.location!.start.column, err.location!.end.column], [3, 11, 29]);
  t.regex(err.message, /never runs commands/);
});

test('a backtick in a comment is refused too, as GlusterFS would run it', (t) => {
  const err = t.throws(() => parseVolfileAst('# `id`\nvolume a\n type t\nend-volume', 't.vol'), { instanceOf: GfsError })!;
  t.is(err.code, 'VOLFILE_BACKTICK');
  t.is(err.location!.start.line, 1);
});

test('an unterminated backtick is refused', (t) => {
  const err = t.throws(() => parseVolfileAst('volume a\n type `t\nend-volume', 't.vol'), { instanceOf: GfsError })!;
  t.is(err.code, 'VOLFILE_BACKTICK');
});

test('an escaped backtick inside a quoted string is a literal backtick', (t) => {
  const ast = parseVolfileAst('volume a\n type t\n option k "a\\`b"\nend-volume', 't.vol');
  const v = ast.items[0]!;
  t.is(v.kind === 'volume' && v.body[1]!.kind === 'option' ? v.body[1]!.value.text : undefined, 'a`b');
});

test('an input over the size limit is refused before parsing', (t) => {
  const err = t.throws(() => parseVolfileAst('#'.repeat(1025), 't.vol', 1024), { instanceOf: GfsError })!;
  t.is(err.code, 'VOLFILE_TOO_LARGE');
  t.regex(err.message, /larger than 1024 bytes/);
});

test('the default size limit is 16 MiB and counts bytes, not characters', (t) => {
  t.is(MAX_VOLFILE_BYTES, 16 * 1024 * 1024);
  // 600 three-byte characters are 1800 bytes: over a 1024-byte limit although only 600 chars.
  const err = t.throws(() => parseVolfileAst(`# ${'€'.repeat(600)}`, 't.vol', 1024), { instanceOf: GfsError })!;
  t.is(err.code, 'VOLFILE_TOO_LARGE');
});
