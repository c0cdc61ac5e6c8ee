// What the audit trail test files (test/http/audit-trail-*.test.ts) share: the trail and export
// endpoints, the people, an office with three days of activity, and reading the trail and the CSV.
import { expect } from 'vitest';
import { AuditTrailPage, type AuditTrailEntry } from '../../../shared/wire/index.js';
import { tab, type Tab } from '../../helpers/client.js';
import {
  approve,
  inviteAndAccept,
  passwordStep,
  STAFF_PASSWORD,
  type Member,
  type Office,
} from '../../helpers/office.js';
import { DAY_MS, signInAgain } from '../../helpers/sharing.js';
import { httpSuite } from '../../helpers/suite.js';

export const TRAIL = '/api/v1/admin/audit';

export const EXPORT = '/api/v1/admin/audit/export';

export const ANNA = 'anna@kantoor.example';

export const BRAM = 'bram@kantoor.example';

interface Populated {
  readonly o: Office;
  readonly bram: Member;
  /** Start of the first, second and third day of activity. */
  readonly days: readonly [number, number, number];
}

export async function trail(who: Tab, query: Record<string, string> = {}): Promise<AuditTrailPage> {
  const res = await who.get(`${TRAIL}?${new URLSearchParams(query).toString()}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return AuditTrailPage.parse(res.body);
}

/** Every entry matching `query`, following the pages. */
export async function allEntries(who: Tab, query: Record<string, string> = {}): Promise<AuditTrailEntry[]> {
  const entries: AuditTrailEntry[] = [];
  let before: number | null = null;
  do {
    const page: AuditTrailPage = await trail(who, {
      ...query,
      limit: '200',
      ...(before === null ? {} : { before: String(before) }),
    });
    entries.push(...page.entries);
    before = page.next;
  } while (before !== null);
  return entries;
}

export const actions = (entries: readonly AuditTrailEntry[]) => entries.map((entry) => entry.action);

export async function exportCsv(who: Tab, query: Record<string, string> = {}) {
  const res = await who
    .raw('get', `${EXPORT}?${new URLSearchParams(query).toString()}`)
    .buffer(true)
    .parse((stream, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
    });
  return { res, text: res.body as string };
}

/** The file's httpSuite, and an office with three days of activity in a fresh app of it. */
export function auditTrailSuite() {
  const suite = httpSuite();
  /**
   * Day 1: the office is set up. Day 2: Anna signs in again; Bram is invited, accepts and is
   * approved. Day 3: Anna signs in again, Bram signs in, then mistypes his password, and someone tries an address nobody has.
   */
  async function populated(): Promise<Populated> {
    const o = await suite.office();
    const day1 = o.t.clock.now();
    o.t.clock.advance(DAY_MS);
    const day2 = o.t.clock.now();
    await signInAgain(o, o.admin);
    const bram = await inviteAndAccept(o, BRAM, 'staff', STAFF_PASSWORD, 'Bram Jansen');
    await approve(o, bram);
    o.t.clock.advance(DAY_MS);
    const day3 = o.t.clock.now();
    await signInAgain(o, o.admin);
    await signInAgain(o, bram);
    expect((await passwordStep(o.t, bram.account, tab(o.t.app), 'not the right password at all')).res.status).toBe(401);
    expect(
      (await tab(o.t.app).post('/api/v1/auth/login', { email: 'nobody@kantoor.example', authKey: 'A'.repeat(43) }))
        .status,
    ).toBe(401);
    return { o, bram, days: [day1, day2, day3] };
  }
  return { suite, populated };
}
