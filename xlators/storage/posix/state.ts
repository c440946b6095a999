import type { DirentRaw } from '../../../native/index.js';
import { InodeTable, type Inode } from '../../../runtime/core/inode.js';
import type { Loc } from '../../../runtime/core/loc.js';
import type { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { PipePool } from '../../../runtime/core/pipe-pool.js';
import type { IdTable } from '../../../runtime/core/id-table.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import type { Brick } from './brick.js';
import type { PosixOptions } from './options.js';
import type { Resolver } from './resolve.js';

/** Mode rules for new entries (create-mask and friends), parsed once at init. */
export interface ModeRules {
  createMask: number;
  dirMask: number;
  forceCreate: number;
  forceDir: number;
}

/** The translator's private state (what init returns). */
export interface PosixState {
  brick: Brick;
  resolver: Resolver;
  modes: ModeRules;
  maxHardlinks: number;
  sharedBrickCount: number;
  /** Inodes for replies when the caller's loc carries none (direct calls, tests). */
  spareTable: InodeTable;
  /**
   * Kernel fds held for open fds, closed at fini if a client never released them. An IdTable: a
   * Set that files opened and closed one at a time emptied got a new table from V8 every time.
   */
  openFds: IdTable<PosixFd>;
  /** Pipes large reads are spliced into when protocol/server sends the reply (io.ts readv). */
  readPipes: PipePool;
  /** False once the brick's filesystem refused to splice from a file (no splice_read). */
  spliceReads: boolean;
  /** False once the kernel or filesystem cannot read without waiting (RWF_NOWAIT): io.ts readv. */
  nowaitReads: boolean;
}

export type PosixSelf = Xlator<PosixOptions, PosixState>;

/** Per-fd state: the kernel fd and what it was opened on. */
export interface PosixFd {
  kfd: number;
  gfid: string;
  isDir: boolean;
  /** A regular file: its large reads may be spliced (io.ts readv). */
  isFile: boolean;
  /** A directory's entries read from the kernel beyond what the last readdir answered (dir.ts). */
  ahead?: { from: bigint; entries: DirentRaw[]; at: number };
}

/** Attach a kernel fd to an fd (open, create, opendir). */
export function setFdCtx(self: PosixSelf, fd: Fd, c: PosixFd): void {
  self.priv.openFds.set(c.kfd, c);
  fd.ctxSet(self, c);
}

export function fdCtx(self: PosixSelf, fd: Fd): PosixFd {
  const c = fd.ctxGet<PosixFd>(self);
  if (!c) throw new FopError(E.EBADF, 'fd was not opened through this brick');
  return c;
}

/** The inode to return for an entry fop: the caller's, else a fresh one. */
export function replyInode(self: PosixSelf, loc: Loc): Inode {
  return loc.inode ?? loc.parent?.table.create() ?? self.priv.spareTable.create();
}

export function newSpareTable(): InodeTable {
  return new InodeTable({ lruLimit: 1024 });
}
