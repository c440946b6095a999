/** Requests on names and inodes: lookup, attributes, links, renames, xattrs, statfs. */
import { Dict } from '../../../../runtime/core/dict.js';
import { E, FopError } from '../../../../runtime/core/fop-error.js';
import { ROOT_GFID } from '../../../../runtime/core/gfid.js';
import type { Iatt } from '../../../../runtime/core/iatt.js';
import type { Inode } from '../../../../runtime/core/inode.js';
import type { Loc } from '../../../../runtime/core/loc.js';
import { Fattr } from '../kernel/abi.js';
import type { AttrReply, Entry, RequestContext, SetattrIn, Statfs } from '../kernel/types.js';
import { devFromKernel, toAttr, toSetattr, toStatfs } from './attr.js';
import { securityXattrRefused, type BridgeCore } from './core.js';
import { dropSuidSeen, dropSuidShown } from './suid.js';

const RENAME_NOREPLACE = 1;

const ZERO_ATTR = { ino: 0n, size: 0, blocks: 0, atime: { sec: 0, nsec: 0 }, mtime: { sec: 0, nsec: 0 }, ctime: { sec: 0, nsec: 0 }, mode: 0, nlink: 0, uid: 0, gid: 0, rdev: 0, blksize: 0 };

/**
 * LOOKUP. A missing name is answered as an entry with nodeid 0, cached for negative-timeout (0:
 * not at all): the kernel takes nodeid 0 as ENOENT (fuse_lookup_name, fuse_dentry_revalidate),
 * so the answer is the same as an ENOENT reply. Handlers instead of await: a create and a rename
 * each start with such a lookup, and a rejection awaited in an async function is thrown into it
 * and rethrown out of it at each level (0.3-0.4 µs of the mount's CPU per missing name).
 */
export function lookup(b: BridgeCore, ctx: RequestContext, name: string): Promise<Entry> {
  const parent = b.nodes.inode(ctx.nodeid);
  // A name the table knows is looked up with its inode (a revalidation, as fuse_lookup does with
  // inode_grep): translators then refresh that inode's state (a directory's layout, a moved
  // file's subvolume) instead of a throwaway inode's that the link below would discard.
  const loc = b.entryLoc(parent, name, true);
  return b.fops.lookup(b.frame(ctx), { loc }).then(
    (res) =>
      loc.gfid !== undefined && res.buf.gfid !== loc.gfid
        ? lookupAfresh(b, ctx, parent, name) // the name now names another object
        : b.entry(b.link(res.inode, res.buf, parent, name), res.buf),
    (err: unknown) => missing(b, parent, name, err),
  );
}

/** The name now names another object: look it up afresh, so the old inode keeps its gfid. */
function lookupAfresh(b: BridgeCore, ctx: RequestContext, parent: Inode, name: string): Promise<Entry> {
  return b.fops.lookup(b.frame(ctx), { loc: b.entryLoc(parent, name) }).then(
    (res) => b.entry(b.link(res.inode, res.buf, parent, name), res.buf),
    (err: unknown) => missing(b, parent, name, err),
  );
}

function missing(b: BridgeCore, parent: Inode, name: string, err: unknown): Entry {
  if (!(err instanceof FopError) || err.errno !== E.ENOENT) throw err;
  b.itable.unlink(parent, name); // the name is gone behind our back
  return { nodeid: 0n, generation: 0n, entryValid: b.opts.negativeTimeout, attrValid: 0, attr: ZERO_ATTR };
}

function attrReply(b: BridgeCore, inode: Inode, buf: Iatt): AttrReply {
  b.attrsSeen(inode, buf);
  return { attr: toAttr(buf), attrValid: b.opts.attributeTimeout };
}

export async function getattr(b: BridgeCore, ctx: RequestContext, fh: bigint | undefined): Promise<AttrReply> {
  const inode = b.nodes.inode(ctx.nodeid);
  const kept = b.takeKeptAttrs(inode);
  if (kept) return attrReply(b, inode, kept);
  const frame = b.frame(ctx, undefined, false);
  if (fh !== undefined && b.fds.get(Number(fh))) return attrReply(b, inode, (await b.fops.fstat(frame, { fd: b.fd(fh) })).buf);
  return attrReply(b, inode, (await b.fops.stat(frame, { loc: b.locOf(inode) })).buf);
}

/** SIZE goes as (f)truncate first, the rest as one (f)setattr, as GlusterFS's fuse_setattr does. */
export async function setattr(b: BridgeCore, ctx: RequestContext, s: SetattrIn): Promise<AttrReply> {
  const inode = b.nodes.inode(ctx.nodeid);
  const frame = b.frame(ctx);
  const fd = s.valid & Fattr.FH ? b.fds.get(Number(s.fh)) : undefined;
  const loc = b.locOf(inode);
  let buf: Iatt | undefined;
  // Our own truncate or utimes: its new mtime is expected (changedHere), not taken for a change
  // made elsewhere; the kernel cuts its own pages past a new size.
  if (s.valid & Fattr.SIZE) {
    // A truncate by a caller without CAP_FSETID clears suid bits (HANDLE_KILLPRIV_V2), unless
    // the same request sets the mode itself.
    const killSuid = (s.valid & (Fattr.KILL_SUIDGID | Fattr.MODE)) === Fattr.KILL_SUIDGID;
    if (killSuid) await dropSuidSeen(b, ctx, inode, fd);
    const r = fd ? await b.fops.ftruncate(frame, { fd, offset: s.size }) : await b.fops.truncate(frame, { loc, offset: s.size });
    b.changedHere(inode, r.prebuf, r.postbuf);
    buf = r.postbuf;
    if (killSuid) buf = (await dropSuidShown(b, ctx, inode, fd, buf)) ?? buf;
  }
  const rest = s.valid & ~(Fattr.SIZE | Fattr.FH | Fattr.LOCKOWNER | Fattr.KILL_SUIDGID);
  if (rest !== 0) {
    const base = buf ?? (fd ? (await b.fops.fstat(frame, { fd })).buf : (await b.fops.stat(frame, { loc })).buf);
    const { valid, stbuf } = toSetattr(s, base);
    const r = fd ? await b.fops.fsetattr(frame, { fd, stbuf, valid }) : await b.fops.setattr(frame, { loc, stbuf, valid });
    b.changedHere(inode, r.statpre, r.statpost);
    buf = r.statpost;
  }
  buf ??= (await b.fops.stat(frame, { loc })).buf;
  return attrReply(b, inode, buf);
}

export async function readlink(b: BridgeCore, ctx: RequestContext): Promise<string> {
  const res = await b.fops.readlink(b.frame(ctx), { loc: b.locOf(b.nodes.inode(ctx.nodeid)), size: 4096 });
  return res.path;
}

/** The shared tail of mkdir, mknod, symlink: link the new inode and answer with an entry. */
async function made(b: BridgeCore, ctx: RequestContext, name: string, make: (loc: Loc) => Promise<{ inode: Inode; buf: Iatt; postparent?: Iatt }>): Promise<Entry> {
  const parent = b.nodes.inode(ctx.nodeid);
  const loc = b.entryLoc(parent, name);
  const res = await make(loc);
  b.parentSeen(parent, res.postparent);
  return b.entry(b.link(res.inode, res.buf, parent, name), res.buf);
}

export const symlink = (b: BridgeCore, ctx: RequestContext, name: string, target: string) =>
  made(b, ctx, name, (loc) => b.fops.symlink(b.frame(ctx), { linkname: target, loc, umask: 0 }));

export const mknod = (b: BridgeCore, ctx: RequestContext, name: string, mode: number, rdev: number, umask: number) =>
  made(b, ctx, name, (loc) => b.fops.mknod(b.frame(ctx), { loc, mode, rdev: Number(devFromKernel(rdev)), umask }));

export const mkdir = (b: BridgeCore, ctx: RequestContext, name: string, mode: number, umask: number) =>
  made(b, ctx, name, (loc) => b.fops.mkdir(b.frame(ctx), { loc, mode: mode | 0o040000, umask }));

export async function unlink(b: BridgeCore, ctx: RequestContext, name: string, dir: boolean): Promise<void> {
  const parent = b.nodes.inode(ctx.nodeid);
  const { loc } = await b.resolveEntry(ctx, parent, name);
  b.forgetKeptAttrs(loc.inode); // its link count and ctime change (other names may remain)
  const res = dir ? await b.fops.rmdir(b.frame(ctx), { loc, flags: 0 }) : await b.fops.unlink(b.frame(ctx), { loc, xflag: 0 });
  b.itable.unlink(parent, name);
  b.nameRemoved(parent, name);
  b.parentSeen(parent, res.postparent);
}

export async function rename(b: BridgeCore, ctx: RequestContext, name: string, newdir: bigint, newname: string, flags: number): Promise<void> {
  if (flags & ~RENAME_NOREPLACE) throw new FopError(E.EINVAL, 'RENAME_EXCHANGE and RENAME_WHITEOUT are not supported');
  const oldParent = b.nodes.inode(ctx.nodeid);
  const newParent = b.nodes.inode(newdir);
  const { loc: oldloc } = await b.resolveEntry(ctx, oldParent, name);
  // A target the table does not know is one the kernel just looked up and did not find: it goes
  // down without an inode, as GlusterFS's fuse_rename sends it (no second lookup of our own).
  const newloc = b.entryLoc(newParent, newname, true);
  if (flags & RENAME_NOREPLACE) {
    // NOREPLACE has no fop flag: a lookup decides (racy across mounts, as in GlusterFS).
    const found = await b.resolveEntry(ctx, newParent, newname).catch((err: unknown) => {
      if (err instanceof FopError && err.errno === E.ENOENT) return undefined;
      throw err;
    });
    if (found) throw new FopError(E.EEXIST);
  }
  b.forgetKeptAttrs(oldloc.inode); // its ctime changes
  b.forgetKeptAttrs(newloc.inode); // a replaced target's link count changes
  const res = await b.fops.rename(b.frame(ctx), { oldloc, newloc });
  b.itable.rename(oldParent, name, newParent, newname);
  b.nameRemoved(oldParent, name);
  b.nameRemoved(newParent, newname); // a listing read before holds the file it replaced
  b.parentSeen(oldParent, res.postoldparent);
  if (newParent !== oldParent) b.parentSeen(newParent, res.postnewparent);
}

export async function link(b: BridgeCore, ctx: RequestContext, oldnodeid: bigint, newname: string): Promise<Entry> {
  const inode = b.nodes.inode(oldnodeid);
  const parent = b.nodes.inode(ctx.nodeid);
  const newloc = b.entryLoc(parent, newname);
  const res = await b.fops.link(b.frame(ctx), { oldloc: b.locOf(inode), newloc: { ...newloc, inode, gfid: inode.gfid } });
  b.parentSeen(parent, res.postparent);
  return b.entry(b.link(res.inode ?? inode, res.buf, parent, newname), res.buf);
}

export async function statfs(b: BridgeCore, ctx: RequestContext): Promise<Statfs> {
  const root = b.itable.root;
  const res = await b.fops.statfs(b.frame(ctx, undefined, false), { loc: { path: '/', name: '', inode: root, gfid: ROOT_GFID } });
  return toStatfs(res.buf);
}

export async function access(b: BridgeCore, ctx: RequestContext, mask: number): Promise<void> {
  await b.fops.access(b.frame(ctx), { loc: b.locOf(b.nodes.inode(ctx.nodeid)), mask });
}

export async function setxattr(b: BridgeCore, ctx: RequestContext, name: string, value: Buffer, flags: number): Promise<void> {
  if (securityXattrRefused(b.opts, name)) throw new FopError(E.EOPNOTSUPP, `${name} needs the mount option ${name === 'security.selinux' ? 'selinux' : 'capability'}`);
  const dict = new Dict().setBin(name, Buffer.from(value));
  const inode = b.nodes.inode(ctx.nodeid);
  b.forgetKeptAttrs(inode); // its ctime changes
  await b.fops.setxattr(b.frame(ctx), { loc: b.locOf(inode), dict, flags });
}

export async function getxattr(b: BridgeCore, ctx: RequestContext, name: string): Promise<Buffer> {
  if (securityXattrRefused(b.opts, name)) throw FopError.of(E.ENODATA);
  const res = await b.fops.getxattr(b.frame(ctx), { loc: b.locOf(b.nodes.inode(ctx.nodeid)), name });
  const d = res.dict.get(name);
  if (d === undefined) throw FopError.of(E.ENODATA);
  // A string value (a virtual xattr such as pathinfo) goes out with its NUL, as GlusterFS's
  // fuse_xattr_cbk sends data->len of a string; file xattrs are bytes and go as they are.
  if (d.type === 'str') return Buffer.from(`${d.value}\0`, 'utf8');
  const v = res.dict.getBin(name);
  if (v === undefined) throw FopError.of(E.ENODATA);
  return v;
}

export async function listxattr(b: BridgeCore, ctx: RequestContext): Promise<string[]> {
  const res = await b.fops.getxattr(b.frame(ctx), { loc: b.locOf(b.nodes.inode(ctx.nodeid)) });
  return [...res.dict.keys()];
}

export async function removexattr(b: BridgeCore, ctx: RequestContext, name: string): Promise<void> {
  const inode = b.nodes.inode(ctx.nodeid);
  b.forgetKeptAttrs(inode); // its ctime changes
  await b.fops.removexattr(b.frame(ctx), { loc: b.locOf(inode), name });
}
