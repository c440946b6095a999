import { Dict } from '../../../runtime/core/dict.js';
import type { Flock } from '../../../runtime/fops/types.js';
import { dictFromWire, flockFromWire } from '../../../rpc/programs/convert.js';
import type { GfProtoFlock, GfxDict } from '../../../rpc/programs/gfx-types.js';
import { lkCmdFromWire } from '../../../rpc/programs/flags.js';

/** Small conversions between GFS4 request fields and fop arguments. */

export const xd = (d: GfxDict): Dict | undefined => dictFromWire(d);
/** A dict argument the fop requires: "no dict" becomes an empty one. */
export const dictArg = (d: GfxDict): Dict => dictFromWire(d) ?? new Dict();

export { gfFlagsToFlags } from '../../../rpc/programs/flags.js';

/** inodelk/lk: the command and the lock type travel beside the flock. */
export function lockArgs(cmd: number, type: number, flock: GfProtoFlock): { cmd: number; flock: Flock } {
  const f = flockFromWire(flock);
  return { cmd: lkCmdFromWire(cmd), flock: { ...f, type } };
}
