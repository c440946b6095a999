import test from 'ava';
import { constants } from 'node:fs';
import { Dict } from '../../runtime/core/dict.js';
import { Fd } from '../../runtime/core/fd.js';
import { FopError } from '../../runtime/core/fop-error.js';
import { createFrame } from '../../runtime/core/frame.js';
import { ROOT_GFID, gfidFromBuffer, newGfid } from '../../runtime/core/gfid.js';
import { IaType } from '../../runtime/core/iatt.js';
import { InodeTable } from '../../runtime/core/inode.js';
import { clientReplyOf, emptyIattx, GFS4_FOPS, gfx_readdirp_rsp, iattToWire } from '../../rpc/programs/index.js';
import { decode, encode, type Codec } from '../../rpc/xdr/index.js';
import { EBADFD, FdRegistry } from '../../xlators/protocol/client/fd-ctx.js';
import { gfFlagsFromFlags, gfFlagsToFlags, lkCmdFromWire, lkCmdToWire, reopenFlags } from '../../rpc/programs/flags.js';
import { frameCredential, isManagementDaemon, setvolumeDict } from '../../xlators/protocol/client/handshake.js';
import { decodeResult } from '../../xlators/protocol/client/replies.js';
import { rdevFromWire, rdevToWire } from '../../rpc/programs/convert.js';
import { buildRequest } from '../../xlators/protocol/client/requests.js';
import { lkOwnerFromPid } from '../../rpc/sunrpc/auth.js';

const O = constants;
const owner = {};

function setup() {
  const itable = new InodeTable();
  const fds = new FdRegistry(owner);
  const dirGfid = newGfid();
  const dir = itable.link(itable.create(), dirGfid, IaType.DIR, itable.root, 'd');
  return { itable, fds, dir, dirGfid, c: { fds, filterDirect: false, strictLocks: false } };
}

test('open flags: the access mode and common bits keep their numbers, O_LARGEFILE is not sent, O_DSYNC reads as O_SYNC', (t) => {
  t.is(gfFlagsFromFlags(O.O_WRONLY | O.O_CREAT | O.O_TRUNC | 0o100000), 577); // what `echo > f` makes a real client send
  t.is(gfFlagsFromFlags(O.O_RDWR), 2);
  t.is(gfFlagsFromFlags(O.O_WRONLY | O.O_NONBLOCK), 2049);
  t.is(gfFlagsFromFlags(O.O_DIRECTORY | O.O_NOFOLLOW | 0o2000000 | O.O_APPEND), 0o200000 | 0o400000 | 0o2000000 | 0o2000); // 0o2000000: O_CLOEXEC
  t.is(gfFlagsFromFlags(O.O_DSYNC), 0o10000);
  t.is(gfFlagsToFlags(0o10000), O.O_SYNC);
  t.is(gfFlagsToFlags(577), O.O_WRONLY | O.O_CREAT | O.O_TRUNC);
  t.is(reopenFlags(O.O_RDWR | O.O_CREAT | O.O_EXCL | O.O_TRUNC | O.O_APPEND), O.O_RDWR | O.O_APPEND);
});

test('lock commands go out as GF_LK_* and an unknown one is refused before sending', (t) => {
  t.is(lkCmdToWire(5), 0);
  t.is(lkCmdToWire(6), 1);
  t.is(lkCmdToWire(7), 2);
  t.throws(() => lkCmdToWire(99), { instanceOf: FopError });
});

test('a named lookup sends parent gfid and name, and offers a gfid when the entry is new', (t) => {
  const { c, itable, dir, dirGfid } = setup();
  const { req } = buildRequest(c, 'lookup', { loc: { path: '/d/x', name: 'x', parent: dir, inode: itable.create() } });
  t.is(gfidFromBuffer(req.pargfid as Buffer), dirGfid);
  t.true((req.gfid as Buffer).equals(Buffer.alloc(16)));
  t.is(req.bname, 'x');
  const xdata = req.xdata as { count: number; pairs: { key: Buffer; value: { type: number } }[] };
  t.is(xdata.count, 1);
  t.is(xdata.pairs[0]!.key.toString(), 'gfid-req\0');
  t.is(xdata.pairs[0]!.value.type, 7); // GF_DATA_TYPE_GFUUID
});

test('a lookup of the root is nameless and without xdata sends an empty (not absent) dict, as the C client', (t) => {
  const { c, itable } = setup();
  const { req } = buildRequest(c, 'lookup', { loc: { path: '/', name: '', inode: itable.root, gfid: ROOT_GFID } });
  t.is(gfidFromBuffer(req.gfid as Buffer), ROOT_GFID);
  t.true((req.pargfid as Buffer).equals(Buffer.alloc(16)));
  t.is(req.bname, '');
  t.deepEqual(req.xdata, { xdr_size: 0, count: 0, pairs: [] });
});

test('entry creation adds gfid-req unless the caller chose one, and converts create flags', (t) => {
  const { c, itable, dir } = setup();
  const chosen = newGfid();
  const { req } = buildRequest(c, 'create', {
    loc: { path: '/d/f', name: 'f', parent: dir, inode: itable.create() }, flags: O.O_WRONLY | O.O_CREAT | O.O_TRUNC | 0o100000,
    mode: 0o100644, umask: 0o022, fd: new Fd(itable.create(), 0), xdata: new Dict().setGfid('gfid-req', chosen),
  });
  t.is(req.flags, 577);
  t.is(req.mode, 0o100644);
  t.is(req.umask, 0o022);
  const pairs = (req.xdata as { pairs: { value: { value: Buffer } }[] }).pairs;
  t.is(pairs.length, 1);
  t.is(gfidFromBuffer(pairs[0]!.value.value), chosen);
  const mk = buildRequest(c, 'mkdir', { loc: { path: '/d/e', name: 'e', parent: dir }, mode: 0o755, umask: 0 });
  t.is((mk.req.xdata as { count: number }).count, 1);
});

test('fd fops send the brick\'s fd number; an fd never opened here is EBADFD, except where an anonymous fd is allowed', (t) => {
  const { c, fds, itable, dir } = setup();
  const file = itable.link(itable.create(), newGfid(), IaType.REG, dir, 'f');
  const fd = new Fd(file, O.O_RDWR);
  const err = t.throws(() => buildRequest(c, 'fstat', { fd }), { instanceOf: FopError });
  t.is(err?.errno, EBADFD);
  t.is(buildRequest(c, 'readv', { fd, size: 10, offset: 0, flags: 0 }).req.fd, -2n);
  fds.add(fd, { remoteFd: 7n, gfid: file.gfid, flags: O.O_RDWR, dir: false });
  const w = buildRequest(c, 'writev', { fd, data: Buffer.from('abc'), offset: 5, flags: 0x8001 });
  t.is(w.req.fd, 7n);
  t.is(w.req.size, 3);
  t.is(w.req.offset, 5n);
  t.is(w.req.flag, 0x8001);
  t.deepEqual(w.payload, Buffer.from('abc'));
  t.is(gfidFromBuffer(w.req.gfid as Buffer), file.gfid);
  fds.markAllBad();
  t.throws(() => buildRequest(c, 'flush', { fd }), { instanceOf: FopError });
  t.deepEqual(fds.bad().map((x) => x.fd), [fd]);
});

test('an fd records the ranges its granted locks cover, whoever the owner: unlocks cut them, touching locks merge', (t) => {
  const { fds, itable, dir } = setup();
  const fd = new Fd(itable.link(itable.create(), newGfid(), IaType.REG, dir, 'l'), O.O_RDWR);
  const ctx = fds.add(fd, { remoteFd: 3n, gfid: fd.inode.gfid, flags: O.O_RDWR, dir: false });
  const lock = (type: number, start: bigint, len: bigint, who = 'a') => fds.lockGranted(fd, { type, whence: 0, start, len, pid: 1, owner: Buffer.from(who) });
  const ranges = () => ctx.locked.map((r) => `${r.start}-${r.end}`);
  lock(1, 0n, 10n);
  lock(0, 10n, 5n, 'b'); // touching, another owner and type: one range, as GlusterFS's list keeps it
  t.deepEqual(ranges(), ['0-14']);
  lock(2, 4n, 2n); // an unlock in the middle splits it
  t.deepEqual(ranges(), ['0-3', '6-14']);
  lock(1, 100n, 0n); // to the end of the file
  t.deepEqual(ranges(), ['0-3', '6-14', '100-9223372036854775807']);
  lock(2, 0n, 0n, 'b'); // unlocking the whole file leaves nothing held
  t.deepEqual(ranges(), []);
});

test('an fd whose locks were lost with the connection never falls back to an anonymous fd; under strict-locks neither does a write on an unknown fd', (t) => {
  const { c, fds, itable, dir } = setup();
  const fd = new Fd(itable.link(itable.create(), newGfid(), IaType.REG, dir, 'l'), O.O_RDWR);
  const read = () => buildRequest(c, 'readv', { fd, size: 10, offset: 0, flags: 0 }).req.fd;
  const write = (strictLocks: boolean) => buildRequest({ ...c, strictLocks }, 'writev', { fd, data: Buffer.from('x'), offset: 0, flags: 0 }).req.fd;
  // Never opened here: reads and writes go to an anonymous fd, but a strict-locks write does not.
  t.is(read(), -2n);
  t.is(write(false), -2n);
  t.is(t.throws(() => write(true), { instanceOf: FopError })?.errno, EBADFD);
  fds.add(fd, { remoteFd: 4n, gfid: fd.inode.gfid, flags: O.O_RDWR, dir: false });
  fds.lockGranted(fd, { type: 1, whence: 0, start: 0n, len: 0n, pid: 1, owner: Buffer.from('o') });
  t.is(read(), 4n, 'while connected the fd is used, locks or not');
  fds.markAllBad();
  t.is(t.throws(read, { instanceOf: FopError })?.errno, EBADFD);
  t.is(t.throws(() => write(false), { instanceOf: FopError })?.errno, EBADFD);
  // Unlocked again (before the drop, say): no locks involved, the anonymous fd is allowed.
  fds.lockGranted(fd, { type: 2, whence: 0, start: 0n, len: 0n, pid: 1, owner: Buffer.from('o') });
  t.is(read(), -2n);
});

test('path fops refuse a loc without a gfid and entry fops one without a parent', (t) => {
  const { c, itable } = setup();
  t.throws(() => buildRequest(c, 'stat', { loc: { path: '/x', inode: itable.create() } }), { instanceOf: FopError });
  t.throws(() => buildRequest(c, 'unlink', { loc: { path: '/x', name: 'x' }, xflag: 0 }), { instanceOf: FopError });
  t.is(buildRequest(c, 'getxattr', { loc: { path: '/', inode: itable.root } }).req.namelen, 0);
  t.is(buildRequest(c, 'getxattr', { loc: { path: '/', inode: itable.root }, name: 'user.k' }).req.namelen, 1);
});

/** A reply as the brick sends it (the declared message), decoded as the client decodes it. */
function asClient(fop: 'create' | 'lookup', value: unknown): never {
  const declared = GFS4_FOPS[fop].procedure.reply as Codec<unknown>;
  return decode(clientReplyOf(declared), encode(declared, value)) as never;
}

test('a readdirp reply links each entry under the directory; create remembers the brick fd', (t) => {
  const { fds, itable, dir } = setup();
  const child = newGfid();
  const stat = iattToWire({
    gfid: child, ino: 5n, dev: 1n, type: IaType.REG, mode: 0o100644, nlink: 1, uid: 0, gid: 0, rdev: 0n, size: 3, blksize: 4096, blocks: 1,
    atime: { sec: 1, nsec: 0 }, mtime: { sec: 1, nsec: 0 }, ctime: { sec: 1, nsec: 0 },
  });
  const dirFd = new Fd(dir, 0);
  const none = { xdr_size: 0, count: -1, pairs: [] };
  // The reply as the brick sends it, decoded as the client decodes it.
  const wire = encode(gfx_readdirp_rsp, {
    op_ret: 2, op_errno: 0, xdata: none,
    reply: [
      { d_ino: 1n, d_off: 1n, d_len: 1, d_type: 4, name: '.', stat: emptyIattx(), dict: none },
      { d_ino: 5n, d_off: 2n, d_len: 1, d_type: 8, name: 'f', stat, dict: none },
    ],
  });
  const res = decodeResult({ fds, itable }, 'readdirp', { fd: dirFd, size: 4096, offset: 0n }, decode(clientReplyOf(gfx_readdirp_rsp), wire) as never);
  t.is(res.entries.length, 2);
  t.is(res.entries[1]!.inode, itable.findDentry(dir, 'f'));
  t.is(res.entries[1]!.inode!.gfid, child);
  t.is(res.entries[0]!.stat, undefined);

  const fd = new Fd(itable.create(), O.O_WRONLY);
  const created = decodeResult({ fds, itable }, 'create', {
    loc: { path: '/d/g', name: 'g', parent: dir, inode: fd.inode }, flags: O.O_WRONLY, mode: 0o100644, umask: 0, fd,
  }, asClient('create', { op_ret: 0, op_errno: 0, xdata: none, stat, fd: 3n, preparent: emptyIattx(), postparent: emptyIattx() }));
  t.is(created.fd, fd);
  t.is(created.inode, fd.inode);
  t.is(created.buf.size, 3);
  t.is(fds.get(fd)?.remoteFd, 3n);
  t.is(fds.get(fd)?.gfid, child);
});

test('the lookup reply of the root has no postparent', (t) => {
  const { fds, itable } = setup();
  const stat = iattToWire({
    gfid: ROOT_GFID, ino: 1n, dev: 1n, type: IaType.DIR, mode: 0o40755, nlink: 3, uid: 0, gid: 0, rdev: 0n, size: 4096, blksize: 4096, blocks: 8,
    atime: { sec: 1, nsec: 0 }, mtime: { sec: 1, nsec: 0 }, ctime: { sec: 1, nsec: 0 },
  });
  const r = decodeResult({ fds, itable }, 'lookup', { loc: { path: '/', inode: itable.root } }, asClient('lookup', {
    op_ret: 0, op_errno: 0, xdata: { xdr_size: 0, count: 0, pairs: [] }, prestat: stat, poststat: emptyIattx(),
  }));
  t.is(r.buf.gfid, ROOT_GFID);
  t.is(r.postparent, undefined);
  t.is(r.inode, itable.root);
  t.is(r.xdata?.size, 0);
});

test('the SETVOLUME dict has what a 10.3 client sends, newest key first', (t) => {
  const d = setvolumeDict({ name: 'raw-client', transportType: 'tcp', remoteHost: '127.0.0.1', remotePort: 24999, remoteSubvolume: 'raw-locks', reconnects: 0 });
  t.deepEqual([...d.keys()], [
    'opversion', 'clnt-lk-version', 'client-version', 'process-uuid', 'fops-version', 'remote-subvolume', 'remote-port', 'remote-host', 'transport-type',
  ]);
  t.is(d.getStr('opversion'), '100000');
  t.is(d.getStr('fops-version'), '1298437');
  t.is(d.getStr('transport-type'), 'socket');
  t.regex(d.getStr('process-uuid')!, /^CTX_ID:[0-9a-f-]{36}-GRAPH_ID:0-PID:\d+-HOST:.+-PC_NAME:raw-client-RECON_NO:-0$/);
  const auth = setvolumeDict({ name: 'c', transportType: 'tcp', remoteSubvolume: 's', username: 'u', password: 'p', reconnects: 3 });
  t.is(auth.getStr('username'), 'u');
  t.is(auth.getStr('password'), 'p');
  t.regex(auth.getStr('process-uuid')!, /RECON_NO:-3$/);
});

test('a peer listing the portmap program is glusterd; a brick is not', (t) => {
  const brick = { prog: [{ progname: 'GlusterFS 4.x v1', prognum: 1298437n, progver: 400n }] };
  t.false(isManagementDaemon(brick));
  t.true(isManagementDaemon({ prog: [...brick.prog, { progname: 'GF-PMAP', prognum: 34123456n, progver: 1n }] }));
});

test('credentials carry the caller, its lock owner (or the pid\'s bytes) and only as many groups as fit', (t) => {
  const many = Array.from({ length: 200 }, (_, i) => i);
  const c = frameCredential(createFrame({ pid: 0x94f, uid: 5, gid: 6, groups: many }), true);
  if (c.flavor !== 'glusterfs-v3') return t.fail();
  t.deepEqual(c.lkOwner, Buffer.from('4f090000', 'hex'));
  t.is(c.uid, 5);
  t.true(c.groups.length > 50 && c.groups.length < 100);
  const noGids = frameCredential(createFrame({ groups: [1, 2], lkOwner: Buffer.from('0102030405060708', 'hex') }), false);
  if (noGids.flavor !== 'glusterfs-v3') return t.fail();
  t.deepEqual(noGids.groups, []);
  t.is(noGids.lkOwner.length, 8);
});

test('a device number in a reply (GlusterFS major<<32|minor) becomes a dev_t', (t) => {
  t.is(rdevFromWire((1n << 32n) | 3n), 259n); // makedev(1, 3)
  t.is(rdevFromWire((259n << 32n) | 300n), ((259n & 0xfffn) << 8n) | ((259n & ~0xfffn) << 32n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n));
  t.is(rdevFromWire(0n), 0n);
  for (const dev of [0n, 259n, 0x12345678n, 0xfff12345678n]) t.is(rdevFromWire(rdevToWire(dev)), dev);
});

test('lock commands and open flags convert back on the brick side to what the client sent', (t) => {
  for (const cmd of [5, 6, 7]) t.is(lkCmdFromWire(lkCmdToWire(cmd)), cmd);
  t.is(lkCmdFromWire(lkCmdToWire(13)), 6, 'F_SETLK64 arrives as F_SETLK');
  t.is(lkCmdFromWire(6), 203, 'GF_LK_GETLK_FD');
  const cloexec = 0o2000000;
  t.is(gfFlagsToFlags(gfFlagsFromFlags(0o2 | 0o100 | cloexec)), 0o2 | 0o100 | cloexec, 'O_CLOEXEC survives (Node has no constant for it)');
});

test('a credential without a lock owner carries its own pid\'s bytes, whichever pid asked before; groups follow send-gids', (t) => {
  for (const pid of [7, 8, 7, 0x01020304, 8]) {
    const cred = frameCredential(createFrame({ pid, uid: 1, gid: 2, groups: [5, 6] }), true);
    if (cred.flavor !== 'glusterfs-v3') return t.fail('not v3');
    t.deepEqual(cred.lkOwner, lkOwnerFromPid(pid));
    t.deepEqual(cred.groups, [5, 6]);
  }
  const owner = Buffer.from('owner-of-a-lock');
  const own = frameCredential(createFrame({ pid: 7, lkOwner: owner, groups: [5] }), false);
  if (own.flavor !== 'glusterfs-v3') return t.fail('not v3');
  t.deepEqual(own.lkOwner, owner);
  t.deepEqual(own.groups, []);
});
