import { VolumeClient } from '../../runtime/api/index.js';
import { startGraph, type TestGraph } from '../../runtime/testkit/index.js';

export interface Ctx {
  teardown(fn: () => void | Promise<void>): void;
}

/** storage/posix -> features/access-control -> debug/io-stats on a temporary brick. */
export const STACK_VOLFILE = `
volume brick
    type storage/posix
end-volume

volume brick-access
    type features/access-control
    subvolumes brick
end-volume

volume top
    type debug/io-stats
    subvolumes brick-access
end-volume
`;

/** A root VolumeClient on a fresh graph; the volume root is made 0755 (the temp brick is 0700). */
export async function client(t: Ctx, volfile = STACK_VOLFILE): Promise<{ fs: VolumeClient; g: TestGraph }> {
  const g = await startGraph({ volfile, brick: true });
  t.teardown(() => g.stop());
  const fs = new VolumeClient(g.graph);
  await fs.chmod('/', 0o755);
  return { fs, g };
}
