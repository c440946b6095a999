/**
 * The options GlusterFS's features/locks declares (posix.c), so real brick volfiles validate.
 * What each does here:
 * - trace: every lock request and its answer logged at INFO.
 * - revocation-secs, revocation-max-blocked, revocation-clear-all: implemented for inodelk and
 *   entrylk, as in GlusterFS (record locks are never revoked).
 * - mandatory-locking, enforce-mandatory-lock: accepted; locks stay advisory (a warning is
 *   logged when a mode other than off is asked for). GlusterFS's mandatory modes need
 *   read/write checks against the record locks, which nothing in gfs uses yet.
 * - notify-contention, notify-contention-delay: accepted; no upcall is sent (the upcall
 *   channel to clients does not exist in gfs yet).
 * - monkey-unlocking: accepted and ignored (a GlusterFS fault-injection knob that drops unlocks).
 */
export const options = {
  'mandatory-locking': {
    type: 'str',
    values: ['off', 'file', 'forced', 'optimal'],
    default: 'off',
    description: "Mandatory-locking mode: 'file', 'forced' or 'optimal'. Accepted; gfs keeps locks advisory.",
  },
  trace: { type: 'bool', default: 'off', description: 'Log every lock request and its result.' },
  'monkey-unlocking': { type: 'bool', default: 'false', description: 'GlusterFS fault injection (ignores some unlocks). Accepted, no effect.' },
  'revocation-secs': {
    type: 'int',
    min: 0,
    max: 2147483647,
    default: '0',
    description: 'Maximum time an inodelk/entrylk may be held while another client waits for it before being revoked (0: never).',
  },
  'revocation-clear-all': {
    type: 'bool',
    default: 'false',
    description: 'When a revocation happens, also fail every blocked request of the domain.',
  },
  'revocation-max-blocked': {
    type: 'int',
    min: 0,
    max: 2147483647,
    default: '0',
    description: 'Revoke the granted locks of a domain once this many requests wait (with revocation-secs set).',
  },
  'notify-contention': {
    type: 'bool',
    default: 'yes',
    description: 'Send an upcall to the holder of a contended lock. Accepted; gfs sends no upcalls yet.',
  },
  'notify-contention-delay': {
    type: 'int',
    min: 0,
    max: 60,
    default: '5',
    description: 'Minimum seconds between contention upcalls for one inode. Accepted, no effect.',
  },
  'enforce-mandatory-lock': { type: 'bool', default: 'off', description: 'Lock enforcement. Accepted; locks stay advisory.' },
} as const;

export type LocksOptions = typeof options;
