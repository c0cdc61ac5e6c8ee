// Build of the browser client (client/ → dist/client). The output must run under the
// production CSP the server sends (no inline script or style, no data: URLs, Trusted Types),
// so nothing here may produce inline code, and every file name carries a content hash.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Vite 8 transforms TS/TSX with Oxc. It reads the nearest tsconfig.json, which for client/
// is the repo-root one for tests (no JSX settings), so the Preact automatic runtime is named
// here explicitly (tsconfig.client.json says the same for the type checker). The dev
// server's dependency scan has its own transform options and needs the same setting.
const jsx = { runtime: 'automatic', importSource: 'preact' } as const;

export default defineConfig({
  root: fromRoot('./client'),
  base: '/',
  // Everything the page loads is imported from client/src and so gets a hashed name; an
  // unhashed public/ folder would only invite files that cannot be cached forever.
  publicDir: false,
  oxc: { jsx },
  optimizeDeps: { rolldownOptions: { transform: { jsx } } },
  worker: {
    format: 'es',
  },
  build: {
    outDir: fromRoot('./dist/client'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // A data: URL would be blocked by img-src/font-src 'self': always emit files.
    assetsInlineLimit: 0,
    // Every browser that runs module workers supports <link rel=modulepreload>.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    host: '127.0.0.1',
    strictPort: true,
    proxy: {
      // `npx vite` serves the client with hot reload; API calls go to a Coffer server started
      // separately with PUBLIC_URL=http://127.0.0.1:5173 (its origin check expects that origin).
      '/api': { target: process.env['COFFER_DEV_API'] ?? 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  preview: {
    host: '127.0.0.1',
  },
});
