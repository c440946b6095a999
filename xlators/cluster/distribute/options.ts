import type { OptionTable } from '../../../runtime/options/types.js';

/**
 * cluster/distribute options: every option of GlusterFS 10's dht_options (dht-shared.c), so a
 * volfile written by glusterd loads unchanged. Options that only steer the rebalance daemon or
 * glusterd are accepted and described as such.
 */
export const DHT_OPTIONS = {
  'lookup-unhashed': {
    type: 'str',
    values: ['auto', 'yes', 'no', 'enable', 'disable', '1', '0', 'on', 'off'],
    default: 'on',
    description: 'On a miss on the hashed subvolume, look the name up on every subvolume (ignored while lookup-optimize is on and the directory layout is committed).',
  },
  'lookup-optimize': {
    type: 'bool',
    default: 'on',
    description: 'A miss on the hashed subvolume is final when the parent layout carries the volume commit hash.',
  },
  'rmdir-optimize': { type: 'bool', default: 'on', description: 'Accepted (GlusterFS 11): rmdir does not list the subvolumes for link files first.' },
  'min-free-disk': {
    type: 'percent-or-size',
    default: '10%',
    description: 'New files go to the subvolume with the most free space (link file on the hashed one) when the hashed one has less free than this.',
  },
  'min-free-inodes': { type: 'percent', default: '5%', description: 'As min-free-disk, for free inodes.' },
  'unhashed-sticky-bit': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'use-readdirp': { type: 'bool', default: 'on', description: 'readdir is served with readdirp on the subvolumes (always the case here).' },
  'assert-no-child-down': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'directory-layout-spread': { type: 'int', min: 1, description: 'Spread each new directory over this many subvolumes only.' },
  'decommissioned-bricks': { type: 'any', description: 'Accepted (remove-brick), no effect.' },
  'rebalance-cmd': { type: 'int', description: 'Set by glusterd for the rebalance process; accepted, no effect.' },
  'commit-hash': { type: 'int', description: 'Volume commit hash forced by glusterd for rebalance.' },
  'node-uuid': { type: 'str', description: 'Accepted, no effect.' },
  'rebalance-stats': { type: 'bool', default: 'off', description: 'Accepted, no effect.' },
  'readdir-optimize': { type: 'bool', default: 'off', description: 'List directories from the first up subvolume only.' },
  'rsync-hash-regex': { type: 'str', description: 'Names matching it are hashed by the first group (default ^\\.(.+)\\.[^.]+$; "none" disables).' },
  'extra-hash-regex': { type: 'str', description: 'Tried before rsync-hash-regex; the first group is hashed.' },
  'rebalance-filter': { type: 'str', description: 'Accepted, no effect.' },
  'xattr-name': { type: 'str', default: 'trusted.glusterfs.dht', description: 'Layout xattr name (link files use <name>.linkto).' },
  'weighted-rebalance': { type: 'bool', default: 'on', description: 'New directory ranges are sized by each brick\'s size.' },
  'local-volume-name': { type: 'xlator', description: 'Accepted, no effect.' },
  'pattern.switch.case': { type: 'any', description: 'cluster/switch only; accepted, no effect.' },
  'randomize-hash-range-by-gfid': { type: 'bool', default: 'off', description: 'The first range of a new directory is chosen by its gfid instead of its path.' },
  'rebal-throttle': { type: 'str', default: 'normal', description: 'Accepted (rebalance threads), no effect.' },
  'lock-migration': { type: 'bool', default: 'off', description: 'Accepted, no effect: locks are not migrated.' },
  'force-migration': { type: 'bool', default: 'off', description: 'Migrate files that are open for writing (otherwise they are skipped).' },
  'ensure-durability': { type: 'bool', default: 'on', description: 'Migrated data is fsynced before the switch.' },
} as const satisfies OptionTable;

export type DhtOptions = typeof DHT_OPTIONS;
