import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dict } from '../../runtime/core/dict.js';
import { Fd } from '../../runtime/core/fd.js';
import { E } from '../../runtime/core/fop-error.js';
import { gfidToBuffer, newGfid, ROOT_GFID } from '../../runtime/core/gfid.js';
import { IaType } from '../../runtime/core/iatt.js';
import { native } from '../../native/index.js';
import { handlePath, locOf, posixGraph, type Ctx } from './helpers.js';
import type { PosixState } from '../../xlators/storage/posix/state.js';

const errno = (code: keyof typeof E) => ({ message: new RegExp(`^${code}`) });

function outsideDir(t: Ctx): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-outside-'));
  fs.writeFileSync(path.join(dir, 'secret'), 'secret');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Plant a handle for `gfid` whose content is chosen by the attacker. */
function plantHandle(brick: string, gfid: string, target: string): void {
  const h = handlePath(brick, gfid);
  fs.mkdirSync(path.dirname(h), { recursive: true });
  fs.symlinkSync(target, h);
}

const BAD_NAMES = ['', '.', '..', 'a/b', '../etc', 'x\0y'];

test('names that are empty, . or .., or hold / or NUL are refused with EINVAL by every entry fop', async (t) => {
  const g = await posixGraph(t);
  await g.create('/f');
  const root = await locOf(g, '/');
  const base = { parent: root.inode, pargfid: ROOT_GFID };
  for (const name of BAD_NAMES) {
    const loc = { path: `/${name}`, name, ...base, inode: g.graph.itable.create() };
    await t.throwsAsync(g.fops.lookup(g.frame(), { loc }), errno('EINVAL'), `lookup ${JSON.stringify(name)}`);
    await t.throwsAsync(g.fops.mkdir(g.frame(), { loc, mode: 0o755, umask: 0 }), errno('EINVAL'));
    await t.throwsAsync(g.fops.mknod(g.frame(), { loc, mode: 0o10644, rdev: 0, umask: 0 }), errno('EINVAL'));
    await t.throwsAsync(g.fops.symlink(g.frame(), { linkname: 'x', loc, umask: 0 }), errno('EINVAL'));
    await t.throwsAsync(g.fops.create(g.frame(), { loc, flags: 0o101, mode: 0o644, umask: 0, fd: new Fd(loc.inode, 0) }), errno('EINVAL'));
    await t.throwsAsync(g.fops.unlink(g.frame(), { loc, xflag: 0 }), errno('EINVAL'));
    await t.throwsAsync(g.fops.rmdir(g.frame(), { loc, flags: 0 }), errno('EINVAL'));
    await t.throwsAsync(g.fops.rename(g.frame(), { oldloc: await locOf(g, '/f'), newloc: loc }), errno('EINVAL'));
    await t.throwsAsync(g.fops.link(g.frame(), { oldloc: await locOf(g, '/f'), newloc: loc }), errno('EINVAL'));
  }
  t.deepEqual(fs.readdirSync(g.dir).sort(), ['.glusterfs', 'f']);
});

test('.glusterfs at the brick root cannot be looked up, created or renamed over', async (t) => {
  const g = await posixGraph(t);
  await g.mkdir('/d');
  await t.throwsAsync(g.lookup('/.glusterfs'), errno('EPERM'));
  await t.throwsAsync(g.mkdir('/.glusterfs'), errno('EPERM'));
  await t.throwsAsync(g.fops.rename(g.frame(), { oldloc: await locOf(g, '/d'), newloc: await g.newLoc('/.glusterfs').catch(() => ({ path: '/.glusterfs', name: '.glusterfs', pargfid: ROOT_GFID })) }), errno('EPERM'));
  // a .glusterfs deeper down is an ordinary name
  await g.mkdir('/d/.glusterfs');
});

test('a path-only loc cannot climb out with ..', async (t) => {
  const g = await posixGraph(t);
  await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: '/../../etc/passwd' } }), errno('EINVAL'));
  await t.throwsAsync(g.fops.mkdir(g.frame(), { loc: { path: '/../escape' }, mode: 0o755, umask: 0 }), errno('EINVAL'));
  await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: '/.glusterfs/00/00' } }), errno('EPERM'));
});

test('a symlink planted in the brick pointing outside is never followed', async (t) => {
  const g = await posixGraph(t);
  const out = outsideDir(t);
  fs.symlinkSync(out, path.join(g.dir, 'evil'));
  // A gfid-less entry younger than a second is taken for one still being created (posix_gfid_heal).
  await new Promise((r) => setTimeout(r, 1100));
  const { loc, buf } = await g.lookup('/evil');
  t.is(buf.type, IaType.LNK);
  // using the symlink as a parent directory
  const child = { path: '/evil/secret', name: 'secret', parent: loc.inode, pargfid: buf.gfid, inode: g.graph.itable.create() };
  await t.throwsAsync(g.fops.lookup(g.frame(), { loc: child }));
  await t.throwsAsync(g.fops.create(g.frame(), { loc: { ...child, name: 'new' }, flags: 0o101, mode: 0o644, umask: 0, fd: new Fd(child.inode, 0) }));
  await t.throwsAsync(g.fops.mkdir(g.frame(), { loc: { ...child, name: 'newdir' }, mode: 0o755, umask: 0 }));
  // opening, truncating or setting xattrs on the symlink itself does not reach its target
  await t.throwsAsync(g.fops.open(g.frame(), { loc, flags: fs.constants.O_RDWR, fd: new Fd(loc.inode!, 0) }), errno('ELOOP'));
  await t.throwsAsync(g.fops.truncate(g.frame(), { loc, offset: 0 }), errno('EINVAL'));
  await g.fops.setxattr(g.frame(), { loc, dict: new Dict().setStr('trusted.x', 'y'), flags: 0 });
  t.deepEqual(native.llistxattrSync(out), []);
  // path-only locs through it
  await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: '/evil/secret' } }), errno('ELOOP'));
  t.deepEqual(fs.readdirSync(out), ['secret']);
  t.is(fs.readFileSync(path.join(out, 'secret'), 'utf8'), 'secret');
});

test('a directory swapped for a symlink after it got its gfid is never reached through the symlink: a brick resolving the gfid refuses it, one that had it open keeps the directory itself until its fd ages out, then refuses', async (t) => {
  let clock = Date.now();
  const g = await posixGraph(t);
  brickClock(g, () => clock);
  const out = outsideDir(t);
  const d = await g.mkdir('/d');
  const sub = await g.mkdir('/d/sub');
  const subLoc = await locOf(g, '/d/sub');
  await g.create('/d/sub/f'); // g now has the directory open
  fs.renameSync(path.join(g.dir, 'd/sub'), path.join(g.dir, 'd/sub.real'));
  fs.symlinkSync(out, path.join(g.dir, 'd/sub'));
  // A brick started now resolves the gfid through the handle chain, which meets the symlink.
  const fresh = await posixGraph(t, {}, g.dir);
  const newLoc = () => ({ path: '/d/sub/x', name: 'x', parent: subLoc.inode, pargfid: sub.gfid, inode: g.graph.itable.create() });
  await t.throwsAsync(fresh.fops.mkdir(fresh.frame(), { loc: newLoc(), mode: 0o755, umask: 0 }), errno('ESTALE'));
  await t.throwsAsync(fresh.fops.stat(fresh.frame(), { loc: { path: 'x', gfid: sub.gfid } }), errno('ESTALE'));
  // The brick that created it still holds the directory's own fd (kept for a second): the mkdir
  // lands in the real directory. Once that fd has aged out, it is refused as above.
  await g.fops.mkdir(g.frame(), { loc: newLoc(), mode: 0o755, umask: 0 });
  t.true(fs.statSync(path.join(g.dir, 'd/sub.real/x')).isDirectory());
  clock += 1500;
  const later = { ...newLoc(), path: '/d/sub/y', name: 'y' };
  await t.throwsAsync(g.fops.mkdir(g.frame(), { loc: later, mode: 0o755, umask: 0 }), errno('ESTALE'));
  t.false(fs.existsSync(path.join(g.dir, 'd/sub.real/y')));
  // also when the swapped directory is higher up the chain
  fs.unlinkSync(path.join(g.dir, 'd/sub'));
  fs.renameSync(path.join(g.dir, 'd/sub.real'), path.join(g.dir, 'd/sub'));
  fs.renameSync(path.join(g.dir, 'd'), path.join(g.dir, 'd.real'));
  fs.symlinkSync(path.join(g.dir, 'd.real'), path.join(g.dir, 'd'));
  await t.throwsAsync(fresh.fops.stat(fresh.frame(), { loc: { path: 'x', gfid: sub.gfid } }), errno('ESTALE'));
  await t.throwsAsync(fresh.fops.stat(fresh.frame(), { loc: { path: 'x', gfid: d.gfid } }), errno('ESTALE'));
  t.deepEqual(fs.readdirSync(out), ['secret']);
});

test('forged gfid handles pointing outside the brick, or at the wrong object, are refused', async (t) => {
  const g = await posixGraph(t);
  const out = outsideDir(t);
  await g.mkdir('/real');
  fs.symlinkSync(out, path.join(g.dir, 'inside-link'));
  const cases: [string, string][] = [
    ['absolute', out],
    ['dot-dot escape', '../../../../../../../../../../' + out],
    ['well-formed into a planted symlink', `../../00/00/${ROOT_GFID}/inside-link`],
    ['well-formed but a name with a slash', `../../00/00/${ROOT_GFID}/real/../../..`],
    ['well-formed to a directory with another gfid', `../../00/00/${ROOT_GFID}/real`],
    ['root form for a non-root gfid', '../../..'],
  ];
  for (const [what, target] of cases) {
    const gfid = newGfid();
    plantHandle(g.dir, gfid, target);
    await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: 'x', gfid } }), errno('ESTALE'), what);
    await t.throwsAsync(g.fops.lookup(g.frame(), { loc: { path: 'x', gfid } }), errno('ENOENT'), what);
    const child = { path: 'x/new', name: 'new', pargfid: gfid };
    await t.throwsAsync(g.fops.mkdir(g.frame(), { loc: child, mode: 0o755, umask: 0 }), undefined, what);
  }
  // a hard link planted as a handle must carry the gfid it is filed under
  const gfid = newGfid();
  fs.mkdirSync(path.dirname(handlePath(g.dir, gfid)), { recursive: true });
  fs.writeFileSync(path.join(g.dir, 'plain'), 'p');
  fs.linkSync(path.join(g.dir, 'plain'), handlePath(g.dir, gfid));
  await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: 'x', gfid } }), errno('ESTALE'));
  // a hash directory replaced by a symlink to outside (under a first byte no gfid here has yet:
  // a fixed one collided with the random gfids above about one run in 60)
  const used = new Set(fs.readdirSync(path.join(g.dir, '.glusterfs')));
  const prefix = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).find((p) => !used.has(p))!;
  const gfid2 = `${prefix}cdef01-0000-4000-8000-000000000000`;
  fs.mkdirSync(path.join(out, 'cd'));
  native.lsetxattrSync(path.join(out, 'secret'), 'trusted.gfid', gfidToBuffer(gfid2));
  fs.linkSync(path.join(out, 'secret'), path.join(out, 'cd', gfid2));
  fs.symlinkSync(out, path.join(g.dir, '.glusterfs', prefix));
  await t.throwsAsync(g.fops.stat(g.frame(), { loc: { path: 'x', gfid: gfid2 } }), errno('ESTALE'));
  t.deepEqual(fs.readdirSync(out).sort(), ['cd', 'secret']);
});

test('a hash directory (.glusterfs/xx/yy) moved aside behind the brick is still served through its kept fd for up to a minute, then opened afresh by path', async (t) => {
  let clock = Date.now();
  const g = await posixGraph(t);
  brickClock(g, () => clock);
  const f = await g.create('/f');
  const stat = () => g.fops.stat(g.frame(), { loc: { path: '', gfid: f.gfid } });
  t.is((await stat()).buf.gfid, f.gfid);
  // Someone moves the hash directory aside and leaves an empty one in its place.
  const hashDir = path.dirname(handlePath(g.dir, f.gfid));
  fs.renameSync(hashDir, `${hashDir}.aside`);
  fs.mkdirSync(hashDir, { mode: 0o700 });
  // The kept fd follows the directory it was opened on: a second later the handle is still found.
  clock += 1500;
  t.is((await stat()).buf.gfid, f.gfid);
  // After a minute the path is opened again: the empty directory has no handle for the gfid.
  clock += 60_000;
  await t.throwsAsync(stat(), errno('ESTALE'));
});

/** The clock this test brick's kept fds age by (the resolver's; other bricks keep theirs). */
function brickClock(g: { graph: { get(name: string): { priv: unknown } | undefined } }, now: () => number): void {
  (g.graph.get('brick')!.priv as PosixState).resolver.now = now;
}
