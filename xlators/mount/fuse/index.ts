import { readFileSync } from 'node:fs';
import { ROOT_GFID } from '../../../runtime/core/gfid.js';
import { createFrame } from '../../../runtime/core/frame.js';
import { defineXlator } from '../../../runtime/xlator/define.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';
import { createBridge, type BridgeCore } from './bridge/index.js';
import { InitFlag } from './kernel/abi.js';
import { FuseSession } from './kernel/session.js';
import { kernelUnmount, setReadAhead } from './kernel/mount.js';
import { READ_REPLIES } from '../../../runtime/core/recycle.js';

const options = {
  mountpoint: { type: 'path', required: true, description: 'Directory the volume is mounted on.' },
  'attribute-timeout': { type: 'double', default: '1.0', min: 0, description: 'Seconds the kernel caches attributes.' },
  'entry-timeout': { type: 'double', default: '1.0', min: 0, description: 'Seconds the kernel caches names.' },
  'negative-timeout': { type: 'double', default: '0', min: 0, description: 'Seconds the kernel caches "no such file" answers (0: never).' },
  'direct-io-mode': {
    type: 'str',
    values: ['auto', 'enable', 'disable', 'on', 'off', 'yes', 'no', 'true', 'false'],
    default: 'auto',
    description: 'Bypass the kernel page cache for every open file (auto: use the page cache).',
  },
  'fopen-keep-cache': {
    type: 'str',
    values: ['auto', 'enable', 'disable', 'on', 'off', 'yes', 'no', 'true', 'false'],
    default: 'auto',
    description:
      'Keep a file\'s page cache across opens (FOPEN_KEEP_CACHE), as GlusterFS 10 does by default; the mount invalidates it when the volume reports a size or mtime this mount did not cause. auto and on: keep; off: drop on every open.',
  },
  'lru-limit': { type: 'int', default: '65536', min: 0, description: 'Unused inodes kept in the inode table (gfs-mount passes it to the graph).' },
  'read-ahead': {
    type: 'size',
    default: '4MB',
    min: '0',
    max: '64MB',
    description: 'Kernel readahead of the mount (0: leave the kernel default of 128 KiB). At 4 MiB sequential reads arrive as 1 MiB requests, several in flight.',
  },
  'readdir-size': {
    type: 'size',
    default: '128KB',
    min: '4KB',
    max: '1MB',
    description:
      'Bytes of entries one readdir(p) asks of the volume (as readdir-ahead\'s rda-request-size). The kernel asks for what the caller\'s buffer holds (32 KiB for glibc\'s readdir); the rest answers its next requests for up to a second.',
  },
  'readdir-cache': {
    type: 'bool',
    default: 'on',
    description:
      'Let the kernel keep a directory\'s listing across opens (FOPEN_CACHE_DIR): a repeated listing is answered by the kernel. It is dropped when this mount changes the directory, when the kernel sees a new mtime for it, and at the latest attribute-timeout seconds after it was read, so a change made by another client shows as late as a changed attribute does. Off (or attribute-timeout 0): every listing asks the volume.',
  },
  'max-write': { type: 'size', default: '1MB', min: '4KB', max: '1MB', description: 'Largest write request the kernel sends (needs max_pages).' },
  'splice-writes': {
    type: 'bool',
    default: 'on',
    description:
      'Splice the data of large writes (256 KiB and more) from the kernel to protocol/client\'s socket without copying it through the mount. Needs pipes of 2 MiB (root with CAP_SYS_RESOURCE, or fs.pipe-max-size >= 2097152); without them writes are read as with off.',
  },
  'read-only': { type: 'bool', default: 'off', description: 'Mount read-only in the kernel (gfs-mount -o ro also inserts features/read-only).' },
  fsname: { type: 'str', default: 'gfs', description: 'Mount source shown in /proc/mounts.' },
  selinux: { type: 'bool', default: 'false', description: 'Pass security.selinux (and security.capability) xattrs to the volume, as GlusterFS\'s option of that name.' },
  capability: { type: 'bool', default: 'false', description: 'Pass security.capability xattrs to the volume; off, the mount answers ENODATA itself as GlusterFS does.' },
} as const;

function pipeMaxSize(): string {
  try {
    return readFileSync('/proc/sys/fs/pipe-max-size', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export interface FusePriv {
  session: FuseSession;
  bridge: BridgeCore;
  /** Resolves when the kernel connection ended (umount, abort). */
  ended: Promise<void>;
  rootLookedUp: boolean;
}

type Self = Xlator<typeof options, FusePriv>;

const DIRECT_ON = new Set(['enable', 'on', 'yes', 'true']);

/** The mount state of a mount/fuse translator (gfs-mount waits on `ended`). */
export function fusePriv(xl: Xlator): FusePriv | undefined {
  return xl.type === 'mount/fuse' && xl.initialised ? (xl.priv as FusePriv) : undefined;
}

/** After the first CHILD_UP, look the root up as GlusterFS's mount does (creates nothing; warms posix). */
async function lookupRoot(self: Self): Promise<void> {
  const itable = self.graph.itable;
  try {
    await self.graph.fops.lookup(createFrame({ client: self.priv.bridge.opts.client }), { loc: { path: '/', name: '', inode: itable.root, gfid: ROOT_GFID } });
  } catch (err) {
    self.log.warn(`lookup of the volume root failed: ${(err as Error).message}`);
  }
}

/**
 * mount/fuse: the parent of the volfile's top volume. It mounts in init (as GlusterFS's fuse
 * translator does), holds kernel requests until CHILD_UP, and answers ENOTCONN after CHILD_DOWN.
 */
export default defineXlator({
  apiVersion: 1,
  type: 'mount/fuse',
  description: 'Serves the graph to the Linux kernel through /dev/fuse.',
  options,
  children: { min: 1, max: 1 },
  async init(self: Self): Promise<FusePriv> {
    const o = self.options;
    const mountpoint = o.mountpoint;
    // auto is GlusterFS's default, on.
    const keepCache = o['fopen-keep-cache'] === 'auto' || DIRECT_ON.has(o['fopen-keep-cache']);
    const { core, fs } = createBridge(
      self.graph,
      {
        attributeTimeout: o['attribute-timeout'],
        entryTimeout: o['entry-timeout'],
        negativeTimeout: o['negative-timeout'],
        directIo: DIRECT_ON.has(o['direct-io-mode']),
        keepCache,
        client: `fuse:${process.pid}:${mountpoint}`,
        selinux: o.selinux,
        capability: o.capability,
        readdirSize: o['readdir-size'],
        readdirCache: o['readdir-cache'] && o['attribute-timeout'] > 0,
      },
      self.log,
    );
    const session = await FuseSession.mount({
      mountpoint,
      fs,
      fsname: o.fsname,
      subtype: 'gfs',
      readOnly: o['read-only'],
      maxWrite: o['max-write'],
      maxRead: o['max-write'],
      splice: o['splice-writes'],
      onSplice: (ok) =>
        ok
          ? self.log.info('large writes: their data goes to the volume spliced, not copied', { code: 'FUSE_SPLICE_ON' })
          : self.log.warn(
              `large writes: cannot make 2 MiB pipes (fs.pipe-max-size is ${pipeMaxSize()} and CAP_SYS_RESOURCE is missing); their data is copied instead (raise fs.pipe-max-size to 4194304, as scripts/install-deps.sh does)`,
              { code: 'FUSE_SPLICE_OFF' },
            ),
      onError: (err, what) => self.log.error(`${what}: ${(err as Error)?.stack ?? String(err)}`),
      // Kept pages are invalidated by the bridge itself (BridgeCore.attrsSeen), not on every mtime
      // change. With security.capability on the volume, the kernel must keep asking for it before
      // writes (it removes a capability a write invalidates): no HANDLE_KILLPRIV_V2 then.
      initFlagsOff: (keepCache ? InitFlag.AUTO_INVAL_DATA : 0) | (o.capability || o.selinux ? InitFlag.HANDLE_KILLPRIV_V2 : 0),
    });
    core.invalidate = (nodeid) => session.invalidateInode(nodeid);
    if (o['read-ahead'] > 0) {
      try {
        setReadAhead(mountpoint, o['read-ahead']);
      } catch (err) {
        self.log.warn(`cannot set the readahead of ${mountpoint} (sequential reads stay at 128 KiB requests): ${(err as Error).message}`);
      }
    }
    self.log.info(`mounted on ${mountpoint}`, { ...session.conn });
    const ended = session.done.then(
      () => self.log.info(`the kernel closed the connection of ${mountpoint}`),
      (err: unknown) => self.log.error(`reading /dev/fuse failed: ${(err as Error).message}`),
    );
    return { session, bridge: core, ended, rootLookedUp: false };
  },
  async notify(self: Self, event) {
    const priv = self.priv;
    if (event.type === 'CHILD_UP') {
      priv.bridge.setChildState('up');
      if (!priv.rootLookedUp) {
        priv.rootLookedUp = true;
        await lookupRoot(self);
      }
    } else if (event.type === 'CHILD_DOWN') {
      priv.bridge.setChildState('down');
    }
    await self.defaultNotify(event);
  },
  async fini(self: Self) {
    const { session } = self.priv;
    if (session.splicedWrites > 0) self.log.info(`large writes: ${session.splicedWrites} had their data spliced`, { code: 'FUSE_SPLICE_STATS', spliced: session.splicedWrites });
    self.priv.bridge.stop();
    try {
      await session.unmount();
    } catch (err) {
      self.log.warn(`${(err as Error).message}; detaching lazily`);
      await kernelUnmount(session.mountpoint, { lazy: true });
    }
    await Promise.race([session.done.catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
    // Counted once the session is over, so replies written meanwhile have given their buffers back.
    const pool = READ_REPLIES.counts;
    if (pool.lent > 0) self.log.info(`large reads: ${pool.lent} came in pooled buffers, ${pool.returned} given back, ${pool.made} buffers made`, { code: 'FUSE_READ_POOL_STATS', ...pool });
  },
  dump(self: Self) {
    const { session, bridge } = self.priv;
    return {
      mountpoint: session.mountpoint,
      childState: bridge.childState,
      nodeids: bridge.nodes.size,
      openFds: bridge.fds.size,
      requestsInFlight: session.inflightCount,
      requests: Object.fromEntries(session.counts),
      splicedWrites: session.splicedWrites,
      negotiated: session.conn,
    };
  },
});
