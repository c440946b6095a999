import { Fd } from '../core/fd.js';
import type { Frame } from '../core/frame.js';
import { FopError, E } from '../core/fop-error.js';
import { ROOT_GFID } from '../core/gfid.js';
import type { Iatt } from '../core/iatt.js';
import type { Inode } from '../core/inode.js';
import type { Loc } from '../core/loc.js';
import type { Graph } from '../graph/graph.js';

/** `/a/b/` -> ['a', 'b']; refuses `.`/`..` so a test cannot walk outside what it means to. */
export function splitPath(path: string): string[] {
  if (!path.startsWith('/')) throw new TypeError(`testkit paths are absolute, got ${JSON.stringify(path)}`);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw new TypeError(`testkit paths may not contain . or ..: ${path}`);
  return parts;
}

/**
 * What the FUSE bridge does for the kernel, on a graph's entry fops: named lookups from the root,
 * linking every answer into the inode table so later fops can pass inodes.
 */
export class PathOps {
  constructor(
    private readonly graph: Graph,
    private readonly frame: () => Frame,
  ) {}

  rootLoc(): Loc {
    return { path: '/', name: '', inode: this.graph.itable.root, gfid: ROOT_GFID };
  }

  /** Look a path up component by component; returns its loc (inode linked) and stat. */
  async lookup(path: string): Promise<{ loc: Loc; buf: Iatt }> {
    let loc = this.rootLoc();
    let res = await this.graph.fops.lookup(this.frame(), { loc });
    let cur = { loc, buf: res.buf };
    let at = '';
    for (const name of splitPath(path)) {
      const parent = cur.loc.inode!;
      at += `/${name}`;
      loc = { path: at, name, parent, pargfid: parent.gfid, inode: this.graph.itable.create() };
      res = await this.graph.fops.lookup(this.frame(), { loc });
      const inode = this.link(res.inode, res.buf, parent, name);
      cur = { loc: { path: at, name, parent, pargfid: parent.gfid, inode, gfid: inode.gfid }, buf: res.buf };
    }
    return cur;
  }

  /** A loc for creating `path`: its parent looked up, a fresh unlinked inode for the new entry. */
  async newLoc(path: string): Promise<Loc> {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new FopError(E.EEXIST, 'the root already exists');
    const { loc: ploc } = await this.lookup('/' + parts.join('/'));
    const parent = ploc.inode!;
    return { path: '/' + [...parts, name].join('/'), name, parent, pargfid: parent.gfid, inode: this.graph.itable.create() };
  }

  /** Link what a lookup/create/mkdir returned, as the bridge does; returns the table's inode. */
  link(inode: Inode, buf: Iatt, parent: Inode, name: string): Inode {
    return this.graph.itable.link(inode, buf.gfid, buf.type, parent, name);
  }

  /** Open, run `use`, flush (files) and release as close(2) would; release even when `use` throws. */
  async withFd<T>(path: string, dir: boolean, flags: number, use: (fd: Fd) => Promise<T>): Promise<T> {
    const { loc } = await this.lookup(path);
    const fd = new Fd(loc.inode!, flags);
    if (dir) await this.graph.fops.opendir(this.frame(), { loc, fd });
    else await this.graph.fops.open(this.frame(), { loc, flags, fd });
    try {
      const result = await use(fd);
      if (!dir) await this.graph.fops.flush(this.frame(), { fd });
      return result;
    } finally {
      await this.graph.release(fd, dir);
    }
  }
}
