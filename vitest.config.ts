import { defineConfig } from 'vitest/config';

// `npm test`: unit tests (crypto, config, migrations, mail), HTTP tests (supertest against
// createApp) and the browser client's pure functions. Browser tests live in vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/http/**/*.test.ts', 'test/client/**/*.test.ts', 'test/cli/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // A focused test (`.only`) fails the run instead of silently skipping the rest.
    allowOnly: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
