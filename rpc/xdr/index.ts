export * from './errors.js';
export * from './io.js';
export * from './schema.js';
