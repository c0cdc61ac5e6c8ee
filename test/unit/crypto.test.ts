// The crypto suite in Node. The same cases run in Chromium in test/e2e/crypto-browser.test.ts.
import { beforeAll, describe, it } from 'vitest';
import { checkLibraryConstants, ready } from '../../shared/crypto/index.js';
import { cryptoCases } from '../crypto/index.js';

beforeAll(async () => {
  await ready();
  checkLibraryConstants();
});

const suites = new Map<string, typeof cryptoCases>();
for (const c of cryptoCases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);

for (const [suite, cases] of suites) {
  describe(suite, () => {
    for (const c of cases) it(c.name, c.run);
  });
}
