import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Fd } from '../../runtime/core/fd.js';
import { Dict } from '../../runtime/core/dict.js';
import type { Loc } from '../../runtime/core/loc.js';
import { gfidFromBuffer, type Gfid } from '../../runtime/core/gfid.js';
import { startGraph, type TestGraph } from '../../runtime/testkit/index.js';
import { native } from '../../native/index.js';

export interface Ctx {
  teardown(fn: () => void | Promise<void>): void;
}

/** A graph of storage/posix alone on a fresh temporary brick, stopped at teardown. */
export async function posixGraph(t: Ctx, options: Record<string, string> = {}, brick?: string): Promise<TestGraph & { dir: string }> {
  const dir = brick ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-posix-'));
  if (!brick) t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const g = await startGraph({ volumes: [{ name: 'brick', type: 'storage/posix', options: { directory: dir, ...options } }] });
  t.teardown(() => g.stop());
  return Object.assign(g, { dir });
}

export function diskGfid(p: string): Gfid {
  return gfidFromBuffer(native.lgetxattrSync(p, 'trusted.gfid'));
}

export function handlePath(brick: string, gfid: Gfid): string {
  return path.join(brick, '.glusterfs', gfid.slice(0, 2), gfid.slice(2, 4), gfid);
}

export function gfidReq(gfid: Gfid): Dict {
  return new Dict().setGfid('gfid-req', gfid);
}

/** Open a file through the graph; the fd is released at teardown. */
export async function openFile(t: Ctx, g: TestGraph, p: string, flags: number): Promise<Fd> {
  const { loc } = await g.lookup(p);
  const fd = new Fd(loc.inode!, flags);
  await g.fops.open(g.frame(), { loc, flags, fd });
  t.teardown(() => g.graph.release(fd));
  return fd;
}

export async function openDir(t: Ctx, g: TestGraph, p: string): Promise<Fd> {
  const { loc } = await g.lookup(p);
  const fd = new Fd(loc.inode!, 0);
  await g.fops.opendir(g.frame(), { loc, fd });
  t.teardown(() => g.graph.release(fd, true));
  return fd;
}

export async function locOf(g: TestGraph, p: string): Promise<Loc> {
  return (await g.lookup(p)).loc;
}
