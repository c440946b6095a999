/**
 * lookup (dht_lookup and its callbacks): a file is looked for on the subvolume its name hashes
 * to; a link file there is followed; a miss is final when lookup-optimize is on and the parent
 * layout carries the volume commit hash, otherwise (lookup-unhashed) every subvolume is asked,
 * and a file found away from its hashed subvolume gets a link file there. Directories are
 * looked up everywhere (dir-layout.ts). Stale link files found on the way are removed.
 */
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Dict } from '../../../runtime/core/dict.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { IaType, S_ISGID, S_ISVTX } from '../../../runtime/core/iatt.js';
import type { Loc } from '../../../runtime/core/loc.js';
import { withFields } from '../../../runtime/core/objects.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { dirLayout, lookupDir, type Reply } from './dir-layout.js';
import { createLinkfile, retargetLinkfile, unlinkLinkfile } from './linkfile.js';
import {
  allSettled, anyDown, cleanXdata, inodeCtx, isLinkfile, isMigrating, isRootLoc, isUp, linkXdata, linktoTarget, lookupXdata, notConnected, setInodeCtx,
  subvolForNameIn, type DhtSelf,
} from './state.js';

type LookupRes = FopResult<'lookup'>;

export async function lookup(self: DhtSelf, frame: Frame, a: FopArgs<'lookup'>): Promise<LookupRes> {
  const { loc, xdata } = a;
  if (isRootLoc(loc)) return lookupDir(self, frame, loc, xdata);
  const ctx = inodeCtx(self, loc.inode);
  if (loc.inode?.linked && ctx?.layout) return lookupDir(self, frame, loc, xdata);
  if (loc.inode?.linked && ctx?.cached) {
    const r = await revalidateFile(self, frame, loc, xdata, ctx.cached);
    if (r) return r;
  }
  if (!loc.parent || loc.name === undefined) return lookupNameless(self, frame, loc, xdata);
  const known = knownFile(self, loc);
  if (known) {
    // Any trouble there (moved, replaced, refused) and the name is looked up the long way.
    const r = await revalidateFile(self, frame, loc, xdata, known.cached, known.gfid).catch(() => undefined);
    if (r) return r;
  }
  return lookupNamed(self, frame, loc, xdata);
}

/**
 * A name asked with a fresh inode (the FUSE bridge's LOOKUP) whose dentry the inode table
 * already holds, for a file whose data subvolume is known: revalidated there, as GlusterFS's
 * fuse-bridge hands dht_lookup the known inode (dht_revalidate). Without this, a renamed file
 * would cost a lookup of its link file and one of its data on every kernel revalidation.
 */
function knownFile(self: DhtSelf, loc: Loc): { cached: Xlator; gfid: string } | undefined {
  if (loc.inode?.linked || !loc.parent) return undefined;
  const inode = loc.parent.table.findDentry(loc.parent, loc.name!);
  const cached = inode && inode.type !== IaType.DIR ? inodeCtx(self, inode)?.cached : undefined;
  return cached && inode ? { cached, gfid: inode.gfid } : undefined;
}

/**
 * Revalidate on the known data subvolume; undefined when the file moved (go the long way).
 * `gfid`: the name was known by its dentry only, so it must still be that file (else the long way).
 */
async function revalidateFile(self: DhtSelf, frame: Frame, loc: Loc, xdata: Dict | undefined, cached: Xlator, gfid?: string): Promise<LookupRes | undefined> {
  if (gfid !== undefined && !isUp(self, cached)) return undefined;
  if (!isUp(self, cached)) throw notConnected(`${cached.name} is down`);
  try {
    // A known file: only the link-file marker is of interest (a layout xattr is not read for
    // nothing on every revalidation); should the gfid answer as a directory after all, the
    // directory lookup asks every subvolume afresh, layouts included.
    const r = await cached.fops.lookup(frame, { loc, xdata: linkXdata(self, xdata) });
    if (gfid !== undefined && (r.buf.gfid !== gfid || r.buf.type === IaType.DIR)) return undefined;
    if (r.buf.type === IaType.DIR) return lookupDir(self, frame, loc, xdata);
    if (isLinkfile(self, r.buf, r.xdata)) return undefined;
    if (gfid !== undefined) setInodeCtx(self, loc.inode, gfid, { cached });
    return present(self, r);
  } catch (err) {
    if (err instanceof FopError && (err.errno === E.ENOENT || err.errno === E.ESTALE) && loc.parent) return undefined;
    throw err;
  }
}

export async function lookupNamed(self: DhtSelf, frame: Frame, loc: Loc, xdata: Dict | undefined): Promise<LookupRes> {
  const layout = await dirLayout(self, frame, loc.parent);
  const hashed = subvolForNameIn(self, layout, loc.name!);
  if (!hashed) {
    // A hole in the parent layout: the name may hash to a subvolume that is down.
    if (anyDown(self)) throw notConnected(`no subvolume for ${loc.path} (a subvolume is down)`);
    return lookupEverywhere(self, frame, loc, xdata, undefined);
  }
  if (!isUp(self, hashed)) throw notConnected(`${loc.path} hashes to ${hashed.name}, which is down`);
  let r: LookupRes;
  try {
    r = await hashed.fops.lookup(frame, { loc, xdata: lookupXdata(self, xdata) });
  } catch (err) {
    if (!(err instanceof FopError) || (err.errno !== E.ENOENT && err.errno !== E.ESTALE)) throw err;
    if (!shouldLookEverywhere(self, loc)) throw err;
    return lookupEverywhere(self, frame, loc, xdata, hashed);
  }
  if (r.buf.type === IaType.DIR) return lookupDir(self, frame, loc, xdata, [{ xl: hashed, ok: r }]);
  if (!isLinkfile(self, r.buf, r.xdata)) {
    setInodeCtx(self, loc.inode, r.buf.gfid, { cached: hashed });
    return present(self, r);
  }
  const target = linktoTarget(self, r.xdata);
  if (target && target !== hashed) {
    if (!isUp(self, target)) throw notConnected(`${loc.path} lives on ${target.name}, which is down`);
    try {
      const t = await target.fops.lookup(frame, { loc, xdata: lookupXdata(self, xdata) });
      if (t.buf.type !== IaType.DIR && t.buf.gfid === r.buf.gfid && !isLinkfile(self, t.buf, t.xdata)) {
        setInodeCtx(self, loc.inode, t.buf.gfid, { cached: target });
        return present(self, t);
      }
    } catch (err) {
      if (!(err instanceof FopError) || (err.errno !== E.ENOENT && err.errno !== E.ESTALE)) throw err;
    }
  }
  // The link file leads nowhere: find the data wherever it is (and fix or drop the link).
  return lookupEverywhere(self, frame, loc, xdata, hashed);
}

/** dht_should_lookup_everywhere. */
function shouldLookEverywhere(self: DhtSelf, loc: Loc): boolean {
  if (self.options['lookup-optimize']) {
    const parentLayout = inodeCtx(self, loc.parent)?.layout;
    return !(parentLayout && parentLayout.commitHash === self.priv.volCommitHash);
  }
  const v = self.options['lookup-unhashed'];
  return !['no', 'disable', '0', 'off'].includes(v);
}

/**
 * dht_lookup_everywhere: ask every subvolume. A directory anywhere makes it a directory lookup;
 * otherwise the data file wins (the one on the hashed subvolume first, then one not being
 * migrated away), the hashed subvolume gets a link file to it, and link files that lead nowhere
 * are removed.
 */
async function lookupEverywhere(self: DhtSelf, frame: Frame, loc: Loc, xdata: Dict | undefined, hashed: Xlator | undefined): Promise<LookupRes> {
  const req = lookupXdata(self, xdata);
  const up = self.priv.subvols.filter((x) => isUp(self, x));
  const replies: Reply[] = await allSettled(up, (xl) => xl.fops.lookup(frame, { loc, xdata: req }));
  if (replies.some((r) => r.ok?.buf.type === IaType.DIR)) return lookupDir(self, frame, loc, xdata, replies.filter((r) => r.ok));
  const hard = replies.find((r) => r.err && r.err.errno !== E.ENOENT && r.err.errno !== E.ESTALE);
  const data = replies.filter((r) => r.ok && !isLinkfile(self, r.ok.buf, r.ok.xdata));
  const links = replies.filter((r) => r.ok && isLinkfile(self, r.ok.buf, r.ok.xdata));
  const pick = data.find((r) => r.xl === hashed) ?? data.find((r) => !isMigrating(r.ok!.buf)) ?? data[0];
  if (!pick) {
    // Only link files: stale ones go (GlusterFS unlinks them when no data file exists).
    if (!hard && !anyDown(self)) for (const l of links) await unlinkLinkfile(l.xl, loc).catch(() => undefined);
    if (hard) throw hard.err!;
    throw anyDown(self) && !hashed ? notConnected(`${loc.path}: a subvolume is down`) : new FopError(E.ENOENT);
  }
  const res = pick.ok!;
  const gfid = res.buf.gfid;
  for (const l of links) {
    if (l.xl === hashed) continue;
    // A link file on a subvolume the name does not hash to serves nobody; a migration target
    // (pointing at the data, same gfid) is left to the rebalance that made it.
    const pointsAtData = l.ok!.buf.gfid === gfid && linktoTarget(self, l.ok!.xdata) === pick.xl;
    if (!pointsAtData) await unlinkLinkfile(l.xl, loc).catch(() => undefined);
  }
  if (hashed && hashed !== pick.xl && isUp(self, hashed) && pick.xl !== hashed) {
    const atHashed = replies.find((r) => r.xl === hashed);
    try {
      if (!atHashed?.ok) await createLinkfile(self, hashed, pick.xl, loc, gfid, res.buf);
      else if (isLinkfile(self, atHashed.ok.buf, atHashed.ok.xdata) && atHashed.ok.buf.gfid === gfid && linktoTarget(self, atHashed.ok.xdata) !== pick.xl) {
        await retargetLinkfile(self, hashed, loc, gfid, pick.xl);
      }
    } catch (err) {
      self.log.debug(`link file for ${loc.path} on ${hashed.name} not made: ${(err as Error).message}`);
    }
  }
  setInodeCtx(self, loc.inode, gfid, { cached: pick.xl });
  return present(self, res);
}

/** A lookup by gfid alone: a directory anywhere, else the subvolume holding the data. */
async function lookupNameless(self: DhtSelf, frame: Frame, loc: Loc, xdata: Dict | undefined): Promise<LookupRes> {
  const req = lookupXdata(self, xdata);
  const up = self.priv.subvols.filter((x) => isUp(self, x));
  const replies: Reply[] = await allSettled(up, (xl) => xl.fops.lookup(frame, { loc, xdata: req }));
  if (replies.some((r) => r.ok?.buf.type === IaType.DIR)) return lookupDir(self, frame, loc, xdata, replies.filter((r) => r.ok));
  const data = replies.find((r) => r.ok && !isLinkfile(self, r.ok.buf, r.ok.xdata));
  if (!data) {
    const hard = replies.find((r) => r.err && r.err.errno !== E.ENOENT && r.err.errno !== E.ESTALE);
    throw hard?.err ?? (anyDown(self) ? notConnected('not found on the subvolumes that are up') : new FopError(E.ENOENT));
  }
  setInodeCtx(self, loc.inode, data.ok!.buf.gfid, { cached: data.xl });
  return present(self, data.ok!);
}

/** The subvolume holding a non-directory's data, resolving it when the inode has no context. */
export async function cachedSubvol(self: DhtSelf, frame: Frame, loc: Loc): Promise<Xlator> {
  const have = inodeCtx(self, loc.inode)?.cached;
  if (have) return have;
  const r = await lookup(self, frame, { loc });
  const got = inodeCtx(self, loc.inode)?.cached;
  if (got) return got;
  // A directory lives everywhere: a file fop aimed at one (unlink, link) goes to the first
  // subvolume that is up, as dht does, and the brick answers EISDIR/EPERM as POSIX wants.
  if (r.buf.type === IaType.DIR) {
    const up = self.children.find((c) => isUp(self, c));
    if (up) return up;
  }
  throw new FopError(E.EIO, `no data subvolume known for ${loc.path}`);
}

/** What goes up: distribute's xattrs removed, a migrating file's setgid+sticky marks hidden. */
function present(self: DhtSelf, r: LookupRes): LookupRes {
  const migrating = r.xdata?.has(self.priv.linkXattr) && isMigrating(r.buf);
  const xdata = cleanXdata(self, r.xdata);
  // Nearly every lookup has nothing to hide: the reply goes up as it came (no copy per request).
  if (!migrating && xdata === r.xdata) return r;
  return withFields(r, { buf: migrating ? { ...r.buf, mode: r.buf.mode & ~(S_ISGID | S_ISVTX) } : r.buf, xdata });
}

export { isRootLoc };
