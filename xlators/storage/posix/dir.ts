import { C, errnoError, native, parseDirents, STAT_FIELDS, type DirentRaw } from '../../../native/index.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { gfidFromBuffer, ROOT_GFID } from '../../../runtime/core/gfid.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { DirEntry } from '../../../runtime/fops/types.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { iattFromStat } from './iatt.js';
import { kfd } from './kfd.js';
import { HIDDEN_DIR } from './names.js';
import { fdCtx, setFdCtx, type PosixFd, type PosixSelf } from './state.js';
import { fillRequestedXattrs } from './xdata.js';

export async function opendir(self: PosixSelf, _f: Frame, a: FopArgs<'opendir'>): Promise<FopResult<'opendir'>> {
  const r = await self.priv.resolver.locObject(a.loc);
  try {
    if (!r.st.isDirectory()) throw new FopError(E.ENOTDIR);
    const name = r.path.slice(r.path.lastIndexOf('/') + 1);
    // O_DIRECTORY on a checked directory: the open cannot block, so it is made inline.
    const k = self.priv.brick.openAtSync(r.fd, name, C.O_RDONLY | C.O_DIRECTORY);
    setFdCtx(self, a.fd, { kfd: k, gfid: r.gfid, isDir: true, isFile: false });
    return { fd: a.fd };
  } finally {
    r.close();
  }
}

/**
 * Bytes one entry costs against the caller's size budget, as posix_fill_readdir counts them:
 * max(sizeof(gf_dirent_t), sizeof(gfx_dirplist)) + strlen(name) + 1, where the larger is
 * gfx_dirplist's 216 bytes on x86_64. It decides how many entries answer a request of a given
 * size, and the size comes from the kernel (4 KiB per READDIRPLUS): counting entries smaller,
 * as we did (64 bytes), sent about 50 per reply where the FUSE reply holds 25, and the mount
 * dropped the rest after the brick had stat'ed them.
 */
const DIRENT_SIZE = 216;
const entryCost = (name: string) => DIRENT_SIZE + Buffer.byteLength(name) + 1;

/** Bytes asked of getdents64 at a time: about 1,000 short names, as glibc's readdir buffer. */
const GETDENTS_BYTES = 32 * 1024;
/** Entries read ahead are used for a continuing listing this long, then read again. */
const AHEAD_MS = 1000;
const getdentsBuf = Buffer.allocUnsafe(GETDENTS_BYTES);

/** The kernel's entries from `offset` on (null: from the fd's position). */
function getdents(c: PosixFd, offset: bigint | null): DirentRaw[] {
  const n = native.getdentsInto(c.kfd, offset, getdentsBuf);
  if (n < 0) throw errnoError(n, 'getdents64');
  return parseDirents(getdentsBuf, n);
}

/**
 * Entries from `offset` on, at most `size` bytes' worth (always at least one, so a listing
 * progresses). Offsets are the kernel's own d_off cookies (what telldir returns), so any offset
 * handed out earlier resumes the listing, from any fd on the same directory. `.` and `..` are
 * listed, as posix does; `.glusterfs` is hidden in the brick root.
 *
 * The kernel is asked for a glibc-sized batch and what a request does not take is kept on the
 * fd for the request that continues at its offset (clients ask a few KiB at a time: a FUSE
 * request, or 4 KiB from a mount on an old kernel): a listing reads each entry from the kernel
 * once instead of seeking back and reading a whole batch for every request, and no JS object
 * is built for entries that are not sent. A kept batch older than a second is read again.
 *
 * `eof`: nothing follows. When a batch ends with the kernel's entries, one more getdents64 tells
 * (as posix_fill_readdir's extra readdir does): the caller is spared the call that would find
 * nothing, and what it found is kept for that call if the directory grew meanwhile.
 */
function readEntries(c: PosixFd, size: number, offset: bigint): { out: DirentRaw[]; eof: boolean } {
  const kept = c.ahead;
  c.ahead = undefined;
  const reuse = kept !== undefined && kept.from === offset && Date.now() - kept.at < AHEAD_MS;
  let raw = reuse ? kept.entries : getdents(c, offset);
  let at = reuse ? kept.at : Date.now();
  const out: DirentRaw[] = [];
  let used = 0;
  let last = offset;
  for (;;) {
    for (let i = 0; i < raw.length; i++) {
      const d = raw[i]!;
      used += entryCost(d.name);
      if (out.length > 0 && used > size) {
        c.ahead = { from: last, entries: raw.slice(i), at };
        return { out, eof: false };
      }
      last = d.off;
      if (hidden(c, d)) continue;
      out.push(d);
    }
    if (raw.length === 0) return { out, eof: true };
    raw = getdents(c, last);
    at = Date.now();
    // Hidden entries may end a batch: keep reading so the caller never gets an empty batch
    // before the end.
    if (out.length > 0) {
      // Only `.glusterfs` left: that is the end too.
      while (raw.length > 0 && raw.every((d) => hidden(c, d))) raw = getdents(c, (last = raw[raw.length - 1]!.off));
      if (raw.length === 0) return { out, eof: true };
      c.ahead = { from: last, entries: raw, at };
      return { out, eof: false };
    }
  }
}

const hidden = (c: PosixFd, d: DirentRaw) => c.gfid === ROOT_GFID && d.name === HIDDEN_DIR;

function toEntry(d: DirentRaw): DirEntry {
  return { name: d.name, offset: d.off, ino: d.ino, type: d.type };
}

export async function readdir(self: PosixSelf, _f: Frame, a: FopArgs<'readdir'>): Promise<FopResult<'readdir'>> {
  const c = fdCtx(self, a.fd);
  const { out, eof } = readEntries(c, a.size, a.offset);
  return { entries: out.map(toEntry), eof };
}

/**
 * readdir plus each entry's iatt and inode (and requested xattrs), as posix_readdirp_fill does.
 * The stats and gfids of a whole batch come from one native call (statEntries), relative to the
 * directory's fd.
 */
export async function readdirp(self: PosixSelf, _f: Frame, a: FopArgs<'readdirp'>): Promise<FopResult<'readdirp'>> {
  // A batch whose entries all vanished would read as the end: go on after it.
  for (let offset = a.offset; ; ) {
    const r = await readdirpFrom(self, a, offset);
    if (r.entries.length > 0 || r.eof || r.last === undefined) return { entries: r.entries, eof: r.eof };
    offset = r.last;
  }
}

async function readdirpFrom(self: PosixSelf, a: FopArgs<'readdirp'>, offset: bigint): Promise<{ entries: DirEntry[]; eof: boolean; last?: bigint }> {
  const c = fdCtx(self, a.fd);
  const table = a.fd.inode.table;
  const { out: raw, eof } = readEntries(c, a.size, offset);
  const entries = raw.map(toEntry);
  // `..` of the root would leave the brick: it gets no stat, like any entry whose stat fails.
  const which: number[] = [];
  for (let i = 0; i < raw.length; i++) if (!(raw[i]!.name === '..' && c.gfid === ROOT_GFID)) which.push(i);
  const names = which.map((i) => raw[i]!.name);
  const stats = new Float64Array(names.length * STAT_FIELDS);
  const gfids = Buffer.allocUnsafe(names.length * 16);
  const found = native.statEntries(c.kfd, names, stats, gfids);
  const wantXattrs = a.xdata !== undefined && a.xdata.size > 0;
  const gone = new Set<number>();
  for (let k = 0; k < which.length; k++) {
    // Gone since the directory was read (a batch read ahead is kept up to a second): not listed,
    // or a client would be handed a name just unlinked. Another failure: listed without a stat.
    if (found[k] === -E.ENOENT) gone.add(which[k]!);
    if (found[k]! < 0) continue;
    const name = names[k]!;
    const gfid = name === '.' ? c.gfid : found[k] === 1 ? gfidFromBuffer(gfids.subarray(k * 16, k * 16 + 16)) : undefined;
    if (!gfid) continue;
    const entry = entries[which[k]!]!;
    entry.stat = iattFromStat(stats, gfid, k * STAT_FIELDS);
    entry.ino = entry.stat.ino;
    entry.inode = table.find(gfid) ?? table.create();
    if (wantXattrs) {
      const dict = fillRequestedXattrs(a.xdata, { dirFd: c.kfd, name });
      if (dict) entry.dict = dict;
    }
  }
  return { entries: gone.size ? entries.filter((_, i) => !gone.has(i)) : entries, eof, last: raw.at(-1)?.off };
}

export async function fsyncdir(self: PosixSelf, _f: Frame, a: FopArgs<'fsyncdir'>): Promise<FopResult<'fsyncdir'>> {
  const c = fdCtx(self, a.fd);
  await (a.datasync ? kfd.fdatasync(c.kfd) : kfd.fsync(c.kfd));
  return {};
}
