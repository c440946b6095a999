import { array, double, fixed, hyper, int, opaque, string, struct, uhyper, uint, union, type Infer } from '../xdr/schema.js';

/**
 * The shared structures of glusterfs4-xdr.x, field for field and in the same order (names as
 * GlusterFS spells them, so the .x file can be read beside this one). Values are the wire
 * representation; rpc/programs/convert.ts turns them into Iatt, Dict and Flock.
 */

export const gfid = fixed(16);

export const gf_statfs = struct({
  bsize: uhyper, frsize: uhyper, blocks: uhyper, bfree: uhyper, bavail: uhyper, files: uhyper,
  ffree: uhyper, favail: uhyper, fsid: uhyper, flag: uhyper, namemax: uhyper,
});

/** The 3.x iatt, still used by the cache-invalidation callback. */
export const gf_iatt = struct({
  ia_gfid: gfid, ia_ino: uhyper, ia_dev: uhyper, mode: uint, ia_nlink: uint, ia_uid: uint, ia_gid: uint,
  ia_rdev: uhyper, ia_size: uhyper, ia_blksize: uint, ia_blocks: uhyper,
  ia_atime: uint, ia_atime_nsec: uint, ia_mtime: uint, ia_mtime_nsec: uint, ia_ctime: uint, ia_ctime_nsec: uint,
});

export const gfx_iattx = struct({
  ia_gfid: gfid,
  ia_flags: uhyper,
  ia_ino: uhyper,
  ia_dev: uhyper,
  ia_rdev: uhyper,
  ia_size: uhyper,
  ia_blocks: uhyper,
  ia_attributes: uhyper,
  ia_attributes_mask: uhyper,
  ia_atime: hyper,
  ia_mtime: hyper,
  ia_ctime: hyper,
  ia_btime: hyper,
  ia_atime_nsec: uint,
  ia_mtime_nsec: uint,
  ia_ctime_nsec: uint,
  ia_btime_nsec: uint,
  ia_nlink: uint,
  ia_uid: uint,
  ia_gid: uint,
  ia_blksize: uint,
  /** st_mode: type bits and permissions. */
  mode: uint,
});
export type GfxIattx = Infer<typeof gfx_iattx>;

export const gfx_mdata_iatt = struct({
  ia_atime: hyper, ia_mtime: hyper, ia_ctime: hyper, ia_atime_nsec: uint, ia_mtime_nsec: uint, ia_ctime_nsec: uint,
});

/** gf_dict_data_type_t (libglusterfs glusterfs-fops.h): the discriminant of gfx_value. */
export const GF_DATA_TYPE = {
  UNKNOWN: 0, STR_OLD: 1, INT: 2, UINT: 3, DOUBLE: 4, STR: 5, PTR: 6, GFUUID: 7, IATT: 8, MDATA: 9,
} as const;

export const gfx_value = union({
  [GF_DATA_TYPE.INT]: hyper,
  [GF_DATA_TYPE.UINT]: uhyper,
  [GF_DATA_TYPE.DOUBLE]: double,
  [GF_DATA_TYPE.STR]: opaque(),
  [GF_DATA_TYPE.IATT]: gfx_iattx,
  [GF_DATA_TYPE.GFUUID]: fixed(16),
  [GF_DATA_TYPE.PTR]: opaque(),
  [GF_DATA_TYPE.STR_OLD]: opaque(),
  [GF_DATA_TYPE.MDATA]: gfx_mdata_iatt,
});
export type GfxValue = Infer<typeof gfx_value>;

/** The key is opaque and carries its terminating NUL. */
export const gfx_dict_pair = struct({ key: opaque(), value: gfx_value });

/**
 * xdr_size is the encoded size minus the 12 bytes of the three header words; count is -1 for
 * "no dict" (then no pairs follow) and otherwise repeats the number of pairs.
 */
export const gfx_dict = struct({ xdr_size: uint, count: int, pairs: array(gfx_dict_pair) });
export type GfxDict = Infer<typeof gfx_dict>;

export const gf_proto_flock = struct({ type: uint, whence: uint, start: uhyper, len: uhyper, pid: uint, lk_owner: opaque(1024) });
export type GfProtoFlock = Infer<typeof gf_proto_flock>;

export const gf_proto_lease = struct({ cmd: uint, lease_type: uint, lease_id: fixed(16), lease_flags: uint });

export const gfx_dirlist = struct({ d_ino: uhyper, d_off: uhyper, d_len: uint, d_type: uint, name: string() });
export const gfx_dirplist = struct({
  d_ino: uhyper, d_off: uhyper, d_len: uint, d_type: uint, name: string(), stat: gfx_iattx, dict: gfx_dict,
});
export const gfs3_locklist = struct({ flock: gf_proto_flock, client_uid: string(), lk_flags: uint });
