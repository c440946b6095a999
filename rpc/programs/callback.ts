import { fixed, string, struct, uint, xvoid } from '../xdr/schema.js';
import { gf_iatt, gf_proto_flock } from './gfx-types.js';
import { defineProgram, procedure } from './program.js';
import { serializedDict } from './serialized-dict.js';

/**
 * GlusterFS Callback: calls a server (glusterd or a brick) makes to its clients on the same
 * connection. Clients do not reply to them, so every reply is void; send them one-way.
 */
export const CALLBACK_PROGRAM = 52743234;
export const CALLBACK_VERSION = 1;

export const gfs3_cbk_cache_invalidation_req = struct({
  gfid: string(), event_type: uint, flags: uint, expire_time_attr: uint,
  stat: gf_iatt, parent_stat: gf_iatt, oldparent_stat: gf_iatt, xdata: serializedDict,
});
export const gfs3_recall_lease_req = struct({ gfid: fixed(16), lease_type: uint, tid: fixed(16), xdata: serializedDict });
export const gf_statedump = struct({ pid: uint });
export const gfs4_inodelk_contention_req = struct({ gfid: fixed(16), flock: gf_proto_flock, pid: uint, domain: string(), xdata: serializedDict });
export const gfs4_entrylk_contention_req = struct({
  gfid: fixed(16), type: uint, pid: uint, name: string(), domain: string(), xdata: serializedDict,
});

const ONE_WAY = { oneWay: true } as const;

export const CALLBACK = defineProgram('GlusterFS Callback', CALLBACK_PROGRAM, CALLBACK_VERSION, {
  /** The volfile changed: fetch it again with GETSPEC. No arguments. */
  FETCHSPEC: procedure('FETCHSPEC', 1, xvoid, xvoid, ONE_WAY),
  INO_FLUSH: procedure('INO_FLUSH', 2, xvoid, xvoid, ONE_WAY),
  EVENT_NOTIFY: procedure('EVENT_NOTIFY', 3, xvoid, xvoid, ONE_WAY),
  GET_SNAPS: procedure('GET_SNAPS', 4, xvoid, xvoid, ONE_WAY),
  CACHE_INVALIDATION: procedure('CACHE_INVALIDATION', 5, gfs3_cbk_cache_invalidation_req, xvoid, ONE_WAY),
  CHILD_UP: procedure('CHILD_UP', 6, xvoid, xvoid, ONE_WAY),
  CHILD_DOWN: procedure('CHILD_DOWN', 7, xvoid, xvoid, ONE_WAY),
  RECALL_LEASE: procedure('RECALL_LEASE', 8, gfs3_recall_lease_req, xvoid, ONE_WAY),
  STATEDUMP: procedure('STATEDUMP', 9, gf_statedump, xvoid, ONE_WAY),
  INODELK_CONTENTION: procedure('INODELK_CONTENTION', 10, gfs4_inodelk_contention_req, xvoid, ONE_WAY),
  ENTRYLK_CONTENTION: procedure('ENTRYLK_CONTENTION', 11, gfs4_entrylk_contention_req, xvoid, ONE_WAY),
});
