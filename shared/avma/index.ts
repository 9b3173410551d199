/** Package entry: the AVMA domain layer's public API lives in `src/`. */
export * from './src/index.js';
