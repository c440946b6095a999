import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { Fd } from '../../runtime/core/fd.js';
import { startGraph, type TestGraph, type TestVolume } from '../../runtime/testkit/index.js';
import { defineXlator } from '../../runtime/xlator/define.js';

export const PAGE = 128 * 1024;
export const KiB = 1024;
export const MiB = 1024 * 1024;

/** Calls that reached the brick below io-cache. */
export interface Counts {
  readv: number;
  fstat: number;
}

/**
 * A tiny translator placed between io-cache and posix: it counts the reads and fstats io-cache
 * sends down, and drops O_DIRECT from opens so the brick's filesystem need not support it
 * (io-cache sees the flag; the brick does not).
 */
export function counter(counts: Counts) {
  return defineXlator({
    apiVersion: 1,
    type: 'test/counter',
    options: {},
    children: { min: 1, max: 1 },
    fops: {
      readv(self, frame, args) {
        counts.readv++;
        return self.firstChild!.fops.readv(frame, args);
      },
      fstat(self, frame, args) {
        counts.fstat++;
        return self.firstChild!.fops.fstat(frame, args);
      },
      open(self, frame, args) {
        return self.firstChild!.fops.open(frame, { ...args, flags: args.flags & ~constants.O_DIRECT });
      },
    },
  });
}

export interface CacheGraph {
  g: TestGraph;
  counts: Counts;
  brick: string;
  /** The io-cache volumes for `g.reconfigure`, with these options. */
  volumes(options: Record<string, string>): TestVolume[];
  open(path: string, flags?: number): Promise<Fd>;
  read(fd: Fd, offset: number, size: number, flags?: number): Promise<Buffer>;
  write(fd: Fd, offset: number, data: Buffer | string): Promise<void>;
  close(fd: Fd): Promise<void>;
  onDisk(path: string): Promise<Buffer>;
  /** io-cache's dump() state. */
  dump(): CacheDump;
  inodeDump(path: string): CacheDump['inodes'][number] | undefined;
}

export interface CacheDump {
  cacheSize: number;
  cacheUsed: number;
  inodeCount: number;
  cacheTimeout: number;
  hits: number;
  misses: number;
  shared: number;
  revalidations: number;
  flushes: number;
  bypassed: number;
  pruned: number;
  inodes: { path: string; weight: number; pages: number; bytes: number }[];
}

/** posix, the counter, io-cache with `options`; stopped when the test ends. */
export async function startCache(t: ExecutionContext, options: Record<string, string> = {}): Promise<CacheGraph> {
  const counts: Counts = { readv: 0, fstat: 0 };
  const volumes = (opts: Record<string, string>): TestVolume[] => [
    { name: 'brick', type: 'storage/posix' },
    { name: 'counter', type: 'test/counter', subvolumes: ['brick'] },
    { name: 'ioc', type: 'performance/io-cache', options: opts, subvolumes: ['counter'] },
  ];
  const g = await startGraph({ volumes: volumes(options), brick: true, xlators: { 'test/counter': counter(counts) } });
  t.teardown(() => g.stop());
  const ioc = g.graph.xlators.find((x) => x.type === 'performance/io-cache')!;
  const dump = () => ioc.dump().state as CacheDump;
  return {
    g,
    counts,
    brick: g.brick!,
    volumes,
    async open(path, flags = constants.O_RDONLY) {
      const { loc } = await g.lookup(path);
      const res = await g.fops.open(g.frame(), { loc, flags, fd: new Fd(loc.inode!, flags) });
      return res.fd;
    },
    async read(fd, offset, size, flags = 0) {
      return (await g.fops.readv(g.frame(), { fd, offset, size, flags })).data;
    },
    async write(fd, offset, data) {
      await g.fops.writev(g.frame(), { fd, offset, data: typeof data === 'string' ? Buffer.from(data) : data, flags: 0 });
    },
    async close(fd) {
      await g.fops.flush(g.frame(), { fd });
      await g.graph.release(fd);
    },
    onDisk: (path) => readFile(join(g.brick!, path)),
    dump,
    inodeDump: (path) => dump().inodes.find((i) => i.path === path),
  };
}

/** Deterministic bytes, so a misplaced slice never compares equal by accident. */
export function pattern(size: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}
