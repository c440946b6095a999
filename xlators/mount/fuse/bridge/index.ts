import type { Graph } from '../../../../runtime/graph/graph.js';
import type { Logger } from '../../../../runtime/log/logger.js';
import type { RawFs, RequestContext } from '../kernel/types.js';
import { BridgeCore, type BridgeOptions } from './core.js';
import * as dir from './dir-ops.js';
import * as entry from './entry-ops.js';
import * as file from './file-ops.js';

export { BridgeCore, type BridgeOptions } from './core.js';

/**
 * The one place where kernel requests become fops (go-fuse's bridge): each RawFs method waits
 * for the graph (CHILD_UP), builds locs/fds/frames and calls the graph's entry fops. Errors stay
 * FopErrors; the session turns them into the reply's -errno. BMAP, IOCTL and POLL are left out
 * (ENOSYS).
 */
export function createBridge(graph: Graph, opts: BridgeOptions, log: Logger): { core: BridgeCore; fs: RawFs } {
  const b = new BridgeCore(graph, opts, log);
  /** Gate a handler on the graph being up. */
  const up =
    <A extends unknown[], R>(fn: (b: BridgeCore, ctx: RequestContext, ...args: A) => Promise<R>) =>
    (ctx: RequestContext, ...args: A): Promise<R> =>
      // Up is the usual case: no extra await (and no AbortSignal made) on the way.
      b.childState === 'up' ? fn(b, ctx, ...args) : b.gate(ctx).then(() => fn(b, ctx, ...args));
  const fs: RawFs = {
    init: (conn) => b.negotiated(conn),
    forget: (nodeid, n) => b.nodes.forget(nodeid, n),
    lookup: up(entry.lookup),
    getattr: up(entry.getattr),
    setattr: up(entry.setattr),
    readlink: up(entry.readlink),
    symlink: up(entry.symlink),
    mknod: up(entry.mknod),
    mkdir: up(entry.mkdir),
    unlink: up((b, ctx, name: string) => entry.unlink(b, ctx, name, false)),
    rmdir: up((b, ctx, name: string) => entry.unlink(b, ctx, name, true)),
    rename: up(entry.rename),
    link: up(entry.link),
    statfs: up(entry.statfs),
    access: up(entry.access),
    setxattr: up(entry.setxattr),
    getxattr: up(entry.getxattr),
    listxattr: up(entry.listxattr),
    removexattr: up(entry.removexattr),
    open: up(file.open),
    create: up(file.create),
    read: up(file.read),
    write: up(file.write),
    flush: up(file.flush),
    // Releases free local state even when the volume is down: never gated.
    release: (ctx, fh, flags, rf, owner) => file.release(b, ctx, fh, flags, rf, owner),
    fsync: up(file.fsync),
    getlk: up(file.getlk),
    setlk: up(file.setlk),
    fallocate: up(file.fallocate),
    lseek: up(file.lseek),
    copyFileRange: up(file.copyFileRange),
    opendir: up(dir.opendir),
    readdir: up(dir.readdir),
    releasedir: (ctx, fh) => dir.releasedir(b, ctx, fh),
    fsyncdir: up(dir.fsyncdir),
  };
  return { core: b, fs };
}
