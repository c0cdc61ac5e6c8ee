// Runs the crypto suite where this module is loaded (page or Worker) and reports each case.
import { checkLibraryConstants, libraryVersion, ready } from '../../../shared/crypto/index.js';
import { cryptoCases } from '../../crypto/index.js';

export interface CaseResult {
  readonly suite: string;
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
}

export interface SuiteReport {
  readonly libsodium: string;
  readonly results: CaseResult[];
}

export async function runSuite(): Promise<SuiteReport> {
  await ready();
  checkLibraryConstants();
  const results: CaseResult[] = [];
  for (const c of cryptoCases) {
    const started = performance.now();
    try {
      await c.run();
      results.push({ suite: c.suite, name: c.name, ok: true, ms: performance.now() - started });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push({ suite: c.suite, name: c.name, ok: false, error: message, ms: performance.now() - started });
    }
  }
  return { libsodium: libraryVersion(), results };
}
