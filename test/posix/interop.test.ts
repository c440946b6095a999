import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dict } from '../../runtime/core/dict.js';
import { gfidFromBuffer, ROOT_GFID } from '../../runtime/core/gfid.js';
import { IaType } from '../../runtime/core/iatt.js';
import { native } from '../../native/index.js';
import { diskGfid, handlePath, locOf, posixGraph } from './helpers.js';
import { HAVE_REAL_GLUSTER, realMount } from './real-gluster.js';
import { needing } from '../helpers/needs.js';

// Real glusterfsd and FUSE mounts: one at a time.
const serial = needing(HAVE_REAL_GLUSTER, 'real GlusterFS (glusterfs-server, glusterfs-client)');

function workDir(t: { teardown(fn: () => void): void }): { work: string; brick: string } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-interop-'));
  const brick = path.join(work, 'brick');
  fs.mkdirSync(brick);
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  return { work, brick };
}

const BIG = Buffer.alloc(300_000, 'z');

serial('a brick written by real GlusterFS 10 is served by our posix: content, gfids, handles, xattrs', async (t) => {
  const { work, brick } = workDir(t);
  const real = await realMount(work, brick);
  t.teardown(() => real.stop());
  const m = (p: string) => path.join(real.mnt, p);
  fs.mkdirSync(m('d/e/deep'), { recursive: true });
  fs.writeFileSync(m('d/f'), 'written by real glusterfs');
  fs.writeFileSync(m('d/big'), BIG);
  fs.linkSync(m('d/f'), m('d/hard'));
  fs.symlinkSync('f', m('d/l'));
  native.lsetxattrSync(m('d/f'), 'user.origin', 'real');
  fs.renameSync(m('d/e'), m('moved'));
  fs.writeFileSync(m('moved/deep/x'), 'deep');
  await real.stop();

  const g = await posixGraph(t, {}, brick);
  t.deepEqual((await g.readdir('/')).sort(), ['d', 'moved']);
  t.deepEqual((await g.readdir('/d')).sort(), ['big', 'f', 'hard', 'l']);
  t.is((await g.read('/d/f')).toString(), 'written by real glusterfs');
  t.deepEqual(await g.read('/d/big'), BIG);
  t.is((await g.read('/moved/deep/x')).toString(), 'deep');
  for (const p of ['d', 'd/f', 'd/l', 'moved', 'moved/deep', 'moved/deep/x']) {
    const { buf } = await g.lookup(`/${p}`);
    t.is(buf.gfid, diskGfid(path.join(brick, p)), `gfid of ${p}`);
    // nameless lookup goes through real GlusterFS's handle
    const nameless = await g.fops.lookup(g.frame(), { loc: { path: `<gfid:${buf.gfid}>`, gfid: buf.gfid } });
    t.is(nameless.buf.gfid, buf.gfid);
  }
  const f = await g.lookup('/d/f');
  t.is(f.buf.nlink, 2);
  t.is((await g.lookup('/d/hard')).buf.gfid, f.buf.gfid);
  t.is((await g.fops.readlink(g.frame(), { loc: await locOf(g, '/d/l'), size: 100 })).path, 'f');
  t.is((await g.fops.getxattr(g.frame(), { loc: f.loc, name: 'user.origin' })).dict.getStr('user.origin'), 'real');
  t.is((await g.lookup('/d/l')).buf.type, IaType.LNK);
  // ours writes into directories real GlusterFS made (their handle chain, after a rename)
  await g.create('/moved/deep/ours', 'ours');
  const ours = await g.lookup('/moved/deep/ours');
  t.is(fs.statSync(handlePath(brick, ours.buf.gfid)).ino, fs.statSync(path.join(brick, 'moved/deep/ours')).ino);
  t.is(gfidFromBuffer(native.lgetxattrSync(brick, 'trusted.gfid')), ROOT_GFID);
});

serial('a brick written by our posix is served by real glusterfsd, which can add to it', async (t) => {
  const { work, brick } = workDir(t);
  const g = await posixGraph(t, {}, brick);
  await g.mkdir('/d');
  await g.mkdir('/d/e');
  await g.mkdir('/d/e/deep');
  await g.create('/d/f', 'written by gfs', 0o640);
  await g.create('/d/big', BIG);
  await g.fops.link(g.frame(), { oldloc: await locOf(g, '/d/f'), newloc: await g.newLoc('/d/hard') });
  await g.fops.symlink(g.frame(), { linkname: 'f', loc: await g.newLoc('/d/l'), umask: 0 });
  const f = await g.lookup('/d/f');
  await g.fops.setxattr(g.frame(), { loc: f.loc, dict: new Dict().setStr('user.origin', 'gfs'), flags: 0 });
  await g.fops.rename(g.frame(), { oldloc: await locOf(g, '/d/e'), newloc: await g.newLoc('/moved') });
  const deep = await g.lookup('/moved/deep');
  await g.stop();

  const real = await realMount(work, brick);
  t.teardown(() => real.stop());
  const m = (p: string) => path.join(real.mnt, p);
  t.deepEqual(fs.readdirSync(real.mnt).sort(), ['d', 'moved']);
  t.deepEqual(fs.readdirSync(m('d')).sort(), ['big', 'f', 'hard', 'l']);
  t.is(fs.readFileSync(m('d/f'), 'utf8'), 'written by gfs');
  t.deepEqual(fs.readFileSync(m('d/big')), BIG);
  const st = fs.statSync(m('d/f'));
  t.is(st.mode & 0o777, 0o640);
  t.is(st.nlink, 2);
  t.is(st.size, 14);
  t.is(fs.statSync(m('d/hard')).ino, st.ino);
  t.is(fs.readlinkSync(m('d/l')), 'f');
  t.is(native.lgetxattrSync(m('d/f'), 'user.origin').toString(), 'gfs');
  t.is(native.lgetxattrSync(m('d/f'), 'glusterfs.gfid.string').toString(), f.buf.gfid);
  t.is(native.lgetxattrSync(m('moved/deep'), 'glusterfs.gfid.string').toString(), deep.buf.gfid);
  // real GlusterFS adds to it, in directories we made
  fs.writeFileSync(m('moved/deep/by-real'), 'real');
  fs.mkdirSync(m('moved/deep/realdir'));
  fs.renameSync(m('d/f'), m('moved/f2'));
  fs.unlinkSync(m('d/big'));
  await real.stop();

  const g2 = await posixGraph(t, {}, brick);
  t.is((await g2.read('/moved/deep/by-real')).toString(), 'real');
  t.is((await g2.read('/moved/f2')).toString(), 'written by gfs');
  t.is((await g2.lookup('/moved/f2')).buf.gfid, f.buf.gfid);
  const rd = await g2.lookup('/moved/deep/realdir');
  t.is(rd.buf.gfid, diskGfid(path.join(brick, 'moved/deep/realdir')));
  t.deepEqual((await g2.readdir('/d')).sort(), ['hard', 'l']);
});
