import { SetAttr, type Iatt } from '../core/iatt.js';
import { blankIatt, nowTimespec, type TimeArg } from './types.js';

/**
 * utimensat arguments as setattr wants them: explicit times set ATIME/MTIME; "now" sets
 * ATIME|ATIME_NOW (the FUSE bridge does the same) with the client's clock as a fallback value.
 */
export function timesFor(atime: TimeArg, mtime: TimeArg): { stbuf: Iatt; valid: number } {
  const stbuf = blankIatt();
  let valid = 0;
  if (atime === 'now') (valid |= SetAttr.ATIME | SetAttr.ATIME_NOW), (stbuf.atime = nowTimespec());
  else if (atime !== 'omit') (valid |= SetAttr.ATIME), (stbuf.atime = { ...atime });
  if (mtime === 'now') (valid |= SetAttr.MTIME | SetAttr.MTIME_NOW), (stbuf.mtime = nowTimespec());
  else if (mtime !== 'omit') (valid |= SetAttr.MTIME), (stbuf.mtime = { ...mtime });
  return { stbuf, valid };
}
