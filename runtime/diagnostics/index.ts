export * from './location.js';
export * from './diagnostic.js';
export * from './codes.js';
