/**
 * What a distribute volume looks like on its bricks, read straight from the brick folders:
 * every directory's layout and gfid per subvolume, every other entry as data or a link file
 * (mode 01000 + trusted.glusterfs.dht.linkto), and the checks both GlusterFS and we must satisfy:
 * a directory on every brick with one gfid and a complete layout, each file's data on exactly one
 * brick, and the brick its name hashes to under the directory's layout holding either the data or
 * a link file naming the brick that does.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { native } from '../../../native/index.js';
import { layoutFromReplies, subvolForName } from '../../../xlators/cluster/distribute/layout.js';

export interface DirRecord {
  /** trusted.glusterfs.dht per subvolume, hex; undefined where missing. */
  layout: Record<string, string | undefined>;
  gfids: (string | undefined)[];
}

export interface FileRecord {
  /** Subvolumes holding the data (should be one). */
  data: string[];
  /** Subvolume -> the subvolume its link file points at. */
  links: Record<string, string>;
  /** Where the name hashes under its directory's layout. */
  hashed: string | undefined;
  gfid: string | undefined;
}

export interface VolumeScan {
  dirs: Map<string, DirRecord>;
  files: Map<string, FileRecord>;
}

function xattr(p: string, name: string): Buffer | undefined {
  try {
    return native.lgetxattrSync(p, name);
  } catch {
    return undefined;
  }
}

const hex = (b: Buffer | undefined) => b?.toString('hex');

/** Walk the union of the bricks' trees (without .glusterfs). */
export function scanVolume(brickDirs: readonly string[], subvols: readonly string[]): VolumeScan {
  const dirs = new Map<string, DirRecord>();
  const files = new Map<string, FileRecord>();
  const walk = (rel: string) => {
    const layoutHex: Record<string, string | undefined> = {};
    const gfids: (string | undefined)[] = [];
    const names = new Set<string>();
    brickDirs.forEach((b, i) => {
      const p = join(b, rel);
      layoutHex[subvols[i]!] = hex(xattr(p, 'trusted.glusterfs.dht'));
      gfids.push(hex(xattr(p, 'trusted.gfid')));
      let list: string[] = [];
      try {
        list = readdirSync(p);
      } catch {
        // the directory is missing on this brick: reported by the checks
      }
      for (const n of list) if (!(rel === '/' && n === '.glusterfs')) names.add(n);
    });
    dirs.set(rel, { layout: layoutHex, gfids });
    const layout = layoutFromReplies(subvols.map((s) => ({ subvol: s, xattr: layoutHex[s] ? Buffer.from(layoutHex[s]!, 'hex') : null })));
    for (const n of [...names].sort()) {
      const path = rel === '/' ? `/${n}` : `${rel}/${n}`;
      let isDir = false;
      const rec: FileRecord = { data: [], links: {}, hashed: subvolForName(layout, n), gfid: undefined };
      brickDirs.forEach((b, i) => {
        const p = join(b, path);
        let st;
        try {
          st = lstatSync(p);
        } catch {
          return;
        }
        if (st.isDirectory()) return void (isDir = true);
        const linkto = xattr(p, 'trusted.glusterfs.dht.linkto');
        if (st.isFile() && (st.mode & 0o7777) === 0o1000 && linkto) rec.links[subvols[i]!] = linkto.toString('latin1').replace(/\0+$/, '');
        else {
          rec.data.push(subvols[i]!);
          rec.gfid = hex(xattr(p, 'trusted.gfid'));
        }
      });
      if (isDir) walk(path);
      else files.set(path, rec);
    }
  };
  walk('/');
  return { dirs, files };
}

/** Everything wrong with the volume's on-disk state; [] when it is as GlusterFS keeps it. */
export function placementProblems(scan: VolumeScan, subvols: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [path, d] of scan.dirs) {
    if (d.gfids.some((g) => !g) || new Set(d.gfids).size !== 1) problems.push(`${path}: directory gfids ${JSON.stringify(d.gfids)}`);
    const missing = subvols.filter((s) => !d.layout[s]);
    if (missing.length) problems.push(`${path}: no layout on ${missing.join(', ')}`);
  }
  for (const [path, f] of scan.files) {
    if (f.data.length !== 1) problems.push(`${path}: data on ${f.data.length} bricks (${f.data.join(', ')})`);
    if (!f.hashed) problems.push(`${path}: name hashes outside the layout`);
    else if (f.data[0] !== f.hashed) {
      if (f.links[f.hashed] === undefined) problems.push(`${path}: data on ${f.data[0]}, hashed ${f.hashed} has no link file`);
      else if (f.links[f.hashed] !== f.data[0]) problems.push(`${path}: link file on ${f.hashed} points at ${f.links[f.hashed]}, data on ${f.data[0]}`);
    }
    for (const [on, to] of Object.entries(f.links)) if (on !== f.hashed && to !== f.data[0]) problems.push(`${path}: stale link file on ${on} -> ${to}`);
  }
  return problems;
}

/** How many files sit on a brick other than their hashed one (behind a link file). */
export function linked(scan: VolumeScan): string[] {
  return [...scan.files].filter(([, f]) => f.hashed && f.data[0] !== f.hashed).map(([p]) => p);
}
