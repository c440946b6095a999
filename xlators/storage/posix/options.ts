import type { OptionTable } from '../../../runtime/options/types.js';

/**
 * storage/posix options. `directory` and `volume-id` are implemented; the others are GlusterFS
 * 10's posix options, accepted so volfiles written by glusterd load unchanged. Those marked
 * "accepted, no effect" are documented as such in README.md.
 */
export const POSIX_OPTIONS = {
  directory: { type: 'path', required: true, description: 'The brick directory holding the data.' },
  'volume-id': {
    type: 'str',
    description:
      'UUID the brick root must carry in trusted.glusterfs.volume-id; a different one refuses to start. ' +
      'A brand-new brick (no .glusterfs yet) gets it written.',
  },
  'shared-brick-count': { type: 'int', min: 1, default: '1', description: 'Bricks sharing this filesystem: statfs sizes are divided by it.' },
  'max-hardlinks': { type: 'int', min: 0, default: '100', description: 'Most links one inode may have (0: unlimited); link beyond it fails with EMLINK.' },
  'create-mask': { type: 'str', default: '0777', description: 'Octal: mode bits not set here are removed from new files.' },
  'create-directory-mask': { type: 'str', default: '0777', description: 'Octal: mode bits not set here are removed from new directories.' },
  'force-create-mode': { type: 'str', default: '0000', description: 'Octal: mode bits always set on new files.' },
  'force-directory-mode': { type: 'str', default: '0000', description: 'Octal: mode bits always set on new directories.' },
  // Accepted, no effect (see README.md).
  'o-direct': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  hostname: { type: 'any', description: 'Accepted, no effect.' },
  'export-statfs-size': { type: 'bool', default: 'on', description: 'Accepted, no effect.' },
  'mandate-attribute': { type: 'bool', default: 'on', description: 'Accepted, no effect.' },
  'background-unlink': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'janitor-sleep-duration': { type: 'int', min: 1, default: '10', description: 'Accepted, no effect.' },
  'glusterd-uuid': { type: 'str', description: 'Accepted, no effect.' },
  'linux-aio': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'linux-io_uring': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'brick-uid': { type: 'int', min: -1, default: '-1', description: 'Accepted, no effect.' },
  'brick-gid': { type: 'int', min: -1, default: '-1', description: 'Accepted, no effect.' },
  'node-uuid-pathinfo': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'health-check-interval': { type: 'int', min: 0, default: '30', description: 'Accepted, no effect.' },
  'health-check-timeout': { type: 'int', min: 0, default: '20', description: 'Accepted, no effect.' },
  reserve: { type: 'percent-or-size', default: '1', description: 'Accepted, no effect.' },
  'batch-fsync-mode': { type: 'str', default: 'reverse-fsync', description: 'Accepted, no effect.' },
  'batch-fsync-delay-usec': { type: 'int', default: '0', description: 'Accepted, no effect.' },
  'update-link-count-parent': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  gfid2path: { type: 'bool', default: 'on', description: 'Accepted, no effect: trusted.gfid2path.* xattrs are not written.' },
  'gfid2path-separator': { type: 'str', default: ':', description: 'Accepted, no effect.' },
  'disable-landfill-purge': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'fips-mode-rchecksum': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  ctime: { type: 'bool', default: 'on', description: 'Accepted, no effect: times come from the backend inode, trusted.glusterfs.mdata is not kept.' },
} as const satisfies OptionTable;

export type PosixOptions = typeof POSIX_OPTIONS;
