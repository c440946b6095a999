/**
 * Event aggregation as dht_notify does it: wait until every subvolume has reported once, then
 * send one event up (CHILD_UP if any is up, else CHILD_CONNECTING if any is connecting, else
 * CHILD_DOWN). After that every event is passed on, except that a subvolume going down while
 * others are not is SOME_DESCENDENT_DOWN.
 */
import type { GfEvent } from '../../../runtime/xlator/events.js';
import { refreshDu } from './diskusage.js';
import type { DhtSelf } from './state.js';

export async function dhtNotify(self: DhtSelf, event: GfEvent): Promise<void> {
  const p = self.priv;
  if (event.type === 'GRAPH_NEW' || event.from === null || !p.index.has(event.from)) {
    await self.defaultNotify(event);
    return;
  }
  const i = p.index.get(event.from)!;
  const heardFromAll = p.lastEvent.every((e) => e !== undefined);
  let type: GfEvent['type'] = event.type;
  switch (event.type) {
    case 'CHILD_UP':
      p.up[i] = true;
      p.lastEvent[i] = 'CHILD_UP';
      p.gen++;
      // Free space is known before the first create lands (dht_get_du_info_for_subvol); asked
      // even if a statfs failed a moment ago, while the subvolume was still down.
      void refreshDu(self, event.from, true).catch(() => undefined);
      break;
    case 'CHILD_DOWN':
      p.up[i] = false;
      p.lastEvent[i] = 'CHILD_DOWN';
      if (p.lastEvent.some((e) => e !== 'CHILD_DOWN')) type = 'SOME_DESCENDENT_DOWN';
      break;
    case 'CHILD_CONNECTING':
      p.up[i] = false;
      p.lastEvent[i] = 'CHILD_CONNECTING';
      break;
    default:
      break;
  }
  const nowHeardFromAll = p.lastEvent.every((e) => e !== undefined);
  if (!heardFromAll && !nowHeardFromAll) return; // still waiting for someone
  if (!heardFromAll && nowHeardFromAll) {
    type = p.lastEvent.includes('CHILD_UP') ? 'CHILD_UP' : p.lastEvent.includes('CHILD_CONNECTING') ? 'CHILD_CONNECTING' : 'CHILD_DOWN';
    p.propagated = true;
  }
  if (type === 'PARENT_UP' || type === 'PARENT_DOWN' || type === 'CLEANUP' || type === 'SIGHUP') return;
  await self.notifyParents({ type, from: self as never, ...('message' in event && event.message ? { message: event.message } : {}) });
}
