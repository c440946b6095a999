/** Checks before mounting: FUSE present, mountpoint usable, a dead earlier mount recovered. */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from '../../runtime/log/logger.js';
import { findMount, kernelUnmount, probeMount } from '../../xlators/mount/fuse/kernel/mount.js';

/** A problem the user can fix, with a hint saying how. */
export class MountError extends Error {
  override name = 'MountError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

export function checkFuseAvailable(): void {
  if (!existsSync('/dev/fuse')) {
    throw new MountError(
      'FUSE is not available: /dev/fuse does not exist',
      'load the kernel module with `modprobe fuse` (it ships with the kernel; install the `fuse3` package for the tools), ' +
        'or in a container start it with `--device /dev/fuse --cap-add SYS_ADMIN`',
    );
  }
}

/**
 * Make sure `mountpoint` can be mounted on. A mount left behind by a killed daemon answers
 * "Transport endpoint is not connected"; it is detached lazily so the new mount can take its place.
 */
export async function prepareMountpoint(mountpoint: string, log: Logger): Promise<void> {
  const existing = findMount(mountpoint);
  if (existing) {
    const { health, detail } = await probeMount(mountpoint);
    if (health === 'alive') {
      throw new MountError(`${mountpoint} is already mounted (${existing.fstype} from ${existing.source})`, `unmount it first: umount ${mountpoint}`);
    }
    if (health === 'hung') {
      throw new MountError(`${mountpoint} is mounted (${existing.fstype}) and does not answer: ${detail}`, `detach it with: umount -l ${mountpoint}`);
    }
    if (health === 'dead') {
      log.warn(`${mountpoint}: an earlier mount is dead (${detail || 'not connected'}); detaching it lazily`);
      const r = await kernelUnmount(mountpoint, { lazy: true });
      if (r.code !== 0) throw new MountError(`cannot detach the dead mount on ${mountpoint}: ${r.stderr.trim()}`, `try: umount -l ${mountpoint}`);
    } else {
      throw new MountError(`${mountpoint} is already mounted (${existing.fstype}): ${detail}`, `unmount it first: umount ${mountpoint}`);
    }
  }
  let st;
  try {
    st = await stat(mountpoint);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MountError(`mountpoint ${mountpoint} does not exist`, `create it: mkdir -p ${mountpoint}`);
    if (code === 'ENOTCONN') throw new MountError(`mountpoint ${mountpoint} is a dead mount that is not ours to detach`, `detach it with: umount -l ${mountpoint}`);
    throw new MountError(`cannot use mountpoint ${mountpoint}: ${(err as Error).message}`);
  }
  if (!st.isDirectory()) throw new MountError(`mountpoint ${mountpoint} is not a directory`);
}
