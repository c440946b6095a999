/**
 * ava's settings for every test but those in test/alone/, which change the whole machine's state
 * (dropping the kernel's caches) and run by themselves afterwards with ava.alone.config.mjs.
 * FUSE mounts and bricks are real processes: workers are processes, two test files at a time.
 */
export const common = {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '5m',
  workerThreads: false,
};

export default {
  ...common,
  files: [
    'test/**/*.test.ts',
    '!test/alone/**',
    'xlators/**/*.test.ts',
    'runtime/**/*.test.ts',
    'rpc/**/*.test.ts',
    'grammar/**/*.test.ts',
  ],
  concurrency: 2,
};
