import { int, string, struct } from '../xdr/schema.js';
import { defineProgram, procedure } from './program.js';

/** glusterd's port mapper (portmap-xdr.x): clients ask for a brick's port, bricks sign in. */
export const PORTMAP_PROGRAM = 34123456;
export const PORTMAP_VERSION = 1;

export const pmap_port_by_brick_req = struct({ brick: string() });
export const pmap_port_by_brick_rsp = struct({ op_ret: int, op_errno: int, status: int, port: int });
export const pmap_brick_by_port_req = struct({ port: int });
export const pmap_brick_by_port_rsp = struct({ op_ret: int, op_errno: int, status: int, brick: string() });
export const pmap_signin_req = struct({ brick: string(), port: int, pid: int });
export const pmap_signin_rsp = struct({ op_ret: int, op_errno: int });
export const pmap_signout_req = struct({ brick: string(), port: int, rdma_port: int });
export const pmap_signout_rsp = struct({ op_ret: int, op_errno: int });

/** Procedure 3 (SIGNUP) is reserved and unused. */
export const PORTMAP = defineProgram('GF-PMAP', PORTMAP_PROGRAM, PORTMAP_VERSION, {
  PORTBYBRICK: procedure('PORTBYBRICK', 1, pmap_port_by_brick_req, pmap_port_by_brick_rsp),
  BRICKBYPORT: procedure('BRICKBYPORT', 2, pmap_brick_by_port_req, pmap_brick_by_port_rsp),
  SIGNIN: procedure('SIGNIN', 4, pmap_signin_req, pmap_signin_rsp),
  SIGNOUT: procedure('SIGNOUT', 5, pmap_signout_req, pmap_signout_rsp),
});
