import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GfsError } from '../../runtime/diagnostics/index.js';
import { readVolfile } from '../../runtime/graph/load.js';

const dir = mkdtempSync(join(tmpdir(), 'gfs-read-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('a missing file is VOLFILE_UNREADABLE', async (t) => {
  const err = await t.throwsAsync(readVolfile(join(dir, 'nope.vol')), { instanceOf: GfsError });
  t.is(err!.code, 'VOLFILE_UNREADABLE');
  t.regex(err!.message, /nope\.vol/);
});

test('a directory is VOLFILE_UNREADABLE', async (t) => {
  await t.throwsAsync(readVolfile(dir), { instanceOf: GfsError, code: 'VOLFILE_UNREADABLE' });
});

test('a file over the size limit is refused from its size, before reading', async (t) => {
  const file = join(dir, 'big.vol');
  writeFileSync(file, '#'.repeat(2000));
  const err = await t.throwsAsync(readVolfile(file, { maxBytes: 1000 }), { instanceOf: GfsError });
  t.is(err!.code, 'VOLFILE_TOO_LARGE');
  t.regex(err!.message, /2000 bytes/);
});

test('problems in a read file carry the file name in their location', async (t) => {
  const file = join(dir, 'bad.vol');
  writeFileSync(file, 'volume a\n type t\n subvolumes b\nend-volume\n');
  const err = await t.throwsAsync(readVolfile(file), { instanceOf: GfsError });
  t.like(err!.location, { source: file, start: { line: 3, column: 13 } });
});
