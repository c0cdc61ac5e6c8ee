// The committed vectors' negative cases (test/fixtures/vectors/*.json, layout in
// docs/protocol.md §17). Each case runs as part of the crypto suite
// (test/crypto/vectors-negative.cases.ts), in Node through test/unit/crypto.test.ts and in
// Chromium through test/e2e/crypto-browser.test.ts; this file checks that the suite covers every
// vector file and that each case names a real error class, and walks audit.json's broken chains,
// which need the server's own checker.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as c from '../../shared/crypto/index.js';
import { inspectChain } from '../../server/kernel/audit/verify.js';
import { NEGATIVE_ERRORS, NEGATIVE_VECTOR_FILES } from '../crypto/vectors-negative.cases.js';
import { checkAuditEntry, toAuditRow, type AuditEntryVector } from './vectors-audit.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/vectors');

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
}

await c.ready();
const families = readdirSync(dir).filter((name) => name.endsWith('.json') && name !== 'audit.json');

it('the crypto suite runs the negative cases of every vector file on disk', () => {
  expect(Object.keys(NEGATIVE_VECTOR_FILES).sort()).toEqual([...families].sort());
});

describe.each(families)('%s: negative cases', (file) => {
  it('has negative cases, each naming an error class and its code, as the file on disk', () => {
    const cases = NEGATIVE_VECTOR_FILES[file] ?? [];
    expect(cases.length).toBeGreaterThan(0);
    for (const k of cases) expect(new NEGATIVE_ERRORS[k.error]('x').code, k.name).toBe(k.code);
    expect(cases).toEqual(load(file)['negative']);
  });
});

describe('audit.json: broken chains', () => {
  const audit = load('audit.json') as {
    entries: AuditEntryVector[];
    negative: {
      name: string;
      entries: AuditEntryVector[];
      firstFailingSeq: number;
      check: 'hash' | 'seq' | 'prevHash';
      break: string;
    }[];
  };

  it.each(audit.negative.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    // The walk of docs/protocol.md §16: each entry's seq, link and hash in turn.
    let failing: { seq: number; check: string } | undefined;
    let prevHash: Uint8Array = new Uint8Array(32);
    let seq = 1;
    for (const entry of k.entries) {
      const check = checkAuditEntry(entry, seq, prevHash);
      if (check !== 'ok') {
        failing = { seq: entry.seq, check };
        break;
      }
      prevHash = c.fromHex(entry.hash);
      seq += 1;
    }
    expect(failing).toEqual({ seq: k.firstFailingSeq, check: k.check });
    // And the server's own checker names the same kind of break.
    const inspection = inspectChain(k.entries.map(toAuditRow));
    expect(inspection.ok).toBe(false);
    if (!inspection.ok) expect(inspection.break.kind).toBe(k.break);
  });
});
