// Whether a module is the program Node was started with (`node --import tsx server/main.ts`),
// as opposed to being imported by scripts/run.mjs or a test.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function isEntryModule(moduleUrl: string): boolean {
  const started = process.argv[1];
  if (started === undefined) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(started);
  } catch {
    return false;
  }
}
