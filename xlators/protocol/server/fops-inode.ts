/** Fops on a file named by gfid: attributes, xattrs, inode and entry locks, leases. */
import { Dict } from '../../../runtime/core/dict.js';
import { iattFromWire, flockFromWire, flockToWire, statfsToWire } from '../../../rpc/programs/convert.js';
import type { FopHandlers } from './handler.js';
import { resultReply } from './reply.js';
import { resolveInode } from './resolve.js';
import { dictArg, lockArgs, xd } from './wire.js';

export const inodeFops = {
  async stat(c, r) {
    const res = await c.fops.stat(c.frame, { loc: await resolveInode(c, r.gfid), xdata: xd(r.xdata) });
    return { value: resultReply('stat', res) };
  },

  async readlink(c, r) {
    const res = await c.fops.readlink(c.frame, { loc: await resolveInode(c, r.gfid), size: r.size, xdata: xd(r.xdata) });
    // op_ret is the link's length: fuse_readlink_cbk sends op_ret bytes of the path.
    return { value: { ...resultReply('readlink', res, Buffer.byteLength(res.path)), path: res.path } };
  },

  async truncate(c, r) {
    const res = await c.fops.truncate(c.frame, { loc: await resolveInode(c, r.gfid), offset: Number(r.offset), xdata: xd(r.xdata) });
    return { value: resultReply('truncate', res) };
  },

  async setattr(c, r) {
    const res = await c.fops.setattr(c.frame, { loc: await resolveInode(c, r.gfid), stbuf: iattFromWire(r.stbuf), valid: r.valid, xdata: xd(r.xdata) });
    return { value: resultReply('setattr', res) };
  },

  async access(c, r) {
    const res = await c.fops.access(c.frame, { loc: await resolveInode(c, r.gfid), mask: r.mask, xdata: xd(r.xdata) });
    return { value: resultReply('access', res) };
  },

  async statfs(c, r) {
    const res = await c.fops.statfs(c.frame, { loc: await resolveInode(c, r.gfid), xdata: xd(r.xdata) });
    return { value: { ...resultReply('statfs', res), statfs: statfsToWire(res.buf) } };
  },

  async setxattr(c, r) {
    const res = await c.fops.setxattr(c.frame, { loc: await resolveInode(c, r.gfid), dict: dictArg(r.dict), flags: r.flags, xdata: xd(r.xdata) });
    return { value: resultReply('setxattr', res) };
  },

  /** namelen 0 lists every xattr (server4_0_getxattr keeps the name only when namelen is set). */
  async getxattr(c, r) {
    const name = r.namelen ? r.name : undefined;
    const res = await c.fops.getxattr(c.frame, { loc: await resolveInode(c, r.gfid), ...(name !== undefined ? { name } : {}), xdata: xd(r.xdata) });
    return { value: resultReply('getxattr', res) };
  },

  async removexattr(c, r) {
    const res = await c.fops.removexattr(c.frame, { loc: await resolveInode(c, r.gfid), name: r.name, xdata: xd(r.xdata) });
    return { value: resultReply('removexattr', res) };
  },

  async xattrop(c, r) {
    const res = await c.fops.xattrop(c.frame, { loc: await resolveInode(c, r.gfid), optype: r.flags, dict: dictArg(r.dict), xdata: xd(r.xdata) });
    return { value: resultReply('xattrop', res) };
  },

  async inodelk(c, r) {
    const res = await c.fops.inodelk(c.frame, { volume: r.volume, loc: await resolveInode(c, r.gfid), ...lockArgs(r.cmd, r.type, r.flock), xdata: xd(r.xdata) });
    return { value: resultReply('inodelk', res) };
  },

  async entrylk(c, r) {
    const res = await c.fops.entrylk(c.frame, {
      volume: r.volume, loc: await resolveInode(c, r.gfid), ...(r.namelen ? { basename: r.name } : {}), cmd: r.cmd, type: r.type, xdata: xd(r.xdata),
    });
    return { value: resultReply('entrylk', res) };
  },

  async lease(c, r) {
    const l = r.lease;
    const res = await c.fops.lease(c.frame, {
      loc: await resolveInode(c, r.gfid), lease: { cmd: l.cmd, type: l.lease_type, id: l.lease_id, flags: l.lease_flags }, xdata: xd(r.xdata),
    });
    const out = res.lease;
    return { value: { ...resultReply('lease', res), lease: { cmd: out.cmd, lease_type: out.type, lease_id: out.id, lease_flags: out.flags } } };
  },

  async getactivelk(c, r) {
    const res = await c.fops.getactivelk(c.frame, { loc: await resolveInode(c, r.gfid), xdata: xd(r.xdata) });
    const reply = res.locks.map((l) => ({ flock: flockToWire(l.flock), client_uid: l.client, lk_flags: 0 }));
    return { value: { ...resultReply('getactivelk', res), reply } };
  },

  async setactivelk(c, r) {
    const locks = r.request.map((l) => ({ flock: flockFromWire(l.flock), client: l.client_uid, lkOwner: l.flock.lk_owner }));
    const res = await c.fops.setactivelk(c.frame, { loc: await resolveInode(c, r.gfid), locks, xdata: xd(r.xdata) });
    return { value: resultReply('setactivelk', res) };
  },

  async ipc(c, r) {
    const res = await c.fops.ipc(c.frame, { op: r.op, xdata: xd(r.xdata) ?? new Dict() });
    return { value: resultReply('ipc', res) };
  },
} satisfies Partial<FopHandlers>;
