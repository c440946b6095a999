import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { constants as os } from 'node:os';
import { Dict } from '../../runtime/core/dict.js';
import { gfidFromBuffer, gfidToBuffer, ROOT_GFID } from '../../runtime/core/gfid.js';
import { dictFromWire, iattFromWire } from '../../rpc/programs/convert.js';
import { HANDSHAKE } from '../../rpc/programs/handshake.js';
import { serverClients } from '../../xlators/protocol/server/index.js';
import { attached, NO_DICT, NULL, ROOT, RawClient, startBrick, xdata } from './helpers.js';

const E = os.errno;
const O_RDWR = 2;
const GF_O_CREAT = 0o100;

test('DUMP lists the GFS4, DUMP and handshake programs', async (t) => {
  const b = await startBrick(t);
  const c = await RawClient.connect(t, b.addr);
  const r = (await c.dump()).value;
  t.is(r.op_ret, 0);
  t.deepEqual(r.prog.map((p) => [p.progname, Number(p.prognum), Number(p.progver)]), [
    ['GlusterFS 4.x v1', 1298437, 400],
    ['GF-DUMP', 123451501, 1],
    ['GlusterFS Handshake', 14398633, 2],
  ]);
  await t.notThrowsAsync(c.conn.call((await import('../../rpc/programs/dump.js')).DUMP, (await import('../../rpc/programs/dump.js')).DUMP.procs.PING, undefined));
});

test('SETVOLUME attaches to the named subvolume and answers as GlusterFS 10 does', async (t) => {
  const b = await startBrick(t);
  const c = await RawClient.connect(t, b.addr);
  const r = await c.setvolume({ 'remote-subvolume': 'b-posix' });
  t.is(r.op_ret, 0);
  t.is(r.dict?.getStr('ERROR'), 'Success');
  t.is(r.dict?.getStr('child_up'), '1');
  t.is(r.dict?.getStr('clnt-lk-version'), '0');
  t.truthy(r.dict?.getStr('process-uuid'));
  t.deepEqual([...r.dict!.keys()], ['transport-ptr', 'clnt-lk-version', 'process-uuid', 'ERROR', 'child_up']);
});

test('SETVOLUME refuses a missing or unknown remote-subvolume and a missing process-uuid', async (t) => {
  const b = await startBrick(t);
  const c = await RawClient.connect(t, b.addr);
  const none = await c.conn.call(HANDSHAKE, HANDSHAKE.procs.SETVOLUME, { dict: Dict.from({ 'process-uuid': 'x' }) });
  t.is(none.value.op_ret, -1);
  t.is(none.value.dict?.getStr('ERROR'), 'No remote-subvolume option specified');
  const unknown = await c.setvolume({ 'remote-subvolume': 'nope' });
  t.is(unknown.op_ret, -1);
  t.is(unknown.op_errno, E.ENOENT);
  t.is(unknown.dict?.getStr('ERROR'), 'remote-subvolume "nope" is not found');
  const self = await c.setvolume({ 'remote-subvolume': 'srv' });
  t.is(self.op_ret, -1, 'the server itself is not a subvolume');
  const noUuid = await c.conn.call(HANDSHAKE, HANDSHAKE.procs.SETVOLUME, { dict: Dict.from({ 'remote-subvolume': 'b-posix' }) });
  t.is(noUuid.value.dict?.getStr('ERROR'), 'UUID not specified');
  t.is(noUuid.value.op_errno, E.EINVAL);
});

test('fops before a successful SETVOLUME reach nothing', async (t) => {
  const b = await startBrick(t);
  fs.writeFileSync(path.join(b.dir, 'secret'), 'x');
  const c = await RawClient.connect(t, b.addr);
  const r = await c.call('lookup', { gfid: NULL, pargfid: ROOT, flags: 0, bname: 'secret', xdata: NO_DICT });
  t.is(r.value.op_ret, -1);
  t.is(r.value.op_errno, E.ENOTCONN);
  t.true(r.value.prestat.ia_gfid.equals(NULL));
});

test('lookup, create, write, read, fstat and readdirp through the wire', async (t) => {
  const b = await startBrick(t);
  const c = await attached(t, b);
  const root = await c.call('lookup', { gfid: ROOT, pargfid: NULL, flags: 0, bname: '', xdata: NO_DICT });
  t.is(root.value.op_ret, 0);
  t.is(gfidFromBuffer(root.value.prestat.ia_gfid), ROOT_GFID);

  const want = gfidToBuffer('5b0e2a6c-1d39-4f51-9d36-1c0a7e2b9f11');
  const made = await c.call('create', {
    pargfid: ROOT, flags: O_RDWR | GF_O_CREAT, mode: 0o100644, umask: 0o022, bname: 'f', xdata: xdata(new Dict().setGfid('gfid-req', gfidFromBuffer(want))),
  });
  t.is(made.value.op_ret, 0);
  t.true(made.value.stat.ia_gfid.equals(want), 'gfid-req names the new file');
  const fd = BigInt(made.value.fd);
  t.is(fd, 0n, 'fd numbers start at 0, as gf_fd_unused_get hands them out');

  const data = Buffer.from('hello over GFS4');
  const w = await c.call('writev', { gfid: want, fd, offset: 0n, size: data.length, flag: 0, xdata: NO_DICT }, data);
  t.is(w.value.op_ret, data.length);
  t.is(Number(w.value.poststat.ia_size), data.length);

  const rd = await c.call('readv', { gfid: want, fd, offset: 6n, size: 100, flag: 0, xdata: NO_DICT });
  t.is(rd.value.op_ret, data.length - 6);
  t.is(rd.payload?.toString(), 'over GFS4');
  t.is(Number(rd.value.stat.ia_size), data.length);

  const st = await c.call('fstat', { gfid: want, fd, xdata: NO_DICT });
  t.is(iattFromWire(st.value.stat).size, data.length);
  t.is(fs.readFileSync(path.join(b.dir, 'f'), 'utf8'), 'hello over GFS4');

  const mk = await c.call('mkdir', { pargfid: ROOT, mode: 0o40755, umask: 0o022, bname: 'dir', xdata: NO_DICT });
  t.is(mk.value.op_ret, 0);
  const od = await c.call('opendir', { gfid: ROOT, xdata: NO_DICT });
  t.is(od.value.op_ret, 0);
  const rdp = await c.call('readdirp', { gfid: ROOT, fd: od.value.fd, offset: 0n, size: 4096, xdata: NO_DICT });
  t.true(rdp.value.op_ret >= 2);
  const byName = new Map(rdp.value.reply.map((e) => [e.name, e]));
  t.true(byName.get('f')!.stat.ia_gfid.equals(want));
  t.is(Number(byName.get('f')!.stat.ia_size), data.length);
  t.true(byName.has('dir'));
  t.false(byName.has('.glusterfs'), 'the brick internals stay hidden');
  t.is(rdp.value.op_errno, 2, 'the batch that reaches the end says so with ENOENT, as posix_do_readdir does');
  t.is((await c.call('releasedir', { gfid: ROOT, fd: od.value.fd, xdata: NO_DICT })).value.op_ret, 0);
  t.is((await c.call('release', { gfid: want, fd, xdata: NO_DICT })).value.op_ret, 0);
});

test('a listing in several readdirp replies carries ENOENT on the last one only', async (t) => {
  const b = await startBrick(t);
  for (let i = 0; i < 60; i++) fs.writeFileSync(path.join(b.dir, `name-${i}`), '');
  const c = await attached(t, b);
  const od = await c.call('opendir', { gfid: ROOT, xdata: NO_DICT });
  const replies: { n: number; errno: number }[] = [];
  for (let offset = 0n; replies.length < 100; ) {
    const r = await c.call('readdirp', { gfid: ROOT, fd: od.value.fd, offset, size: 2048, xdata: NO_DICT });
    t.true(r.value.op_ret >= 0);
    replies.push({ n: r.value.reply.length, errno: r.value.op_errno });
    if (r.value.op_errno === E.ENOENT || r.value.reply.length === 0) break;
    offset = r.value.reply.at(-1)!.d_off;
  }
  t.true(replies.length > 3, JSON.stringify(replies));
  t.true(replies.slice(0, -1).every((r) => r.errno === 0 && r.n > 0), JSON.stringify(replies));
  t.is(replies.at(-1)!.errno, E.ENOENT, 'the last reply marks the end');
  t.true(replies.at(-1)!.n > 0, 'the end comes with the last entries, not in an empty reply');
  t.is(replies.reduce((n, r) => n + r.n, 0), 62);
});

test('errors come back as op_ret -1 with the errno and zeroed stats', async (t) => {
  const b = await startBrick(t);
  const c = await attached(t, b);
  const missing = await c.call('lookup', { gfid: NULL, pargfid: ROOT, flags: 0, bname: 'nope', xdata: NO_DICT });
  t.is(missing.value.op_ret, -1);
  t.is(missing.value.op_errno, E.ENOENT);
  const stale = await c.call('stat', { gfid: gfidToBuffer('11111111-2222-4333-8444-555555555555'), xdata: NO_DICT });
  t.is(stale.value.op_errno, E.ESTALE, 'a gfid the brick does not have is ESTALE');
  const slash = await c.call('mkdir', { pargfid: ROOT, mode: 0o755, umask: 0, bname: 'a/b', xdata: NO_DICT });
  t.is(slash.value.op_errno, E.EPERM, 'a basename with a slash is refused');
  const twice = await c.call('mkdir', { pargfid: ROOT, mode: 0o755, umask: 0, bname: 'd', xdata: NO_DICT });
  t.is(twice.value.op_ret, 0);
  const again = await c.call('mkdir', { pargfid: ROOT, mode: 0o755, umask: 0, bname: 'd', xdata: NO_DICT });
  t.is(again.value.op_errno, E.EEXIST);
  const badFd = await c.call('readv', { gfid: ROOT, fd: 77n, offset: 0n, size: 10, flag: 0, xdata: NO_DICT });
  t.is(badFd.value.op_errno, E.EBADF);
  t.is(badFd.payload?.length ?? 0, 0);
  const noAttr = await c.call('getxattr', { gfid: ROOT, namelen: 6, name: 'user.x', xdata: NO_DICT });
  t.is(noAttr.value.op_errno, E.ENODATA);
});

test('a file known only by gfid is found by nameless lookup; rename, symlink, xattrs, truncate, unlink', async (t) => {
  const b = await startBrick(t);
  const c = await attached(t, b);
  const made = await c.call('mkdir', { pargfid: ROOT, mode: 0o755, umask: 0, bname: 'd', xdata: NO_DICT });
  const d = made.value.stat.ia_gfid;
  const f = await c.call('create', { pargfid: d, flags: O_RDWR | GF_O_CREAT, mode: 0o644, umask: 0, bname: 'f', xdata: NO_DICT });
  await c.call('release', { gfid: f.value.stat.ia_gfid, fd: f.value.fd, xdata: NO_DICT });
  const g = f.value.stat.ia_gfid;

  // A second server process would not know the gfid; a fresh brick graph on the same disk does the same.
  await b.graph.teardown();
  const b2 = await startBrick(t, {}, { dir: b.dir });
  const c2 = await attached(t, b2);
  const st = await c2.call('stat', { gfid: g, xdata: NO_DICT });
  t.is(st.value.op_ret, 0, 'nameless lookup resolved the gfid');

  t.is((await c2.call('rename', { oldgfid: d, newgfid: ROOT, oldbname: 'f', newbname: 'g', xdata: NO_DICT })).value.op_ret, 0);
  t.true(fs.existsSync(path.join(b.dir, 'g')));
  const sl = await c2.call('symlink', { pargfid: ROOT, bname: 'l', umask: 0, linkname: 'g', xdata: NO_DICT });
  t.is(sl.value.op_ret, 0);
  t.is(fs.readlinkSync(path.join(b.dir, 'l')), 'g');
  const rl = await c2.call('readlink', { gfid: sl.value.stat.ia_gfid, size: 4096, xdata: NO_DICT });
  t.is(rl.value.path, 'g');
  const set = await c2.call('setxattr', { gfid: g, flags: 0, dict: xdata(new Dict().setBin('user.k', Buffer.from('v'))), xdata: NO_DICT });
  t.is(set.value.op_ret, 0);
  const get = await c2.call('getxattr', { gfid: g, namelen: 6, name: 'user.k', xdata: NO_DICT });
  t.is(dictFromWire(get.value.dict)?.getBin('user.k')?.toString(), 'v');
  const tr = await c2.call('truncate', { gfid: g, offset: 12345n, xdata: NO_DICT });
  t.is(Number(tr.value.poststat.ia_size), 12345);
  t.is(fs.statSync(path.join(b.dir, 'g')).size, 12345);
  t.is((await c2.call('unlink', { pargfid: ROOT, bname: 'g', xflags: 0, xdata: NO_DICT })).value.op_ret, 0);
  t.false(fs.existsSync(path.join(b.dir, 'g')));
  const sf = await c2.call('statfs', { gfid: ROOT, xdata: NO_DICT });
  t.true(sf.value.statfs.bsize > 0n);
});

test('a disconnecting client has its fds released and the others keep theirs', async (t) => {
  const b = await startBrick(t);
  const a = await attached(t, b);
  const other = await attached(t, b, { 'process-uuid': 'other' });
  const fa = await a.call('create', { pargfid: ROOT, flags: O_RDWR | GF_O_CREAT, mode: 0o644, umask: 0, bname: 'a', xdata: NO_DICT });
  const fb = await other.call('create', { pargfid: ROOT, flags: O_RDWR | GF_O_CREAT, mode: 0o644, umask: 0, bname: 'b', xdata: NO_DICT });
  t.is(fa.value.fd, 0n);
  t.is(fb.value.fd, 0n, 'fd numbers are per client');
  t.is(serverClients(b.graph.top).length, 2);
  a.conn.close();
  for (let i = 0; i < 50 && serverClients(b.graph.top).length > 1; i++) await new Promise((r) => setTimeout(r, 20));
  t.is(serverClients(b.graph.top).length, 1);
  const w = await other.call('writev', { gfid: fb.value.stat.ia_gfid, fd: fb.value.fd, offset: 0n, size: 2, flag: 0, xdata: NO_DICT }, Buffer.from('ok'));
  t.is(w.value.op_ret, 2);
});


