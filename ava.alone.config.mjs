/** The tests that must not run beside any other (see test/alone/): one file, one test at a time. */
import { common } from './ava.config.mjs';

export default { ...common, files: ['test/alone/**/*.test.ts'], concurrency: 1, serial: true };
