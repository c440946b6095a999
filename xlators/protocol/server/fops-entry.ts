/** Fops on names: lookup and the ones that create, link, remove or rename an entry. */
import { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { gfidFromBuffer, ROOT_GFID } from '../../../runtime/core/gfid.js';
import type { Iatt } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { Call } from './call.js';
import type { FopHandlers } from './handler.js';
import { resultReply } from './reply.js';
import { checkBasename, linkInode, resolveEntry, resolveInode, resolveInodeNow } from './resolve.js';
import { dictArg, gfFlagsToFlags, xd } from './wire.js';

/** Link a new entry's inode under its parent and name. */
function linkNew(c: Call, loc: Loc, res: { inode?: Inode; buf: Iatt }): Inode {
  return linkInode(c, res.inode ?? loc.inode, res.buf, loc.parent, loc.name);
}

export const entryFops = {
  /**
   * Named (pargfid + bname) or nameless (gfid). A named lookup that finds nothing drops the
   * stale dentry, as server4_lookup_cbk does on a failed revalidate.
   */
  async lookup(c, r) {
    const xdata = xd(r.xdata);
    if (r.bname !== '') {
      checkBasename(r.bname);
      const parent = (resolveInodeNow(c, r.pargfid) ?? (await resolveInode(c, r.pargfid))).inode!;
      const loc: Loc = { path: c.itable.path(parent, r.bname), name: r.bname, parent, pargfid: parent.gfid, inode: c.itable.create() };
      try {
        const res = await c.fops.lookup(c.frame, { loc, xdata });
        linkNew(c, loc, res);
        return { value: resultReply('lookup', res) };
      } catch (err) {
        if (err instanceof FopError && err.errno === E.ENOENT) c.itable.unlink(parent, r.bname);
        throw err;
      }
    }
    const gfid = gfidFromBuffer(r.gfid);
    const known = c.hold(c.itable.find(gfid));
    const loc: Loc = gfid === ROOT_GFID
      ? { path: '/', name: '', inode: c.itable.root, gfid }
      : { path: known ? c.itable.path(known) : `<gfid:${gfid}>`, inode: known ?? c.itable.create(), gfid };
    const res = await c.fops.lookup(c.frame, { loc, xdata });
    linkInode(c, res.inode ?? loc.inode, res.buf);
    return { value: resultReply('lookup', res) };
  },

  async mkdir(c, r) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'not');
    const res = await c.fops.mkdir(c.frame, { loc, mode: r.mode, umask: r.umask, xdata: xd(r.xdata) });
    linkNew(c, loc, res);
    return { value: resultReply('mkdir', res) };
  },

  async mknod(c, r) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'not');
    const res = await c.fops.mknod(c.frame, { loc, mode: r.mode, rdev: Number(r.dev), umask: r.umask, xdata: xd(r.xdata) });
    linkNew(c, loc, res);
    return { value: resultReply('mknod', res) };
  },

  async symlink(c, r) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'not');
    const res = await c.fops.symlink(c.frame, { linkname: r.linkname, loc, umask: r.umask, xdata: xd(r.xdata) });
    linkNew(c, loc, res);
    return { value: resultReply('symlink', res) };
  },

  /** create opens too: the new fd gets the client's next free fd number. */
  async create(c, r) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'not');
    const flags = gfFlagsToFlags(r.flags);
    const fd = new Fd(loc.inode!, flags, c.frame.pid);
    const res = await c.fops.create(c.frame, { loc, flags, mode: r.mode, umask: r.umask, fd, xdata: xd(r.xdata) });
    const inode = linkNew(c, loc, res);
    const opened = res.fd ?? fd;
    // The fd was made on the fresh inode; when the table already had the gfid, give it the gfid.
    if (opened.inode !== inode && !opened.inode.linked) (opened.inode.gfid = inode.gfid), (opened.inode.type = inode.type);
    c.itable.ref(opened.inode);
    const n = c.client.fds.add(opened, false);
    return { value: { ...resultReply('create', res), fd: n } };
  },

  async link(c, r) {
    const oldloc = await resolveInode(c, r.oldgfid);
    const newloc = await resolveEntry(c, r.newgfid, r.newbname, 'not');
    const res = await c.fops.link(c.frame, { oldloc, newloc: { ...newloc, inode: oldloc.inode, gfid: oldloc.gfid }, xdata: xd(r.xdata) });
    linkInode(c, res.inode ?? oldloc.inode, res.buf, newloc.parent, newloc.name);
    return { value: resultReply('link', res) };
  },

  async unlink(c, r) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'must');
    const res = await c.fops.unlink(c.frame, { loc, xflag: r.xflags, xdata: xd(r.xdata) });
    c.itable.unlink(loc.parent!, r.bname);
    return { value: resultReply('unlink', res) };
  },

  async rmdir(c, r) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'must');
    const res = await c.fops.rmdir(c.frame, { loc, flags: r.xflags, xdata: xd(r.xdata) });
    c.itable.unlink(loc.parent!, r.bname);
    return { value: resultReply('rmdir', res) };
  },

  async rename(c, r) {
    const oldloc = await resolveEntry(c, r.oldgfid, r.oldbname, 'must');
    const newloc = await resolveEntry(c, r.newgfid, r.newbname, 'may');
    const res = await c.fops.rename(c.frame, { oldloc, newloc, xdata: xd(r.xdata) });
    c.itable.rename(oldloc.parent!, r.oldbname, newloc.parent!, r.newbname);
    return { value: resultReply('rename', res) };
  },

  /** put: create + write + setxattr in one call; the data follows the body. */
  async put(c, r, payload) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'not');
    const data = (payload ?? Buffer.alloc(0)).subarray(0, r.size);
    const res = await c.fops.put(c.frame, {
      loc, mode: r.mode, umask: r.umask, flags: gfFlagsToFlags(r.flag), data, offset: Number(r.offset), xattr: dictArg(r.xattr), xdata: xd(r.xdata),
    });
    linkNew(c, loc, res);
    return { value: resultReply('put', res) };
  },

  /** icreate: an inode with the given gfid and no name yet (namelink names it). */
  async icreate(c, r) {
    const gfid = gfidFromBuffer(r.gfid);
    const loc: Loc = { path: `<gfid:${gfid}>`, inode: c.itable.create(), gfid };
    const res = await c.fops.icreate(c.frame, { loc, mode: r.mode, xdata: xd(r.xdata) });
    linkInode(c, res.inode ?? loc.inode, res.buf);
    return { value: resultReply('icreate', res) };
  },

  async namelink(c, r) {
    const loc = await resolveEntry(c, r.pargfid, r.bname, 'not');
    const res = await c.fops.namelink(c.frame, { loc, xdata: xd(r.xdata) });
    return { value: resultReply('namelink', res) };
  },
} satisfies Partial<FopHandlers>;
