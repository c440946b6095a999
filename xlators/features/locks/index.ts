/**
 * features/locks: the brick's lock server, GlusterFS's posix-locks re-imagined. It answers the
 * lock fops itself (they never reach storage): fcntl and flock locks (`lk`), and the internal
 * inodelk/finodelk and entrylk/fentrylk that AFR, DHT and EC clients take. Locks belong to
 * (frame.client, frame.lkOwner); a blocked request waits in line until granted, cancelled by its
 * caller (EINTR) or failed because its client left. close(2) drops the process's record locks
 * (FLUSH carries its lock owner), the last release of an fd drops the locks taken through it,
 * and a disconnecting client loses every lock it held. Lock counts are added to reply xdata
 * when asked for (counts.ts).
 */
import type { Dict } from '../../../runtime/core/dict.js';
import type { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { locGfid, type Loc } from '../../../runtime/core/loc.js';
import { NULL_GFID, type Gfid } from '../../../runtime/core/gfid.js';
import { FLOCK_KEY, type Flock, type LockInfo } from '../../../runtime/fops/types.js';
import { defineXlator } from '../../../runtime/xlator/define.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { countedFops } from './counted.js';
import { ENTRYLK_LOCK, ENTRYLK_LOCK_NB, ENTRYLK_UNLOCK, type EntryLock } from './entrylk.js';
import type { InodeLock } from './inodelk.js';
import { options, type LocksOptions } from './options.js';
import { ownerOf, ownerKey, showOwner } from './owner.js';
import type { PosixLock } from './posix-locks.js';
import { applyLock, F_RDLCK, F_UNLCK, F_WRLCK, flockRange, OFFSET_MAX, rangeLen } from '../../../runtime/core/lock-ranges.js';
import { LockTable } from './table.js';

export interface LocksPriv {
  readonly table: LockTable;
}

type Self = Xlator<LocksOptions, LocksPriv>;

/**
 * fcntl commands. The fop carries Linux's numbers (F_GETLK 5, F_SETLK 6, F_SETLKW 7; the *64
 * variants are the same on 64-bit, 12-14 on 32-bit). GlusterFS's wire numbers (GF_LK_GETLK 0,
 * GF_LK_SETLK 1, GF_LK_SETLKW 2) are accepted too: they cannot be mistaken for lock commands.
 */
function lockCmd(cmd: number): 'get' | 'set' | 'setw' | undefined {
  if (cmd === 5 || cmd === 12 || cmd === 0) return 'get';
  if (cmd === 6 || cmd === 13 || cmd === 1) return 'set';
  if (cmd === 7 || cmd === 14 || cmd === 2) return 'setw';
  return undefined;
}

function checkType(type: number): void {
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) throw new FopError(E.EINVAL, `lock type ${type}`);
}

function gfidOfLoc(loc: Loc): Gfid {
  const gfid = locGfid(loc) ?? loc.inode?.gfid;
  if (!gfid || gfid === NULL_GFID) throw new FopError(E.EINVAL, `no gfid for ${loc.path}`);
  return gfid;
}

function gfidOfFd(fd: Fd): Gfid {
  if (fd.inode.gfid === NULL_GFID) throw new FopError(E.EBADF, 'fd on an unlinked inode');
  return fd.inode.gfid;
}

function toFlock(l: PosixLock): Flock {
  const { start, len } = rangeLen(l);
  return { type: l.type, whence: 0, start, len, pid: l.pid, owner: l.lkOwner };
}

function trace(self: Self, what: string): void {
  if (self.options.trace) self.log.info(what);
}

async function lk(self: Self, frame: Frame, args: { fd: Fd; cmd: number; flock: Flock; xdata?: Dict }) {
  const { fd, cmd, flock, xdata } = args;
  const kind = lockCmd(cmd);
  if (!kind) throw new FopError(E.EINVAL, `lk command ${cmd}`);
  checkType(flock.type);
  const range = flockRange(flock.start, flock.len);
  const isFlock = (xdata?.getInt(FLOCK_KEY) ?? 0n) !== 0n;
  const { table } = self.priv;
  const gfid = gfidOfFd(fd);
  // Object.assign onto a literal, not spreads: see runtime/core/objects.ts.
  const req: PosixLock = Object.assign({ start: range.start, end: range.end, type: flock.type, fd: fd.id }, ownerOf(frame));
  trace(self, `lk ${kind} ${isFlock ? 'flock' : 'fcntl'} gfid=${gfid} type=${flock.type} ${range.start}-${range.end} owner=${showOwner(req)}`);
  if (kind === 'get') {
    const il = table.find(gfid);
    const conf = il ? (isFlock ? il.flock : il.fcntl).getlk(req) : undefined;
    return { flock: conf ? toFlock(conf) : { ...toFlock(req), type: F_UNLCK } };
  }
  const il = table.get(gfid);
  const space = isFlock ? il.flock : il.fcntl;
  try {
    await space.setlk(req, kind === 'setw', frame.signal, () => table.prune(il));
  } finally {
    table.prune(il);
  }
  // GlusterFS answers an unlock with F_RDLCK while the fd still holds locks (for NLM).
  const type = flock.type === F_UNLCK && space.heldThrough(fd.id) ? F_RDLCK : flock.type;
  return { flock: { ...flock, type } };
}

/**
 * inodelk / finodelk. The special range (start LLONG_MAX-1, len 0) moves the request to the
 * `<domain>:metadata` domain, as GlusterFS does for metadata locks.
 */
async function inodelk(self: Self, frame: Frame, volume: string, gfid: Gfid, cmd: number, flock: Flock, xdata: Dict | undefined) {
  const kind = lockCmd(cmd);
  if (kind === 'get') throw new FopError(E.ENOTSUP, 'F_GETLK is not supported for inodelk');
  if (!kind) throw new FopError(E.EINVAL, `inodelk command ${cmd}`);
  if (flock.start < 0n || flock.len < 0n) throw new FopError(E.EINVAL, 'negative inodelk range');
  checkType(flock.type);
  const domain = flock.start === OFFSET_MAX - 1n && flock.len === 0n && !volume.endsWith(':metadata') ? `${volume}:metadata` : volume;
  const { table } = self.priv;
  const il = table.get(gfid);
  const dom = il.inodelkDomain(domain);
  const { start, end } = flockRange(flock.start, flock.len);
  const req: InodeLock = Object.assign({ start, end, type: flock.type, connectionId: xdata?.getStr('connection-id') }, ownerOf(frame));
  trace(self, `inodelk ${kind} domain=${domain} gfid=${gfid} type=${flock.type} ${req.start}-${req.end} owner=${showOwner(req)}`);
  try {
    if (flock.type !== F_UNLCK && self.options['revocation-secs'] > 0) {
      const n = dom.pruneStale(req, revocation(self));
      if (n) self.log.warn(`lock revocation: ${n} inodelk(s) revoked on ${gfid}, domain ${domain}`);
    }
    await dom.lock(req, kind === 'setw', frame.signal, () => table.prune(il));
  } finally {
    table.prune(il);
  }
  return {};
}

async function entrylk(self: Self, frame: Frame, volume: string, gfid: Gfid, basename: string | undefined, cmd: number, type: number, xdata: Dict | undefined) {
  if (cmd !== ENTRYLK_LOCK && cmd !== ENTRYLK_LOCK_NB && cmd !== ENTRYLK_UNLOCK) throw new FopError(E.EINVAL, `entrylk command ${cmd}`);
  const { table } = self.priv;
  const il = table.get(gfid);
  const dom = il.entrylkDomain(volume);
  const req: EntryLock = Object.assign({ basename: basename || undefined, type, connectionId: xdata?.getStr('connection-id') }, ownerOf(frame));
  trace(self, `entrylk cmd=${cmd} domain=${volume} gfid=${gfid} name=${req.basename ?? '(all)'} owner=${showOwner(req)}`);
  try {
    if (cmd === ENTRYLK_UNLOCK) {
      dom.unlock(req);
    } else {
      if (self.options['revocation-secs'] > 0) {
        const n = dom.pruneStale(req, revocation(self));
        if (n) self.log.warn(`lock revocation: ${n} entrylk(s) revoked on ${gfid}, domain ${volume}`);
      }
      await dom.lock(req, cmd === ENTRYLK_LOCK, frame.signal, () => table.prune(il));
    }
  } finally {
    table.prune(il);
  }
  return {};
}

const revocation = (self: Self) => ({
  secs: self.options['revocation-secs'],
  maxBlocked: self.options['revocation-max-blocked'],
  clearAll: self.options['revocation-clear-all'],
});

/** Record locks granted on an inode, for lock migration (GlusterFS's getactivelk/setactivelk). */
function activeLocks(self: Self, gfid: Gfid): LockInfo[] {
  const il = self.priv.table.find(gfid);
  return (il?.fcntl.held ?? []).map((l) => ({ flock: toFlock(l), client: l.client, lkOwner: l.lkOwner }));
}

export default defineXlator({
  apiVersion: 1,
  type: 'features/locks',
  description: 'POSIX record locks, flock, inodelk and entrylk on the brick (GlusterFS posix-locks).',
  options,
  passesWriteData: true,
  passesReadData: true,
  children: { min: 1, max: 1 },
  init(self): LocksPriv {
    if (self.options['mandatory-locking'] !== 'off' || self.options['enforce-mandatory-lock']) {
      self.log.warn('mandatory locking is not implemented: locks stay advisory');
    }
    return { table: new LockTable() };
  },
  async notify(self, event) {
    if (event.type === 'PARENT_DOWN') {
      const n = self.priv.table.failWaiters(E.ENOTCONN, 'the brick is going down');
      if (n) self.log.info(`failed ${n} blocked lock request(s): the graph is going down`);
    }
    await self.defaultNotify(event);
  },
  fops: {
    ...countedFops,
    lk: (self, frame, args) => lk(self, frame, args),
    inodelk: (self, frame, a) => inodelk(self, frame, a.volume, gfidOfLoc(a.loc), a.cmd, a.flock, a.xdata),
    finodelk: (self, frame, a) => inodelk(self, frame, a.volume, gfidOfFd(a.fd), a.cmd, a.flock, a.xdata),
    entrylk: (self, frame, a) => entrylk(self, frame, a.volume, gfidOfLoc(a.loc), a.basename, a.cmd, a.type, a.xdata),
    fentrylk: (self, frame, a) => entrylk(self, frame, a.volume, gfidOfFd(a.fd), a.basename, a.cmd, a.type, a.xdata),
    /**
     * close(2): the closing process's record locks on the file go. Without a lock owner (a
     * server cleaning up after a lost client) every lock taken through the fd goes instead.
     */
    async flush(self, frame, args) {
      const il = self.priv.table.find(args.fd.inode.gfid);
      if (il) {
        if (frame.lkOwner.length === 0) {
          il.fcntl.dropFd(args.fd.id);
          il.flock.dropFd(args.fd.id);
        } else {
          il.fcntl.dropOwner(ownerKey(frame.client, frame.lkOwner));
        }
        self.priv.table.prune(il);
      }
      return countedFops.flush(self, frame, args);
    },
    async getactivelk(self, _frame, args) {
      return { locks: activeLocks(self, gfidOfLoc(args.loc)) };
    },
    async setactivelk(self, _frame, args) {
      const il = self.priv.table.get(gfidOfLoc(args.loc));
      for (const info of args.locks) {
        checkType(info.flock.type);
        const lock: PosixLock = { ...flockRange(info.flock.start, info.flock.len), type: info.flock.type, client: info.client, lkOwner: info.lkOwner, pid: info.flock.pid, owner: ownerKey(info.client, info.lkOwner), fd: 0 };
        il.fcntl.held = applyLock(il.fcntl.held, lock);
      }
      self.priv.table.prune(il);
      return {};
    },
  },
  cbks: {
    /** The last reference to the fd went: every lock taken through it goes (pl_release). */
    release(self, fd) {
      const il = self.priv.table.find(fd.inode.gfid);
      if (!il) return;
      il.fcntl.dropFd(fd.id);
      il.flock.dropFd(fd.id);
      self.priv.table.prune(il);
    },
    clientDisconnect(self, client) {
      const n = self.priv.table.dropClient(client);
      if (n) self.log.debug(`released ${n} lock(s) of disconnected client ${client}`);
    },
  },
  dump(self) {
    return { inodes: self.priv.table.size, locks: self.priv.table.dump() };
  },
});
