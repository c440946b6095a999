import type { Frame } from '../core/frame.js';
import type { FopName, FopTable } from './table.js';
import type { Fields } from './types.js';

/** Arguments of a fop, derived from the fop table. */
export type FopArgs<N extends FopName> = Fields<FopTable[N]['args']>;
/** Result of a fop, derived from the fop table. Failures are thrown FopErrors. */
export type FopResult<N extends FopName> = Fields<FopTable[N]['result']>;

/** How a parent calls a fop on a child: `await child.fops.lookup(frame, { loc })`. */
export type FopCall<N extends FopName> = (frame: Frame, args: FopArgs<N>) => Promise<FopResult<N>>;
export type BoundFops = { readonly [N in FopName]: FopCall<N> };
