import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: real Chromium (Debian's /usr/bin/chromium through playwright-core)
// against the built client served by createApp with the production headers.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
