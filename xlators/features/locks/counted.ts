/**
 * The fops that answer lock-count requests in xdata (posix.c: every fop with
 * PL_LOCAL_GET_REQUESTS). Which inode a fop reports follows GlusterFS's pl_get_xdata_rsp_args:
 * lookup reports the looked-up inode (and parent-entrylk for its name); fd fops report the fd's
 * inode; other loc fops report the loc's *parent* (meant for entry fops; GlusterFS applies it to
 * stat, setattr and xattrop by loc too, and so do we, for the same answers); link reports both
 * parents, keeping the larger count; readdirp fills each entry's dict.
 * A request without count keys passes straight down, at the cost of one `has` per key.
 */
import type { Dict } from '../../../runtime/core/dict.js';
import { NULL_GFID } from '../../../runtime/core/gfid.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { locGfid, locParentGfid, type Loc } from '../../../runtime/core/loc.js';
import { withFields } from '../../../runtime/core/objects.js';
import type { Fd } from '../../../runtime/core/fd.js';
import type { FopName } from '../../../runtime/fops/table.js';
import type { DirEntry } from '../../../runtime/fops/types.js';
import type { FopImpls } from '../../../runtime/xlator/define.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { Dict as DictClass } from '../../../runtime/core/dict.js';
import { fillCounts, takeRequests, type CountTarget } from './counts.js';
import type { LocksOptions } from './options.js';
import type { LocksPriv } from './index.js';

type Self = Xlator<LocksOptions, LocksPriv>;
type AnyArgs = { xdata?: Dict; loc?: Loc; fd?: Fd; oldloc?: Loc; newloc?: Loc };
type AnyResult = { xdata?: Dict; buf?: { gfid: string }; entries?: DirEntry[] };

const linked = (g: string | undefined) => (g && g !== NULL_GFID ? g : undefined);
const ofFd = (a: AnyArgs): CountTarget[] => [{ gfid: linked(a.fd?.inode.gfid) }];
const ofParent = (a: AnyArgs): CountTarget[] => [{ gfid: a.loc ? locParentGfid(a.loc) : undefined }];

const TARGETS: Partial<Record<FopName, (a: AnyArgs, r: AnyResult) => CountTarget[]>> = {
  lookup: (a, r) => [{ gfid: linked(r.buf?.gfid) ?? (a.loc ? locGfid(a.loc) : undefined), parent: a.loc ? locParentGfid(a.loc) : undefined, name: a.loc?.name }],
  create: (a, r) => [{ gfid: linked(r.buf?.gfid) ?? linked(a.fd?.inode.gfid) }],
  link: (a) => [{ gfid: a.oldloc ? locParentGfid(a.oldloc) : undefined }, { gfid: a.newloc ? locParentGfid(a.newloc) : undefined }],
};
for (const fop of ['fstat', 'readv', 'writev', 'flush', 'fsync', 'fsyncdir', 'fxattrop', 'fsetattr', 'fsetxattr', 'fremovexattr', 'fallocate', 'readdir', 'rchecksum', 'seek', 'opendir'] as const) {
  TARGETS[fop] = ofFd;
}
for (const fop of ['stat', 'setattr', 'xattrop', 'setxattr', 'removexattr', 'mkdir', 'mknod', 'symlink', 'readlink', 'access', 'statfs'] as const) {
  TARGETS[fop] = ofParent;
}

function counted(name: FopName) {
  return async (self: Self, frame: Frame, args: AnyArgs): Promise<AnyResult> => {
    const child = self.firstChild!.fops[name] as unknown as (f: Frame, a: AnyArgs) => Promise<AnyResult>;
    const req = takeRequests(args.xdata);
    if (!req) return child(frame, args);
    const res = await child(frame, { ...args, xdata: req.xdata });
    const out = res.xdata?.clone() ?? new DictClass();
    TARGETS[name]!(args, res).forEach((t, i) => fillCounts(self.priv.table, req, t, out, i > 0));
    return withFields(res, { xdata: out });
  };
}

/** readdirp: counts go into each entry's own dict, for that entry's inode and name. */
async function readdirp(self: Self, frame: Frame, args: { fd: Fd; size: number; offset: bigint; xdata?: Dict }) {
  const req = takeRequests(args.xdata);
  if (!req) return self.firstChild!.fops.readdirp(frame, args);
  const res = await self.firstChild!.fops.readdirp(frame, { ...args, xdata: req.xdata });
  const dir = linked(args.fd.inode.gfid);
  const entries = res.entries.map((e) => {
    const dict = e.dict?.clone() ?? new DictClass();
    fillCounts(self.priv.table, req, { gfid: linked(e.stat?.gfid ?? e.inode?.gfid), parent: dir, name: e.name }, dict);
    return withFields(e, { dict });
  });
  return { ...res, entries };
}

const impls: Record<string, unknown> = { readdirp };
for (const name of Object.keys(TARGETS) as FopName[]) impls[name] = counted(name);

/** The counting fops, typed for defineXlator; `flush` is wrapped again by index.ts. */
export const countedFops = impls as FopImpls<LocksOptions, LocksPriv> & {
  flush: (self: Self, frame: Frame, args: { fd: Fd; xdata?: Dict }) => Promise<{ xdata?: Dict }>;
};
