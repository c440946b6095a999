export * from './record.js';
export * from './message.js';
export * from './auth.js';
