/** Shared set-up for distribute tests: N storage/posix bricks under cluster/distribute, in-process. */
import { mkdtempSync, rmSync, mkdirSync, existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native } from '../../native/index.js';
import { E, FopError } from '../../runtime/core/fop-error.js';
import type { Frame } from '../../runtime/core/frame.js';
import { FOP_NAMES } from '../../runtime/fops/table.js';
import { startGraph, type TestGraph } from '../../runtime/testkit/index.js';
import { defineXlator, API_VERSION } from '../../runtime/xlator/define.js';
import type { Xlator } from '../../runtime/xlator/xlator.js';
import { decodeDiskLayout, type DiskLayout } from '../../xlators/cluster/distribute/layout-xattr.js';
import { layoutFromReplies, subvolForName } from '../../xlators/cluster/distribute/layout.js';

export const SUBVOLS = ['fix-client-0', 'fix-client-1', 'fix-client-2'];

export interface Bricks {
  root: string;
  dirs: Record<string, string>;
}

export function makeBricks(t: { teardown(fn: () => unknown): void }, names = SUBVOLS): Bricks {
  const root = mkdtempSync(join(tmpdir(), 'gfs-dht-'));
  const dirs: Record<string, string> = {};
  for (const n of names) mkdirSync((dirs[n] = join(root, n)));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return { root, dirs };
}

/**
 * A volfile: one posix per brick (optionally under a testing/switch that can play dead), then
 * distribute over them in `order` (GlusterFS's fixtures listed them unsorted).
 */
export function volfile(b: Bricks, opts: { order?: string[]; options?: Record<string, string>; switchable?: boolean } = {}): string {
  const order = opts.order ?? Object.keys(b.dirs);
  let text = '';
  for (const n of Object.keys(b.dirs)) {
    const posix = opts.switchable ? `${n}-posix` : n;
    text += `volume ${posix}\n  type storage/posix\n  option directory ${b.dirs[n]}\nend-volume\n\n`;
    if (opts.switchable) text += `volume ${n}\n  type testing/switch\n  subvolumes ${posix}\nend-volume\n\n`;
  }
  text += `volume dist\n  type cluster/distribute\n`;
  for (const [k, v] of Object.entries(opts.options ?? {})) text += `  option ${k} ${v}\n`;
  text += `  subvolumes ${order.join(' ')}\nend-volume\n`;
  return text;
}

/** A pass-through translator that a test can switch off: every fop fails ENOTCONN, CHILD_DOWN goes up. */
const down = new Set<string>();
const fops: Record<string, (self: Xlator, frame: Frame, args: never) => Promise<unknown>> = {};
for (const name of FOP_NAMES) {
  fops[name] = async (self, frame, args) => {
    if (down.has(self.name)) throw new FopError(E.ENOTCONN, `${self.name} is switched off`);
    return (self.firstChild!.fops[name] as (f: Frame, a: never) => Promise<unknown>)(frame, args);
  };
}
export const switchXlator = defineXlator({ apiVersion: API_VERSION, type: 'testing/switch', options: {}, fops: fops as never });

export async function setDown(g: TestGraph, name: string, isDown: boolean): Promise<void> {
  const xl = g.graph.xlators.find((x) => x.name === name)!;
  if (isDown) down.add(name);
  else down.delete(name);
  await xl.notifyParents({ type: isDown ? 'CHILD_DOWN' : 'CHILD_UP', from: xl });
}

export async function start(text: string): Promise<TestGraph> {
  return startGraph({ volfile: text, xlators: { 'testing/switch': switchXlator } });
}

/** Which bricks hold `path` as a real entry (link files excluded), and which hold a link file. */
export function where(b: Bricks, path: string): { data: string[]; links: string[] } {
  const data: string[] = [];
  const links: string[] = [];
  for (const [n, dir] of Object.entries(b.dirs)) {
    const p = join(dir, path);
    if (!existsSync(p) && !isDangling(p)) continue;
    const st = lstatSync(p);
    if (st.isFile() && (st.mode & 0o7777) === 0o1000 && hasXattr(p, 'trusted.glusterfs.dht.linkto')) links.push(n);
    else data.push(n);
  }
  return { data, links };
}

function isDangling(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export function hasXattr(p: string, name: string): boolean {
  try {
    native.lgetxattrSync(p, name);
    return true;
  } catch {
    return false;
  }
}

export function diskLayout(b: Bricks, subvol: string, path: string): DiskLayout | null {
  try {
    return decodeDiskLayout(native.lgetxattrSync(join(b.dirs[subvol]!, path), 'trusted.glusterfs.dht'));
  } catch {
    return null;
  }
}

export function linkto(b: Bricks, subvol: string, path: string): string {
  return native.lgetxattrSync(join(b.dirs[subvol]!, path), 'trusted.glusterfs.dht.linkto').toString('latin1');
}

/** The brick a name in `dir` hashes to, from the layouts on the bricks. */
export function hashedBrick(b: Bricks, dir: string, name: string): string {
  const layout = layoutFromReplies(SUBVOLS.map((sv) => ({ subvol: sv, xattr: native.lgetxattrSync(join(b.dirs[sv]!, dir), 'trusted.glusterfs.dht') })));
  return subvolForName(layout, name)!;
}
