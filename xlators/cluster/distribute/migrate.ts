/**
 * Moving one file to the subvolume its name now hashes to, as dht_migrate_file does it, in an
 * order that keeps exactly one visible entry and never drops data, and that a second run can
 * pick up wherever the first one stopped:
 *
 * 1. the destination is a link file (mode 01000, linkto = source): lookups still reach the
 *    source, listings skip it;
 * 2. the source is marked "being migrated" (setgid + sticky, linkto = destination);
 * 3. data is copied (holes kept) and fsynced, again until the source stops changing;
 * 4. owner, times and xattrs go to the destination, then its real mode: from this instant the
 *    destination is the file (listings hide a marked source whose destination is real), and
 *    its linkto xattr is removed;
 * 5. the source becomes a link file (mode 01000): open fds notice and reopen on the destination
 *    (fd-ops.ts); anything written in between is copied once more; then the source goes.
 */
import { constants } from 'node:fs';
import { Dict } from '../../../runtime/core/dict.js';
import { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { createFrame } from '../../../runtime/core/frame.js';
import { IaType, S_ISGID, S_ISVTX, SetAttr, type Iatt } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { createLinkfile, linktoValue } from './linkfile.js';
import { DHT_LINKFILE_MODE, isLinkfile, lookupXdata, type DhtSelf } from './state.js';

export type MigrateResult = 'moved' | 'skipped';
const CHUNK = 1 << 20;
const frame = () => createFrame({ pid: -3 }); // GF_CLIENT_PID_DEFRAG

async function lookupOn(self: DhtSelf, xl: Xlator, loc: Loc): Promise<{ buf: Iatt; xdata?: Dict } | undefined> {
  try {
    return await xl.fops.lookup(frame(), { loc: { ...loc, inode: loc.parent!.table.create() }, xdata: lookupXdata(self, undefined) });
  } catch (err) {
    if (err instanceof FopError && (err.errno === E.ENOENT || err.errno === E.ESTALE)) return undefined;
    throw err;
  }
}

const sameTimes = (a: Iatt, b: Iatt): boolean => a.size === b.size && a.mtime.sec === b.mtime.sec && a.mtime.nsec === b.mtime.nsec;

async function copyData(src: Xlator, dst: Xlator, sfd: Fd, dfd: Fd): Promise<Iatt> {
  const before = (await src.fops.fstat(frame(), { fd: sfd })).buf;
  await dst.fops.ftruncate(frame(), { fd: dfd, offset: 0 });
  for (let off = 0; off < before.size; off += CHUNK) {
    const { data } = await src.fops.readv(frame(), { fd: sfd, size: CHUNK, offset: off, flags: 0 });
    if (data.length === 0) break;
    // An all-zero chunk is left as a hole (the final ftruncate sets the size).
    if (data.some((x) => x !== 0)) await dst.fops.writev(frame(), { fd: dfd, data, offset: off, flags: 0 });
  }
  await dst.fops.ftruncate(frame(), { fd: dfd, offset: before.size });
  await dst.fops.fsync(frame(), { fd: dfd, datasync: 0 });
  return before;
}

/** Copy until the source holds still between two looks (a writer is busy otherwise). */
async function copyStable(src: Xlator, dst: Xlator, sfd: Fd, dfd: Fd): Promise<Iatt> {
  for (let i = 0; i < 5; i++) {
    const before = await copyData(src, dst, sfd, dfd);
    const after = (await src.fops.fstat(frame(), { fd: sfd })).buf;
    if (sameTimes(before, after)) return after;
  }
  throw new FopError(E.EBUSY, 'the file kept changing while it was copied');
}

/** User-visible xattrs of the source, distribute's own keys left out. */
async function copyXattrs(self: DhtSelf, src: Xlator, dst: Xlator, loc: Loc, dfd: Fd): Promise<void> {
  const { dict } = await src.fops.getxattr(frame(), { loc });
  const out = new Dict();
  for (const [k, v] of dict) if (!k.startsWith(self.priv.layoutXattr) && k !== 'trusted.gfid') out.set(k, v);
  if (out.size) await dst.fops.fsetxattr(frame(), { fd: dfd, dict: out, flags: 0 });
}

/**
 * Move `name` in directory `dir` (inode linked, path `dirPath`) from `src` to `dst`. Returns
 * 'skipped' for what is not moved (not a regular file, hard links, gone meanwhile).
 */
export async function migrateFile(self: DhtSelf, dir: Inode, dirPath: string, name: string, src: Xlator, dst: Xlator): Promise<MigrateResult> {
  const at: Loc = { path: dirPath === '/' ? `/${name}` : `${dirPath}/${name}`, name, parent: dir, pargfid: dir.gfid };
  const s = await lookupOn(self, src, at);
  if (!s || s.buf.type !== IaType.REG || isLinkfile(self, s.buf, s.xdata)) return 'skipped';
  if (s.buf.nlink > 1) return 'skipped';
  const gfid = s.buf.gfid;
  const byGfid: Loc = { ...at, gfid, inode: undefined };
  const realMode = s.buf.mode & 0o7777 & ~(S_ISGID | S_ISVTX);
  let d = await lookupOn(self, dst, at);
  if (d && d.buf.gfid !== gfid) throw new FopError(E.EEXIST, `${at.path} on ${dst.name} is another file`);
  const switched = d !== undefined && !isLinkfile(self, d.buf, d.xdata) && (d.buf.mode & 0o7777) !== DHT_LINKFILE_MODE;
  const inode = dir.table.create();
  const sfd = new Fd(inode, constants.O_RDONLY);
  const dfd = new Fd(inode, constants.O_RDWR);
  try {
    if (!switched) {
      if (!d) await createLinkfile(self, dst, src, at, gfid, s.buf);
      else await dst.fops.setxattr(frame(), { loc: byGfid, dict: new Dict().setBin(self.priv.linkXattr, linktoValue(src)), flags: 0 });
      // 2. mark the source
      await src.fops.setxattr(frame(), { loc: byGfid, dict: new Dict().setBin(self.priv.linkXattr, linktoValue(dst)), flags: 0 });
      await src.fops.setattr(frame(), { loc: byGfid, stbuf: { ...s.buf, mode: s.buf.mode | S_ISGID | S_ISVTX }, valid: SetAttr.MODE });
    }
    await src.fops.open(frame(), { loc: byGfid, flags: constants.O_RDONLY, fd: sfd });
    await dst.fops.open(frame(), { loc: byGfid, flags: constants.O_RDWR, fd: dfd });
    // 3. data
    const copied = switched ? (await src.fops.fstat(frame(), { fd: sfd })).buf : await copyStable(src, dst, sfd, dfd);
    if (!switched) {
      // 4. metadata, then the switch
      await copyXattrs(self, src, dst, byGfid, dfd);
      const valid = SetAttr.UID | SetAttr.GID | SetAttr.ATIME | SetAttr.MTIME;
      await dst.fops.fsetattr(frame(), { fd: dfd, stbuf: copied, valid });
      await dst.fops.fsetattr(frame(), { fd: dfd, stbuf: { ...copied, mode: (copied.mode & ~0o7777) | realMode }, valid: SetAttr.MODE });
    }
    await dst.fops.removexattr(frame(), { loc: byGfid, name: self.priv.linkXattr }).catch(() => undefined);
    // 5. the source becomes a link file; late writes are carried over, then it goes
    await src.fops.setattr(frame(), { loc: byGfid, stbuf: { ...copied, mode: (copied.mode & ~0o7777) | DHT_LINKFILE_MODE }, valid: SetAttr.MODE });
    const last = (await src.fops.fstat(frame(), { fd: sfd })).buf;
    if (!sameTimes(last, copied)) {
      await copyData(src, dst, sfd, dfd);
      await dst.fops.fsetattr(frame(), { fd: dfd, stbuf: last, valid: SetAttr.ATIME | SetAttr.MTIME });
    }
    await src.fops.unlink(frame(), { loc: at, xflag: 0 });
    return 'moved';
  } finally {
    await self.graph.release(sfd);
    await self.graph.release(dfd);
    d = undefined;
  }
}
