import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Dict } from '../../../runtime/core/dict.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { GFS4_PROGRAM, GFS4_VERSION, PORTMAP_PROGRAM, PORTMAP_VERSION } from '../../../rpc/programs/index.js';
import { MAX_LK_OWNER, lkOwnerFromPid, type Credential } from '../../../rpc/sunrpc/auth.js';
import { MAX_AUTH_BYTES } from '../../../rpc/sunrpc/message.js';

/** What a 10.3 client says it is (PACKAGE_VERSION, GD_OP_VERSION_MAX). */
export const CLIENT_VERSION = '10.3';
export const OP_VERSION = 100000;
/** gf_dump_req.gfs_id a real client sends. */
export const DUMP_GFS_ID = 0xcaedn;

/** ctx->process_uuid: one per process, as GlusterFS makes one per glusterfs process. */
const PROCESS_UUID = randomUUID();

/** The peer's DUMP answer, as client_dump_version_cbk reads it. */
export interface PeerPrograms {
  prog: ReadonlyArray<{ progname: string; prognum: bigint; progver: bigint }>;
}

/** server_has_portmap: glusterd lists the portmap program; a brick does not. */
export function isManagementDaemon(p: PeerPrograms): boolean {
  return p.prog.some((x) => x.prognum === BigInt(PORTMAP_PROGRAM) && x.progver === BigInt(PORTMAP_VERSION));
}

/** select_server_supported_programs: only GlusterFS 4.x v1 (1298437 v400) is spoken. */
export function hasGfs4(p: PeerPrograms): boolean {
  return p.prog.some((x) => x.prognum === BigInt(GFS4_PROGRAM) && x.progver === BigInt(GFS4_VERSION));
}

export interface SetvolumeInput {
  /** The volume name of this protocol/client translator. */
  name: string;
  transportType: string;
  remoteHost?: string;
  remotePort?: number;
  remoteSubvolume: string;
  username?: string;
  password?: string;
  /** setvol_count: a fresh number per handshake so the brick never reuses a dead connection's state. */
  reconnects: number;
}

/**
 * The SETVOLUME dict of client_setvolume: the volume's own options, then fops-version,
 * process-uuid, client-version, clnt-lk-version and opversion. GlusterFS's dict puts the newest key
 * first, so the serialized order is the reverse of insertion; we send that same order.
 * volfile-key and volfile-checksum are only sent by clients that fetched their volfile from
 * glusterd (--volfile-server), which gfs-mount never does.
 */
export function setvolumeDict(i: SetvolumeInput): Dict {
  const pairs: [string, string][] = [];
  // rpc_transport_load rewrites tcp as "socket" in the options it keeps.
  pairs.push(['transport-type', i.transportType === 'tcp' || i.transportType === 'unix' ? 'socket' : i.transportType]);
  if (i.remoteHost !== undefined) pairs.push(['remote-host', i.remoteHost]);
  if (i.remotePort !== undefined) pairs.push(['remote-port', String(i.remotePort)]);
  pairs.push(['remote-subvolume', i.remoteSubvolume]);
  if (i.username !== undefined) pairs.push(['username', i.username]);
  if (i.password !== undefined) pairs.push(['password', i.password]);
  pairs.push(['fops-version', String(GFS4_PROGRAM)]);
  pairs.push(['process-uuid', processUuid(i.name, i.reconnects)]);
  pairs.push(['client-version', CLIENT_VERSION]);
  pairs.push(['clnt-lk-version', '1']);
  pairs.push(['opversion', String(OP_VERSION)]);
  const d = new Dict();
  for (const [k, v] of pairs.reverse()) d.setStr(k, v);
  return d;
}

/** GLUSTER_PROCESS_UUID_FMT; the brick names this connection's locks and fds by it. */
export function processUuid(name: string, reconnects: number): string {
  return `CTX_ID:${PROCESS_UUID}-GRAPH_ID:0-PID:${process.pid}-HOST:${hostname()}-PC_NAME:${name}-RECON_NO:-${reconnects}`;
}

/** The v2 credential a real client's DUMP carries (before a program is chosen): pid 0, root. */
export function dumpCredential(): Credential {
  return { flavor: 'glusterfs-v2', pid: 0, uid: 0, gid: 0, groups: [], lkOwner: lkOwnerFromPid(0) };
}

/** Calls the client makes for itself (SETVOLUME, PING, RELEASE, reopen): pid 0, root. */
export function internalCredential(): Credential {
  return { flavor: 'glusterfs-v3', pid: 0, uid: 0, gid: 0, groups: [], lkOwner: lkOwnerFromPid(0), flags: 0, ctime: { sec: 0n, nsec: 0 } };
}

/** The pid-derived lk-owner made last: a program's requests come from one pid after another. */
let lastOwner = { pid: 0, owner: lkOwnerFromPid(0) };
const NO_GROUPS = Object.freeze([]) as unknown as number[];
const ZERO_CTIME = Object.freeze({ sec: 0n, nsec: 0 });

/**
 * AUTH_GLUSTERFS_v3 for a caller. The lk-owner is the frame's, or the pid's bytes when it has
 * none (as rpc-clnt does); groups are dropped when send-gids is off and trimmed to what fits in
 * the 400 bytes of a credential. ctime stays 0: a 10.3 client sends 0 there.
 */
export function frameCredential(frame: Frame, sendGids: boolean): Credential {
  let lkOwner: Buffer;
  if (frame.lkOwner.length) lkOwner = frame.lkOwner.subarray(0, MAX_LK_OWNER);
  else {
    // Only encoded, never changed: the same pid's owner is reused instead of a zeroed buffer each.
    if (lastOwner.pid !== frame.pid) lastOwner = { pid: frame.pid, owner: lkOwnerFromPid(frame.pid) };
    lkOwner = lastOwner.owner;
  }
  // pid uid gid flags ctime_nsec ctime_sec(8) + groups count + lk-owner length and padded bytes.
  const fixed = 4 * 5 + 8 + 4 + 4 + Math.ceil(lkOwner.length / 4) * 4;
  const room = Math.max(0, Math.floor((MAX_AUTH_BYTES - fixed) / 4));
  const groups = sendGids && frame.groups.length > 0 ? frame.groups.slice(0, room) : NO_GROUPS;
  return { flavor: 'glusterfs-v3', pid: frame.pid, uid: frame.uid, gid: frame.gid, groups, lkOwner, flags: 0, ctime: ZERO_CTIME };
}
