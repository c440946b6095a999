import type { FopArgs, FopResult } from '../fops/signatures.js';
import type { FopName } from '../fops/table.js';
import type { Frame } from '../core/frame.js';
import type { Fd } from '../core/fd.js';
import type { Inode } from '../core/inode.js';
import type { OptionTable, OptionValues } from '../options/types.js';
import type { GfEvent } from './events.js';
import type { Xlator } from './xlator.js';

/** Bumped when the contract below changes incompatibly; the loader refuses other versions. */
export const API_VERSION = 1;

/** A fop implementation: GlusterFS's (frame, this, args...) with async/await instead of wind/unwind. */
export type FopImpl<N extends FopName, O extends OptionTable, P> = (
  self: Xlator<O, P>,
  frame: Frame,
  args: FopArgs<N>,
) => Promise<FopResult<N>>;

export type FopImpls<O extends OptionTable, P> = { [N in FopName]?: FopImpl<N, O, P> };

/** Callbacks that are not fops (GlusterFS's cbks table). */
export interface Cbks<O extends OptionTable, P> {
  /** The inode left the inode table: drop per-inode state. */
  forget?(self: Xlator<O, P>, inode: Inode): void;
  /** The last reference to a file fd went away. */
  release?(self: Xlator<O, P>, fd: Fd): void | Promise<void>;
  releasedir?(self: Xlator<O, P>, fd: Fd): void | Promise<void>;
  /** A client (mount, connection) went away: release what it held. */
  clientDisconnect?(self: Xlator<O, P>, client: string): void | Promise<void>;
}

/**
 * What a translator module default-exports. Every hook is optional except `options` (use `{}`):
 * a translator implements only the fops it changes; the rest pass to its first child unchanged.
 */
export interface XlatorDefinition<O extends OptionTable = OptionTable, P = unknown> {
  apiVersion: typeof API_VERSION;
  /** `category/name`, e.g. `performance/io-cache`. Built-ins must match their folder. */
  type: string;
  description?: string;
  options: O;
  /** Create the translator's private state. Throwing fails activation of the whole graph. */
  init?(self: Xlator<O, P>): P | Promise<P>;
  fini?(self: Xlator<O, P>): void | Promise<void>;
  /** New option values were validated; apply them. Throwing keeps the old values. */
  reconfigure?(self: Xlator<O, P>, options: OptionValues<O>): void | Promise<void>;
  /**
   * Handle an event. Omit it to get GlusterFS's default routing; call `self.defaultNotify(event)`
   * to route after handling.
   */
  notify?(self: Xlator<O, P>, event: GfEvent): void | Promise<void>;
  fops?: FopImpls<O, P>;
  cbks?: Cbks<O, P>;
  /** State for `statedump`-style inspection. */
  dump?(self: Xlator<O, P>): Record<string, unknown>;
  /**
   * This translator's writev never reads the bytes of `data` (it passes them on, or reads only
   * their length). Its writev may then be given a large FUSE write's payload still in a pipe
   * (runtime/core/pipe-bytes.ts), which protocol/client sends on without copying. Without it,
   * `data` is filled before the translator's writev runs.
   */
  passesWriteData?: boolean;
  /**
   * This translator's readv returns its child's `data` as it came (or reads only its length)
   * and keeps no reference to it, so on a brick the data may stay in a pipe from storage/posix
   * to protocol/server's socket, and in a mount it may come in a pooled buffer the FUSE session
   * reuses once the reply is written (runtime/core/recycle.ts). Without it, the frame's
   * `pipedReads` and `recycledReads` are cleared before its readv runs: its children answer with
   * bytes of their own.
   */
  passesReadData?: boolean;
  /** Children this translator requires: `{ min: 1 }` for a filter, `{ max: 0 }` for storage. */
  children?: { min?: number; max?: number };
}

/**
 * Define a translator with full type checking: option values, private state and every fop's
 * arguments and result are inferred from the declaration.
 */
export function defineXlator<const O extends OptionTable, P = undefined>(def: XlatorDefinition<O, P>): XlatorDefinition<O, P> {
  return def;
}
