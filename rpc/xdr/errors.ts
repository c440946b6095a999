/**
 * Every failure to read wire bytes is an RpcDecodeError: a peer's bad input must never surface as
 * a RangeError from Buffer or a TypeError from a missing field. `offset` is where in the buffer
 * being decoded the problem was found, when known.
 */
export class RpcDecodeError extends Error {
  readonly code = 'RPC_DECODE';
  constructor(message: string, readonly offset?: number, options?: { cause?: unknown }) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`, options);
    this.name = 'RpcDecodeError';
  }
}

/** A value that cannot be put on the wire (a length past its declared maximum, a wrong union arm). */
export class RpcEncodeError extends Error {
  readonly code = 'RPC_ENCODE';
  constructor(message: string) {
    super(message);
    this.name = 'RpcEncodeError';
  }
}
