import { defineConfig } from 'vitest/config';

// Two projects: main-process code runs under plain Node (never Electron),
// renderer code under jsdom with Testing Library.
export default defineConfig({
  test: {
    reporters: ['default'],
    // Two cores: more workers only make the TLS and kill -9 tests fight for them.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'main',
          environment: 'node',
          include: ['test/main/**/*.test.ts', 'test/preload/**/*.test.ts', 'test/scripts/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start TLS servers and write real files.
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['test/renderer/setup.ts'],
        },
      },
    ],
  },
});
