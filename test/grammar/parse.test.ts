import test from 'ava';
import { parseVolfileAst } from '../../grammar/volfile.js';
import type { OptionStatement, SubvolumesStatement, VolumeBlock } from '../../grammar/ast.js';
import { GfsError } from '../../runtime/diagnostics/index.js';

const volumes = (text: string) => parseVolfileAst(text, 't.vol').items.filter((i): i is VolumeBlock => i.kind === 'volume');
const optionsOf = (v: VolumeBlock) => v.body.filter((s): s is OptionStatement => s.kind === 'option');

function syntaxError(t: import('ava').ExecutionContext, text: string, code = 'VOLFILE_SYNTAX'): GfsError {
  const err = t.throws(() => parseVolfileAst(text, 't.vol'), { instanceOf: GfsError });
  t.is(err!.code, code);
  t.truthy(err!.location, 'every syntax error is located');
  return err!;
}

test('a block yields its name, type, options and subvolumes with locations', (t) => {
  const [v] = volumes('volume a\n  type storage/posix\n  option directory /srv/b\nend-volume\n');
  t.is(v!.name.text, 'a');
  t.deepEqual(v!.name.location.start, { offset: 7, line: 1, column: 8 });
  t.deepEqual(v!.name.location.end, { offset: 8, line: 1, column: 9 });
  t.is(v!.body[0]!.kind, 'type');
  const [o] = optionsOf(v!);
  t.is(o!.key.text, 'directory');
  t.is(o!.value.text, '/srv/b');
  t.deepEqual(o!.value.location.start, { offset: 49, line: 3, column: 20 });
  t.deepEqual(v!.location.end.line, 4);
});

test('names, keys and values may hold any character but whitespace, quote and backslash', (t) => {
  const [v] = volumes('volume /srv/gl/b1\n type debug/io-stats\n option auth.addr./srv/gl/b1.allow *\n option k a:b=c,d#e\nend-volume');
  t.is(v!.name.text, '/srv/gl/b1');
  t.deepEqual(
    optionsOf(v!).map((o) => [o.key.text, o.value.text]),
    [
      ['auth.addr./srv/gl/b1.allow', '*'],
      ['k', 'a:b=c,d#e'],
    ],
  );
});

test('quoted strings process backslash escapes and may hold spaces and keywords', (t) => {
  const [v] = volumes('volume a\n type t\n option k "a \\"b\\" c\\\\d \\x"\n option v "volume"\n option e ""\nend-volume');
  t.deepEqual(
    optionsOf(v!).map((o) => [o.value.text, o.value.quoted]),
    [
      ['a "b" c\\d x', true],
      ['volume', true],
      ['', true],
    ],
  );
});

test('a comment starts only where a token starts', (t) => {
  const [v] = volumes('# header\nvolume a # trailing\n type t#not-a-comment\n # whole line\n option k v#1 # c\nend-volume # end');
  t.is((v!.body[0] as { value: { text: string } }).value.text, 't#not-a-comment');
  t.is(optionsOf(v!)[0]!.value.text, 'v#1');
});

test('a subvolumes line may wrap over several lines', (t) => {
  const [, top] = volumes('volume a\n type t\nend-volume\nvolume top\n type t\n subvolumes a\n   b\n\n   c\nend-volume');
  const subs = top!.body.find((s): s is SubvolumesStatement => s.kind === 'subvolumes')!;
  t.deepEqual(subs.names.map((n) => n.text), ['a', 'b', 'c']);
  t.is(subs.names[2]!.location.start.line, 9);
});

test('tokens need no space where GlusterFS needs none, and `subvolumeS` is accepted', (t) => {
  const [, b] = volumes('volume a\ntype"t"\nend-volume\nvolume b\n type t\n option k"v"\n subvolumeS a\nend-volume');
  t.deepEqual([optionsOf(b!)[0]!.key.text, optionsOf(b!)[0]!.value.text], ['k', 'v']);
  t.is(b!.body[2]!.kind, 'subvolumes');
});

test('a word longer than a keyword is a word', (t) => {
  const [v] = volumes('volume volumes\n type types\n option options end-volumes\nend-volume');
  t.is(v!.name.text, 'volumes');
  t.is(optionsOf(v!)[0]!.value.text, 'end-volumes');
});

test('CRLF line endings are whitespace', (t) => {
  const [v] = volumes('volume a\r\n type t\r\n option k v\r\nend-volume\r\n');
  t.is(optionsOf(v!)[0]!.value.text, 'v');
});

test('a keyword used as a value is refused with a hint to quote it, at its exact place', (t) => {
  const err = syntaxError(t, 'volume a\n  type t\n  option k volume\nend-volume\n');
  t.is(err.message, 'expected option value, found `volume`');
  t.deepEqual(err.location!.start, { offset: 29, line: 3, column: 12 });
  t.regex(err.hint!, /quote it/);
});

test('an unclosed volume names the volume and points at the end of the file', (t) => {
  const err = syntaxError(t, 'volume a\n  type t\n  option k v\n');
  t.is(err.message, 'expected `end-volume` to close volume `a`, found end of file');
  t.deepEqual([err.location!.start.line, err.location!.start.column], [4, 1]);
});

test('a volume opened inside another is refused at the inner `volume`', (t) => {
  const err = syntaxError(t, 'volume a\n type t\nvolume b\n type t\nend-volume\n');
  t.is(err.message, 'expected `end-volume` to close volume `a`, found `volume`');
  t.deepEqual([err.location!.start.line, err.location!.start.column], [3, 1]);
});

test('an option without a value says what was expected', (t) => {
  const err = syntaxError(t, 'volume a\n type t\n option k\nend-volume');
  t.is(err.message, 'expected option value, found `end-volume`');
  t.deepEqual([err.location!.start.line, err.location!.start.column], [4, 1]);
});

test('an extra word after an option is refused at the word', (t) => {
  const err = syntaxError(t, 'volume a\n type t\n option k two words\nend-volume');
  t.is(err.message, 'expected `end-volume`, `option`, `subvolumes` or `type`, found `words`');
  t.deepEqual([err.location!.start.line, err.location!.start.column, err.location!.end.column], [3, 15, 20]);
  t.regex(err.hint!, /quoted/);
});

test('a quoted string cannot span lines', (t) => {
  const err = syntaxError(t, 'volume a\n type t\n option k "abc\ndef"\nend-volume');
  t.regex(err.message, /unterminated quoted string/);
  t.deepEqual([err.location!.start.line, err.location!.start.column], [3, 11]);
});

test('a backslash outside a quoted string is refused', (t) => {
  const err = syntaxError(t, 'volume a\n type t\n option k a\\b\nend-volume');
  t.deepEqual([err.location!.start.line, err.location!.start.column], [3, 12]);
  t.regex(err.hint!, /backslash/);
});

test('the formatted error is FILE:LINE:COLUMN: message, the line, and a caret', (t) => {
  const text = 'volume a\n  type t\n  option k volume\nend-volume\n';
  const err = syntaxError(t, text);
  const lines = err.format(text).split('\n');
  t.is(lines[0], 't.vol:3:12: error: expected option value, found `volume` [VOLFILE_SYNTAX]');
  t.is(lines[2], '3 |   option k volume');
  t.is(lines[3], '  |            ^^^^^^');
});
