// The server against the user's pins, in real Chromium against the real server program (the
// compiled dist/server), with the database edited as a malicious server would (docs/protocol.md
// §14, §20; docs/threat-model.md, promise 5). Each pin is MAC'd by its owner, so the server
// cannot forge one; what it can do is delete a pin (first-seen trust would start over in
// silence) or serve an older pin index. Both must stop the send like a changed key, with a
// warning on screen, until the advisor compares the fingerprint and confirms:
//
// - the advisor sends to a colleague (pins the colleague and the office, and writes the index);
//   the server deletes the colleague's pin row: the next send stops with the warning, nothing is
//   uploaded; confirming sends, and the pin is back;
// - the advisor's index grows (a new recipient); the server serves the older index again: the
//   next send stops with the rollback warning, for the office key first; the advisor stops, and
//   nothing is sent.
import { expect, it, afterAll, beforeAll } from 'vitest';
import { formatFingerprint, identityFingerprint, officeFingerprint } from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import type { Person } from './support/accounts.js';
import { identityKeyOf } from './support/keys.js';
import { compose, send, type FileToSend } from './support/sending.js';
import { FlowTest, type Session, type Sessions } from './support/sessions.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
const COLLEAGUE: Person = {
  name: 'Bram Bakker',
  email: 'bram@kantoor-jansen.nl',
  password: 'groene-tulpen-in-de-regen-42',
};

let db: Db;
let sessions: Sessions;
const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-pins-e2e-', [], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR, COLLEAGUE] });
  ({ db, sessions } = flow);
});
afterAll(() => flow.stop());

const note = (name: string): FileToSend => ({ name, mimeType: 'text/plain', buffer: Buffer.from('Zie bijlage.\n') });
const userId = (email: string) => (db.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: Buffer }).id;
const shares = () => db.prepare('SELECT count(*) AS n FROM shares').get() as { n: number };
const uploads = () => db.prepare('SELECT count(*) AS n FROM uploads').get() as { n: number };
const indexOf = (owner: Buffer) =>
  db.prepare('SELECT counter, envelope FROM pin_index WHERE user_id = ?').get(owner) as
    { counter: number; envelope: Buffer } | undefined;

/** Presses Send; the dialog must stop it with `reason`, showing the current key's fingerprint. */
async function expectStopped(advisor: Session, reason: 'removed' | 'rolledBack', who: string, fingerprint: string) {
  const { page } = advisor;
  await page.getByTestId('send-submit').click();
  const dialog = page.locator('[data-testid="key-changed-dialog"][data-state="compare"]');
  await dialog.waitFor();
  await page.locator('[data-testid="send-page"][data-state="key-changed"]').waitFor();
  expect(await dialog.getByTestId('key-changed-intro').getAttribute('data-reason')).toBe(reason);
  expect(await dialog.getByTestId('key-changed-intro').textContent()).toContain(who);
  expect(await dialog.getByTestId('key-changed-new').getAttribute('data-fingerprint')).toBe(fingerprint);
  if (reason === 'removed') expect(await dialog.getByTestId('key-changed-old').count()).toBe(0);
  // Rolled back: the pin itself is still there (and names the same key); the index no longer vouches for it.
  else expect(await dialog.getByTestId('key-changed-old').getAttribute('data-fingerprint')).toBe(fingerprint);
  return dialog;
}

it('a pin the server deletes, and a pin index it rolls back, stop the send until the advisor confirms', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const advisorId = userId(ADVISOR.email);
  const colleagueId = userId(COLLEAGUE.email);
  const colleagueFingerprint = formatFingerprint(identityFingerprint(identityKeyOf(db, COLLEAGUE.email)));
  const colleaguePin = () =>
    db
      .prepare("SELECT envelope FROM pins WHERE owner_id = ? AND subject = 'user' AND subject_id = ?")
      .get(advisorId, colleagueId) as { envelope: Buffer } | undefined;

  // First send: the colleague's key and the office key are pinned, with an index listing both.
  await send(advisor.page, [note('eerste.txt')], [{ email: COLLEAGUE.email, kind: 'account' }]);
  expect(colleaguePin()).toBeDefined();
  const first = indexOf(advisorId);
  expect(first?.counter).toBe(1);

  // 1. The server deletes the colleague's pin: without the index this would pin again in silence.
  db.prepare("DELETE FROM pins WHERE owner_id = ? AND subject = 'user' AND subject_id = ?").run(advisorId, colleagueId);
  const before = { shares: shares().n, uploads: uploads().n };
  await advisor.page.getByTestId('send-again').click();
  await compose(advisor.page, [note('tweede.txt')], [{ email: COLLEAGUE.email, kind: 'account' }]);
  const removed = await expectStopped(
    advisor,
    'removed',
    `${COLLEAGUE.name} (${COLLEAGUE.email})`,
    colleagueFingerprint,
  );
  // Nothing was uploaded or sent, and no pin was stored behind the advisor's back.
  expect({ shares: shares().n, uploads: uploads().n }).toEqual(before);
  expect(colleaguePin()).toBeUndefined();
  await removed.getByTestId('key-changed-stop').click();
  await advisor.page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();
  expect({ shares: shares().n, uploads: uploads().n }).toEqual(before);

  // The advisor compared the fingerprint with the colleague and confirms: the send goes through,
  // the pin is stored again with a newer index.
  const again = await expectStopped(advisor, 'removed', COLLEAGUE.name, colleagueFingerprint);
  await again.getByTestId('key-changed-accept').click();
  await advisor.page.locator('[data-testid="send-page"][data-state="sent"]').waitFor({ timeout: 60_000 });
  expect(shares().n).toBe(before.shares + 1);
  expect(colleaguePin()).toBeDefined();
  const confirmed = indexOf(advisorId);
  expect(confirmed?.counter).toBe(2);

  // 2. The index grows (a new recipient is pinned), and this browser remembers its counter.
  await advisor.page.getByTestId('send-again').click();
  await send(advisor.page, [note('derde.txt')], [{ email: ADMIN.email, kind: 'account' }]);
  expect(indexOf(advisorId)?.counter).toBe(3);
  // The server serves the older index (counter 2) again.
  db.prepare('UPDATE pin_index SET counter = ?, envelope = ? WHERE user_id = ?').run(
    confirmed?.counter,
    confirmed?.envelope,
    advisorId,
  );
  const rolledBack = { shares: shares().n, uploads: uploads().n };
  await advisor.page.getByTestId('send-again').click();
  await compose(advisor.page, [note('vierde.txt')], [{ email: COLLEAGUE.email, kind: 'account' }]);
  const { signing_public_key: officeKey } = db.prepare('SELECT signing_public_key FROM office').get() as {
    signing_public_key: Buffer;
  };
  // Every key is held up, the office key first.
  const rollback = await expectStopped(
    advisor,
    'rolledBack',
    'your office',
    formatFingerprint(officeFingerprint(officeKey)),
  );
  await rollback.getByTestId('key-changed-stop').click();
  await advisor.page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();
  expect(await advisor.page.getByTestId('send-error').textContent()).toContain(
    'Nothing was sent, because a changed key was not confirmed.',
  );
  expect({ shares: shares().n, uploads: uploads().n }).toEqual(rolledBack);
  // The index was not rewritten behind the advisor's back.
  expect(indexOf(advisorId)?.counter).toBe(2);
  await sessions.finish(advisor);
});
