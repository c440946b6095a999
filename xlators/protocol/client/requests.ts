import { Dict } from '../../../runtime/core/dict.js';
import type { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { NULL_GFID, ROOT_GFID, gfidToBuffer, newGfid, type Gfid } from '../../../runtime/core/gfid.js';
import { locGfid, locParentGfid, type Loc } from '../../../runtime/core/loc.js';
import type { FopArgs } from '../../../runtime/fops/signatures.js';
import type { FopName } from '../../../runtime/fops/table.js';
import type { LockInfo } from '../../../runtime/fops/types.js';
import { dictToWire, flockToWire, iattToWire, type Gfs4FopName } from '../../../rpc/programs/index.js';
import type { FdRegistry } from './fd-ctx.js';
import { gfFlagsFromFlags, lkCmdToWire, O_DIRECT } from '../../../rpc/programs/flags.js';

/** The fops this translator sends (release and releasedir go out from cbks). */
export type WireFop = Exclude<Gfs4FopName, 'release' | 'releasedir'> & FopName;

export interface BuildContext {
  fds: FdRegistry;
  filterDirect: boolean;
  /** Option strict-locks: a write on an fd this client has no record of gets no anonymous fd. */
  strictLocks: boolean;
}

type Req = Record<string, unknown>;
export interface Built {
  req: Req;
  payload?: Buffer;
}

const ZERO = Buffer.alloc(16);
const buf = (g: Gfid | undefined): Buffer => (g && g !== NULL_GFID ? gfidToBuffer(g) : ZERO);

/** The object a path fop acts on (client_pre_*: the inode's gfid, else loc->gfid); none is EINVAL. */
function target(loc: Loc): Buffer {
  const g = locGfid(loc) ?? (loc.path === '/' && !loc.parent ? ROOT_GFID : undefined);
  if (!g || g === NULL_GFID) throw new FopError(E.EINVAL, `no gfid for ${loc.path}`);
  return gfidToBuffer(g);
}

/**
 * The parent and name an entry fop acts on. Builders add their fields with Object.assign, not
 * `{ ...entry(loc), ... }`: see runtime/core/objects.ts (a new hidden class per request).
 */
function entry(loc: Loc): { pargfid: Buffer; bname: string } {
  const p = locParentGfid(loc);
  if (!p || p === NULL_GFID || loc.name === undefined) throw new FopError(E.EINVAL, `no parent or name for ${loc.path}`);
  return { pargfid: gfidToBuffer(p), bname: loc.name };
}

const xd = (d: Dict | undefined) => dictToWire(d);
/** A request whose xdata C leaves zeroed when absent (lookup): an empty dict, not "no dict". */
const xdZeroed = (d: Dict | undefined) => (d ? dictToWire(d) : { xdr_size: 0, count: 0, pairs: [] });

/**
 * Entry creation on a GlusterFS brick needs `gfid-req` (posix_gfid_set refuses without it); the
 * real FUSE bridge adds it, our upper layers may not, so the client does when it is missing.
 */
export function withGfidReq(xdata: Dict | undefined): Dict {
  if (xdata?.has('gfid-req')) return xdata;
  const d = xdata ? xdata.clone() : new Dict();
  return d.setGfid('gfid-req', newGfid());
}

function openFlags(c: BuildContext, flags: number): number {
  return gfFlagsFromFlags(c.filterDirect ? flags & ~O_DIRECT : flags);
}

const u32 = (n: number) => n >>> 0;
const i32 = (n: number) => n | 0;
const u64 = (n: number | bigint) => BigInt.asUintN(64, BigInt(n));

function withFd(c: BuildContext, fd: Fd, anon = false, writes = false) {
  return { gfid: buf(c.fds.gfid(fd)), fd: c.fds.remote(fd, anon, writes && c.strictLocks) };
}

function lockList(locks: LockInfo[]) {
  return locks.map((l) => ({ flock: flockToWire({ ...l.flock, owner: l.lkOwner }), client_uid: l.client, lk_flags: 0 }));
}

type Builders = { [N in WireFop]: (c: BuildContext, a: FopArgs<N>) => Req };

/** client_pre_*_v2, one line per fop: which loc/fd fields and arguments fill each request. */
const BUILD: Builders = {
  stat: (_c, a) => ({ gfid: target(a.loc), xdata: xd(a.xdata) }),
  readlink: (_c, a) => ({ gfid: target(a.loc), size: u32(a.size), xdata: xd(a.xdata) }),
  mknod: (_c, a) => Object.assign(entry(a.loc), { dev: u64(a.rdev), mode: u32(a.mode), umask: u32(a.umask), xdata: xd(withGfidReq(a.xdata)) }),
  mkdir: (_c, a) => Object.assign(entry(a.loc), { mode: u32(a.mode), umask: u32(a.umask), xdata: xd(withGfidReq(a.xdata)) }),
  unlink: (_c, a) => Object.assign(entry(a.loc), { xflags: u32(a.xflag), xdata: xd(a.xdata) }),
  rmdir: (_c, a) => Object.assign(entry(a.loc), { xflags: i32(a.flags), xdata: xd(a.xdata) }),
  symlink: (_c, a) => Object.assign(entry(a.loc), { umask: u32(a.umask), linkname: a.linkname, xdata: xd(withGfidReq(a.xdata)) }),
  rename: (_c, a) => {
    const o = entry(a.oldloc);
    const n = entry(a.newloc);
    return { oldgfid: o.pargfid, newgfid: n.pargfid, oldbname: o.bname, newbname: n.bname, xdata: xd(a.xdata) };
  },
  link: (_c, a) => {
    const n = entry(a.newloc);
    return { oldgfid: target(a.oldloc), newgfid: n.pargfid, newbname: n.bname, xdata: xd(a.xdata) };
  },
  truncate: (_c, a) => ({ gfid: target(a.loc), offset: u64(a.offset), xdata: xd(a.xdata) }),
  open: (c, a) => ({ gfid: target(a.loc), flags: openFlags(c, a.flags), xdata: xd(a.xdata) }),
  readv: (c, a) => Object.assign(withFd(c, a.fd, true), { offset: u64(a.offset), size: u32(a.size), flag: u32(a.flags), xdata: xd(a.xdata) }),
  writev: (c, a) => Object.assign(withFd(c, a.fd, true, true), { offset: u64(a.offset), size: a.data.length, flag: u32(a.flags), xdata: xd(a.xdata) }),
  // client_pre_statfs: without an inode the root is asked.
  statfs: (_c, a) => ({ gfid: locGfid(a.loc) ? target(a.loc) : gfidToBuffer(ROOT_GFID), xdata: xd(a.xdata) }),
  flush: (c, a) => Object.assign(withFd(c, a.fd), { xdata: xd(a.xdata) }),
  fsync: (c, a) => Object.assign(withFd(c, a.fd, true), { data: u32(a.datasync), xdata: xd(a.xdata) }),
  setxattr: (_c, a) => ({ gfid: target(a.loc), flags: u32(a.flags), dict: xd(a.dict), xdata: xd(a.xdata) }),
  // namelen is a flag: 1 when a name is asked for, 0 to list them all.
  getxattr: (_c, a) => ({ gfid: target(a.loc), namelen: a.name ? 1 : 0, name: a.name ?? '', xdata: xd(a.xdata) }),
  removexattr: (_c, a) => ({ gfid: target(a.loc), name: a.name, xdata: xd(a.xdata) }),
  opendir: (_c, a) => ({ gfid: target(a.loc), xdata: xd(a.xdata) }),
  fsyncdir: (c, a) => Object.assign(withFd(c, a.fd), { data: i32(a.datasync), xdata: xd(a.xdata) }),
  access: (_c, a) => ({ gfid: target(a.loc), mask: u32(a.mask), xdata: xd(a.xdata) }),
  create: (c, a) => Object.assign(entry(a.loc), { flags: openFlags(c, a.flags), mode: u32(a.mode), umask: u32(a.umask), xdata: xd(withGfidReq(a.xdata)) }),
  ftruncate: (c, a) => Object.assign(withFd(c, a.fd), { offset: u64(a.offset), xdata: xd(a.xdata) }),
  fstat: (c, a) => Object.assign(withFd(c, a.fd), { xdata: xd(a.xdata) }),
  lk: (c, a) => Object.assign(withFd(c, a.fd), { cmd: lkCmdToWire(a.cmd), type: u32(a.flock.type), flock: flockToWire(a.flock), xdata: xd(a.xdata) }),
  lookup: (_c, a) => {
    const g = locGfid(a.loc);
    const p = locParentGfid(a.loc);
    const named = p !== undefined && p !== NULL_GFID && !!a.loc.name;
    const gfid = g ?? (!named && a.loc.path === '/' ? ROOT_GFID : undefined);
    if (!named && (!gfid || gfid === NULL_GFID)) throw new FopError(E.EINVAL, `lookup of ${a.loc.path} needs a gfid or a parent and a name`);
    // A first lookup of a name (no gfid known yet) offers one, as fuse_lookup does.
    const xdata = named && !g ? withGfidReq(a.xdata) : a.xdata;
    return { gfid: buf(gfid), pargfid: buf(named ? p : undefined), flags: 0, bname: named ? a.loc.name : '', xdata: xdZeroed(xdata) };
  },
  readdir: (c, a) => Object.assign(withFd(c, a.fd), { offset: u64(a.offset), size: u32(a.size), xdata: xd(a.xdata) }),
  inodelk: (_c, a) => ({ gfid: target(a.loc), cmd: lkCmdToWire(a.cmd), type: u32(a.flock.type), flock: flockToWire(a.flock), volume: a.volume, xdata: xd(a.xdata) }),
  finodelk: (c, a) => ({
    ...withFd(c, a.fd, true), cmd: lkCmdToWire(a.cmd), type: u32(a.flock.type), flock: flockToWire(a.flock), volume: a.volume, xdata: xd(a.xdata),
  }),
  entrylk: (_c, a) => ({
    gfid: target(a.loc), cmd: u32(a.cmd), type: u32(a.type), namelen: a.basename ? 1n : 0n, name: a.basename ?? '', volume: a.volume, xdata: xd(a.xdata),
  }),
  fentrylk: (c, a) => ({
    ...withFd(c, a.fd), cmd: u32(a.cmd), type: u32(a.type), namelen: a.basename ? 1n : 0n, name: a.basename ?? '', volume: a.volume, xdata: xd(a.xdata),
  }),
  xattrop: (_c, a) => ({ gfid: target(a.loc), flags: u32(a.optype), dict: xd(a.dict), xdata: xd(a.xdata) }),
  fxattrop: (c, a) => Object.assign(withFd(c, a.fd, true), { flags: u32(a.optype), dict: xd(a.dict), xdata: xd(a.xdata) }),
  fgetxattr: (c, a) => Object.assign(withFd(c, a.fd), { namelen: a.name ? 1 : 0, name: a.name ?? '', xdata: xd(a.xdata) }),
  fsetxattr: (c, a) => Object.assign(withFd(c, a.fd), { flags: u32(a.flags), dict: xd(a.dict), xdata: xd(a.xdata) }),
  rchecksum: (c, a) => Object.assign(withFd(c, a.fd), { offset: u64(a.offset), len: u32(a.len), flags: 0, xdata: xd(a.xdata) }),
  setattr: (_c, a) => ({ gfid: target(a.loc), stbuf: iattToWire(a.stbuf), valid: i32(a.valid), xdata: xd(a.xdata) }),
  fsetattr: (c, a) => Object.assign(withFd(c, a.fd), { stbuf: iattToWire(a.stbuf), valid: i32(a.valid), xdata: xd(a.xdata) }),
  readdirp: (c, a) => Object.assign(withFd(c, a.fd), { offset: u64(a.offset), size: u32(a.size), xdata: xd(a.xdata) }),
  fremovexattr: (c, a) => Object.assign(withFd(c, a.fd), { name: a.name, xdata: xd(a.xdata) }),
  fallocate: (c, a) => Object.assign(withFd(c, a.fd), { flags: u32(a.keepSize), offset: u64(a.offset), size: u64(a.len), xdata: xd(a.xdata) }),
  discard: (c, a) => Object.assign(withFd(c, a.fd), { offset: u64(a.offset), size: u64(a.len), xdata: xd(a.xdata) }),
  zerofill: (c, a) => Object.assign(withFd(c, a.fd), { offset: u64(a.offset), size: u64(a.len), xdata: xd(a.xdata) }),
  ipc: (_c, a) => ({ op: i32(a.op), xdata: xd(a.xdata) }),
  seek: (c, a) => Object.assign(withFd(c, a.fd), { offset: u64(a.offset), what: i32(a.what), xdata: xd(a.xdata) }),
  lease: (_c, a) => ({
    gfid: target(a.loc), lease: { cmd: u32(a.lease.cmd), lease_type: u32(a.lease.type), lease_id: a.lease.id, lease_flags: u32(a.lease.flags) }, xdata: xd(a.xdata),
  }),
  getactivelk: (_c, a) => ({ gfid: target(a.loc), xdata: xd(a.xdata) }),
  setactivelk: (_c, a) => ({ gfid: target(a.loc), request: lockList(a.locks), xdata: xd(a.xdata) }),
  icreate: (_c, a) => ({ gfid: target(a.loc), mode: u32(a.mode), xdata: xd(a.xdata) }),
  namelink: (_c, a) => Object.assign(entry(a.loc), { xdata: xd(a.xdata) }),
  put: (c, a) => ({
    ...entry(a.loc), mode: u32(a.mode), umask: u32(a.umask), flag: openFlags(c, a.flags), offset: u64(a.offset), size: a.data.length,
    xattr: xd(a.xattr), xdata: xd(withGfidReq(a.xdata)),
  }),
  copy_file_range: (c, a) => {
    const i = withFd(c, a.fdIn, true);
    const o = withFd(c, a.fdOut, true);
    return {
      gfid1: i.gfid, gfid2: o.gfid, fd_in: i.fd, fd_out: o.fd, off_in: u64(a.offIn), off_out: u64(a.offOut), size: u32(a.len), flag: u32(a.flags), xdata: xd(a.xdata),
    };
  },
};

/** Data that travels after the XDR body (write data, put's file contents). */
const PAYLOAD: Partial<Record<WireFop, (a: { data: Buffer }) => Buffer>> = {
  writev: (a) => a.data,
  put: (a) => a.data,
};

/** The request (and raw payload) of one fop, or a FopError before anything is sent. */
export function buildRequest<N extends WireFop>(c: BuildContext, fop: N, args: FopArgs<N>): Built {
  const req = (BUILD[fop] as (c: BuildContext, a: FopArgs<N>) => Req)(c, args);
  const payload = PAYLOAD[fop]?.(args as unknown as { data: Buffer });
  return payload ? { req, payload } : { req };
}

export const WIRE_FOPS = Object.keys(BUILD) as WireFop[];
