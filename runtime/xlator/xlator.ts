import { FopError, E } from '../core/fop-error.js';
import type { Frame } from '../core/frame.js';
import { FOP_NAMES, type FopName } from '../fops/table.js';
import type { BoundFops, FopArgs, FopCall } from '../fops/signatures.js';
import { realBytes } from '../core/pipe-bytes.js';
import { Logger, type LogLevel } from '../log/logger.js';
import type { OptionTable, OptionValues } from '../options/types.js';
import type { XlatorDefinition } from './define.js';
import { isDownEvent, type GfEvent, type UpEventType } from './events.js';
import type { Graph } from '../graph/graph.js';

/**
 * A translator instance in a graph: one volume of the volfile bound to its definition.
 * `fops` is what parents call; fops the definition omits are the first child's own functions,
 * so a pass-through layer costs nothing per call.
 */
export class Xlator<O extends OptionTable = OptionTable, P = unknown> {
  readonly children: Xlator[] = [];
  readonly parents: Xlator[] = [];
  readonly log: Logger;
  options: OptionValues<O>;
  initialised = false;
  /** Last up/down event each child reported (for translators that aggregate children). */
  readonly childState = new Map<Xlator, GfEvent['type']>();
  private state: P | undefined;
  private bound: BoundFops | undefined;

  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly def: XlatorDefinition<O, P>,
    options: Record<string, unknown>,
  ) {
    this.options = options as OptionValues<O>;
    const level = (options['log-level'] as string | undefined)?.toUpperCase() as LogLevel | undefined;
    this.log = new Logger(name, level);
  }

  get type(): string {
    return this.def.type;
  }

  /** Private state returned by init. */
  get priv(): P {
    if (!this.initialised && this.state === undefined) throw new Error(`translator ${this.name} is not initialised`);
    return this.state as P;
  }

  set priv(value: P) {
    this.state = value;
  }

  get firstChild(): Xlator | undefined {
    return this.children[0];
  }

  /** The fops parents call. Built on first use, after the children are wired. */
  get fops(): BoundFops {
    return (this.bound ??= this.bindFops());
  }

  private bindFops(): BoundFops {
    const out: Record<string, FopCall<FopName>> = {};
    for (const name of FOP_NAMES) {
      const impl = this.def.fops?.[name] as
        | ((self: Xlator<O, P>, frame: Frame, args: unknown) => Promise<unknown>)
        | undefined;
      if (impl) {
        // A write payload still in a pipe is filled in before a translator that reads it sees it.
        const fill = name === 'writev' && !this.def.passesWriteData;
        const bytesOnly = name === 'readv' && !this.def.passesReadData;
        // Made once per fop, not per call.
        const failed = (err: unknown): never => {
          throw this.fopFailure(name, err);
        };
        out[name] = (frame, args) => {
          try {
            if (fill) realBytes((args as FopArgs<'writev'>).data);
            if (bytesOnly && (frame.pipedReads || frame.recycledReads)) frame.pipedReads = frame.recycledReads = false;
            return impl(this, frame, args).catch(failed) as never;
          } catch (err) {
            return Promise.reject(this.fopFailure(name, err));
          }
        };
      } else if (this.children[0]) {
        out[name] = this.children[0].fops[name] as FopCall<FopName>;
      } else {
        out[name] = () => Promise.reject(new FopError(E.ENOSYS, `${this.name} does not implement ${name}`));
      }
    }
    return out as unknown as BoundFops;
  }

  /** errno errors pass through; anything else is a translator bug: log it and answer EIO. */
  private fopFailure(fop: string, err: unknown): FopError {
    if (err instanceof FopError) return err;
    const e = err as { code?: unknown };
    if (typeof e?.code === 'string' && /^E[A-Z0-9]+$/.test(e.code)) return FopError.from(err);
    this.log.error(`fop ${fop} threw a non-errno error: ${(err as Error)?.stack ?? String(err)}`, { code: 'XLATOR_FOP_THREW' });
    return new FopError(E.EIO, `${this.name}: ${fop} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  /** Deliver an event to this translator (its notify, or the default routing). */
  async notify(event: GfEvent): Promise<void> {
    if (event.type !== 'GRAPH_NEW' && !isDownEvent(event) && event.from) this.childState.set(event.from, event.type);
    if (this.def.notify) await this.def.notify(this, event);
    else await this.defaultNotify(event);
  }

  /**
   * GlusterFS's default_notify: PARENT_* and CLEANUP/SIGHUP go down to every child; CHILD_* go up
   * to every initialised parent (or to the graph when this is the top). A leaf answers PARENT_UP
   * with CHILD_UP, as storage/posix does.
   */
  async defaultNotify(event: GfEvent): Promise<void> {
    const me = this as unknown as Xlator;
    if (event.type === 'GRAPH_NEW') return;
    if (isDownEvent(event)) {
      if (this.children.length === 0) {
        if (event.type === 'PARENT_UP') await this.notifyParents({ type: 'CHILD_UP', from: me });
        if (event.type === 'PARENT_DOWN') await this.notifyParents({ type: 'CHILD_DOWN', from: me });
        return;
      }
      await Promise.all(this.children.map((c) => c.notify({ type: event.type, from: me })));
      return;
    }
    await this.notifyParents({ ...event, from: me });
  }

  /** Send an upward event from this translator to its parents (or to the graph at the top). */
  async notifyParents(event: { type: UpEventType; message?: string; from?: unknown }): Promise<void> {
    const e = { ...event, from: this as unknown as Xlator } as GfEvent;
    if (this.parents.length === 0) {
      this.graph.topEvent(e);
      return;
    }
    await Promise.all(this.parents.filter((p) => p.initialised).map((p) => p.notify(e)));
  }

  dump(): Record<string, unknown> {
    const base: Record<string, unknown> = { name: this.name, type: this.type, children: this.children.map((c) => c.name) };
    if (this.def.dump && this.initialised) base.state = this.def.dump(this);
    return base;
  }
}
