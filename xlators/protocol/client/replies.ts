import { Dict } from '../../../runtime/core/dict.js';
import { E } from '../../../runtime/core/fop-error.js';
import type { Iatt } from '../../../runtime/core/iatt.js';
import type { Inode, InodeTable } from '../../../runtime/core/inode.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { FOP_TABLE } from '../../../runtime/fops/table.js';
import type { DirEntry, LockInfo } from '../../../runtime/fops/types.js';
import {
  EMPTY_IATT, GFS4_FOPS, dictFromWire, flockFromWire, statfsFromWire,
  type GfProtoFlock, type GfxDict, type gfx_dirlist,
} from '../../../rpc/programs/index.js';
import type { Infer } from '../../../rpc/xdr/index.js';
import type { FdRegistry } from './fd-ctx.js';
import type { WireFop } from './requests.js';

export interface ReplyContext {
  fds: FdRegistry;
  itable: InodeTable;
}

type Reply = Record<string, unknown>;
type Out = Record<string, unknown>;
type Extra<N extends WireFop> = (c: ReplyContext, a: FopArgs<N>, r: Reply, payload: Buffer | undefined, out: Out) => void;

/** The inode a reply speaks about: the caller's (it links it), or a fresh one. */
function replyInode(c: ReplyContext, a: Record<string, unknown>): Inode {
  const loc = (a.newloc ?? a.loc) as { inode?: Inode } | undefined;
  const old = a.oldloc as { inode?: Inode } | undefined;
  return loc?.inode ?? old?.inode ?? c.itable.create();
}

const DOT = new Set(['.', '..']);

/**
 * readdirp entries with their inodes: linked under the directory (what the FUSE bridge and
 * GlusterFS's inode_link in readdirp_cbk do), so later fops on them find gfids without a lookup.
 */
function linkEntries(c: ReplyContext, dir: Inode, entries: DirEntry[]): void {
  const table = dir.table ?? c.itable;
  for (const e of entries) {
    if (!e.stat) continue;
    const found = table.find(e.stat.gfid);
    if (DOT.has(e.name) || !dir.linked) {
      if (found) e.inode = found;
      continue;
    }
    e.inode = table.link(found ?? table.create(), e.stat.gfid, e.stat.type, dir, e.name);
  }
}

/** A readdirp entry as the client decodes it: its stat already an Iatt (EMPTY_IATT: none). */
export interface ClientDirplist {
  d_ino: bigint;
  d_off: bigint;
  d_type: number;
  name: string;
  stat: Iatt;
  dict: GfxDict;
}

/** readdirp entries as fop results carry them: no stat for an empty one, no dict for none. */
export function direntsOf(list: readonly ClientDirplist[]): DirEntry[] {
  return list.map((e) => {
    const out: DirEntry = { name: e.name, offset: e.d_off, ino: e.d_ino, type: e.d_type };
    if (e.stat !== EMPTY_IATT) out.stat = e.stat;
    const dict = dictFromWire(e.dict);
    if (dict) out.dict = dict;
    return out;
  });
}

/** What the generic mapping (iatts, dict, xdata) does not cover: the dedicated GFS4 replies. */
const EXTRA: { [N in WireFop]?: Extra<N> } = {
  readlink: (_c, _a, r, _p, out) => void (out.path = r.path as string),
  open: (c, a, r, _p, out) => {
    c.fds.add(a.fd, { remoteFd: r.fd as bigint, gfid: a.fd.inode.linked ? a.fd.inode.gfid : (a.loc.gfid ?? a.fd.inode.gfid), flags: a.flags, dir: false });
    out.fd = a.fd;
  },
  opendir: (c, a, r, _p, out) => {
    c.fds.add(a.fd, { remoteFd: r.fd as bigint, gfid: a.fd.inode.linked ? a.fd.inode.gfid : (a.loc.gfid ?? a.fd.inode.gfid), flags: 0, dir: true });
    out.fd = a.fd;
  },
  create: (c, a, r, _p, out) => {
    const gfid = (r.stat as Iatt).gfid;
    c.fds.add(a.fd, { remoteFd: BigInt.asIntN(64, r.fd as bigint), gfid, flags: a.flags, dir: false });
    out.fd = a.fd;
  },
  // op_ret is the byte count; the data follows the body.
  readv: (_c, _a, r, p, out) => void (out.data = p ? p.subarray(0, Math.max(0, r.op_ret as number)) : Buffer.alloc(0)),
  statfs: (_c, _a, r, _p, out) => void (out.buf = statfsFromWire(r.statfs as Parameters<typeof statfsFromWire>[0])),
  lk: (_c, _a, r, _p, out) => void (out.flock = flockFromWire(r.flock as GfProtoFlock)),
  lease: (_c, _a, r, _p, out) => {
    const l = r.lease as { cmd: number; lease_type: number; lease_id: Buffer; lease_flags: number };
    out.lease = { cmd: l.cmd, type: l.lease_type, id: l.lease_id, flags: l.lease_flags };
  },
  rchecksum: (_c, _a, r, _p, out) => {
    out.weakChecksum = r.weak_checksum as number;
    out.strongChecksum = r.strong_checksum as Buffer;
  },
  seek: (_c, _a, r, _p, out) => void (out.offset = Number(r.offset as bigint)),
  // A brick marks the end of the directory with op_errno ENOENT beside the entries (posix_do_readdir).
  readdir: (_c, _a, r, _p, out) => {
    out.entries = (r.reply as Infer<typeof gfx_dirlist>[]).map((e) => ({ name: e.name, offset: e.d_off, ino: e.d_ino, type: e.d_type }));
    if (r.op_errno === E.ENOENT) out.eof = true;
  },
  readdirp: (c, a, r, _p, out) => {
    const entries = direntsOf(r.reply as ClientDirplist[]);
    linkEntries(c, a.fd.inode, entries);
    out.entries = entries;
    if (r.op_errno === E.ENOENT) out.eof = true;
  },
  getactivelk: (_c, _a, r, _p, out) => {
    const list = r.reply as { flock: GfProtoFlock; client_uid: string }[];
    out.locks = list.map((l): LockInfo => ({ flock: flockFromWire(l.flock), client: l.client_uid, lkOwner: l.flock.lk_owner }));
  },
};

/** What decodeResult needs of a fop's result and reply, worked out once per fop, not per reply. */
interface ResultShape {
  iatts: readonly { field: string; from: string; optional: boolean }[];
  dict: string | undefined;
  inode: boolean;
}
const SHAPES = new Map<WireFop, ResultShape>();

function shapeOf(fop: WireFop): ResultShape {
  let shape = SHAPES.get(fop);
  if (!shape) {
    const spec = FOP_TABLE[fop].result as Readonly<Record<string, string>>;
    const wire = GFS4_FOPS[fop];
    shape = {
      iatts: Object.entries(wire.iatts).map(([field, from]) => ({ field, from: from as string, optional: spec[field] === 'iatt?' })),
      dict: wire.dict,
      inode: 'inode' in spec,
    };
    SHAPES.set(fop, shape);
  }
  return shape;
}

/**
 * client4_0_*_cbk: a successful reply as the fop's result. The iatts and the dict come from
 * GFS4_FOPS's mapping of result fields to reply fields; an optional iatt the brick left empty
 * (lookup's postparent of the root) is absent.
 */
export function decodeResult<N extends WireFop>(c: ReplyContext, fop: N, args: FopArgs<N>, reply: Reply, payload?: Buffer): FopResult<N> {
  const shape = shapeOf(fop);
  const out: Out = {};
  // The client's reply decoders turn iattx into Iatts as they read them (client-replies.ts).
  for (const { field, from, optional } of shape.iatts) {
    const x = reply[from] as Iatt;
    if (x === EMPTY_IATT) {
      if (optional) continue;
      out[field] = { ...x, atime: { sec: 0, nsec: 0 }, mtime: { sec: 0, nsec: 0 }, ctime: { sec: 0, nsec: 0 } };
    } else out[field] = x;
  }
  if (shape.dict) out[shape.dict] = dictFromWire(reply.dict as GfxDict) ?? new Dict();
  const xdata = dictFromWire(reply.xdata as GfxDict);
  if (xdata) out.xdata = xdata;
  if (shape.inode) out.inode = replyInode(c, args as Record<string, unknown>);
  (EXTRA[fop] as Extra<N> | undefined)?.(c, args, reply, payload, out);
  return out as FopResult<N>;
}
