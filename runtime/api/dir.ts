import { constants } from 'node:fs';
import { Fd } from '../core/fd.js';
import { E, FopError } from '../core/fop-error.js';
import type { Frame } from '../core/frame.js';
import { IaType } from '../core/iatt.js';
import type { Graph } from '../graph/graph.js';
import type { Node, Resolver } from './resolver.js';
import type { DirEntryPlus } from './types.js';

/** Bytes of entries asked for per readdir(p) call. */
const DIR_BATCH = 128 * 1024;

/**
 * opendir, then readdir or readdirp from offset 0 following each batch's last cookie until an
 * empty batch, then releasedir. `.` and `..` are left out; readdirp entries are linked.
 */
export async function listDirectory(graph: Graph, resolver: Resolver, frame: () => Frame, dir: Node, plus: boolean, pid: number): Promise<DirEntryPlus[]> {
  if (dir.inode.type !== IaType.DIR) throw new FopError(E.ENOTDIR);
  const fd = new Fd(dir.inode, constants.O_RDONLY | constants.O_DIRECTORY, pid);
  await graph.fops.opendir(frame(), { loc: dir.loc, fd });
  const out: DirEntryPlus[] = [];
  try {
    for (let offset = 0n; ; ) {
      const args = { fd, size: DIR_BATCH, offset };
      const { entries } = plus ? await graph.fops.readdirp(frame(), args) : await graph.fops.readdir(frame(), args);
      if (entries.length === 0) break;
      for (const e of entries) {
        if (e.name === '.' || e.name === '..') continue;
        if (e.stat && e.inode) resolver.link(e.inode, e.stat, dir.inode, e.name);
        out.push({ name: e.name, type: e.stat?.type ?? dtToIaType(e.type), stat: e.stat });
      }
      offset = entries[entries.length - 1]!.offset;
    }
  } finally {
    await graph.release(fd, true);
  }
  return out;
}

const DT: Record<number, IaType> = { 1: IaType.FIFO, 2: IaType.CHR, 4: IaType.DIR, 6: IaType.BLK, 8: IaType.REG, 10: IaType.LNK, 12: IaType.SOCK };

/** DT_* (dirent) to IaType, for plain readdir entries. */
function dtToIaType(dt: number): IaType {
  return DT[dt] ?? IaType.INVAL;
}
