// Generates the format v1 test vectors in test/fixtures/vectors/ from fixed inputs.
// Every random value comes from a deterministic generator installed before libsodium
// loads, so running this twice gives identical files; `--check` regenerates in memory and
// fails if the committed files differ (test/unit/vectors-reproducible.test.ts runs it).
//
//   npm run vectors            write the files
//   npm run vectors -- --check compare only
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDeterministicRandom } from './vectors/deterministic-random.js';

// Before libsodium loads: it draws its randomness from here from then on.
installDeterministicRandom('coffer format v1 test vectors');

const { ready } = await import('../shared/crypto/index.js');
await ready();
const { buildVectors } = await import('./vectors/build.js');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'test/fixtures/vectors');
const files = buildVectors();

const check = process.argv.includes('--check');
await mkdir(outDir, { recursive: true });
let stale = 0;
for (const [name, value] of Object.entries(files)) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const target = path.join(outDir, name);
  if (check) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== text) {
      stale++;
      console.error(`${name}: differs from what the generator produces`);
    }
  } else {
    await writeFile(target, text);
  }
}
if (check && stale > 0) process.exit(1);
console.log(
  check
    ? `all ${Object.keys(files).length} vector files are reproducible`
    : `wrote ${Object.keys(files).length} vector files to ${path.relative(root, outDir)}`,
);
