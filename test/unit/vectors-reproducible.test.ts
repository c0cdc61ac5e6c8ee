// The committed vectors are exactly what scripts/gen-vectors.ts produces from its fixed,
// deterministic inputs: the whole format (every random-looking byte included) is pinned.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('regenerating the test vectors reproduces the committed files byte for byte', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/gen-vectors.ts', '--check'],
    { cwd: process.cwd() },
  );
  expect(stdout).toContain('are reproducible');
});
