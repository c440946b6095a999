import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { constants } from 'node:fs';
import { native } from '../../native/index.js';
import { Dict } from '../../runtime/core/dict.js';
import { Fd } from '../../runtime/core/fd.js';
import { E, FopError } from '../../runtime/core/fop-error.js';
import { gfidFromBuffer } from '../../runtime/core/gfid.js';
import { IaType } from '../../runtime/core/iatt.js';
import { startGraph, type TestGraph } from '../../runtime/testkit/index.js';
import { HAVE_GLUSTERFSD, clientVolfile, startRealBrick, type RealBrick } from './helpers/real-brick.js';
import { needing } from '../helpers/needs.js';

// Real glusterfsd processes: one test at a time.
const serial = needing(HAVE_GLUSTERFSD, 'glusterfsd (glusterfs-server)');

async function setup(t: { teardown(fn: () => unknown): void }, extra: string[] = []): Promise<{ brick: RealBrick; g: TestGraph }> {
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const g = await startGraph({ volfile: clientVolfile(brick, extra), brick: false });
  t.teardown(() => g.stop());
  return { brick, g };
}

const diskGfid = (p: string) => gfidFromBuffer(native.lgetxattrSync(p, 'trusted.gfid'));
const errno = async (p: Promise<unknown>) => (await p.then(() => 0, (e: unknown) => (e instanceof FopError ? e.errno : -1)));

serial('entry, data and xattr fops through protocol/client land on the real brick\'s disk', async (t) => {
  const { brick, g } = await setup(t);
  const disk = (p: string) => path.join(brick.dir, p);
  const f = () => g.frame();

  const d = await g.mkdir('/d');
  t.true(fs.statSync(disk('d')).isDirectory());
  t.is(diskGfid(disk('d')), d.gfid);

  await g.create('/d/f', 'hello\n');
  t.is(fs.readFileSync(disk('d/f'), 'utf8'), 'hello\n');
  t.is((await g.read('/d/f')).toString(), 'hello\n');
  const { loc: floc, buf: fbuf } = await g.lookup('/d/f');
  t.is(fbuf.size, 6);
  t.is(fbuf.type, IaType.REG);
  t.is(diskGfid(disk('d/f')), fbuf.gfid);

  // readdirp: every entry has its stat and an inode linked under the directory.
  const { loc: dloc } = await g.lookup('/d');
  const dfd = new Fd(dloc.inode!, 0);
  await g.fops.opendir(f(), { loc: dloc, fd: dfd });
  const { entries, eof } = await g.fops.readdirp(f(), { fd: dfd, size: 131072, offset: 0n });
  await g.graph.release(dfd, true);
  t.true(eof, 'glusterfsd marks the batch that reaches the end (op_errno ENOENT)');
  const fe = entries.find((e) => e.name === 'f');
  t.is(fe?.stat?.gfid, fbuf.gfid);
  t.is(fe?.inode, g.graph.itable.findDentry(dloc.inode!, 'f'));
  t.deepEqual(entries.map((e) => e.name).sort(), ['.', '..', 'f']);

  const gloc = await g.newLoc('/d/g');
  const ren = await g.fops.rename(f(), { oldloc: floc, newloc: gloc });
  t.is(ren.buf.gfid, fbuf.gfid);
  t.false(fs.existsSync(disk('d/f')));
  t.is(fs.readFileSync(disk('d/g'), 'utf8'), 'hello\n');

  const lloc = await g.newLoc('/d/l');
  const sl = await g.fops.symlink(f(), { linkname: 'g', loc: lloc, umask: 0 });
  t.is(sl.buf.type, IaType.LNK);
  t.is(fs.readlinkSync(disk('d/l')), 'g');
  const { loc: lloc2 } = await g.lookup('/d/l');
  t.is((await g.fops.readlink(f(), { loc: lloc2, size: 4096 })).path, 'g');

  const { loc: g2 } = await g.lookup('/d/g');
  await g.fops.setxattr(f(), { loc: g2, dict: new Dict().setBin('user.k', Buffer.from('v')), flags: 0 });
  t.is(native.lgetxattrSync(disk('d/g'), 'user.k').toString(), 'v');
  const got = await g.fops.getxattr(f(), { loc: g2, name: 'user.k' });
  t.is(got.dict.getStr('user.k'), 'v');
  await g.fops.removexattr(f(), { loc: g2, name: 'user.k' });
  t.is(await errno(g.fops.getxattr(f(), { loc: g2, name: 'user.k' })), E.ENODATA);

  const tr = await g.fops.truncate(f(), { loc: g2, offset: 100000 });
  t.is(tr.postbuf.size, 100000);
  t.is(fs.statSync(disk('d/g')).size, 100000);

  const sf = await g.fops.statfs(f(), { loc: g2 });
  t.true(sf.buf.bsize > 0 && sf.buf.blocks > 0);

  await g.fops.unlink(f(), { loc: lloc2, xflag: 0 });
  t.false(fs.existsSync(disk('d/l')));
  t.is(await errno(g.lookup('/d/l')), E.ENOENT);
  const st = await g.fops.stat(f(), { loc: g2 });
  t.is(st.buf.nlink, 1);
});

serial('POSIX locks through protocol/client: a conflicting owner is refused and sees the lock', async (t) => {
  const { g } = await setup(t);
  await g.create('/lk', 'x');
  const { loc } = await g.lookup('/lk');
  const a = Buffer.from('aaaaaaaa');
  const b = Buffer.from('bbbbbbbb');
  const fa = new Fd(loc.inode!, constants.O_RDWR);
  const fb = new Fd(loc.inode!, constants.O_RDWR);
  await g.fops.open(g.frame({ pid: 11, lkOwner: a }), { loc, flags: constants.O_RDWR, fd: fa });
  await g.fops.open(g.frame({ pid: 12, lkOwner: b }), { loc, flags: constants.O_RDWR, fd: fb });
  const lock = (owner: Buffer, pid: number, type: number) => ({ type, whence: 0, start: 0n, len: 0n, pid, owner });
  await g.fops.lk(g.frame({ pid: 11, lkOwner: a }), { fd: fa, cmd: 6, flock: lock(a, 11, 1) });
  t.is(await errno(g.fops.lk(g.frame({ pid: 12, lkOwner: b }), { fd: fb, cmd: 6, flock: lock(b, 12, 1) })), E.EAGAIN);
  const probe = await g.fops.lk(g.frame({ pid: 12, lkOwner: b }), { fd: fb, cmd: 5, flock: lock(b, 12, 1) });
  t.is(probe.flock.type, 1); // F_WRLCK held by the other owner
  t.is(probe.flock.pid, 11);
  await g.fops.lk(g.frame({ pid: 11, lkOwner: a }), { fd: fa, cmd: 6, flock: lock(a, 11, 2) });
  await g.fops.lk(g.frame({ pid: 12, lkOwner: b }), { fd: fb, cmd: 6, flock: lock(b, 12, 1) });
  await g.graph.release(fa);
  await g.graph.release(fb);
});

serial('fd fops, fsetxattr/fgetxattr, ftruncate, fallocate, seek and rchecksum on a real brick', async (t) => {
  const { brick, g } = await setup(t);
  await g.create('/io', Buffer.alloc(8192, 1));
  const { loc } = await g.lookup('/io');
  const fd = new Fd(loc.inode!, constants.O_RDWR);
  const f = () => g.frame();
  await g.fops.open(f(), { loc, flags: constants.O_RDWR, fd });
  t.teardown(() => g.graph.release(fd));
  const w = await g.fops.writev(f(), { fd, data: Buffer.from('abc'), offset: 8192, flags: 0 });
  t.is(w.postbuf.size, 8195);
  t.is((await g.fops.fstat(f(), { fd })).buf.size, 8195);
  await g.fops.fsetxattr(f(), { fd, dict: new Dict().setBin('user.fd', Buffer.from('1')), flags: 0 });
  t.is((await g.fops.fgetxattr(f(), { fd, name: 'user.fd' })).dict.getStr('user.fd'), '1');
  await g.fops.ftruncate(f(), { fd, offset: 4096 });
  t.is(fs.statSync(path.join(brick.dir, 'io')).size, 4096);
  await g.fops.fallocate(f(), { fd, keepSize: 0, offset: 0, len: 65536 });
  t.is(fs.statSync(path.join(brick.dir, 'io')).size, 65536);
  const sk = await g.fops.seek(f(), { fd, offset: 0, what: 0 }); // GF_SEEK_DATA
  t.is(sk.offset, 0);
  await g.fops.fsync(f(), { fd, datasync: 0 });
  const ck = await g.fops.rchecksum(f(), { fd, offset: 0, len: 4096 });
  t.true(ck.strongChecksum.length > 0);
  const r = await g.fops.readv(f(), { fd, size: 3, offset: 0, flags: 0 });
  t.deepEqual(r.data, Buffer.from([1, 1, 1]));
});
