export * from './connection.js';
export * from './errors.js';
export * from './socket.js';
export * from './reader.js';
