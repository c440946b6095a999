import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Dict } from '../../runtime/core/dict.js';
import { Fd } from '../../runtime/core/fd.js';
import { E } from '../../runtime/core/fop-error.js';
import { gfidToIno, newGfid, ROOT_GFID } from '../../runtime/core/gfid.js';
import { IaType } from '../../runtime/core/iatt.js';
import { makedev, major, minor, native } from '../../native/index.js';
import { diskGfid, gfidReq, handlePath, locOf, posixGraph } from './helpers.js';

const errno = (n: number) => ({ message: new RegExp(`^${Object.entries(E).find(([, v]) => v === n)![0]}`) });

test('lookup of the root answers the root gfid, inode 1 and nanosecond times', async (t) => {
  const g = await posixGraph(t);
  const { buf } = await g.lookup('/');
  t.is(buf.gfid, ROOT_GFID);
  t.is(buf.ino, 1n);
  t.is(buf.type, IaType.DIR);
  const st = fs.statSync(g.dir, { bigint: true });
  t.is(BigInt(buf.mtime.sec) * 1_000_000_000n + BigInt(buf.mtime.nsec), st.mtimeNs);
  t.is(buf.dev, st.dev);
});

test('mkdir and create use gfid-req, store trusted.gfid and derive ia_ino from it', async (t) => {
  const g = await posixGraph(t);
  const want = newGfid();
  const loc = await g.newLoc('/d');
  const res = await g.fops.mkdir(g.frame(), { loc, mode: 0o750, umask: 0o022, xdata: gfidReq(want) });
  t.is(res.buf.gfid, want);
  t.is(res.buf.ino, gfidToIno(want));
  t.is(res.buf.mode & 0o7777, 0o750);
  t.is(diskGfid(path.join(g.dir, 'd')), want);
  t.is(res.postparent.gfid, ROOT_GFID);
  const named = await g.lookup('/d');
  t.is(named.buf.gfid, want);
  const nameless = await g.fops.lookup(g.frame(), { loc: { path: `<gfid:${want}>`, gfid: want } });
  t.is(nameless.buf.gfid, want);
  t.is(nameless.buf.type, IaType.DIR);
});

test('create applies umask, owner from the frame, and O_EXCL refuses an existing name', async (t) => {
  const g = await posixGraph(t);
  const { Fd } = await import('../../runtime/core/fd.js');
  const loc = await g.newLoc('/f');
  const flags = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR;
  const res = await g.fops.create(g.frame({ uid: 1234, gid: 5678 }), { loc, flags, mode: 0o100666, umask: 0o022, fd: new Fd(loc.inode!, flags) });
  t.teardown(() => g.graph.release(res.fd));
  t.is(res.buf.mode, 0o100644);
  t.is(res.buf.uid, 1234);
  t.is(res.buf.gid, 5678);
  t.is(res.buf.nlink, 1); // the handle link is not counted
  const loc2 = await g.newLoc('/f');
  await t.throwsAsync(g.fops.create(g.frame(), { loc: loc2, flags, mode: 0o644, umask: 0, fd: new Fd(loc2.inode!, flags) }), errno(E.EEXIST));
  // without O_EXCL an existing file is opened
  const res2 = await g.fops.create(g.frame(), { loc: loc2, flags: fs.constants.O_CREAT | fs.constants.O_RDWR, mode: 0o644, umask: 0, fd: new Fd(loc2.inode!, 0) });
  t.teardown(() => g.graph.release(res2.fd));
  t.is(res2.buf.gfid, res.buf.gfid);
});

test('mknod makes fifos, sockets, character and block devices', async (t) => {
  const g = await posixGraph(t);
  const kinds: [string, number, bigint, number][] = [
    ['fifo', fs.constants.S_IFIFO, 0n, IaType.FIFO],
    ['sock', fs.constants.S_IFSOCK, 0n, IaType.SOCK],
    ['chr', fs.constants.S_IFCHR, makedev(1, 3), IaType.CHR],
    ['blk', fs.constants.S_IFBLK, makedev(7, 200), IaType.BLK],
  ];
  for (const [name, type, dev, ia] of kinds) {
    const loc = await g.newLoc(`/${name}`);
    const res = await g.fops.mknod(g.frame(), { loc, mode: type | 0o640, rdev: Number(dev), umask: 0 });
    t.is(res.buf.type as number, ia, name);
    t.is(res.buf.mode & 0o777, 0o640);
    t.is(res.buf.rdev, dev);
    t.true(fs.existsSync(handlePath(g.dir, res.buf.gfid)), `${name} has a handle`);
  }
  const blk = fs.lstatSync(path.join(g.dir, 'blk'), { bigint: true });
  t.is(major(blk.rdev), 7);
  t.is(minor(blk.rdev), 200);
});

test('symlink stores its target verbatim and readlink returns it', async (t) => {
  const g = await posixGraph(t);
  const loc = await g.newLoc('/l');
  const res = await g.fops.symlink(g.frame(), { linkname: '../../etc/passwd', loc, umask: 0 });
  t.is(res.buf.type, IaType.LNK);
  t.is(fs.readlinkSync(path.join(g.dir, 'l')), '../../etc/passwd');
  const r = await g.fops.readlink(g.frame(), { loc: await locOf(g, '/l'), size: 4096 });
  t.is(r.path, '../../etc/passwd');
  // the handle of a symlink is a hard link to the symlink itself
  t.is(fs.lstatSync(handlePath(g.dir, res.buf.gfid)).ino, fs.lstatSync(path.join(g.dir, 'l')).ino);
});

test('link adds a name to the same gfid; unlink of the last name removes the handle', async (t) => {
  const g = await posixGraph(t);
  const buf = await g.create('/a', 'data');
  const loc = await g.newLoc('/b');
  const res = await g.fops.link(g.frame(), { oldloc: await locOf(g, '/a'), newloc: loc });
  t.is(res.buf.gfid, buf.gfid);
  t.is(res.buf.nlink, 2);
  await g.fops.unlink(g.frame(), { loc: await locOf(g, '/a'), xflag: 0 });
  t.true(fs.existsSync(handlePath(g.dir, buf.gfid)));
  t.is((await g.lookup('/b')).buf.nlink, 1);
  await g.fops.unlink(g.frame(), { loc: await locOf(g, '/b'), xflag: 0 });
  t.false(fs.existsSync(handlePath(g.dir, buf.gfid)));
  await t.throwsAsync(g.lookup('/b'), errno(E.ENOENT));
  await t.throwsAsync(g.fops.lookup(g.frame(), { loc: { path: 'x', gfid: buf.gfid } }), errno(E.ENOENT));
});

test('unlinking the last name of a large file (freed on the thread pool) and of a small one (inline) both remove the handle; an open fd still reads', async (t) => {
  const g = await posixGraph(t);
  const small = await g.create('/small', 'x');
  const big = await g.create('/big', Buffer.alloc(4 << 20, 7));
  const { loc } = await g.lookup('/big');
  const fd = new Fd(loc.inode!, fs.constants.O_RDONLY);
  await g.fops.open(g.frame(), { loc, flags: fs.constants.O_RDONLY, fd });
  t.teardown(() => g.graph.release(fd));
  await g.fops.unlink(g.frame(), { loc: await locOf(g, '/small'), xflag: 0 });
  await g.fops.unlink(g.frame(), { loc, xflag: 0 });
  t.false(fs.existsSync(handlePath(g.dir, small.gfid)));
  t.false(fs.existsSync(handlePath(g.dir, big.gfid)));
  const r = await g.fops.readv(g.frame(), { fd, size: 4096, offset: (4 << 20) - 4096, flags: 0 });
  t.true(r.data.equals(Buffer.alloc(4096, 7)));
});

test('a file on the brick carrying a directory\'s gfid never takes that directory\'s handle, by unlink or by create', async (t) => {
  const g = await posixGraph(t);
  const d = await g.mkdir('/d');
  // placed by hand: a regular file with the directory's gfid
  fs.writeFileSync(path.join(g.dir, 'stray'), 'x');
  native.lsetxattrSync(path.join(g.dir, 'stray'), 'trusted.gfid', Buffer.from(d.gfid.replace(/-/g, ''), 'hex'));
  const stray = g.graph.itable.create();
  await g.fops.unlink(g.frame(), { loc: { path: '/stray', name: 'stray', pargfid: ROOT_GFID, parent: g.graph.itable.root, inode: stray }, xflag: 0 });
  t.true(fs.lstatSync(handlePath(g.dir, d.gfid)).isSymbolicLink(), 'the directory keeps its handle');
  // a create asking for the directory's gfid is refused, and the handle stays
  const loc = await g.newLoc('/clash');
  const fd = new Fd(loc.inode!, fs.constants.O_WRONLY);
  await t.throwsAsync(g.fops.create(g.frame(), { loc, flags: fs.constants.O_WRONLY | fs.constants.O_CREAT, mode: 0o100644, umask: 0, fd, xdata: gfidReq(d.gfid) }), errno(E.EEXIST));
  t.true(fs.lstatSync(handlePath(g.dir, d.gfid)).isSymbolicLink());
  t.is((await g.fops.lookup(g.frame(), { loc: { path: '/d', gfid: d.gfid } })).buf.gfid, d.gfid);
});

test('rmdir removes the directory and its handle symlink; a non-empty one is ENOTEMPTY', async (t) => {
  const g = await posixGraph(t);
  const d = await g.mkdir('/d');
  await g.create('/d/f');
  await t.throwsAsync(g.fops.rmdir(g.frame(), { loc: await locOf(g, '/d'), flags: 0 }), errno(E.ENOTEMPTY));
  await t.throwsAsync(g.fops.unlink(g.frame(), { loc: await locOf(g, '/d'), xflag: 0 }), errno(E.EISDIR));
  await t.throwsAsync(g.fops.rmdir(g.frame(), { loc: await locOf(g, '/d/f'), flags: 0 }), errno(E.ENOTDIR));
  await g.fops.unlink(g.frame(), { loc: await locOf(g, '/d/f'), xflag: 0 });
  t.true(fs.lstatSync(handlePath(g.dir, d.gfid)).isSymbolicLink());
  await g.fops.rmdir(g.frame(), { loc: await locOf(g, '/d'), flags: 0 });
  t.false(fs.existsSync(path.join(g.dir, 'd')));
  t.throws(() => fs.lstatSync(handlePath(g.dir, d.gfid)));
});

test('rename moves files and directories across directories and over targets, keeping gfids', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/a');
  await g.mkdir('/b');
  const sub = await g.mkdir('/a/sub');
  await g.create('/a/sub/inner', 'in');
  const f = await g.create('/a/f', 'one');
  const victim = await g.create('/b/g', 'two');
  const r1 = await g.fops.rename(g.frame(), { oldloc: await locOf(g, '/a/f'), newloc: { ...(await g.newLoc('/b/g')) } });
  t.is(r1.buf.gfid, f.gfid);
  t.is((await g.read('/b/g')).toString(), 'one');
  t.false(fs.existsSync(handlePath(g.dir, victim.gfid)), 'the replaced file lost its handle');
  const bDir = await g.lookup('/b');
  await g.fops.rename(g.frame(), { oldloc: await locOf(g, '/a/sub'), newloc: await g.newLoc('/b/moved') });
  t.is(fs.readlinkSync(handlePath(g.dir, sub.gfid)), `../../${bDir.buf.gfid.slice(0, 2)}/${bDir.buf.gfid.slice(2, 4)}/${bDir.buf.gfid}/moved`);
  t.is((await g.read('/b/moved/inner')).toString(), 'in');
  const nameless = await g.fops.lookup(g.frame(), { loc: { path: 'x', gfid: sub.gfid } });
  t.is(nameless.buf.gfid, sub.gfid);
  // a directory over an empty directory
  const empty = await g.mkdir('/empty');
  await g.fops.rename(g.frame(), { oldloc: await locOf(g, '/b/moved'), newloc: await locOf(g, '/empty') });
  t.throws(() => fs.lstatSync(handlePath(g.dir, empty.gfid)));
  t.is((await g.lookup('/empty/inner')).buf.type, IaType.REG);
  // over a non-empty directory
  await g.mkdir('/full');
  await g.create('/full/x');
  await g.mkdir('/other');
  await t.throwsAsync(g.fops.rename(g.frame(), { oldloc: await locOf(g, '/other'), newloc: await locOf(g, '/full') }), errno(E.ENOTEMPTY));
});

test('lookup of a missing name is ENOENT and mkdir of an existing one EEXIST', async (t) => {
  const g = await posixGraph(t);
  await t.throwsAsync(g.lookup('/nope'), errno(E.ENOENT));
  await g.mkdir('/d');
  await t.throwsAsync(g.mkdir('/d'), errno(E.EEXIST));
  await t.throwsAsync(g.create('/d'), errno(E.EEXIST));
});

test('lookup gives a gfid and handle to an entry placed in the brick by hand, honouring gfid-req', async (t) => {
  const g = await posixGraph(t);
  fs.writeFileSync(path.join(g.dir, 'manual'), 'x');
  fs.mkdirSync(path.join(g.dir, 'mdir'));
  const want = newGfid();
  const root = await locOf(g, '/');
  const res = await g.fops.lookup(g.frame(), { loc: { path: '/manual', name: 'manual', parent: root.inode, pargfid: ROOT_GFID }, xdata: gfidReq(want) });
  t.is(res.buf.gfid, want);
  t.is(diskGfid(path.join(g.dir, 'manual')), want);
  t.is(fs.statSync(handlePath(g.dir, want)).ino, fs.statSync(path.join(g.dir, 'manual')).ino);
  // Without gfid-req, a gfid-less entry is healed only once it is a second old (posix_gfid_heal).
  await t.throwsAsync(g.lookup('/mdir'), { code: 'ENOENT' });
  await new Promise((r) => setTimeout(r, 1100));
  const d = await g.lookup('/mdir');
  t.is(fs.readlinkSync(handlePath(g.dir, d.buf.gfid)), `../../00/00/${ROOT_GFID}/mdir`);
});

test('lookup returns the xattrs named in xdata', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  fs.writeFileSync(path.join(g.dir, 'x'), '');
  const { loc } = await g.lookup('/d');
  await g.fops.setxattr(g.frame(), { loc, dict: new Dict().setBin('trusted.glusterfs.dht', Buffer.from([1, 2])), flags: 0 });
  const req = new Dict().setInt('trusted.glusterfs.dht', 0).setInt('trusted.afr.none', 0);
  const res = await g.fops.lookup(g.frame(), { loc: { path: '/d', name: 'd', parent: loc.parent, pargfid: ROOT_GFID }, xdata: req });
  t.deepEqual(res.xdata?.getBin('trusted.glusterfs.dht'), Buffer.from([1, 2]));
  t.false(res.xdata?.has('trusted.afr.none'));
});

test('a gfid handle left without a name by an interrupted create is reclaimed by a create asking for that gfid; a named one is not', async (t) => {
  const g = await posixGraph(t);
  // What a process killed between making the object at its handle and linking its name leaves.
  const orphan = newGfid();
  fs.mkdirSync(path.dirname(handlePath(g.dir, orphan)), { recursive: true });
  fs.writeFileSync(handlePath(g.dir, orphan), 'half-made');
  const res = await g.fops.mknod(g.frame(), { loc: await g.newLoc('/again'), mode: 0o100644, rdev: 0, umask: 0, xdata: gfidReq(orphan) });
  t.is(res.buf.gfid, orphan);
  t.is(diskGfid(path.join(g.dir, 'again')), orphan);
  t.is(fs.readFileSync(path.join(g.dir, 'again'), 'utf8'), '', 'a new object, not the leftover');
  t.is(fs.statSync(handlePath(g.dir, orphan)).ino, fs.statSync(path.join(g.dir, 'again')).ino);
  // The same gfid asked for again while it names a file: refused, nothing touched.
  const err = await t.throwsAsync(g.fops.mknod(g.frame(), { loc: await g.newLoc('/twice'), mode: 0o100644, rdev: 0, umask: 0, xdata: gfidReq(orphan) }));
  t.is((err as { code?: string }).code, 'EEXIST');
  t.false(fs.existsSync(path.join(g.dir, 'twice')));
});
