/**
 * Who holds a lock. GlusterFS compares (client, lk-owner): the same lk-owner bytes from two
 * clients (two mounts, two connections) are different owners, and a lock owner within one
 * client is whatever the caller sends (the kernel's files_struct for fcntl, the open file for
 * flock, AFR/DHT's own owners for inodelk and entrylk).
 */
import type { Frame } from '../../../runtime/core/frame.js';

export interface Owner {
  readonly client: string;
  readonly lkOwner: Buffer;
  /** The caller's pid, for F_GETLK answers and dumps; not part of the identity. */
  readonly pid: number;
  /** client + lk-owner as one comparable string. */
  readonly owner: string;
}

export function ownerKey(client: string, lkOwner: Buffer): string {
  return `${client}\u0000${lkOwner.toString('hex')}`;
}

export function ownerOf(frame: Frame): Owner {
  return { client: frame.client, lkOwner: frame.lkOwner, pid: frame.pid, owner: ownerKey(frame.client, frame.lkOwner) };
}

/** How a lock's owner shows in dumps: `client/lk-owner-hex`. */
export function showOwner(o: { client: string; lkOwner: Buffer }): string {
  return `${o.client}/${o.lkOwner.toString('hex') || '-'}`;
}
