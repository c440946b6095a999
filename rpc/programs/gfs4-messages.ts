import { hyper, int, list, opaque, string, struct, uhyper, uint } from '../xdr/schema.js';
import {
  gf_proto_flock, gf_proto_lease, gf_statfs, gfid, gfs3_locklist, gfx_dict, gfx_dirlist, gfx_dirplist, gfx_iattx,
} from './gfx-types.js';

/**
 * Request and reply structures of the GFS4 FOP program, each declared once, in glusterfs4-xdr.x
 * order and spelling. Which fop uses which is the table in gfs4.ts. `fd` is the number the
 * server handed out (quad_t); gfids are 16 raw bytes.
 */
const xdata = gfx_dict;

// ---- requests ----
export const gfx_stat_req = struct({ gfid, xdata });
export const gfx_readlink_req = struct({ gfid, size: uint, xdata });
export const gfx_mknod_req = struct({ pargfid: gfid, dev: uhyper, mode: uint, umask: uint, bname: string(), xdata });
export const gfx_mkdir_req = struct({ pargfid: gfid, mode: uint, umask: uint, bname: string(), xdata });
export const gfx_unlink_req = struct({ pargfid: gfid, bname: string(), xflags: uint, xdata });
export const gfx_rmdir_req = struct({ pargfid: gfid, xflags: int, bname: string(), xdata });
export const gfx_symlink_req = struct({ pargfid: gfid, bname: string(), umask: uint, linkname: string(), xdata });
export const gfx_rename_req = struct({ oldgfid: gfid, newgfid: gfid, oldbname: string(), newbname: string(), xdata });
export const gfx_link_req = struct({ oldgfid: gfid, newgfid: gfid, newbname: string(), xdata });
export const gfx_truncate_req = struct({ gfid, offset: uhyper, xdata });
export const gfx_open_req = struct({ gfid, flags: uint, xdata });
export const gfx_opendir_req = struct({ gfid, xdata });
/** The data read comes after gfx_read_rsp; the data written after gfx_write_req. */
export const gfx_read_req = struct({ gfid, fd: hyper, offset: uhyper, size: uint, flag: uint, xdata });
export const gfx_write_req = struct({ gfid, fd: hyper, offset: uhyper, size: uint, flag: uint, xdata });
export const gfx_lookup_req = struct({ gfid, pargfid: gfid, flags: uint, bname: string(), xdata });
export const gfx_statfs_req = struct({ gfid, xdata });
export const gfx_lk_req = struct({ gfid, fd: hyper, cmd: uint, type: uint, flock: gf_proto_flock, xdata });
export const gfx_lease_req = struct({ gfid, lease: gf_proto_lease, xdata });
export const gfx_inodelk_req = struct({ gfid, cmd: uint, type: uint, flock: gf_proto_flock, volume: string(), xdata });
export const gfx_finodelk_req = struct({ gfid, fd: hyper, cmd: uint, type: uint, flock: gf_proto_flock, volume: string(), xdata });
export const gfx_flush_req = struct({ gfid, fd: hyper, xdata });
export const gfx_fsync_req = struct({ gfid, fd: hyper, data: uint, xdata });
export const gfx_setxattr_req = struct({ gfid, flags: uint, dict: gfx_dict, xdata });
export const gfx_fsetxattr_req = struct({ gfid, fd: hyper, flags: uint, dict: gfx_dict, xdata });
export const gfx_xattrop_req = struct({ gfid, flags: uint, dict: gfx_dict, xdata });
export const gfx_fxattrop_req = struct({ gfid, fd: hyper, flags: uint, dict: gfx_dict, xdata });
export const gfx_getxattr_req = struct({ gfid, namelen: uint, name: string(), xdata });
export const gfx_fgetxattr_req = struct({ gfid, fd: hyper, namelen: uint, name: string(), xdata });
export const gfx_removexattr_req = struct({ gfid, name: string(), xdata });
export const gfx_fremovexattr_req = struct({ gfid, fd: hyper, name: string(), xdata });
export const gfx_fsyncdir_req = struct({ gfid, fd: hyper, data: int, xdata });
export const gfx_readdir_req = struct({ gfid, fd: hyper, offset: uhyper, size: uint, xdata });
export const gfx_readdirp_req = struct({ gfid, fd: hyper, offset: uhyper, size: uint, xdata });
export const gfx_access_req = struct({ gfid, mask: uint, xdata });
export const gfx_create_req = struct({ pargfid: gfid, flags: uint, mode: uint, umask: uint, bname: string(), xdata });
export const gfx_ftruncate_req = struct({ gfid, fd: hyper, offset: uhyper, xdata });
export const gfx_fstat_req = struct({ gfid, fd: hyper, xdata });
export const gfx_entrylk_req = struct({ gfid, cmd: uint, type: uint, namelen: uhyper, name: string(), volume: string(), xdata });
export const gfx_fentrylk_req = struct({ gfid, fd: hyper, cmd: uint, type: uint, namelen: uhyper, name: string(), volume: string(), xdata });
export const gfx_setattr_req = struct({ gfid, stbuf: gfx_iattx, valid: int, xdata });
export const gfx_fsetattr_req = struct({ gfid, fd: hyper, stbuf: gfx_iattx, valid: int, xdata });
export const gfx_fallocate_req = struct({ gfid, fd: hyper, flags: uint, offset: uhyper, size: uhyper, xdata });
export const gfx_discard_req = struct({ gfid, fd: hyper, offset: uhyper, size: uhyper, xdata });
export const gfx_zerofill_req = struct({ gfid, fd: hyper, offset: uhyper, size: uhyper, xdata });
export const gfx_rchecksum_req = struct({ gfid, fd: hyper, offset: uhyper, len: uint, flags: uint, xdata });
export const gfx_ipc_req = struct({ op: int, xdata });
export const gfx_seek_req = struct({ gfid, fd: hyper, offset: uhyper, what: int, xdata });
export const gfx_release_req = struct({ gfid, fd: hyper, xdata });
export const gfx_releasedir_req = struct({ gfid, fd: hyper, xdata });
export const gfx_getactivelk_req = struct({ gfid, xdata });
export const gfx_setactivelk_req = struct({ gfid, request: list(gfs3_locklist), xdata });
export const gfx_icreate_req = struct({ gfid, mode: uint, xdata });
export const gfx_namelink_req = struct({ pargfid: gfid, bname: string(), xdata });
/** The file's data comes after the body. */
export const gfx_put_req = struct({
  pargfid: gfid, bname: string(), mode: uint, umask: uint, flag: uint, offset: uhyper, size: uint, xattr: gfx_dict, xdata,
});
export const gfx_copy_file_range_req = struct({
  gfid1: gfid, gfid2: gfid, fd_in: hyper, fd_out: hyper, off_in: uhyper, off_out: uhyper, size: uint, flag: uint, xdata,
});

// ---- replies ----
const status = { op_ret: int, op_errno: int } as const;
export const gfx_common_rsp = struct({ ...status, xdata });
export const gfx_common_iatt_rsp = struct({ ...status, xdata, stat: gfx_iattx });
export const gfx_common_2iatt_rsp = struct({ ...status, xdata, prestat: gfx_iattx, poststat: gfx_iattx });
export const gfx_common_3iatt_rsp = struct({ ...status, xdata, stat: gfx_iattx, preparent: gfx_iattx, postparent: gfx_iattx });
export const gfx_common_dict_rsp = struct({ ...status, xdata, dict: gfx_dict, prestat: gfx_iattx, poststat: gfx_iattx });
export const gfx_readlink_rsp = struct({ ...status, xdata, buf: gfx_iattx, path: string() });
export const gfx_rename_rsp = struct({
  ...status, xdata, stat: gfx_iattx, preoldparent: gfx_iattx, postoldparent: gfx_iattx, prenewparent: gfx_iattx, postnewparent: gfx_iattx,
});
export const gfx_open_rsp = struct({ ...status, xdata, fd: hyper });
export const gfx_read_rsp = struct({ ...status, stat: gfx_iattx, size: uint, xdata });
export const gfx_statfs_rsp = struct({ ...status, xdata, statfs: gf_statfs });
export const gfx_lk_rsp = struct({ ...status, xdata, flock: gf_proto_flock });
export const gfx_lease_rsp = struct({ ...status, xdata, lease: gf_proto_lease });
export const gfx_create_rsp = struct({ ...status, xdata, stat: gfx_iattx, fd: uhyper, preparent: gfx_iattx, postparent: gfx_iattx });
export const gfx_rchecksum_rsp = struct({ ...status, xdata, flags: uint, weak_checksum: uint, strong_checksum: opaque() });
export const gfx_seek_rsp = struct({ ...status, xdata, offset: uhyper });
export const gfx_readdir_rsp = struct({ ...status, xdata, reply: list(gfx_dirlist) });
export const gfx_readdirp_rsp = struct({ ...status, xdata, reply: list(gfx_dirplist) });
export const gfx_getactivelk_rsp = struct({ ...status, xdata, reply: list(gfs3_locklist) });
