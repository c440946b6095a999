export * from './types.js';
export * from './table.js';
export * from './signatures.js';
