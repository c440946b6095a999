import { int, list, opaque, string, struct, uhyper, xvoid } from '../xdr/schema.js';
import { defineProgram, procedure } from './program.js';

/** GF-DUMP (rpc-common-xdr.x): which programs a peer serves, and the ping. */
export const DUMP_PROGRAM = 123451501;
export const DUMP_VERSION = 1;

export const gf_dump_req = struct({ gfs_id: uhyper });
export const gf_prog_detail = struct({ progname: string(), prognum: uhyper, progver: uhyper });
export const gf_dump_rsp = struct({ gfs_id: uhyper, op_ret: int, op_errno: int, prog: list(gf_prog_detail) });
/** xdata here is an old-style serialized dict, kept as bytes (ping replies leave it empty). */
export const gf_common_rsp = struct({ op_ret: int, op_errno: int, xdata: opaque() });

export const DUMP = defineProgram('GF-DUMP', DUMP_PROGRAM, DUMP_VERSION, {
  DUMP: procedure('DUMP', 1, gf_dump_req, gf_dump_rsp),
  /** A ping has no arguments; the reply is an empty gf_common_rsp. */
  PING: procedure('PING', 2, xvoid, gf_common_rsp),
});
