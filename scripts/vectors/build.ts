// Every vector file, in the order the families draw their deterministic random values: the
// older families first, so adding a family never changes the bytes of another.
import { accountFamilies } from './accounts.js';
import type { VectorFiles } from './common.js';
import { sharingFamilies } from './sharing.js';

export function buildVectors(): VectorFiles {
  const files: VectorFiles = {};
  const accounts = accountFamilies(files);
  sharingFamilies(files, accounts);
  return files;
}
