import { Dict } from '../../../runtime/core/dict.js';
import { Fd } from '../../../runtime/core/fd.js';
import { Inode } from '../../../runtime/core/inode.js';
import type { Iatt } from '../../../runtime/core/iatt.js';

/**
 * Render fop arguments and results compactly for logs: paths instead of loc objects, gfid and
 * size instead of whole iatts, byte counts instead of buffers. Driven by value shape, so it
 * covers every fop in the table without per-fop code.
 */
export function summarise(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (value instanceof Dict) return value.toJSON();
  if (value instanceof Fd) return `fd#${value.id}(${value.inode.gfid})`;
  if (value instanceof Inode) return `inode(${value.gfid})`;
  if (Array.isArray(value)) return depth > 1 ? `[${value.length} items]` : value.map((v) => summarise(v, depth + 1));
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('path' in o && ('name' in o || 'inode' in o || 'parent' in o)) return o.path;
    if ('gfid' in o && 'mode' in o && 'mtime' in o) return iatt(o as unknown as Iatt);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = summarise(v, depth + 1);
    return out;
  }
  return value;
}

function iatt(s: Iatt): string {
  return `{gfid=${s.gfid} mode=0${s.mode.toString(8)} size=${s.size} nlink=${s.nlink} uid=${s.uid} gid=${s.gid} mtime=${s.mtime.sec}.${String(s.mtime.nsec).padStart(9, '0')}}`;
}
