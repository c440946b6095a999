/** Fops on open files and directories: open/opendir hand out fd numbers, release takes them back. */
import { Fd } from '../../../runtime/core/fd.js';
import { E } from '../../../runtime/core/fop-error.js';
import { IaType } from '../../../runtime/core/iatt.js';
import { dictToWire, emptyIattx, flockToWire, iattFromWire } from '../../../rpc/programs/convert.js';
import type { Call } from './call.js';
import type { FopHandlers } from './handler.js';
import { iattx, resultReply } from './reply.js';
import { linkInode, resolveInode } from './resolve.js';
import { dictArg, gfFlagsToFlags, lockArgs, xd } from './wire.js';

/** Forget an fd number; the translators' release runs once no call uses the fd. */
async function releaseNumber(c: Call, n: bigint, dir: boolean): Promise<void> {
  const gone = await c.client.fds.remove(n);
  if (!gone) return;
  await c.graph.release(gone.fd, gone.dir || dir);
  c.itable.unref(gone.fd.inode);
}

/** End of directory goes on the wire as posix_do_readdir sends it: op_errno ENOENT with the entries. */
const eofErrno = (eof: boolean | undefined) => (eof ? { op_errno: E.ENOENT } : {});

export const fdFops = {
  async open(c, r) {
    const loc = await resolveInode(c, r.gfid);
    const flags = gfFlagsToFlags(r.flags);
    const fd = new Fd(loc.inode!, flags, c.frame.pid);
    const res = await c.fops.open(c.frame, { loc, flags, fd, xdata: xd(r.xdata) });
    const opened = res.fd ?? fd;
    c.itable.ref(opened.inode);
    return { value: { ...resultReply('open', res), fd: c.client.fds.add(opened, false) } };
  },

  async opendir(c, r) {
    const loc = await resolveInode(c, r.gfid);
    const fd = new Fd(loc.inode!, 0, c.frame.pid);
    const res = await c.fops.opendir(c.frame, { loc, fd, xdata: xd(r.xdata) });
    const opened = res.fd ?? fd;
    c.itable.ref(opened.inode);
    return { value: { ...resultReply('opendir', res), fd: c.client.fds.add(opened, true) } };
  },

  async release(c, r) {
    await releaseNumber(c, r.fd, false);
    return { value: resultReply('release', {}) };
  },

  async releasedir(c, r) {
    await releaseNumber(c, r.fd, true);
    return { value: resultReply('releasedir', {}) };
  },

  /** The data read travels after gfx_read_rsp; op_ret is its length. */
  async readv(c, r) {
    const fd = await c.fd(r.fd, r.gfid, false);
    // The data may come back still in a pipe: the connection splices it to the socket.
    c.frame.pipedReads = true;
    const res = await c.fops.readv(c.frame, { fd, size: r.size, offset: Number(r.offset), flags: r.flag, xdata: xd(r.xdata) });
    return { value: { ...resultReply('readv', res, res.data.length), size: res.data.length }, payload: res.data };
  },

  async writev(c, r, payload) {
    const fd = await c.fd(r.fd, r.gfid, false);
    const data = (payload ?? Buffer.alloc(0)).subarray(0, r.size);
    const res = await c.fops.writev(c.frame, { fd, data, offset: Number(r.offset), flags: r.flag, xdata: xd(r.xdata) });
    return { value: resultReply('writev', res, data.length) };
  },

  async flush(c, r) {
    const res = await c.fops.flush(c.frame, { fd: await c.fd(r.fd, r.gfid), xdata: xd(r.xdata) });
    return { value: resultReply('flush', res) };
  },

  async fsync(c, r) {
    const res = await c.fops.fsync(c.frame, { fd: await c.fd(r.fd, r.gfid), datasync: r.data, xdata: xd(r.xdata) });
    return { value: resultReply('fsync', res) };
  },

  async fsyncdir(c, r) {
    const res = await c.fops.fsyncdir(c.frame, { fd: await c.fd(r.fd, r.gfid, true), datasync: r.data, xdata: xd(r.xdata) });
    return { value: resultReply('fsyncdir', res) };
  },

  async fstat(c, r) {
    const res = await c.fops.fstat(c.frame, { fd: await c.fd(r.fd, r.gfid), xdata: xd(r.xdata) });
    return { value: resultReply('fstat', res) };
  },

  async ftruncate(c, r) {
    const res = await c.fops.ftruncate(c.frame, { fd: await c.fd(r.fd, r.gfid, false), offset: Number(r.offset), xdata: xd(r.xdata) });
    return { value: resultReply('ftruncate', res) };
  },

  async fsetattr(c, r) {
    const res = await c.fops.fsetattr(c.frame, { fd: await c.fd(r.fd, r.gfid), stbuf: iattFromWire(r.stbuf), valid: r.valid, xdata: xd(r.xdata) });
    return { value: resultReply('fsetattr', res) };
  },

  async fsetxattr(c, r) {
    const res = await c.fops.fsetxattr(c.frame, { fd: await c.fd(r.fd, r.gfid), dict: dictArg(r.dict), flags: r.flags, xdata: xd(r.xdata) });
    return { value: resultReply('fsetxattr', res) };
  },

  async fgetxattr(c, r) {
    const name = r.namelen ? r.name : undefined;
    const res = await c.fops.fgetxattr(c.frame, { fd: await c.fd(r.fd, r.gfid), ...(name !== undefined ? { name } : {}), xdata: xd(r.xdata) });
    return { value: resultReply('fgetxattr', res) };
  },

  async fremovexattr(c, r) {
    const res = await c.fops.fremovexattr(c.frame, { fd: await c.fd(r.fd, r.gfid), name: r.name, xdata: xd(r.xdata) });
    return { value: resultReply('fremovexattr', res) };
  },

  async fxattrop(c, r) {
    const res = await c.fops.fxattrop(c.frame, { fd: await c.fd(r.fd, r.gfid), optype: r.flags, dict: dictArg(r.dict), xdata: xd(r.xdata) });
    return { value: resultReply('fxattrop', res) };
  },

  async finodelk(c, r) {
    const res = await c.fops.finodelk(c.frame, { volume: r.volume, fd: await c.fd(r.fd, r.gfid), ...lockArgs(r.cmd, r.type, r.flock), xdata: xd(r.xdata) });
    return { value: resultReply('finodelk', res) };
  },

  async fentrylk(c, r) {
    const res = await c.fops.fentrylk(c.frame, {
      volume: r.volume, fd: await c.fd(r.fd, r.gfid), ...(r.namelen ? { basename: r.name } : {}), cmd: r.cmd, type: r.type, xdata: xd(r.xdata),
    });
    return { value: resultReply('fentrylk', res) };
  },

  async lk(c, r) {
    const res = await c.fops.lk(c.frame, { fd: await c.fd(r.fd, r.gfid), ...lockArgs(r.cmd, r.type, r.flock), xdata: xd(r.xdata) });
    return { value: { ...resultReply('lk', res), flock: flockToWire(res.flock) } };
  },

  async readdir(c, r) {
    const res = await c.fops.readdir(c.frame, { fd: await c.fd(r.fd, r.gfid, true), size: r.size, offset: r.offset, xdata: xd(r.xdata) });
    const reply = res.entries.map((e) => ({ d_ino: e.ino, d_off: e.offset, d_len: Buffer.byteLength(e.name), d_type: e.type, name: e.name }));
    return { value: { ...resultReply('readdir', res, reply.length), ...eofErrno(res.eof), reply } };
  },

  /** Entries come with their stat; the server links them so later gfid requests resolve at once. */
  async readdirp(c, r) {
    const fd = await c.fd(r.fd, r.gfid, true);
    const res = await c.fops.readdirp(c.frame, { fd, size: r.size, offset: r.offset, xdata: xd(r.xdata) });
    const dir = fd.inode;
    const reply = res.entries.map((e) => {
      if (e.stat && e.name !== '.' && e.name !== '..' && dir.linked && e.stat.type !== IaType.INVAL) linkInode(c, e.inode, e.stat, dir, e.name);
      return {
        d_ino: e.ino, d_off: e.offset, d_len: Buffer.byteLength(e.name), d_type: e.type, name: e.name,
        stat: e.stat ? iattx(e.stat) : emptyIattx(), dict: dictToWire(e.dict),
      };
    });
    return { value: { ...resultReply('readdirp', res, reply.length), ...eofErrno(res.eof), reply } };
  },

  async fallocate(c, r) {
    const res = await c.fops.fallocate(c.frame, { fd: await c.fd(r.fd, r.gfid, false), keepSize: r.flags, offset: Number(r.offset), len: Number(r.size), xdata: xd(r.xdata) });
    return { value: resultReply('fallocate', res) };
  },

  async discard(c, r) {
    const res = await c.fops.discard(c.frame, { fd: await c.fd(r.fd, r.gfid, false), offset: Number(r.offset), len: Number(r.size), xdata: xd(r.xdata) });
    return { value: resultReply('discard', res) };
  },

  async zerofill(c, r) {
    const res = await c.fops.zerofill(c.frame, { fd: await c.fd(r.fd, r.gfid, false), offset: Number(r.offset), len: Number(r.size), xdata: xd(r.xdata) });
    return { value: resultReply('zerofill', res) };
  },

  async rchecksum(c, r) {
    const res = await c.fops.rchecksum(c.frame, { fd: await c.fd(r.fd, r.gfid, false), offset: Number(r.offset), len: r.len, xdata: xd(r.xdata) });
    return { value: { ...resultReply('rchecksum', res), flags: r.flags, weak_checksum: res.weakChecksum, strong_checksum: res.strongChecksum } };
  },

  async seek(c, r) {
    const res = await c.fops.seek(c.frame, { fd: await c.fd(r.fd, r.gfid, false), offset: Number(r.offset), what: r.what, xdata: xd(r.xdata) });
    return { value: { ...resultReply('seek', res), offset: BigInt(res.offset) } };
  },

  /** The fop reports attributes, not a count: op_ret is what lay within the source. */
  async copy_file_range(c, r) {
    const fdIn = await c.fd(r.fd_in, r.gfid1, false);
    const fdOut = await c.fd(r.fd_out, r.gfid2, false);
    const offIn = Number(r.off_in);
    const res = await c.fops.copy_file_range(c.frame, { fdIn, offIn, fdOut, offOut: Number(r.off_out), len: r.size, flags: r.flag, xdata: xd(r.xdata) });
    const copied = Math.max(0, Math.min(r.size, res.stbuf.size - offIn));
    return { value: resultReply('copy_file_range', res, copied) };
  },
} satisfies Partial<FopHandlers>;

