import { copyOf } from '../../../runtime/core/bytes.js';
import { native } from '../../../native/index.js';
import { Dict } from '../../../runtime/core/dict.js';
import { E } from '../../../runtime/core/fop-error.js';
import { gfidFromBuffer, isGfid, newGfid, NULL_GFID, type Gfid } from '../../../runtime/core/gfid.js';
import { isInternalXattr } from './xattr-policy.js';

/** The gfid a client asks a new entry to get (xdata `gfid-req`), else a fresh one. */
export function gfidFor(xdata: Dict | undefined): Gfid {
  const req = requestedGfid(xdata);
  return req ?? newGfid();
}

function requestedGfid(xdata: Dict | undefined): Gfid | undefined {
  const v = xdata?.get('gfid-req');
  if (!v) return undefined;
  let g: string | undefined;
  if (v.type === 'gfuuid') g = v.value;
  else if (v.type === 'bin' && v.value.length === 16) g = gfidFromBuffer(v.value);
  else if (v.type === 'str') g = v.value.toLowerCase();
  return g && isGfid(g) && g !== NULL_GFID ? g : undefined;
}

const XATTR_NS = /^(user|trusted|security|system)\.[^\0]+$/;

/** A dict value as the bytes an xattr stores. */
export function xattrBytes(d: Dict, key: string): Buffer {
  const v = d.get(key)!;
  if (v.type === 'bin') return v.value;
  if (v.type === 'str') return Buffer.from(v.value, 'utf8');
  if (v.type === 'gfuuid') return Buffer.from(v.value.replace(/-/g, ''), 'hex');
  if (v.type === 'iatt') return Buffer.alloc(0);
  return Buffer.from(String(v.value), 'utf8');
}

const xattrBuf = Buffer.allocUnsafe(4096);

/**
 * posix_xattr_fill: a lookup (or readdirp) may name xattrs in xdata (DHT asks for its layout,
 * AFR for its changelog); those present on the entry come back in the reply's xdata. With `at`
 * (the entry's pinned parent and name) each key is read relative to the fd (getxattrAt) instead
 * of through a /proc/self/fd path walk; a value over 4 KiB is read through the /proc path, made
 * only then (a listing asks this for every entry). A plain `path` is read through that path.
 */
export function fillRequestedXattrs(req: Dict | undefined, where: string | { dirFd: number; name: string }): Dict | undefined {
  if (!req || req.size === 0) return undefined;
  let out: Dict | undefined;
  for (const key of req.keys()) {
    if (!XATTR_NS.test(key) || isInternalXattr(key)) continue;
    // Absent or not allowed: simply not returned, as GlusterFS does. Failures come back as
    // -errno: most requested keys are absent (DHT asks every file for its link-to), and a thrown
    // error per key cost more than the lookup's own syscalls.
    const n = typeof where === 'string' ? -E.ERANGE : native.getxattrAt(where.dirFd, where.name, key, xattrBuf);
    if (n >= 0) (out ??= new Dict()).setBin(key, copyOf(xattrBuf, 0, n));
    else if (n === -E.ERANGE) {
      const path = typeof where === 'string' ? where : `/proc/self/fd/${where.dirFd}/${where.name}`;
      const value = native.lgetxattrNb(path, key);
      if (typeof value !== 'number') (out ??= new Dict()).setBin(key, value);
    }
  }
  return out;
}

/**
 * posix_entry_create_xattr_set: xattrs a parent sends with mkdir/create/mknod/symlink (DHT's
 * layout, ACLs) are set on the new entry. gfid-req and posix's own keys are skipped.
 */
export async function setCreateXattrs(path: string, xdata: Dict | undefined): Promise<void> {
  if (!xdata) return;
  for (const key of xdata.keys()) {
    if (!XATTR_NS.test(key) || isInternalXattr(key)) continue;
    try {
      native.lsetxattrSync(path, key, xattrBytes(xdata, key));
    } catch {
      // as before: a key the filesystem refuses is skipped
    }
  }
}
