/**
 * Copies of request and reply objects, made on every request.
 *
 * Why not `{ ...base, key: value }`: V8 (Node 20) gives the copy a hidden class that keeps no
 * transitions, so a key the base lacks, added in the literal or later, makes a new hidden class
 * on every call (about 0.6 µs, and old-space garbage that only a full GC collects). Measured on
 * the mount: 3.6 % of its CPU during stats under distribute went into such classes. A copy that
 * only replaces keys the base already has (`{ ...base, buf }` where base has `buf`) is fine, and
 * so is a literal with every key written out. Object.assign onto a fresh literal follows the
 * cached transitions from the empty object: use it where the base's keys vary.
 */
export function withFields<T extends object, P extends object>(base: T, patch: P): Omit<T, keyof P> & P {
  return Object.assign({}, base, patch);
}
