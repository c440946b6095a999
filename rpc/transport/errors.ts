/** Why a call got no usable reply. Each carries a stable `code` for callers to switch on. */

export class RpcTimeoutError extends Error {
  readonly code = 'RPC_TIMEOUT';
  constructor(readonly procedure: string, readonly xid: number, readonly timeoutMs: number) {
    super(`${procedure} (xid ${xid}) got no reply within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

export class RpcConnectionClosedError extends Error {
  readonly code = 'RPC_CONNECTION_CLOSED';
  constructor(readonly procedure: string, readonly xid: number, options?: { cause?: unknown }) {
    super(`the connection closed before ${procedure} (xid ${xid}) was answered`, options);
    this.name = 'RpcConnectionClosedError';
  }
}

/** The peer answered, but not with results: PROG_UNAVAIL, PROC_UNAVAIL, GARBAGE_ARGS, an auth error... */
export class RpcRejectedError extends Error {
  readonly code = 'RPC_REJECTED';
  constructor(readonly procedure: string, readonly reason: string) {
    super(`${procedure} refused by the peer: ${reason}`);
    this.name = 'RpcRejectedError';
  }
}
