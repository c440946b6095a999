/**
 * opendir / readdir / readdirp (dht_opendir, dht_do_readdir, dht_readdirp_cbk). A directory is
 * opened on every subvolume and read one subvolume after the other; each entry's offset carries
 * the subvolume it came from (offsets.ts), so any offset handed out resumes the listing. Link
 * files are skipped; a directory is listed only by the subvolume its name hashes to (or by the
 * first up subvolume when that one is down); a file being migrated is listed from its source
 * until its destination is complete. A subvolume that fails is passed over, as GlusterFS does.
 */
import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { IaType, S_ISGID, S_ISVTX } from '../../../runtime/core/iatt.js';
import type { DirEntry } from '../../../runtime/fops/types.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { dirLayout } from './dir-layout.js';
import { deitransform, itransform, origOffset } from './offsets.js';
import {
  allSettled, firstUp, inodeCtx, isLinkfile, isMigrating, isUp, linktoTarget, lookupXdata, setInodeCtx, subvolForNameIn, type DhtSelf,
} from './state.js';

const DT_DIR = 4;

export async function opendir(self: DhtSelf, frame: Frame, a: FopArgs<'opendir'>): Promise<FopResult<'opendir'>> {
  const up = self.priv.subvols.filter((x) => isUp(self, x));
  const res = await allSettled(up, (xl) => xl.fops.opendir(frame, a));
  const ok = res.filter((r) => r.ok);
  if (!ok.length) throw res[0]?.err ?? new FopError(E.ENOTCONN, 'no subvolume is up');
  a.fd.ctxSet(self, { dir: true } satisfies DirFd);
  return { fd: a.fd };
}

export async function readdirp(self: DhtSelf, frame: Frame, a: FopArgs<'readdirp'>): Promise<FopResult<'readdirp'>> {
  return readMerged(self, frame, a.fd, a.size, a.offset, a.xdata);
}

export async function readdir(self: DhtSelf, frame: Frame, a: FopArgs<'readdir'>): Promise<FopResult<'readdir'>> {
  const { entries, eof } = await readMerged(self, frame, a.fd, a.size, a.offset, undefined);
  return { entries: entries.map(({ name, offset, ino, type }) => ({ name, offset, ino, type })), eof };
}

/**
 * A directory fd's ctx. `subvolEnd`: the offset that ended a subvolume's part of the listing,
 * handed out with the batch that subvolume said was its last (eof). The call that continues from
 * it, within a second, goes straight to the next subvolume instead of asking this one for the
 * nothing that follows (dht_readdirp_cbk moves on at op_errno ENOENT the same way). It is used
 * once: any other call (a rewind, a seek) forgets it, so a listing started again asks afresh and
 * sees names added since. Only the last subvolume that is up ends the directory.
 */
interface DirFd {
  dir: true;
  subvolEnd?: { offset: bigint; at: number };
}
const SUBVOL_END_MS = 1000;

/** No subvolume after `idx` is up: this one's end is the directory's. */
function lastUp(self: DhtSelf, idx: number): boolean {
  const subvols = self.priv.subvols;
  for (let i = idx + 1; i < subvols.length; i++) if (isUp(self, subvols[i]!)) return false;
  return true;
}

async function readMerged(
  self: DhtSelf, frame: Frame, fd: FopArgs<'readdirp'>['fd'], size: number, offset: bigint, xdata: Dict | undefined,
): Promise<{ entries: DirEntry[]; eof: boolean }> {
  const subvols = self.priv.subvols;
  const n = subvols.length;
  let idx = deitransform(offset, n);
  let raw = origOffset(offset, n);
  if (idx >= n) idx = 0;
  const st = fd.ctxGet<DirFd>(self);
  const end = st?.subvolEnd;
  if (st) st.subvolEnd = undefined;
  if (end && offset !== 0n && end.offset === offset && Date.now() - end.at < SUBVOL_END_MS && idx + 1 < n) (idx++, (raw = 0n));
  const layout = await dirLayout(self, frame, fd.inode);
  const req = (xdata ? xdata.clone() : new Dict()).setUint(self.priv.linkXattr, 256);
  for (;;) {
    const xl = subvols[idx]!;
    let entries: DirEntry[] = [];
    let ended = false;
    if (isUp(self, xl)) {
      try {
        const r = await xl.fops.readdirp(frame, { fd, size, offset: raw, xdata: req });
        entries = r.entries;
        ended = r.eof === true;
      } catch (err) {
        self.log.debug(`readdirp on ${xl.name} failed, passing over it: ${(err as Error).message}`);
      }
    }
    const out: DirEntry[] = [];
    for (const e of entries) {
      // Only a migrating source needs a call to decide; everything else is settled here,
      // without a promise per entry.
      const k = keep(self, xl, e, layout);
      if (k === true || (k === MIGRATING && !(await destinationComplete(self, frame, fd, e)))) out.push(tidy(self, xl, e, idx, n));
    }
    const last = lastUp(self, idx);
    if (out.length) {
      if (ended && !last && st) st.subvolEnd = { offset: out[out.length - 1]!.offset, at: Date.now() };
      return { entries: out, eof: ended && last };
    }
    if (entries.length === 0 || ended) {
      if (last) return { entries: [], eof: true };
      idx++;
      raw = 0n;
    } else {
      raw = entries[entries.length - 1]!.offset;
    }
  }
}

const MIGRATING = 'migrating';

/** Whether an entry is listed from this subvolume; MIGRATING: only if its move is not finished. */
function keep(self: DhtSelf, xl: Xlator, e: DirEntry, layout: Parameters<typeof subvolForNameIn>[1]): boolean | typeof MIGRATING {
  if (isLinkfile(self, e.stat, e.dict)) return false;
  const isDir = e.stat ? e.stat.type === IaType.DIR : e.type === DT_DIR;
  if (isDir) {
    if (self.options['readdir-optimize']) return xl === firstUp(self);
    const hashed = subvolForNameIn(self, layout, e.name);
    if (hashed === xl) return true;
    return !(hashed && isUp(self, hashed)) && xl === firstUp(self);
  }
  if (e.dict?.has(self.priv.linkXattr) && isMigrating(e.stat)) return MIGRATING;
  return true;
}

/** A migrating source is hidden once its destination is a real file (the switch happened). */
async function destinationComplete(self: DhtSelf, frame: Frame, fd: FopArgs<'readdirp'>['fd'], e: DirEntry): Promise<boolean> {
  const target = linktoTarget(self, e.dict);
  if (!target || !isUp(self, target)) return false;
  const parent = fd.inode;
  try {
    const r = await target.fops.lookup(frame, {
      loc: { path: parent.table.path(parent, e.name), name: e.name, parent, pargfid: parent.gfid, inode: parent.table.create() },
      xdata: lookupXdata(self, undefined),
    });
    return r.buf.gfid === e.stat?.gfid && !isLinkfile(self, r.buf, r.xdata);
  } catch {
    return false;
  }
}

function tidy(self: DhtSelf, xl: Xlator, e: DirEntry, idx: number, n: number): DirEntry {
  const out: DirEntry = { ...e, offset: itransform(e.offset, idx, n) };
  const link = self.priv.linkXattr;
  if (out.stat) {
    if (out.stat.type === IaType.DIR) out.stat = { ...out.stat, size: 4096, blocks: 8 };
    else if (e.dict?.has(link)) out.stat = { ...out.stat, mode: out.stat.mode & ~(S_ISGID | S_ISVTX) };
    // The context is written only when it changes (a listing repeats the same files).
    if (out.stat.type !== IaType.DIR && out.inode && inodeCtx(self, out.inode)?.cached !== xl) setInodeCtx(self, out.inode, out.stat.gfid, { cached: xl });
  }
  if (out.dict) {
    if (!out.dict.has(link)) return out;
    if (out.dict.size === 1) out.dict = undefined;
    else {
      const d = out.dict.clone();
      d.delete(link);
      out.dict = d;
    }
  }
  return out;
}
