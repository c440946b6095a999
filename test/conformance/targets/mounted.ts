import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../fs.js';
import { volfileFor } from '../volfile.js';
import { gfsMountTarget } from './shared.js';

/**
 * Mounted: the conformance volfile mounted with the real `gfs-mount` (daemonized, as a user
 * runs it), used through node:fs and the native addon; other users act through long-lived
 * helper processes (user-helper.ts). The temp folder is 0755 so those users can reach the mount.
 */
export function mountedTarget(mountOptions: string[] = []): Target {
  return gfsMountTarget({
    name: 'mounted',
    tmpPrefix: 'gfs-conf-mnt-',
    volName: 'conformance.vol',
    mountOptions,
    volfile: (dir) => {
      const brick = join(dir, 'brick');
      mkdirSync(brick);
      return volfileFor(brick);
    },
  });
}
