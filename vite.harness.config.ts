// Builds test/browser/crypto-harness (the crypto suite as a page and a Worker) the way the
// client is built, so test/e2e/crypto-browser.test.ts can serve it with the production
// headers. Test-only: never part of dist/client.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: fromRoot('./test/browser/crypto-harness'),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    outDir: fromRoot('./dist/crypto-harness'),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // fast-check and the vectors make a large bundle; size warnings do not matter here.
    chunkSizeWarningLimit: 10_000,
  },
});
