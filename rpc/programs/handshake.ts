import { int, string, struct, uint } from '../xdr/schema.js';
import { defineProgram, procedure } from './program.js';
import { serializedDict } from './serialized-dict.js';

/**
 * GlusterFS Handshake (glusterfs4-xdr.x, the gf_* structures): SETVOLUME attaches a client to a
 * brick's subvolume, GETSPEC fetches a volfile. Dicts here are the old serialized format.
 */
export const HANDSHAKE_PROGRAM = 14398633;
export const HANDSHAKE_VERSION = 2;

export const gf_setvolume_req = struct({ dict: serializedDict });
export const gf_setvolume_rsp = struct({ op_ret: int, op_errno: int, dict: serializedDict });
export const gf_getspec_req = struct({ flags: uint, key: string(), xdata: serializedDict });
export const gf_getspec_rsp = struct({ op_ret: int, op_errno: int, spec: string(), xdata: serializedDict });
export const gf_set_lk_ver_req = struct({ uid: string(), lk_ver: int });
export const gf_set_lk_ver_rsp = struct({ op_ret: int, op_errno: int, lk_ver: int });
export const gf_event_notify_req = struct({ op: int, dict: serializedDict });
export const gf_event_notify_rsp = struct({ op_ret: int, op_errno: int, dict: serializedDict });
export const gf_get_volume_info_req = struct({ dict: serializedDict });
export const gf_get_volume_info_rsp = struct({ op_ret: int, op_errno: int, op_errstr: string(), dict: serializedDict });
export const gf_getsnap_name_uuid_req = struct({ dict: serializedDict });
export const gf_getsnap_name_uuid_rsp = struct({ op_ret: int, op_errno: int, op_errstr: string(), dict: serializedDict });

export const HANDSHAKE = defineProgram('GlusterFS Handshake', HANDSHAKE_PROGRAM, HANDSHAKE_VERSION, {
  SETVOLUME: procedure('SETVOLUME', 1, gf_setvolume_req, gf_setvolume_rsp),
  GETSPEC: procedure('GETSPEC', 2, gf_getspec_req, gf_getspec_rsp),
  SET_LK_VER: procedure('SET_LK_VER', 4, gf_set_lk_ver_req, gf_set_lk_ver_rsp),
  EVENT_NOTIFY: procedure('EVENT_NOTIFY', 5, gf_event_notify_req, gf_event_notify_rsp),
  GET_VOLUME_INFO: procedure('GET_VOLUME_INFO', 6, gf_get_volume_info_req, gf_get_volume_info_rsp),
  GET_SNAPSHOT_INFO: procedure('GET_SNAPSHOT_INFO', 7, gf_getsnap_name_uuid_req, gf_getsnap_name_uuid_rsp),
});
