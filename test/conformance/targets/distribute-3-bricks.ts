/**
 * The conformance volume spread over three bricks: storage/posix -> features/access-control on
 * each brick (permission checks belong on the brick, as glusterd writes them), cluster/distribute
 * over the three, debug/io-stats on top. In-process through runtime/api, and mounted with the real
 * gfs-mount (daemonized) through node:fs, other users acting through helper processes.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../fs.js';
import { graphTarget } from './in-process.js';
import { gfsMountTarget } from './shared.js';

export const DIST_BRICKS = 3;

/** The volfile over brick folders `brickDirs` (one per subvolume). */
export function distributeVolfile(brickDirs: readonly string[]): string {
  const bricks = brickDirs.map((dir, i) =>
    `volume dconf-posix-${i}\n    type storage/posix\n    option directory ${dir}\nend-volume\n\n` +
    `volume dconf-brick-${i}\n    type features/access-control\n    subvolumes dconf-posix-${i}\nend-volume\n`,
  );
  return [
    ...bricks,
    `volume dconf-dht\n    type cluster/distribute\n    subvolumes ${brickDirs.map((_, i) => `dconf-brick-${i}`).join(' ')}\nend-volume\n`,
    'volume dconf\n    type debug/io-stats\n    subvolumes dconf-dht\nend-volume\n',
  ].join('\n');
}

export function distributeInProcessTarget(): Target {
  return graphTarget('distribute-3-bricks', 'gfs-conf-dht-', async (dir) => {
    const bricks = Array.from({ length: DIST_BRICKS }, (_, i) => join(dir, `brick${i}`));
    for (const b of bricks) await mkdir(b);
    return distributeVolfile(bricks);
  });
}

export function distributeMountedTarget(): Target {
  return gfsMountTarget({
    name: 'distribute-3-bricks-mounted',
    tmpPrefix: 'gfs-conf-dht-mnt-',
    volName: 'distribute.vol',
    volfile: (dir) => {
      const bricks = Array.from({ length: DIST_BRICKS }, (_, i) => join(dir, `brick${i}`));
      for (const b of bricks) mkdirSync(b);
      return distributeVolfile(bricks);
    },
  });
}
