import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:fs';
import { Fd } from '../core/fd.js';
import { createFrame, type Frame } from '../core/frame.js';
import type { Iatt } from '../core/iatt.js';
import type { Loc } from '../core/loc.js';
import type { BoundFops } from '../fops/signatures.js';
import { activateGraph } from '../graph/create.js';
import type { Graph } from '../graph/graph.js';
import { parseVolfileText } from '../graph/load.js';
import { reconfigureGraph } from '../graph/reconfigure.js';
import type { GraphSpec, OptionSpecLine, VolumeSpec } from '../graph/spec.js';
import type { XlatorDefinition } from '../xlator/define.js';
import { PathOps } from './paths.js';

/** A volume given as data: options as a record or as volfile-style lines. */
export interface TestVolume {
  name: string;
  type: string;
  options?: Readonly<Record<string, string>> | readonly OptionSpecLine[];
  subvolumes?: readonly string[];
}

/** One translator of a `stack`, placed above the brick. */
export interface TestLayer {
  type: string;
  name?: string;
  options?: Readonly<Record<string, string>>;
}

export interface StartGraphOptions {
  /** Volfile text. Mutually exclusive with `volumes` and `stack`. */
  volfile?: string;
  volumes?: readonly TestVolume[];
  /** Translators over a storage/posix brick, lowest first (volfile order). */
  stack?: readonly TestLayer[];
  /** Definitions by type that win over the loader: test a translator before packaging it. */
  xlators?: Readonly<Record<string, XlatorDefinition<any, any>>>;
  /**
   * A brick directory for every storage/posix volume without `option directory`: `true` makes a
   * temporary one (removed by stop), a string uses that folder. Default: true with `stack`.
   */
  brick?: boolean | string;
  /** Where plugin packages are looked for besides the loader's defaults. */
  searchPaths?: string[];
  /** How long to wait for CHILD_UP. */
  timeoutMs?: number;
}

export interface TestGraph {
  readonly graph: Graph;
  /** The graph's entry fops (the top translator's, counted for teardown). */
  readonly fops: BoundFops;
  /** The brick folder, when one was made or given. */
  readonly brick: string | undefined;
  /** A root-credential frame; pass fields to act as another user. */
  frame(init?: Partial<Omit<Frame, 'unique'>>): Frame;
  lookup(path: string): Promise<{ loc: Loc; buf: Iatt }>;
  /** A loc for a new entry at `path` (parent looked up), for fops the helpers below lack. */
  newLoc(path: string): Promise<Loc>;
  create(path: string, data?: string | Buffer, mode?: number): Promise<Iatt>;
  mkdir(path: string, mode?: number): Promise<Iatt>;
  read(path: string): Promise<Buffer>;
  /** Entry names, without `.` and `..`, in the order the graph returned them. */
  readdir(path: string): Promise<string[]>;
  /** Apply new volfile text or volumes (same names and types) through the translators' reconfigure. */
  reconfigure(next: string | readonly TestVolume[]): Promise<string[]>;
  /** Tear the graph down and remove the temporary brick. Safe to call twice. */
  stop(): Promise<void>;
}

const READ_CHUNK = 128 * 1024;

/**
 * Run a translator graph in-process: the real runtime, the real storage/posix on a temporary
 * brick, no mount. Resolves once the top reports CHILD_UP; always `await g.stop()` (t.teardown).
 */
export async function startGraph(opts: StartGraphOptions): Promise<TestGraph> {
  const given = [opts.volfile, opts.volumes, opts.stack].filter((x) => x !== undefined).length;
  if (given !== 1) throw new TypeError('startGraph takes exactly one of volfile, volumes or stack');
  const wantBrick = opts.brick ?? opts.stack !== undefined;
  const temp = wantBrick === true ? await mkdtemp(join(tmpdir(), 'gfs-testkit-')) : undefined;
  const brick = typeof wantBrick === 'string' ? wantBrick : temp;
  const cleanup = async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
  };
  let graph: Graph;
  try {
    const spec = withBrick(toSpec(opts), brick);
    graph = await activateGraph(spec, { xlators: opts.xlators, searchPaths: opts.searchPaths });
    const state = await graph.waitForChildState(opts.timeoutMs ?? 10_000).catch(async (err: unknown) => {
      await graph.teardown();
      throw err;
    });
    if (state !== 'CHILD_UP') {
      await graph.teardown();
      throw new Error(`the graph's top ${graph.top.name} reported ${state}, not CHILD_UP`);
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return testGraph(graph, brick, cleanup);
}

function testGraph(graph: Graph, brick: string | undefined, cleanup: () => Promise<void>): TestGraph {
  const frame = (init?: Partial<Omit<Frame, 'unique'>>) => createFrame(init);
  const paths = new PathOps(graph, () => frame());
  let stopped: Promise<void> | undefined;
  return {
    graph,
    fops: graph.fops,
    brick,
    frame,
    lookup: (path) => paths.lookup(path),
    newLoc: (path) => paths.newLoc(path),
    async create(path, data, mode = 0o644) {
      const loc = await paths.newLoc(path);
      const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
      const fd = new Fd(loc.inode!, flags);
      const res = await graph.fops.create(frame(), { loc, flags, mode: constants.S_IFREG | mode, umask: 0, fd });
      paths.link(res.inode, res.buf, loc.parent!, loc.name!);
      try {
        const buf = typeof data === 'string' ? Buffer.from(data) : data;
        if (buf && buf.length > 0) {
          const w = await graph.fops.writev(frame(), { fd: res.fd, data: buf, offset: 0, flags: 0 });
          await graph.fops.flush(frame(), { fd: res.fd });
          return w.postbuf;
        }
        await graph.fops.flush(frame(), { fd: res.fd });
        return res.buf;
      } finally {
        await graph.release(res.fd);
      }
    },
    async mkdir(path, mode = 0o755) {
      const loc = await paths.newLoc(path);
      const res = await graph.fops.mkdir(frame(), { loc, mode, umask: 0 });
      paths.link(res.inode, res.buf, loc.parent!, loc.name!);
      return res.buf;
    },
    read: (path) =>
      paths.withFd(path, false, constants.O_RDONLY, async (fd) => {
        const chunks: Buffer[] = [];
        for (let offset = 0; ; ) {
          const { data } = await graph.fops.readv(frame(), { fd, size: READ_CHUNK, offset, flags: 0 });
          if (data.length === 0) break;
          chunks.push(data);
          offset += data.length;
        }
        return Buffer.concat(chunks);
      }),
    readdir: (path) =>
      paths.withFd(path, true, constants.O_RDONLY, async (fd) => {
        const names: string[] = [];
        for (let offset = 0n; ; ) {
          const { entries } = await graph.fops.readdir(frame(), { fd, size: 4096, offset });
          if (entries.length === 0) break;
          for (const e of entries) if (e.name !== '.' && e.name !== '..') names.push(e.name);
          offset = entries[entries.length - 1]!.offset;
        }
        return names;
      }),
    reconfigure: (next) => reconfigureGraph(graph, withBrick(toSpec(typeof next === 'string' ? { volfile: next } : { volumes: next }), brick)),
    stop() {
      return (stopped ??= graph.teardown().finally(cleanup));
    },
  };
}

/** The volfile, volumes or stack as a GraphSpec. */
function toSpec(opts: Pick<StartGraphOptions, 'volfile' | 'volumes' | 'stack'>): GraphSpec {
  if (opts.volfile !== undefined) return parseVolfileText(opts.volfile, '<testkit>');
  const volumes: TestVolume[] = opts.volumes ? [...opts.volumes] : [{ name: 'brick', type: 'storage/posix' }];
  const used = new Set(volumes.map((v) => v.name));
  for (const layer of opts.stack ?? []) {
    const base = layer.name ?? layer.type.slice(layer.type.indexOf('/') + 1);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    volumes.push({ name, type: layer.type, options: layer.options, subvolumes: [volumes[volumes.length - 1]!.name] });
  }
  return { source: '<testkit>', volumes: volumes.map(toVolumeSpec) };
}

function toVolumeSpec(v: TestVolume): VolumeSpec {
  const o = v.options ?? {};
  const options = isLines(o) ? [...o] : Object.entries(o).map(([key, value]) => ({ key, value }));
  return { name: v.name, type: v.type, options, subvolumes: [...(v.subvolumes ?? [])] };
}

const isLines = (o: TestVolume['options']): o is readonly OptionSpecLine[] => Array.isArray(o);

/** Point every storage/posix volume without a directory at the brick. */
function withBrick(spec: GraphSpec, brick: string | undefined): GraphSpec {
  if (!brick) return spec;
  return {
    ...spec,
    volumes: spec.volumes.map((v) =>
      v.type === 'storage/posix' && !v.options.some((o) => o.key === 'directory')
        ? { ...v, options: [...v.options, { key: 'directory', value: brick }] }
        : v,
    ),
  };
}
