import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: real Chromium (Debian's /usr/bin/chromium through playwright-core)
// against the built client served by createApp with the production headers.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // A focused test (`.only`) fails the run instead of silently skipping the rest.
    allowOnly: false,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
