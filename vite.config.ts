// Build of the browser client (client/ → dist/client). The output must run under the
// production CSP the server sends (no inline script or style, no data: URLs, Trusted Types),
// so nothing here may produce inline code, and every file name carries a content hash.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Vite 8 transforms TS/TSX with Oxc. It reads the nearest tsconfig.json, which for client/
// is the repo-root one for tests (no JSX settings), so the Preact automatic runtime is named
// here explicitly (tsconfig.client.json says the same for the type checker). The dev
// server's dependency scan has its own transform options and needs the same setting.
const jsx = { runtime: 'automatic', importSource: 'preact' } as const;

const SERVICE_WORKER_ENTRY = 'sw';

/**
 * /sw.js is registered as a classic script (module service workers are not everywhere yet),
 * so it must stand alone: the build fails if code it shares with the page was split into a
 * chunk it would have to import.
 */
function standaloneServiceWorker(): Plugin {
  return {
    name: 'coffer:standalone-service-worker',
    generateBundle(_options, bundle) {
      const output = bundle['sw.js'];
      if (!output || output.type !== 'chunk') this.error('sw.js was not emitted');
      if (output.imports.length > 0 || output.dynamicImports.length > 0 || output.exports.length > 0) {
        this.error('sw.js must not import or export anything: keep client/src/sw/ free of code the page also uses');
      }
    },
  };
}

/** Vite's own warning level for one chunk, bytes. */
const CHUNK_BUDGET = 500 * 1024;

/**
 * Chunks known to be large, with their own ceilings. `strength` is zxcvbn-ts with its common,
 * English and Dutch dictionaries (about 2 MB, 1 MB gzip): only the pages that set a password
 * load it, lazily (client/src/features/password/NewPassword.tsx), never a guest's, a drop's or
 * the portal's, so its size is no reason to warn whoever runs the build.
 */
const LARGE_CHUNK_BUDGETS: Readonly<Record<string, number>> = { strength: 2_600 * 1024 };

/**
 * Vite's chunk-size warning, per chunk: every chunk is held to CHUNK_BUDGET except the known
 * large ones above, each to its own. A chunk that grows past its budget still warns.
 */
function chunkSizeBudget(): Plugin {
  return {
    name: 'coffer:chunk-size-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        const budget = LARGE_CHUNK_BUDGETS[output.name] ?? CHUNK_BUDGET;
        const size = Buffer.byteLength(output.code);
        if (size > budget) {
          this.warn(
            `${output.fileName} is ${Math.round(size / 1024)} KiB, over its ${budget / 1024} KiB budget: load it with a dynamic import(), or give it its own budget in vite.config.ts`,
          );
        }
      }
    },
  };
}

export default defineConfig({
  root: fromRoot('./client'),
  base: '/',
  // Everything the page loads is imported from client/src and so gets a hashed name; an
  // unhashed public/ folder would only invite files that cannot be cached forever.
  publicDir: false,
  oxc: { jsx },
  plugins: [standaloneServiceWorker(), chunkSizeBudget()],
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
    // Replaced by chunkSizeBudget() above, which knows the one chunk that is large on purpose.
    chunkSizeWarningLimit: Number.POSITIVE_INFINITY,
    // Every browser that runs module workers supports <link rel=modulepreload>.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      // Bundling the crypto worker (libsodium) takes a second or more on a small office server,
      // and Rolldown then prints a plugin-timing report that reads like a fault. It is not one.
      checks: { bundlerTimings: false },
      input: {
        index: fromRoot('./client/index.html'),
        // The download service worker lives at a fixed, unhashed path (/sw.js): a service
        // worker's URL is its identity, and the server serves it no-store so updates apply.
        [SERVICE_WORKER_ENTRY]: fromRoot('./client/src/sw/download-sw.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === SERVICE_WORKER_ENTRY ? 'sw.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
        codeSplitting: {
          groups: [
            // client/src/security/zod.ts switches zod's `new Function` probe off (the CSP forbids
            // it) and must run before any schema is built. Split into chunks, a module runs after
            // the chunks it imports, so the switch travels in zod's own chunk, ahead of every
            // schema of every page.
            { name: 'zod', test: /node_modules[\\/]zod[\\/]|client[\\/]src[\\/]security[\\/]zod\.ts$/ },
          ],
        },
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
