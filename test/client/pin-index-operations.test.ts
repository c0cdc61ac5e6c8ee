// The crypto worker's pin index (client/src/crypto/operations/pins.ts; docs/protocol.md §14,
// §20), run in Node with the real libsodium: the server's copy of the pins and the index is
// played by hand, so a test can delete a pin, serve an older index or none. Each of these must
// stop like a changed key until the user confirms, and every write comes with the next index.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import type { PinIndexWrite } from '../../client/src/crypto/protocol/pins';
import { fakeServer } from './support/fake-server';
import { call, office, type Office, type Person } from './support/office';

beforeAll(async () => {
  await ready();
});

/** What the server stores: pins and the index, and what this browser remembers. */
function store() {
  const pins = new Map<string, { subject: 'office' | 'user'; subjectId: string; envelope: string }>();
  let index: { counter: number; envelope: string } | null = null;
  const seen: Record<string, number> = {};
  return {
    pins,
    get index() {
      return index;
    },
    set index(value) {
      index = value;
    },
    seen,
    putPin: (subject: 'office' | 'user', subjectId: string, envelope: string) =>
      pins.set(`${subject}:${subjectId}`, { subject, subjectId, envelope }),
    /** The server's compare-and-swap. */
    putIndex(write: PinIndexWrite) {
      if ((index?.counter ?? null) !== write.previousCounter) throw new Error('pin_index_conflict');
      index = { counter: write.counter, envelope: write.envelope };
    },
    remember(outcome: { seen?: { slot: string; counter: number } }) {
      if (outcome.seen) seen[outcome.seen.slot] = Math.max(seen[outcome.seen.slot] ?? 0, outcome.seen.counter);
    },
  };
}
type Store = ReturnType<typeof store>;

/** The send page's key check: first-seen pins, then the index, then the counter remembered. */
async function check(o: Office, sender: Person, s: Store, accounts: Person['listed'][]) {
  const answer = await call(sender.ops, 'checkKeys', {
    accounts,
    pins: [...s.pins.values()],
    index: s.index,
    seen: { ...s.seen },
    office: o.officeKeys,
  });
  if (answer.office.envelope) s.putPin('office', o.officeRef.officeId, answer.office.envelope);
  for (const a of answer.accounts) if (a.envelope) s.putPin('user', a.userId, a.envelope);
  if (answer.index) s.putIndex(answer.index);
  s.remember(answer);
  return answer;
}

async function confirm(sender: Person, s: Store, subject: 'office' | 'user', subjectId: string) {
  const confirmed = await call(sender.ops, 'confirmPin', { subject, subjectId });
  s.putPin(subject, subjectId, confirmed.envelope);
  if (confirmed.index) s.putIndex(confirmed.index);
  s.remember(confirmed);
}

describe('the pin index', () => {
  it('is built with the first pins, grows with each, and a pin the server deletes stops until confirmed', async () => {
    const o = await office(fakeServer());
    const s = store();
    const first = await check(o, o.els, s, [o.anna.listed]);
    expect([first.office.pin, first.accounts[0]?.pin]).toEqual(['new', 'new']);
    expect(s.index?.counter).toBe(1);
    // Nothing changed: no write, the same counter.
    const again = await check(o, o.els, s, [o.anna.listed, o.bob.listed]);
    expect([again.office.pin, again.accounts.map((a) => a.pin)]).toEqual(['same', ['same', 'new']]);
    expect(s.index?.counter).toBe(2);

    // The server deletes Anna's pin: first-seen trust would start over; the index says otherwise.
    s.pins.delete(`user:${o.anna.userId}`);
    const afterDelete = await check(o, o.els, s, [o.anna.listed, o.bob.listed]);
    expect(afterDelete.accounts.map((a) => [a.pin, a.reason])).toEqual([
      ['changed', 'removed'],
      ['same', undefined],
    ]);
    expect(afterDelete.accounts[0]?.pinnedFingerprint).toBeUndefined();
    expect(afterDelete.index).toBeUndefined();
    await confirm(o.els, s, 'user', o.anna.userId);
    expect(s.index?.counter).toBe(3);
    const confirmed = await check(o, o.els, s, [o.anna.listed]);
    expect(confirmed.accounts[0]?.pin).toBe('same');
  });

  it('an office pin the server deletes stops too, and so does an older pin served in place of the current one', async () => {
    const o = await office(fakeServer());
    const s = store();
    await check(o, o.els, s, [o.anna.listed]);
    const officePin = s.pins.get(`office:${o.officeRef.officeId}`);
    s.pins.delete(`office:${o.officeRef.officeId}`);
    const missing = await check(o, o.els, s, []);
    expect([missing.office.pin, missing.office.reason]).toEqual(['changed', 'removed']);
    s.pins.set(`office:${o.officeRef.officeId}`, officePin as never);
    expect((await check(o, o.els, s, [])).office.pin).toBe('same');

    // Anna's account is reset (new keys, certified again); Els compares and confirms the new key.
    const oldPin = s.pins.get(`user:${o.anna.userId}`);
    const annaAgain = await o.member(o.anna.email, o.anna.name, 'staff', o.anna.userId, 1);
    const reset = await check(o, o.els, s, [annaAgain.listed]);
    expect([reset.accounts[0]?.pin, reset.accounts[0]?.reason]).toEqual(['changed', undefined]);
    await confirm(o.els, s, 'user', o.anna.userId);
    expect((await check(o, o.els, s, [annaAgain.listed])).accounts[0]?.pin).toBe('same');
    // The server serves Els's older pin (of Anna's old key) in place of the current one: a genuine
    // pin, MAC'd by Els, but not the one the index lists.
    s.pins.set(`user:${o.anna.userId}`, oldPin as never);
    const older = await check(o, o.els, s, [o.anna.listed]);
    expect([older.accounts[0]?.pin, older.accounts[0]?.reason]).toEqual(['changed', 'removed']);
  });

  it('an index older than this browser saw, or none, stops every key until confirmed; a new browser cannot tell', async () => {
    const o = await office(fakeServer());
    const s = store();
    await check(o, o.els, s, [o.anna.listed]);
    const old = s.index;
    await check(o, o.els, s, [o.anna.listed, o.bob.listed]);
    expect(s.index?.counter).toBe(2);

    // The server serves the older index (and drops Bob's pin, which it did not list).
    s.index = old;
    s.pins.delete(`user:${o.bob.userId}`);
    const rolledBack = await check(o, o.els, s, [o.anna.listed, o.bob.listed]);
    expect(rolledBack.accounts.map((a) => [a.pin, a.reason])).toEqual([
      ['changed', 'rolledBack'],
      ['changed', 'rolledBack'],
    ]);
    expect(rolledBack.office.reason).toBe('rolledBack');
    // Or none at all.
    s.index = null;
    const gone = await check(o, o.els, s, [o.anna.listed]);
    expect([gone.accounts[0]?.pin, gone.accounts[0]?.reason]).toEqual(['changed', 'rolledBack']);

    // A new browser remembers nothing: the older index is all it knows (the honest limit).
    s.index = old;
    const fresh = await call(o.els.ops, 'checkKeys', {
      accounts: [o.anna.listed],
      pins: [...s.pins.values()],
      index: s.index,
      seen: {},
      office: o.officeKeys,
    });
    expect(fresh.accounts[0]?.pin).toBe('same');

    // Confirming writes an index above the highest counter seen, so the warning ends.
    s.index = old;
    await check(o, o.els, s, [o.anna.listed]);
    await confirm(o.els, s, 'user', o.anna.userId);
    expect(s.index?.counter).toBe(3);
  });

  it('pins from before the index are adopted into it once (the migration path)', async () => {
    const o = await office(fakeServer());
    const s = store();
    await check(o, o.els, s, [o.anna.listed]);
    // As if those pins were made before the index existed.
    s.index = null;
    const migrated = await call(o.els.ops, 'checkKeys', {
      accounts: [o.anna.listed],
      pins: [...s.pins.values()],
      index: null,
      seen: {},
      office: o.officeKeys,
    });
    expect([migrated.office.pin, migrated.accounts[0]?.pin]).toEqual(['same', 'same']);
    expect(migrated.index?.previousCounter).toBeNull();
    expect(migrated.index?.counter).toBe(1);
  });
});
