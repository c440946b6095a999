/**
 * Directories live on every subvolume. A directory lookup asks all of them, merges their
 * layouts (dht_layout_merge), and heals what dht_selfheal_directory heals: the directory is
 * created where it is missing (same gfid, mode and owner), and a layout with holes or overlaps
 * is replaced by a fresh one (newDirectoryLayout, commit hash DHT_LAYOUT_HASH_INVALID). Nothing
 * is healed while a subvolume is down: its range is unknown, healing would cut it out.
 */
import { constants } from 'node:os';
import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { createFrame, type Frame } from '../../../runtime/core/frame.js';
import { IaType, type Iatt } from '../../../runtime/core/iatt.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { FopResult } from '../../../runtime/fops/signatures.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { chunksByName, refreshAllDu } from './diskusage.js';
import { entryXattr, layoutFromReplies, newDirectoryLayout, normalizeLayout, type Layout } from './layout.js';
import { DHT_LAYOUT_HASH_INVALID } from './layout-xattr.js';
import { allSettled, cleanXdata, inodeCtx, isRootLoc, isUp, lookupXdata, setInodeCtx, type DhtSelf } from './state.js';

const { ENOENT, ESTALE, ENOTCONN } = constants.errno;

type LookupRes = FopResult<'lookup'>;
export interface Reply { xl: Xlator; ok?: LookupRes; err?: FopError }

/** Directory iatts merged as dht_iatt_merge does: sizes and blocks summed, newest times. */
export function mergeDirIatt(bufs: Iatt[]): Iatt {
  const out: Iatt = { ...bufs[0]! };
  for (const b of bufs.slice(1)) {
    out.size += b.size;
    out.blocks += b.blocks;
    if (b.nlink > out.nlink) out.nlink = b.nlink;
    for (const k of ['atime', 'mtime', 'ctime'] as const) {
      if (b[k].sec > out[k].sec || (b[k].sec === out[k].sec && b[k].nsec > out[k].nsec)) out[k] = b[k];
    }
  }
  return out;
}

/** Look a directory up on every subvolume (reusing replies already in hand) and heal it. */
export async function lookupDir(self: DhtSelf, frame: Frame, loc: Loc, xdata: Dict | undefined, have: Reply[] = []): Promise<LookupRes> {
  // The generation before any subvolume is asked (layout->gen is set when the layout is made,
  // before the lookup goes out): one coming up while the replies are awaited leaves this layout
  // older than it, so it is read again (`have` holds answers only, never a subvolume down).
  const gen = self.priv.gen;
  const req = lookupXdata(self, xdata, isRootLoc(loc));
  const replies: Reply[] = [];
  const todo = self.priv.subvols.filter((xl) => !have.some((h) => h.xl === xl));
  const fresh = await allSettled(todo, (xl) => (isUp(self, xl) ? xl.fops.lookup(frame, { loc, xdata: req }) : Promise.reject(new FopError(E.ENOTCONN))));
  for (const xl of self.priv.subvols) replies.push(have.find((h) => h.xl === xl) ?? fresh.find((f) => f.xl === xl)!);

  const dirs = replies.filter((r) => r.ok && r.ok.buf.type === IaType.DIR);
  if (dirs.length === 0) {
    const errs = replies.map((r) => r.err?.errno ?? E.ENOTDIR);
    throw new FopError(errs.find((e) => e !== ENOENT && e !== ESTALE && e !== ENOTCONN) ?? (errs.includes(ENOTCONN) && !errs.includes(ENOENT) ? ENOTCONN : ENOENT));
  }
  const gfid = dirs[0]!.ok!.buf.gfid;
  const root = isRootLoc(loc);
  if (root && !self.priv.vchForced) {
    const ch = dirs.map((d) => d.ok!.xdata?.getStr(self.priv.commitXattr)).find((v) => v !== undefined);
    if (ch !== undefined && /^\d+$/.test(ch)) self.priv.volCommitHash = Number(ch) >>> 0;
  }
  let layout = layoutFromReplies(
    replies.map((r) => {
      if (r.ok && r.ok.buf.type === IaType.DIR && r.ok.buf.gfid === gfid) return { subvol: r.xl.name, xattr: r.ok.xdata?.getBin(self.priv.layoutXattr) ?? null };
      // A non-directory or a directory of another gfid under the name is as good as missing here.
      return { subvol: r.xl.name, errno: r.err ? (r.err.errno === ESTALE ? ENOENT : r.err.errno) : ENOENT };
    }),
  );
  layout = keepKnownRanges(layout, inodeCtx(self, loc.inode)?.layout);
  const down = layout.entries.some((e) => e.err === ENOTCONN);
  if (!down) layout = await healDir(self, loc, dirs[0]!.ok!.buf, layout, gfid);
  setInodeCtx(self, loc.inode, gfid, { layout, layoutGen: gen });

  const bufs = dirs.map((d) => d.ok!.buf);
  const first = dirs[0]!.ok!;
  return { inode: first.inode, buf: mergeDirIatt(bufs), postparent: first.postparent, xdata: cleanXdata(self, first.xdata) };
}

/** A down subvolume's range stays what it was known to be, so names hashing there fail ENOTCONN. */
function keepKnownRanges(layout: Layout, known: Layout | undefined): Layout {
  if (!known) return layout;
  return {
    ...layout,
    entries: layout.entries.map((e) => {
      if (e.err !== ENOTCONN) return e;
      const k = known.entries.find((x) => x.subvol === e.subvol);
      return k && k.err === 0 ? { ...k, err: 0 } : e;
    }),
  };
}

async function setLayoutXattr(self: DhtSelf, xl: Xlator, loc: Loc, gfid: string, value: Uint8Array): Promise<void> {
  const dict = new Dict().setBin(self.priv.layoutXattr, Buffer.from(value));
  await xl.fops.setxattr(createFrame(), { loc: { ...loc, gfid }, dict, flags: 0 });
}

/** The healing half: create missing copies, then fix the layout when it has anomalies. */
async function healDir(self: DhtSelf, loc: Loc, buf: Iatt, layout: Layout, gfid: string): Promise<Layout> {
  const norm = normalizeLayout(layout);
  if (norm.result === 0) return layout;
  const missing = layout.entries.filter((e) => e.err === ENOENT);
  const named = !isRootLoc(loc) && loc.parent !== undefined && loc.name;
  const created = new Set<string>();
  if (missing.length && named) {
    const asOwner = createFrame({ uid: buf.uid, gid: buf.gid });
    await Promise.all(
      missing.map(async (e) => {
        const xl = self.priv.byName.get(e.subvol)!;
        const xdata = new Dict().setGfid('gfid-req', gfid);
        try {
          await xl.fops.mkdir(asOwner, { loc: { ...loc, gfid: undefined }, mode: buf.mode & 0o7777, umask: 0, xdata });
          created.add(e.subvol);
        } catch (err) {
          if (!(err instanceof FopError && err.errno === E.EEXIST)) self.log.warn(`heal: mkdir ${loc.path} on ${xl.name} failed: ${(err as Error).message}`);
        }
      }),
    );
  }
  const errors: Record<string, number> = {};
  for (const e of layout.entries) errors[e.subvol] = created.has(e.subvol) ? -1 : e.err;
  let next: Layout;
  if (norm.result < 0) {
    if (self.options['weighted-rebalance']) await refreshAllDu(self);
    next = newDirectoryLayout({
      path: loc.path,
      subvols: self.priv.subvols.map((x) => x.name),
      gfid,
      randomizeByGfid: self.options['randomize-hash-range-by-gfid'],
      weighted: self.options['weighted-rebalance'],
      chunks: self.options['weighted-rebalance'] ? chunksByName(self) : undefined,
      spreadCount: self.options['directory-layout-spread'],
      commitHash: DHT_LAYOUT_HASH_INVALID,
      errors,
      hash: self.priv.hash,
    });
  } else {
    // Only copies without a layout: they join with an empty range (0-0), the rest is kept.
    next = { ...layout, entries: layout.entries.map((e) => (created.has(e.subvol) ? { ...e, start: 0, stop: 0, commitHash: layout.commitHash, err: 0 } : e)) };
  }
  const writeTo = next.entries.filter((e) => errors[e.subvol] === -1 || errors[e.subvol] === 0).filter((e) => norm.result < 0 || created.has(e.subvol));
  await Promise.all(
    writeTo.map((e) =>
      setLayoutXattr(self, self.priv.byName.get(e.subvol)!, loc, gfid, entryXattr(next, e.subvol)!).catch((err: unknown) => {
        self.log.warn(`heal: layout of ${loc.path} on ${e.subvol} not written: ${(err as Error).message}`);
      }),
    ),
  );
  for (const e of next.entries) if (e.err === -1) e.err = 0;
  return next;
}

/**
 * Make sure a directory inode has a layout: look it up (by gfid) when the context lacks one, or
 * when it was read before a subvolume last came up (GlusterFS's layout->gen < conf->gen): a
 * layout read while a subvolume was down has a hole there, and a name hashing into it could not
 * be created (mkdir right after a brick came back failed with EIO until something looked the
 * directory up again).
 */
export async function dirLayout(self: DhtSelf, frame: Frame, dir: Loc['parent'], path?: string): Promise<Layout> {
  const ctx = inodeCtx(self, dir);
  if (ctx?.layout && ctx.layoutGen === self.priv.gen) return ctx.layout;
  if (!dir) throw new FopError(E.EINVAL, 'no parent directory');
  const loc: Loc = { path: path ?? dir.table.path(dir), inode: dir, gfid: dir.gfid };
  await lookupDir(self, frame, loc, undefined);
  const got = inodeCtx(self, dir)?.layout;
  if (!got) throw new FopError(E.EIO, 'directory has no layout');
  return got;
}
