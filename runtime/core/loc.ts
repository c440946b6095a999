import type { Gfid } from './gfid.js';
import type { Inode } from './inode.js';

/**
 * loc_t: where a path-based fop applies. A named lookup gives parent (or pargfid) and name; a
 * nameless lookup gives gfid alone. `path` is for logs and for translators that hash on it.
 */
export interface Loc {
  path: string;
  name?: string;
  inode?: Inode;
  parent?: Inode;
  gfid?: Gfid;
  pargfid?: Gfid;
}

/**
 * The loc of `name` in `parent`. Every key is written out, so all such locs share one shape (a
 * key added to a spread copy costs a hidden class per call: see objects.ts).
 */
export function childLoc(path: string, parent: Inode, name: string, inode: Inode | undefined, gfid: Gfid | undefined): Loc {
  return { path, name, parent, pargfid: parent.gfid, inode, gfid };
}

/** The gfid a loc refers to, from the inode or the loc itself. */
export function locGfid(loc: Loc): Gfid | undefined {
  return loc.inode?.linked ? loc.inode.gfid : loc.gfid;
}

export function locParentGfid(loc: Loc): Gfid | undefined {
  return loc.parent?.linked ? loc.parent.gfid : loc.pargfid;
}
