import { E, FopError } from '../../../runtime/core/fop-error.js';
import { ROOT_GFID, type Gfid } from '../../../runtime/core/gfid.js';

/** GlusterFS's housekeeping directory at the brick root (GF_HIDDEN_PATH). */
export const HIDDEN_DIR = '.glusterfs';

/**
 * A directory entry name as a client may send it: one path component. Empty, `.`, `..`, or a
 * name holding `/` or NUL would let a request name something other than one entry of the
 * parent, so each is refused with EINVAL before any filesystem call.
 */
export function checkName(name: string | undefined): string {
  if (name === undefined || name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new FopError(E.EINVAL, `invalid entry name ${JSON.stringify(name)}`);
  }
  if (Buffer.byteLength(name) > 255) throw new FopError(E.ENAMETOOLONG, 'entry name longer than 255 bytes');
  return name;
}

/** `.glusterfs` in the brick root is posix's own: clients may not look it up or create it (EPERM, as GlusterFS). */
export function checkNotHidden(pargfid: Gfid, name: string): void {
  if (pargfid === ROOT_GFID && name === HIDDEN_DIR) throw new FopError(E.EPERM, `${HIDDEN_DIR} is reserved for the brick`);
}
