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
          // A component test that walks a whole flow in jsdom takes 1–3 s alone and passed 5 s when other work
          // shared this 2-core machine (App.test.tsx's first-run flow at 5.03 s): the limit is there to catch a
          // hang, and no test measures time.
          testTimeout: 20_000,
        },
      },
    ],
  },
});
