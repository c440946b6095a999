import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gfidFromBuffer, gfidToBuffer, newGfid, ROOT_GFID } from '../../runtime/core/gfid.js';
import { native } from '../../native/index.js';
import { handlePath, posixGraph, type Ctx } from './helpers.js';

function tmp(t: Ctx): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-posix-init-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a new brick gets the root gfid, .glusterfs and the root handle ../../..', async (t) => {
  const g = await posixGraph(t);
  t.is(gfidFromBuffer(native.lgetxattrSync(g.dir, 'trusted.gfid')), ROOT_GFID);
  t.is(fs.readlinkSync(handlePath(g.dir, ROOT_GFID)), '../../..');
  t.true(fs.lstatSync(path.join(g.dir, '.glusterfs')).isDirectory());
});

test('volume-id is written on a new brick and accepted when it matches', async (t) => {
  const dir = tmp(t);
  const vid = newGfid();
  const g = await posixGraph(t, { 'volume-id': vid }, dir);
  t.is(gfidFromBuffer(native.lgetxattrSync(dir, 'trusted.glusterfs.volume-id')), vid);
  await g.stop();
  const again = await posixGraph(t, { 'volume-id': vid.toUpperCase() }, dir);
  t.is((await again.lookup('/')).buf.gfid, ROOT_GFID);
});

test('a brick of another volume refuses to start with a clear error', async (t) => {
  const dir = tmp(t);
  const other = newGfid();
  native.lsetxattrSync(dir, 'trusted.glusterfs.volume-id', gfidToBuffer(other));
  const want = newGfid();
  const err = await t.throwsAsync(posixGraph(t, { 'volume-id': want }, dir));
  t.regex(err!.message, new RegExp(`belongs to volume ${other}, but option volume-id is ${want}`));
});

test('an existing brick without a volume-id refuses a volfile that names one', async (t) => {
  const dir = tmp(t);
  const g = await posixGraph(t, {}, dir);
  await g.stop();
  const err = await t.throwsAsync(posixGraph(t, { 'volume-id': newGfid() }, dir));
  t.regex(err!.message, /has no trusted.glusterfs.volume-id/);
});

test('a directory carrying another gfid is refused as a brick root', async (t) => {
  const dir = tmp(t);
  native.lsetxattrSync(dir, 'trusted.gfid', gfidToBuffer(newGfid()));
  const err = await t.throwsAsync(posixGraph(t, {}, dir));
  t.regex(err!.message, /not the root gfid/);
});

test('a missing brick directory fails init with the path in the message', async (t) => {
  const err = await t.throwsAsync(posixGraph(t, {}, '/nonexistent/gfs-brick'));
  t.regex(err!.message, /\/nonexistent\/gfs-brick/);
});

test('options from glusterd-generated volfiles are accepted; bad octal masks are refused', async (t) => {
  const g = await posixGraph(t, { 'shared-brick-count': '2', ctime: 'on', gfid2path: 'on', 'fips-mode-rchecksum': 'on', 'create-mask': '0700' });
  const f = await g.create('/f', '', 0o666);
  t.is(f.mode & 0o777, 0o600);
  const err = await t.throwsAsync(posixGraph(t, { 'create-mask': '999' }));
  t.regex(err!.message, /create-mask/);
});
