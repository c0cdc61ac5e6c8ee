// npm run build:client, after `vite build`: writes a brotli (.br) and a gzip (.gz) copy of each
// built file under dist/client/assets that compresses, so the server can send the smaller one
// to a browser that accepts it (server/pages/routes.ts) without compressing on every request.
// Built once at the highest levels, as the files are immutable (their names carry a hash).
// A copy is kept only if it is smaller than the file; index.html and /sw.js are sent as they
// are. Run directly: `tsx scripts/precompress.ts [folder]` (default dist/client/assets).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text the browser loads (scripts, styles, the logo); fonts and images that are compressed already are left alone. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.wasm', '.txt']);

/** The encodings written, in the server's order of preference, with their file suffixes. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

export interface Precompressed {
  readonly file: string;
  readonly bytes: number;
  readonly br: number | null;
  readonly gzip: number | null;
}

async function encode(body: Buffer, encoding: (typeof ENCODINGS)[number]['name']): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(body, { level: 9 });
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** Writes the compressed copies of the files in `dir` (not its subfolders); stale copies are replaced. */
export async function precompressAssets(dir: string): Promise<Precompressed[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((e) => e.name);
  const sources = names.filter((name) => COMPRESSIBLE.has(extname(name)));
  const results: Precompressed[] = [];
  for (const name of sources) {
    const body = await readFile(join(dir, name));
    const sizes: Record<string, number | null> = {};
    for (const { name: encoding, suffix } of ENCODINGS) {
      const target = join(dir, name + suffix);
      const encoded = await encode(body, encoding);
      if (encoded.length < body.length) {
        await writeFile(target, encoded);
        sizes[encoding] = encoded.length;
      } else {
        await rm(target, { force: true });
        sizes[encoding] = null;
      }
    }
    results.push({ file: name, bytes: body.length, br: sizes['br'] ?? null, gzip: sizes['gzip'] ?? null });
  }
  return results;
}

const kib = (bytes: number | null): string => (bytes === null ? '–' : `${(bytes / 1024).toFixed(1)} KiB`);

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? 'dist/client/assets');
  const results = await precompressAssets(dir);
  const total = (pick: (r: Precompressed) => number | null): number =>
    results.reduce((sum, r) => sum + (pick(r) ?? r.bytes), 0);
  console.log(
    `precompressed ${results.length} files in ${dir}: ${kib(total((r) => r.bytes))} → brotli ${kib(total((r) => r.br))}, gzip ${kib(total((r) => r.gzip))}`,
  );
}
