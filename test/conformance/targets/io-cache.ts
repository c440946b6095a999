import type { Target } from '../fs.js';
import { graphTarget } from './in-process.js';

/**
 * The conformance volume with performance/io-cache between the permission checks and io-stats
 * (where glusterd puts it in a client graph: above the bricks, below the entry point). A short
 * cache-timeout and a small cache-size make revalidation and pruning happen during the cases.
 */
export function ioCacheVolfile(brick: string): string {
  return `
volume conf-posix
    type storage/posix
    option directory ${brick}
end-volume

volume conf-access
    type features/access-control
    subvolumes conf-posix
end-volume

volume conf-io-cache
    type performance/io-cache
    option cache-size 4MB
    option cache-timeout 1
    subvolumes conf-access
end-volume

volume conf
    type debug/io-stats
    subvolumes conf-io-cache
end-volume
`;
}

/** In-process, through runtime/api, with io-cache in the stack. */
export function ioCacheTarget(): Target {
  return graphTarget('posix + io-cache', 'gfs-conf-ioc-', ioCacheVolfile);
}
