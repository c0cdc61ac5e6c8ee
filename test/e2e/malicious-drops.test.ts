// A malicious server against a client's personal drop, in real Chromium against the real server
// program (docs/protocol.md §13 "Drop record", §26; docs/threat-model.md promise 5). The office is
// set up through the pages; an advisor invites a client, who activates and is approved (the
// advisor's browser makes the personal drop, seals its link to the client and signs its record).
//
// Then the server (a second connection on its database file) replaces the client's sealed link
// with one carrying a drop key and D of its own, and answers the matching public key: ids match,
// the sealed box opens with the client's key, and the key matches the fingerprint inside. Only
// the record the advisor signed tells. The client's portal shows a clear warning, offers no
// upload, and sends no upload request; a personal drop whose record was removed is refused too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asId, dropFingerprint, newDropKeys, sealClientDropLink } from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import {
  activateClient,
  approveClient,
  inviteClient,
  openPortal,
  bakkerijClient,
  KANTOOR_JANSEN,
} from './support/clients.js';
import type { Coffer } from './support/coffer.js';
import { FlowTest, type Session, type Sessions } from './support/sessions.js';

const { office: OFFICE, admin: ADMIN, advisor: ADVISOR } = KANTOOR_JANSEN;
const CLIENT = bakkerijClient();

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
const flow = new FlowTest();
let advisor: Session;
let client: Session;

beforeAll(async () => {
  await flow.start('coffer-malicious-drops-e2e-', [], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

interface PersonalDropRow {
  readonly id: Buffer;
  readonly public_key: Buffer;
  readonly client_link: Buffer;
  readonly signed_record: Buffer | null;
}

function personalDrop(clientId: Buffer): PersonalDropRow {
  return db
    .prepare('SELECT id, public_key, client_link, signed_record FROM drops WHERE client_id = ?')
    .get(clientId) as PersonalDropRow;
}

/** Opens the portal afresh (it fetches the drop again) and waits until the drop panel settled on a step. */
async function portalStep(session: Session): Promise<string> {
  const page = session.page;
  await page.getByTestId('nav-received').click();
  await page.getByTestId('nav-dashboard').click();
  await page.locator('[data-testid="portal-page"][data-state="loaded"]').waitFor({ timeout: 30_000 });
  const panel = page.locator('[data-testid="portal-drop"]:not([data-step="opening"])');
  await panel.waitFor({ timeout: 30_000 });
  return (await panel.getAttribute('data-step')) ?? '';
}

it('a client is invited, activates and is approved; the portal opens the personal drop whose record the advisor signed', async () => {
  advisor = await sessions.signedIn(ADVISOR);
  const link = await inviteClient(advisor.page, coffer.mail, CLIENT);
  client = await sessions.open(CLIENT.name);
  const fingerprint = await activateClient(client.page, link, CLIENT);
  await approveClient(advisor.page, client.page, CLIENT.email, fingerprint);
  await openPortal(client.page);
  const { id: clientId } = db.prepare('SELECT id FROM users WHERE email = ?').get(CLIENT.email) as { id: Buffer };
  expect(personalDrop(clientId).signed_record?.length).toBe(265);
});

it("shows a warning and sends no upload request when the server swaps the client's sealed link for its own", async () => {
  const { id: clientId, encryption_public_key: clientKey } = db
    .prepare('SELECT id, encryption_public_key FROM users WHERE email = ?')
    .get(CLIENT.email) as { id: Buffer; encryption_public_key: Buffer };
  const genuine = personalDrop(clientId);
  const dropId = asId(new Uint8Array(genuine.id));
  // The server's own drop key and D, sealed to the client's key with the right ids.
  const forged = newDropKeys(dropId);
  const forgedLink = sealClientDropLink(
    { dropFingerprint: dropFingerprint(dropId, forged.keyPair.publicKey), dropSecret: forged.secret },
    { dropId, clientId: asId(new Uint8Array(clientId)) },
    new Uint8Array(clientKey),
  );
  const requests: string[] = [];
  client.page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  db.prepare('UPDATE drops SET public_key = ?, client_link = ? WHERE id = ?').run(
    forged.keyPair.publicKey,
    forgedLink,
    genuine.id,
  );
  try {
    expect(await portalStep(client)).toBe('forged');
    const warning = client.page.getByTestId('portal-drop-forged');
    expect(await warning.textContent()).toContain(OFFICE);
    // No file chooser, no upload button: nothing can be encrypted to the server's key.
    for (const testid of ['portal-files', 'portal-upload-submit'])
      expect(await client.page.getByTestId(testid).count(), testid).toBe(0);
    // The record itself removed: refused as well (a drop without a record proves nothing).
    db.prepare('UPDATE drops SET signed_record = NULL WHERE id = ?').run(genuine.id);
    expect(await portalStep(client)).toBe('unsigned');
    await client.page.getByTestId('portal-drop-unsigned').waitFor();
    expect(await client.page.getByTestId('portal-files').count()).toBe(0);
    // The portal fetched the drop, and never asked for an upload session or sent a byte.
    expect(requests).toContain('GET /api/v1/portal');
    expect(requests.filter((r) => /\/api\/v1\/(portal\/drops|d)\//.test(r))).toEqual([]);
  } finally {
    db.prepare('UPDATE drops SET public_key = ?, client_link = ?, signed_record = ? WHERE id = ?').run(
      genuine.public_key,
      genuine.client_link,
      genuine.signed_record,
      genuine.id,
    );
  }
  // The genuine drop, restored, opens again.
  expect(await portalStep(client)).toBe('files');
  expect(db.prepare('SELECT count(*) AS n FROM drop_uploads').get()).toEqual({ n: 0 });
  await sessions.finish(advisor, client);
});
