/**
 * The conformance cases through a distribute volume over the wire: three gfs-brick processes
 * (storage/posix -> features/access-control -> features/locks -> protocol/server), mounted with
 * gfs-mount of protocol/client x3 -> cluster/distribute. Other users act through helper processes.
 */
import { chmodSync } from 'node:fs';
import { startDistVolume, type DistVolume } from '../../interop/distribute/cluster.js';
import type { Target } from '../fs.js';
import { closeUsers, openMountFs } from './shared.js';
import type { UserProcess } from './user-proxy.js';

export function distributeOverWireTarget(): Target {
  let vol: DistVolume | undefined;
  const users = new Map<string, UserProcess>();
  return {
    name: 'distribute-over-wire',
    async setup() {
      vol = await startDistVolume({ bricks: 'gfs-brick', accessControl: true });
      chmodSync(vol.dir, 0o755); // other users reach the mount point through it
      const m = await vol.mount('gfs');
      return openMountFs(m.mnt, users);
    },
    async teardown() {
      await closeUsers(users);
      await vol?.stop();
      vol = undefined;
    },
  };
}
