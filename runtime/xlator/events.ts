import type { Xlator } from './xlator.js';

/** glusterfs_event_t names we use. Routing direction is part of the type's documentation. */
export type DownEventType = 'PARENT_UP' | 'PARENT_DOWN' | 'CLEANUP' | 'SIGHUP';
export type UpEventType =
  | 'CHILD_UP'
  | 'CHILD_DOWN'
  | 'CHILD_CONNECTING'
  | 'AUTH_FAILED'
  | 'SOME_DESCENDENT_UP'
  | 'SOME_DESCENDENT_DOWN'
  | 'CHILD_PING';

/** An event travelling through the graph. `from` is the translator that sent it to us. */
export type GfEvent =
  | { type: DownEventType; from: Xlator | null }
  | { type: UpEventType; from: Xlator; message?: string }
  | { type: 'GRAPH_NEW'; from: null };

export const DOWN_EVENTS: ReadonlySet<string> = new Set<DownEventType>(['PARENT_UP', 'PARENT_DOWN', 'CLEANUP', 'SIGHUP']);

export function isDownEvent(e: GfEvent): e is Extract<GfEvent, { type: DownEventType }> {
  return DOWN_EVENTS.has(e.type);
}
