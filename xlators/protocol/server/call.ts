import { constants } from 'node:fs';
import { Fd } from '../../../runtime/core/fd.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import { createFrame, type Frame } from '../../../runtime/core/frame.js';
import { IaType } from '../../../runtime/core/iatt.js';
import type { Inode, InodeTable } from '../../../runtime/core/inode.js';
import type { Graph } from '../../../runtime/graph/graph.js';
import type { BoundFops } from '../../../runtime/fops/signatures.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import type { Credential } from '../../../rpc/sunrpc/auth.js';
import { ANON_FD_NO, type ServerClient } from './client.js';
import { inodeLoc, resolveInode } from './resolve.js';

/** How a server turns credentials into frames (root-squash and all-squash apply to untrusted clients). */
export interface Squash {
  root: boolean;
  all: boolean;
  anonuid: number;
  anongid: number;
}

/**
 * The server side of one request: its frame (from the AUTH_GLUSTERFS credential), the inodes and
 * fds it holds while the fop runs, all let go by `finish`.
 */
export class Call {
  readonly frame: Frame;
  readonly xl: Xlator;
  private readonly held: Inode[] = [];
  private readonly fdNumbers: bigint[] = [];
  private readonly anonymous: Fd[] = [];

  constructor(
    readonly graph: Graph,
    readonly client: ServerClient,
    cred: Credential,
    squash: Squash,
  ) {
    this.xl = client.bound!;
    this.frame = frameFromCredential(cred, client, squash);
  }

  get fops(): BoundFops {
    return this.xl.fops;
  }

  get itable(): InodeTable {
    return this.graph.itable;
  }

  /** Keep an inode in the table while the call runs. */
  hold<T extends Inode | undefined>(inode: T): T {
    if (inode) {
      this.itable.ref(inode);
      this.held.push(inode);
    }
    return inode;
  }

  /**
   * The fd behind a wire fd number. GF_ANON_FD_NO asks for an anonymous fd on the request's
   * gfid: the server opens one for this call only (posix has no anonymous fds of its own).
   */
  async fd(n: bigint, gfid: Buffer, dir?: boolean): Promise<Fd> {
    if (n === ANON_FD_NO) return this.anonymousFd(gfid);
    const fd = this.client.fds.take(n, dir);
    this.fdNumbers.push(n);
    return fd;
  }

  private async anonymousFd(gfid: Buffer): Promise<Fd> {
    const loc = await resolveInode(this, gfid);
    const inode = loc.inode!;
    const isDir = inode.type === IaType.DIR;
    const tryOpen = async (flags: number) => {
      const fd = new Fd(inode, flags, this.frame.pid);
      const res = isDir ? await this.fops.opendir(this.frame, { loc, fd }) : await this.fops.open(this.frame, { loc, flags, fd });
      return res.fd ?? fd;
    };
    let fd: Fd;
    try {
      fd = await tryOpen(isDir ? constants.O_RDONLY : constants.O_RDWR);
    } catch (err) {
      if (isDir || !(err instanceof FopError) || (err.errno !== E.EACCES && err.errno !== E.EROFS && err.errno !== E.ETXTBSY)) throw err;
      fd = await tryOpen(constants.O_RDONLY);
    }
    this.anonymous.push(fd);
    return fd;
  }

  /** Resolve a gfid to a held, linked inode (nameless lookup when the table does not know it). */
  inodeLoc(gfid: Buffer) {
    return resolveInode(this, gfid);
  }

  locOf(inode: Inode) {
    return inodeLoc(this, inode);
  }

  /** Let go of what the call held; a promise only when anonymous fds are to be released. */
  finish(): Promise<void> | undefined {
    for (const n of this.fdNumbers) this.client.fds.put(n);
    if (this.anonymous.length > 0) return this.releaseAnonymous();
    this.unrefHeld();
    return undefined;
  }

  /** Every anonymous fd is released even if one release fails; the first failure is rethrown. */
  private async releaseAnonymous(): Promise<void> {
    let failure: unknown;
    for (const fd of this.anonymous) {
      try {
        await this.graph.release(fd, fd.inode.type === IaType.DIR);
      } catch (err) {
        failure ??= err;
      }
    }
    this.unrefHeld();
    if (failure !== undefined) throw failure;
  }

  private unrefHeld(): void {
    for (const inode of this.held) this.itable.unref(inode);
    this.held.length = 0;
  }
}

function frameFromCredential(cred: Credential, client: ServerClient, squash: Squash): Frame {
  let uid = 0;
  let gid = 0;
  let pid = 0;
  let groups: number[] = [];
  let lkOwner: Buffer = Buffer.alloc(0);
  if (cred.flavor === 'glusterfs-v3' || cred.flavor === 'glusterfs-v2') {
    ({ uid, gid, pid, groups } = cred);
    lkOwner = cred.lkOwner;
  }
  // RPC_AUTH_ROOT_SQUASH / RPC_AUTH_ALL_SQUASH for clients that did not log in.
  if (!client.trusted && (squash.all || (squash.root && uid === 0))) {
    uid = squash.anonuid;
    gid = squash.anongid;
    groups = groups.map((g) => (squash.all || g === 0 ? squash.anongid : g));
  } else if (!client.trusted && squash.root && gid === 0) {
    gid = squash.anongid;
  }
  return createFrame({ uid, gid, pid, groups, lkOwner, signal: client.abort.signal, client: client.id });
}
