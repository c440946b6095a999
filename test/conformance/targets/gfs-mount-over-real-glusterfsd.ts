import { clientVolfile, startRealBrick, type RealBrick } from '../../protocol-client/helpers/real-brick.js';
import type { Target } from '../fs.js';
import { gfsMountTarget } from './shared.js';

/**
 * Our `gfs-mount` of a protocol/client volfile pointing at a real GlusterFS 10 `glusterfsd`
 * (posix + access-control + locks + server, as glusterd writes a brick): the conformance cases
 * exercise our client against the real brick. Other users act through helper processes.
 */
export function gfsMountOverRealGlusterfsdTarget(): Target {
  let brick: RealBrick | undefined;
  return gfsMountTarget({
    name: 'gfs-mount-over-real-glusterfsd',
    tmpPrefix: 'gfs-conf-rg-',
    volName: 'client.vol',
    volfile: async () => {
      brick = await startRealBrick([], { accessControl: true });
      return clientVolfile(brick);
    },
    stop: async () => {
      await brick?.stop();
      brick = undefined;
    },
  });
}
