import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The project's shared inputs (real glusterd volfiles, the captured real session) live in
 * shared/ beside the checkout, in CI as on a developer's machine. GFS_SHARED overrides it.
 */
function locate(): string {
  const candidates = [process.env.GFS_SHARED, fileURLToPath(new URL('../../../shared', import.meta.url)), '/work/shared'];
  const found = candidates.find((p): p is string => !!p && existsSync(`${p}/volfiles`));
  if (!found) throw new Error(`shared/ (real volfiles and captures) not found beside the checkout; looked in ${candidates.filter(Boolean).join(', ')}`);
  return found;
}

export const SHARED = locate();
export const GLUSTER_VOLFILES = `${SHARED}/volfiles/glusterfs-10.3`;
export const INTEROP_DIR = `${SHARED}/interop`;
