import { RpcEncodeError } from '../xdr/errors.js';
import { array, decode, encode, int, opaque, struct, uhyper, uint, type Infer } from '../xdr/schema.js';
import type { XdrWriter } from '../xdr/io.js';
import { MAX_AUTH_BYTES, opaque_auth, type OpaqueAuth } from './message.js';

/** Credential flavours GlusterFS uses (rpc/rpc-lib/src/xdr-rpc.h). */
export const AuthFlavor = { NULL: 0, UNIX: 1, GLUSTERFS: 5, GLUSTERFS_V2: 390039, GLUSTERFS_V3: 390040 } as const;

/** Largest lk-owner GlusterFS carries (GF_MAX_LOCK_OWNER_LEN). */
export const MAX_LK_OWNER = 1024;

/** auth_glusterfs_parms_v2 (rpc-common-xdr.x): the DUMP call of a 10.x client still uses it. */
export const auth_glusterfs_parms_v2 = struct({
  pid: int,
  uid: uint,
  gid: uint,
  groups: array(uint, MAX_AUTH_BYTES / 4),
  lk_owner: opaque(MAX_LK_OWNER),
});

/** auth_glusterfs_params_v3 (glusterfs4-xdr.x): v2 plus flags and the frame's birth time. */
export const auth_glusterfs_params_v3 = struct({
  pid: int,
  uid: uint,
  gid: uint,
  flags: uint,
  ctime_nsec: uint,
  ctime_sec: uhyper,
  groups: array(uint, MAX_AUTH_BYTES / 4),
  lk_owner: opaque(MAX_LK_OWNER),
});

export type AuthGlusterfsV2 = Infer<typeof auth_glusterfs_parms_v2>;
export type AuthGlusterfsV3 = Infer<typeof auth_glusterfs_params_v3>;

/** A caller's identity as a credential carries it. v2 has no flags or ctime (they read as 0). */
export type Credential =
  | { flavor: 'null' }
  | { flavor: 'glusterfs-v2'; pid: number; uid: number; gid: number; groups: number[]; lkOwner: Buffer }
  | {
      flavor: 'glusterfs-v3';
      pid: number;
      uid: number;
      gid: number;
      groups: number[];
      lkOwner: Buffer;
      /** 0x1: an internal client (GlusterFS's own daemons). */
      flags: number;
      ctime: { sec: bigint; nsec: number };
    }
  | { flavor: 'other'; number: number; body: Buffer };

/**
 * The lk-owner rpc-clnt sends when a frame has none: the pid's four bytes, little end first
 * (xdr_serialize_glusterfs_auth).
 */
export function lkOwnerFromPid(pid: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(pid | 0, 0);
  return b;
}

export function credentialFromAuth(auth: OpaqueAuth): Credential {
  switch (auth.flavor) {
    case AuthFlavor.NULL:
      return { flavor: 'null' };
    case AuthFlavor.GLUSTERFS_V2: {
      const a = decode(auth_glusterfs_parms_v2, auth.body);
      return { flavor: 'glusterfs-v2', pid: a.pid, uid: a.uid, gid: a.gid, groups: a.groups, lkOwner: a.lk_owner };
    }
    case AuthFlavor.GLUSTERFS_V3: {
      const a = decode(auth_glusterfs_params_v3, auth.body);
      return {
        flavor: 'glusterfs-v3', pid: a.pid, uid: a.uid, gid: a.gid, groups: a.groups, lkOwner: a.lk_owner,
        flags: a.flags, ctime: { sec: a.ctime_sec, nsec: a.ctime_nsec },
      };
    }
    default:
      return { flavor: 'other', number: auth.flavor, body: auth.body };
  }
}

export function credentialToAuth(c: Credential): OpaqueAuth {
  let out: OpaqueAuth;
  switch (c.flavor) {
    case 'null':
      return { flavor: AuthFlavor.NULL, body: Buffer.alloc(0) };
    case 'glusterfs-v2':
      out = { flavor: AuthFlavor.GLUSTERFS_V2, body: encode(auth_glusterfs_parms_v2, { pid: c.pid, uid: c.uid, gid: c.gid, groups: c.groups, lk_owner: c.lkOwner }) };
      break;
    case 'glusterfs-v3':
      out = {
        flavor: AuthFlavor.GLUSTERFS_V3,
        body: encode(auth_glusterfs_params_v3, {
          pid: c.pid, uid: c.uid, gid: c.gid, flags: c.flags, ctime_nsec: c.ctime.nsec, ctime_sec: c.ctime.sec, groups: c.groups, lk_owner: c.lkOwner,
        }),
      };
      break;
    case 'other':
      out = { flavor: c.number, body: c.body };
      break;
  }
  // Too many groups for the 400 bytes RFC 5531 allows: the caller must trim them (GlusterFS
  // servers refuse such credentials rather than truncate the lk-owner).
  if (out.body.length > MAX_AUTH_BYTES) throw new RpcEncodeError(`credential of ${out.body.length} bytes exceeds ${MAX_AUTH_BYTES}`);
  return out;
}

/** A v3 credential for a caller, with GlusterFS's defaults (lk-owner from the pid, ctime now). */
export function glusterfsCredential(id: { pid: number; uid: number; gid: number; groups?: number[]; lkOwner?: Buffer; flags?: number }): Credential {
  // Wall-clock time, as the frame's ctime is (the brick uses it to order operations).
  const ms = Date.now();
  if (id.lkOwner && id.lkOwner.length > MAX_LK_OWNER) throw new RpcEncodeError('lk-owner too long');
  return {
    flavor: 'glusterfs-v3',
    pid: id.pid,
    uid: id.uid,
    gid: id.gid,
    groups: id.groups ?? [],
    lkOwner: id.lkOwner ?? lkOwnerFromPid(id.pid),
    flags: id.flags ?? 0,
    ctime: { sec: BigInt(Math.floor(ms / 1000)), nsec: (ms % 1000) * 1_000_000 },
  };
}

/**
 * Write a credential as an opaque_auth straight into `w` (what `opaque_auth.encode(w,
 * credentialToAuth(c))` writes, without a buffer per call): the AUTH_GLUSTERFS bodies are encoded
 * in place and their length filled in afterwards. Same checks and errors.
 */
export function writeCredential(w: XdrWriter, c: Credential): void {
  if (c.flavor !== 'glusterfs-v3' && c.flavor !== 'glusterfs-v2') return opaque_auth.encode(w, credentialToAuth(c));
  w.uint(c.flavor === 'glusterfs-v3' ? AuthFlavor.GLUSTERFS_V3 : AuthFlavor.GLUSTERFS_V2);
  const at = w.length;
  w.uint(0);
  if (c.flavor === 'glusterfs-v3') {
    auth_glusterfs_params_v3.encode(w, {
      pid: c.pid, uid: c.uid, gid: c.gid, flags: c.flags, ctime_nsec: c.ctime.nsec, ctime_sec: c.ctime.sec, groups: c.groups, lk_owner: c.lkOwner,
    });
  } else {
    auth_glusterfs_parms_v2.encode(w, { pid: c.pid, uid: c.uid, gid: c.gid, groups: c.groups, lk_owner: c.lkOwner });
  }
  // Every field is a multiple of 4 bytes: the body needs no padding.
  const size = w.length - at - 4;
  if (size > MAX_AUTH_BYTES) throw new RpcEncodeError(`credential of ${size} bytes exceeds ${MAX_AUTH_BYTES}`);
  w.patchUint(at, size);
}
