import { EventEmitter } from 'node:events';
import { FopError, E } from '../core/fop-error.js';
import type { Fd } from '../core/fd.js';
import { InodeTable } from '../core/inode.js';
import { FOP_NAMES, type FopName } from '../fops/table.js';
import type { BoundFops, FopCall } from '../fops/signatures.js';
import { gfsError } from '../diagnostics/codes.js';
import { Logger } from '../log/logger.js';
import type { GfEvent, UpEventType } from '../xlator/events.js';
import type { Xlator } from '../xlator/xlator.js';

export type GraphState = 'built' | 'activating' | 'active' | 'stopping' | 'stopped' | 'failed';

export interface GraphOptions {
  /** Inode table LRU limit (fuse 65536, server 16384). */
  lruLimit?: number;
  /** How long teardown waits for in-flight calls before finishing anyway. */
  drainTimeoutMs?: number;
}

/**
 * A translator graph: its translators in volfile order (children before parents), the top, the
 * inode table, and the lifecycle. Callers enter through `graph.fops`, which counts calls in
 * flight so teardown can drain them.
 */
export class Graph extends EventEmitter {
  readonly xlators: Xlator[] = [];
  readonly byName = new Map<string, Xlator>();
  readonly itable: InodeTable;
  readonly log = new Logger('graph');
  state: GraphState = 'built';
  /** The last upward event that reached the top (CHILD_UP, CHILD_DOWN, ...). */
  lastTopEvent: UpEventType | undefined;
  private inflight = 0;
  private drained: (() => void) | undefined;
  private entry: BoundFops | undefined;
  private readonly drainTimeoutMs: number;
  private readonly initOrder: Xlator[] = [];

  constructor(
    readonly source: string,
    opts: GraphOptions = {},
  ) {
    super();
    this.drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
    this.itable = new InodeTable({ lruLimit: opts.lruLimit ?? 65536, onForget: (inode) => this.forgetInode(inode) });
  }

  /** The last volume defined in the volfile. */
  get top(): Xlator {
    const t = this.xlators[this.xlators.length - 1];
    if (!t) throw new Error('empty graph');
    return t;
  }

  add(xl: Xlator): void {
    this.xlators.push(xl);
    this.byName.set(xl.name, xl);
  }

  get(name: string): Xlator | undefined {
    return this.byName.get(name);
  }

  /** Translators nobody above uses: the tops PARENT_UP is sent to. */
  get roots(): Xlator[] {
    return this.xlators.filter((x) => x.parents.length === 0);
  }

  /** Entry point for callers (mount, server, tests): the top's fops, tracked for draining. */
  get fops(): BoundFops {
    return (this.entry ??= this.trackedFops());
  }

  private trackedFops(): BoundFops {
    const out: Record<string, FopCall<FopName>> = {};
    // Plain functions, not async ones with try/finally: a fop through the graph's entry then
    // costs one promise reaction, with no async frame allocated per call.
    const settle = (): void => {
      if (--this.inflight === 0) this.drained?.();
    };
    const done = <T>(value: T): T => (settle(), value);
    const failed = (err: unknown): never => {
      settle();
      throw err;
    };
    for (const name of FOP_NAMES) {
      out[name] = (frame, args) => {
        if (this.state !== 'active') return Promise.reject(new FopError(E.ENOTCONN, `graph ${this.source} is ${this.state}`));
        this.inflight++;
        let call: Promise<unknown>;
        try {
          call = (this.top.fops[name] as FopCall<FopName>)(frame, args);
        } catch (err) {
          settle();
          return Promise.reject(err);
        }
        return call.then(done, failed) as never;
      };
    }
    return out as unknown as BoundFops;
  }

  get callsInFlight(): number {
    return this.inflight;
  }

  /**
   * init top-down, GRAPH_NEW, then PARENT_UP to the roots (routed down; leaves answer CHILD_UP,
   * which travels back up). If an init fails, everything already initialised is finied and the
   * error names the translator.
   */
  async activate(): Promise<void> {
    if (this.state !== 'built') throw gfsError('GRAPH_NOT_ACTIVE', { message: `graph cannot be activated from state ${this.state}` });
    this.state = 'activating';
    for (const xl of [...this.xlators].reverse()) {
      try {
        if (xl.def.init) xl.priv = await xl.def.init(xl as never);
        xl.initialised = true;
        this.initOrder.push(xl);
      } catch (cause) {
        this.state = 'failed';
        await this.finiAll();
        throw gfsError('XLATOR_INIT_FAILED', {
          message: `translator ${xl.name} (${xl.type}) failed to initialise: ${(cause as Error)?.message ?? String(cause)}`,
          volume: xl.name,
          xlatorType: xl.type,
          cause,
        });
      }
    }
    this.state = 'active';
    this.emit('event', { type: 'GRAPH_NEW', from: null } satisfies GfEvent);
    for (const root of this.roots) await root.notify({ type: 'PARENT_UP', from: null });
  }

  /** Called by Xlator.notifyParents when an upward event leaves the top. */
  topEvent(event: GfEvent): void {
    if (event.type !== 'GRAPH_NEW' && !('from' in event && event.from === null)) this.lastTopEvent = event.type as UpEventType;
    this.emit('event', event);
  }

  /**
   * Resolve once the top reports CHILD_UP or CHILD_DOWN (GlusterFS's mount waits for either,
   * not for CHILD_CONNECTING). Rejects after `timeoutMs`.
   */
  waitForChildState(timeoutMs = 30_000): Promise<UpEventType> {
    if (this.lastTopEvent === 'CHILD_UP' || this.lastTopEvent === 'CHILD_DOWN') return Promise.resolve(this.lastTopEvent);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('event', onEvent);
        reject(new FopError(E.ETIMEDOUT, `no CHILD_UP or CHILD_DOWN from ${this.top.name} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onEvent = (e: GfEvent) => {
        if (e.type === 'CHILD_UP' || e.type === 'CHILD_DOWN') {
          clearTimeout(timer);
          this.off('event', onEvent);
          resolve(e.type);
        }
      };
      this.on('event', onEvent);
    });
  }

  /** PARENT_DOWN to the roots, drain calls in flight, fini in reverse init order, drop inodes. */
  async teardown(): Promise<void> {
    if (this.state !== 'active') return;
    this.state = 'stopping';
    for (const root of this.roots) {
      try {
        await root.notify({ type: 'PARENT_DOWN', from: null });
      } catch (err) {
        this.log.warn(`PARENT_DOWN failed in ${root.name}: ${(err as Error).message}`);
      }
    }
    await this.drain();
    await this.finiAll();
    this.state = 'stopped';
    this.removeAllListeners();
  }

  private async drain(): Promise<void> {
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn(`teardown: ${this.inflight} calls still in flight after ${this.drainTimeoutMs} ms`);
        resolve();
      }, this.drainTimeoutMs);
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.drained = undefined;
  }

  private async finiAll(): Promise<void> {
    this.itable.prune();
    // Reverse of init order: children (initialised last) are finied first.
    for (const xl of this.initOrder.reverse()) {
      try {
        await xl.def.fini?.(xl as never);
      } catch (err) {
        this.log.warn(`fini of ${xl.name} failed: ${(err as Error).message}`, { code: 'XLATOR_FINI_FAILED' });
      }
      xl.initialised = false;
    }
    this.initOrder.length = 0;
  }

  private forgetInode(inode: Parameters<NonNullable<Xlator['def']['cbks']>['forget'] & {}>[1]): void {
    for (const xl of this.xlators) {
      try {
        xl.def.cbks?.forget?.(xl as never, inode);
      } catch (err) {
        this.log.warn(`forget in ${xl.name} failed: ${(err as Error).message}`);
      }
    }
  }

  /** The last reference to an fd went away: every translator's release (or releasedir) runs. */
  async release(fd: Fd, dir = false): Promise<void> {
    if (fd.released) return;
    fd.released = true;
    for (const xl of this.xlators) {
      const cb = dir ? xl.def.cbks?.releasedir : xl.def.cbks?.release;
      if (!cb) continue;
      try {
        await cb(xl as never, fd);
      } catch (err) {
        this.log.warn(`${dir ? 'releasedir' : 'release'} in ${xl.name} failed: ${(err as Error).message}`);
      }
    }
  }

  /** A client went away: every translator drops what it held for it (locks, fds). */
  async clientDisconnect(client: string): Promise<void> {
    for (const xl of this.xlators) {
      try {
        await xl.def.cbks?.clientDisconnect?.(xl as never, client);
      } catch (err) {
        this.log.warn(`client_disconnect in ${xl.name} failed: ${(err as Error).message}`);
      }
    }
  }

  /** Every translator's dump, for `statedump`-style inspection. */
  dump(): Record<string, unknown> {
    return Object.fromEntries(this.xlators.map((x) => [x.name, x.dump()]));
  }
}
