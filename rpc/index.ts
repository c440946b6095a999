/**
 * rpc/: GlusterFS's wire. xdr/ is a declarative XDR schema library, sunrpc/ the RPC envelope
 * (record marking, call/reply headers, credentials), programs/ every message of DUMP, handshake,
 * portmap, callback and GFS4 (driven by the fop table), transport/ a connection over sockets.
 */
export * from './xdr/index.js';
export * from './sunrpc/index.js';
export * from './programs/index.js';
export * from './transport/index.js';
