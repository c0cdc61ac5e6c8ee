// The production image's layout, proved without Docker: copy exactly what the Dockerfile's
// final stage holds (package.json, package-lock.json, dist/, migrations/) into an empty folder,
// install the production dependencies there the way the image does, and run the compiled server
// from it. If the server reached for a source file, a dev dependency or anything else outside
// that list, this fails here rather than in someone's container.
//
// `npm ci` compiles better-sqlite3 from source when no prebuilt binary can be downloaded, which
// takes a minute or two on a small machine.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnProcess, type Spawned } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

/** What the Dockerfile copies into the final stage, besides node_modules. */
const IMAGE_CONTENTS = ['package.json', 'package-lock.json', 'dist', 'migrations'] as const;

const DEV_ONLY = ['vite', 'vitest', 'typescript', 'tsx', 'playwright-core', 'preact'] as const;

const BUILD_OUTPUTS = ['dist/server/server/main.js', 'dist/server/server/cli.js', 'dist/client/index.html'] as const;

const INSTALL_TIMEOUT_MS = 12 * 60_000;

// PORT=0 needs PUBLIC_URL; its port only goes into links, the server listens on a free one.
const PUBLIC_URL = 'http://localhost:8080';
const LISTENING = /Coffer is listening on http:\/\/127\.0\.0\.1:(\d+) /;

describe('the production layout (what the Docker image holds)', () => {
  let app: string;
  let installSeconds = 0;

  beforeAll(async () => {
    const missing = BUILD_OUTPUTS.filter((file) => !existsSync(join(ROOT, file)));
    if (missing.length > 0) {
      throw new Error(
        `The build output is missing (${missing.join(', ')}). Run \`npm run build\` first; \`npm run test:e2e\` does it for you.`,
      );
    }

    app = await tempDir('coffer-production-');
    for (const entry of IMAGE_CONTENTS) await cp(join(ROOT, entry), join(app, entry), { recursive: true });

    const started = performance.now();
    const install = spawnProcess('npm', ['ci', '--omit=dev', '--omit=optional', '--no-audit', '--no-fund'], {
      cwd: app,
      env: npmEnv(),
    });
    const { code } = await withTimeout(install, INSTALL_TIMEOUT_MS, 'npm ci --omit=dev --omit=optional');
    installSeconds = Math.round((performance.now() - started) / 1000);
    if (code !== 0) {
      throw new Error(
        `npm ci --omit=dev --omit=optional failed (exit ${code}):\n${install.stdout()}\n${install.stderr()}`,
      );
    }
    await pruneNativeBuild(app);
  }, INSTALL_TIMEOUT_MS + 60_000);

  afterAll(removeTempDirs);

  it('holds only the image contents and production dependencies', async () => {
    console.log(`npm ci --omit=dev --omit=optional took ${installSeconds} s`);
    expect((await readdir(app)).sort()).toEqual([...IMAGE_CONTENTS, 'node_modules'].sort());
    for (const name of DEV_ONLY) {
      expect(existsSync(join(app, 'node_modules', name)), `${name} is a dev dependency`).toBe(false);
    }
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(pkg.dependencies)) {
      expect(existsSync(join(app, 'node_modules', name, 'package.json')), `${name} is a production dependency`).toBe(
        true,
      );
    }
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
  });

  it('starts from the compiled files with a bare environment, serves the built client, and stops on SIGTERM', async () => {
    const dataDir = join(app, 'data');
    const server = spawnProcess(process.execPath, ['dist/server/server/main.js'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', PUBLIC_URL, DATA_DIR: dataDir },
    });
    try {
      const [, port] = await server.waitFor(LISTENING, 60_000);
      const base = `http://127.0.0.1:${port}`;

      // The first-run banner, with a link on PUBLIC_URL whose token is in the fragment.
      expect(server.stdout()).toContain('Coffer is not set up yet');
      expect(server.stdout()).toMatch(/ {4}http:\/\/localhost:8080\/setup#[A-Za-z0-9_-]{20,}\n/);

      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', dataDir: 'ok' } });

      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).toBe(await readFile(join(app, 'dist/client/index.html'), 'utf8'));

      const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1] as string);
      const styles = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map(
        (match) => match[1] as string,
      );
      expect(scripts.length, 'index.html loads a script').toBeGreaterThan(0);
      expect(styles.length, 'index.html loads a stylesheet').toBeGreaterThan(0);
      for (const url of [...scripts, ...styles]) {
        expect(url).toMatch(/^\/assets\/[^/]+\.(js|css)$/);
        const asset = await fetch(`${base}${url}`);
        expect(asset.status, url).toBe(200);
        expect(asset.headers.get('cache-control'), url).toMatch(/\bimmutable\b/);
        expect(asset.headers.get('cache-control'), url).toMatch(/\bmax-age=31536000\b/);
        expect(asset.headers.get('content-type'), url).toMatch(url.endsWith('.js') ? /javascript/ : /^text\/css/);
        await asset.arrayBuffer();
      }

      // The data folder and its files, readable by their owner only.
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, 'coffer.db'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dataDir, 'keys/capability-signing.jwk'))).mode & 0o777).toBe(0o600);

      server.child.kill('SIGTERM');
      const exit = await withTimeout(server, 20_000, 'the server to stop after SIGTERM');
      expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toBe('');
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  });
});

/** A built file under dist/client/assets: its name, its text, and the size of its brotli copy. */
interface BuiltChunk {
  readonly file: string;
  readonly code: string;
  readonly bytes: number;
  readonly brotli: number;
}

const CLIENT_ASSETS = join(ROOT, 'dist/client/assets');

async function builtChunk(file: string): Promise<BuiltChunk> {
  const code = await readFile(join(CLIENT_ASSETS, file), 'utf8');
  // npm run build:client writes the .br copies (scripts/precompress.ts); the server sends those.
  const { size: brotli } = await stat(join(CLIENT_ASSETS, `${file}.br`));
  return { file, code, bytes: Buffer.byteLength(code), brotli };
}

/** The file in dist/client/assets whose name is `<name>-<hash>.js` (Rolldown names a chunk after its module). */
async function chunkNamed(name: string): Promise<string> {
  const files = (await readdir(CLIENT_ASSETS)).filter((file) => new RegExp(`^${name}-[\\w-]{8}\\.js$`).test(file));
  expect(files, `one ${name} chunk`).toHaveLength(1);
  return files[0] as string;
}

/**
 * The chunks a page waits for: `roots` and everything they import statically (`import … from`,
 * `export … from`, bare `import "…"`), not what they load later with import().
 */
async function staticClosure(roots: readonly string[]): Promise<BuiltChunk[]> {
  const seen = new Map<string, BuiltChunk>();
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    const chunk = await builtChunk(file);
    seen.set(file, chunk);
    for (const match of chunk.code.matchAll(/(?:\bfrom\s*|\bimport\s*)["']\.\/([^"']+\.js)["']/g)) {
      queue.push(match[1] as string);
    }
  }
  return [...seen.values()];
}

describe('what the built client makes a phone wait for (dist/client, no browser)', () => {
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  /** Markers of code only the crypto worker and the password pages may hold. */
  const HEAVY = [
    ['libsodium (Argon2id)', 'crypto_pwhash'],
    ['the password-strength dictionaries', 'zxcvbn'],
  ] as const;

  async function entry(): Promise<{ script: string; style: string }> {
    const html = await readFile(join(ROOT, 'dist/client/index.html'), 'utf8');
    const script = /<script type="module" crossorigin src="\/assets\/([^"]+\.js)">/.exec(html)?.[1];
    const style = /<link rel="stylesheet" crossorigin href="\/assets\/([^"]+\.css)">/.exec(html)?.[1];
    if (script === undefined || style === undefined) throw new Error('index.html names no entry script or stylesheet');
    return { script, style };
  }

  it('the guest, drop and portal pages wait for no libsodium and no dictionaries, and the guest page for under 200 KiB brotli', async () => {
    const { script, style } = await entry();
    const css = await builtChunk(style);
    const pages = {
      guest: [script, await chunkNamed('GuestPage')],
      drop: [script, await chunkNamed('DropUploadPage')],
      portal: [script, await chunkNamed('AppGate'), await chunkNamed('PortalPage')],
    };
    const brotli: Record<string, number> = {};
    for (const [page, roots] of Object.entries(pages)) {
      const chunks = await staticClosure(roots);
      for (const chunk of chunks) {
        expect(chunk.file, `${page} page`).not.toMatch(/^(worker|strength)-/);
        for (const [what, marker] of HEAVY)
          expect(chunk.code, `${page} page: ${chunk.file} holds ${what}`).not.toContain(marker);
      }
      brotli[page] = chunks.reduce((sum, chunk) => sum + chunk.brotli, css.brotli);
      const raw = chunks.reduce((sum, chunk) => sum + chunk.bytes, css.bytes);
      console.log(
        `${page} page waits for ${chunks.length} scripts + the stylesheet: ${kib(raw)}, ${kib(brotli[page] ?? 0)} brotli`,
      );
    }
    // The portal is not the office's app: none of the staff or admin pages come with it.
    const portal = (await staticClosure(pages.portal)).map((chunk) => chunk.file);
    for (const name of ['SendPage', 'UsersPage', 'AuditPage', 'DropsListPage', 'ClientsPage']) {
      expect(
        portal.some((file) => file.startsWith(`${name}-`)),
        name,
      ).toBe(false);
    }
    expect(brotli['guest']).toBeLessThan(200 * 1024);

    // What loads later, on demand, is where it belongs.
    const worker = (await readdir(CLIENT_ASSETS)).find((file) => /^worker-[\w-]{8}\.js$/.test(file));
    expect(worker, 'the crypto worker chunk').toBeDefined();
    expect((await builtChunk(worker as string)).code).toContain('crypto_pwhash');
    expect((await builtChunk(await chunkNamed('strength'))).code).toContain('zxcvbn');
  });
});

/**
 * Removes what compiling better-sqlite3 leaves beside its binary, exactly as the Dockerfile's
 * production-dependencies stage does, so the server is run on the same pruned tree.
 */
async function pruneNativeBuild(app: string): Promise<void> {
  const pkg = join(app, 'node_modules/better-sqlite3');
  const binary = await readFile(join(pkg, 'build/Release/better_sqlite3.node'));
  for (const entry of ['build', 'deps', 'src']) await rm(join(pkg, entry), { recursive: true, force: true });
  await mkdir(join(pkg, 'build/Release'), { recursive: true });
  await writeFile(join(pkg, 'build/Release/better_sqlite3.node'), binary, { mode: 0o755 });
}

/**
 * The environment for npm: this one (HOME for the user's .npmrc and cache, proxies, CA files),
 * less what `npm run test:e2e` exported for its own scripts (npm_*, INIT_CWD: the outer
 * project's prefix and package) and what vitest set for its workers. npm reads its settings
 * from the .npmrc files again.
 */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|init_cwd$|vitest|node_env$|node_options$)/i.test(name)) continue;
    env[name] = value;
  }
  return env;
}

async function withTimeout(
  spawned: Spawned,
  ms: number,
  what: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      spawned.child.kill('SIGKILL');
      reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}\n${spawned.stdout()}\n${spawned.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([spawned.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
