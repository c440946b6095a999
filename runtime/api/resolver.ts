import { Dict } from '../core/dict.js';
import { E, FopError } from '../core/fop-error.js';
import type { Frame } from '../core/frame.js';
import { gfidToBuffer, newGfid, ROOT_GFID } from '../core/gfid.js';
import { IaType, type Iatt } from '../core/iatt.js';
import type { Inode } from '../core/inode.js';
import { childLoc, type Loc } from '../core/loc.js';
import type { Graph } from '../graph/graph.js';
import { MAX_SYMLINKS } from './types.js';

/** A resolved object: its loc (inode linked in the graph's table) and the iatt its lookup returned. */
export interface Node {
  loc: Loc;
  inode: Inode;
  buf?: Iatt;
}

/** A path split into the directory that holds its last component and that component's name. */
export interface EntryTarget {
  dir: Node;
  name: string;
  /** A loc for the entry, without its inode (the caller fills it in). */
  loc: Loc;
}

/** Path components; `.` and empty ones dropped, `..` kept for the walk to interpret. */
function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

/** xdata asking the brick to give a new entry this gfid, as GlusterFS clients send it. */
export function gfidReq(): Dict {
  return new Dict().setBin('gfid-req', gfidToBuffer(newGfid()));
}

const child = (dir: Node, name: string): string => (dir.loc.path === '/' ? `/${name}` : `${dir.loc.path}/${name}`);

/**
 * Path resolution over a graph, as glfs_resolve does it: each component is a named lookup (parent
 * inode + name); answers are linked into the graph's inode table and the canonical inode is used.
 * The dentry cache is only a hint: a cached inode is sent along and the lookup revalidates it.
 */
export class Resolver {
  constructor(
    readonly graph: Graph,
    private readonly frame: () => Frame,
  ) {}

  get root(): Node {
    const inode = this.graph.itable.root;
    return { inode, loc: { path: '/', name: '', inode, gfid: ROOT_GFID } };
  }

  /** Link what a lookup or entry fop returned; the table's inode is the one to use from now on. */
  link(inode: Inode, buf: Iatt, parent: Inode, name: string): Inode {
    return this.graph.itable.link(inode, buf.gfid, buf.type, parent, name);
  }

  /** Named lookup of `name` in `dir`, revalidating a cached dentry. */
  async lookup(dir: Node, name: string, frame = this.frame()): Promise<Node> {
    if (name === '..' || name === '.') throw new FopError(E.EINVAL, `cannot look up ${name} by name`);
    const t = this.graph.itable;
    const hint = t.findDentry(dir.inode, name);
    const path = child(dir, name);
    const at = (inode: Inode, gfid: string | undefined): Loc => childLoc(path, dir.inode, name, inode, gfid);
    let res;
    try {
      res = await this.graph.fops.lookup(frame, { loc: at(hint ?? t.create(), hint?.gfid) });
    } catch (err) {
      if (hint && err instanceof FopError && (err.errno === E.ENOENT || err.errno === E.ESTALE)) t.unlink(dir.inode, name);
      if (hint && err instanceof FopError && err.errno === E.ESTALE) return this.lookup(dir, name, frame);
      throw err;
    }
    if (hint && res.buf.gfid !== hint.gfid) {
      // The name now names another object: forget the old dentry and look it up afresh.
      t.unlink(dir.inode, name);
      res = await this.graph.fops.lookup(frame, { loc: at(t.create(), undefined) });
    }
    const inode = this.link(res.inode, res.buf, dir.inode, name);
    return { inode, buf: res.buf, loc: at(inode, inode.gfid) };
  }

  /** The root, looked up (nameless) so its iatt is fresh. */
  async lookupRoot(): Promise<Node> {
    const r = this.root;
    const res = await this.graph.fops.lookup(this.frame(), { loc: r.loc });
    return { ...r, buf: res.buf };
  }

  /**
   * Resolve a path to the object it names. Symlinks in the middle are always followed, the last
   * one only with `follow`; more than 40 in one resolution is ELOOP. A trailing slash demands a
   * directory (and follows a final symlink).
   */
  async resolve(path: string, follow: boolean): Promise<Node> {
    if (path === '') throw new FopError(E.ENOENT);
    const dirOnly = path.length > 1 && path.endsWith('/');
    const stack = await this.walk([this.root], components(path), follow || dirOnly, { n: 0 });
    const node = stack[stack.length - 1]!;
    const out = node.inode === this.graph.itable.root ? await this.lookupRoot() : node;
    if (dirOnly && out.inode.type !== IaType.DIR) throw new FopError(E.ENOTDIR);
    return out;
  }

  /** The directory holding a path's last component, and that name (for creating or removing it). */
  async entry(path: string): Promise<EntryTarget> {
    const parts = components(path);
    const name = parts.pop();
    if (name === undefined || name === '..') throw new FopError(path === '' ? E.ENOENT : E.EBUSY, `${path} names no entry`);
    const stack = await this.walk([this.root], parts, true, { n: 0 });
    const dir = stack[stack.length - 1]!;
    if (dir.inode.type !== IaType.DIR) throw new FopError(E.ENOTDIR);
    return { dir, name, loc: { path: child(dir, name), name, parent: dir.inode, pargfid: dir.inode.gfid } };
  }

  /** Walk components from a stack of directories (root first); returns the stack at the end. */
  private async walk(start: Node[], parts: string[], followLast: boolean, links: { n: number }): Promise<Node[]> {
    let stack = start;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      if (name === '..') {
        if (stack.length > 1) stack = stack.slice(0, -1);
        continue;
      }
      const dir = stack[stack.length - 1]!;
      if (dir.inode.type !== IaType.DIR) throw new FopError(E.ENOTDIR);
      const node = await this.lookup(dir, name);
      const last = i === parts.length - 1;
      if (node.inode.type === IaType.LNK && (!last || followLast)) {
        if (++links.n > MAX_SYMLINKS) throw new FopError(E.ELOOP);
        const target = await this.readlink(node);
        const from = target.startsWith('/') ? [stack[0]!] : stack;
        stack = await this.walk(from, components(target), true, links);
        if (target.endsWith('/') && stack[stack.length - 1]!.inode.type !== IaType.DIR) throw new FopError(E.ENOTDIR);
        continue;
      }
      stack = [...stack, node];
    }
    return stack;
  }

  async readlink(node: Node): Promise<string> {
    const { path } = await this.graph.fops.readlink(this.frame(), { loc: node.loc, size: 4096 });
    return path;
  }
}
