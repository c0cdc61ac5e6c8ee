// A malicious server against guest links v2, in real Chromium against the real server program
// (docs/protocol.md §10, §11, §15, §21, §22; docs/threat-model.md promise 5). The office is set
// up through the pages; the advisor sends each share through the send page, and the guest opens
// the link from the page, with the code from the mail. Then the server (a second connection on
// its database file) rewrites rows:
//
// - forgery 4: the advisor's sealed copy of a guest's S is replaced with a seal of the server's
//   own S' (an anonymous box anyone can make to the advisor's public key). The sent share's page
//   shows a warning and no link, since the signed manifest commits to the real S;
// - forgery 6: the manifest is re-signed by another key the office certified (the admin's, which
//   the server got with the admin's password), with that member as sender: certificate and
//   signature are valid, but the link names the advisor's identity key. The guest is refused and
//   no file is requested;
// - downgrade: the manifest's signed tag is changed in place from format 3 (link commitment over
//   the stretched access code) to format 2 (over the raw code). The signature no longer holds;
//   the guest is refused and no file is requested;
// - forgery 7b: after the guest verified version 2 of a share (the advisor signed an update),
//   the server answers version 1 again, with its wraps. The guest's browser remembers version 2
//   and refuses.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  asId,
  decodeManifest,
  encodeManifest,
  idFromWire,
  linkKey,
  manifestHash,
  newLinkSecret,
  openFileKeyForAccount,
  openLinkSecret,
  openSigned,
  sealLinkSecret,
  signManifest,
  wrapFileKeyForGuest,
  type ServerHalf,
} from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import type { Person } from './support/accounts.js';
import type { Coffer } from './support/coffer.js';
import { memberKeysOf } from './support/keys.js';
import { guestOpensFiles, guestRequestsCode, randomFile, send, type SentGuest } from './support/sending.js';
import { FlowTest, type Session, type Sessions } from './support/sessions.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
// See test/e2e/sending.test.ts: Chromium reports some fully read worker fetches as aborted.
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/links\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
const flow = new FlowTest();

beforeAll(async () => {
  await flow.start('coffer-malicious-guest-links-e2e-', [CHROMIUM_ABORTED_AFTER_BODY], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR],
  });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

let n = 0;
const guestAddress = (): string => `gast-${++n}-${Date.now().toString(36)}@example.nl`;

/** The advisor sends one small file to one new guest, from the send page. */
async function sendToGuest(advisor: Session): Promise<{ shareId: string; guest: SentGuest }> {
  const file = randomFile(`jaaropgave-${n + 1}.pdf`, 20_000);
  const sent = await send(advisor.page, [file], [{ email: guestAddress(), kind: 'guest' }]);
  return { shareId: sent.shareId, guest: sent.guests[0] as SentGuest };
}

/** The guest types the code from the mail; the page must settle on the refusal, with `reason`. */
async function guestIsRefused(page: Session['page'], guest: SentGuest, reason: 'forged' | 'replayed'): Promise<void> {
  // Leave first: the same URL again would only be a change of fragment, not a new page load.
  await page.goto('about:blank');
  const code = await guestRequestsCode(page, coffer.mail, guest);
  // The form sends itself at the sixth digit.
  await page.getByTestId('guest-code').fill(code);
  await page.locator(`[data-testid="guest-page"][data-step="untrusted"][data-reason="${reason}"]`).waitFor({
    timeout: 60_000,
  });
  await page.getByTestId('guest-untrusted').waitFor();
  expect(await page.getByTestId('file-row').count()).toBe(0);
}

function fileRequests(session: Session): number {
  return session.requests.filter((r) => /\/api\/v1\/links\/[^/]+\/files\//.test(new URL(r.url).pathname)).length;
}

interface ShareRow {
  readonly manifest: Buffer;
  readonly sender_id: Buffer;
}
const shareRow = (shareId: string): ShareRow =>
  db.prepare('SELECT manifest, sender_id FROM shares WHERE id = ?').get(idFromWire(shareId)) as ShareRow;

it('forgery 4: a sealed link secret the server replaced is not shown; the sent share page warns instead', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { shareId, guest } = await sendToGuest(advisor);

  const openSentShare = async (): Promise<void> => {
    await advisor.page.getByTestId('nav-sent').click();
    await advisor.page.locator(`[data-testid="sent-row"][data-share-id="${shareId}"]`).getByTestId('sent-open').click();
    await advisor.page
      .locator(`[data-testid="sent-share-page"][data-state="loaded"][data-share-id="${shareId}"]`)
      .waitFor({ timeout: 60_000 });
  };
  const recipient = advisor.page.locator(`[data-testid="sent-recipient"][data-recipient-id="${guest.recipientId}"]`);

  // As sent, the link shows again exactly as it was.
  await openSentShare();
  await recipient.getByTestId('sent-recipient-show-link').click();
  expect(await recipient.getByTestId('guest-link-url').getAttribute('data-value')).toBe(guest.link);

  // The server seals its own S' to the advisor's public key, for the same share, recipient and holder.
  const advisorRow = db.prepare('SELECT id, encryption_public_key FROM users WHERE email = ?').get(ADVISOR.email) as {
    id: Buffer;
    encryption_public_key: Buffer;
  };
  const forged = sealLinkSecret(
    {
      shareId: idFromWire(shareId),
      recipientId: idFromWire(guest.recipientId),
      holderId: asId(new Uint8Array(advisorRow.id)),
    },
    { linkSecret: newLinkSecret() },
    new Uint8Array(advisorRow.encryption_public_key),
  );
  db.prepare('UPDATE share_recipients SET link_secret_sender = ? WHERE id = ?').run(
    forged,
    idFromWire(guest.recipientId),
  );

  await openSentShare();
  await recipient.getByTestId('sent-recipient-show-link').click();
  const problem = advisor.page.getByTestId('sent-share-problem');
  await problem.waitFor();
  expect(await problem.textContent()).toContain('the server may have changed it');
  expect(await recipient.getByTestId('guest-link').count()).toBe(0);
  expect(await advisor.page.getByTestId('guest-link-url').count()).toBe(0);
  await sessions.finish(advisor);
});

it('forgery 6: a manifest re-signed by another certified member is refused by a guest whose link names the sender', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { shareId, guest } = await sendToGuest(advisor);
  await sessions.finish(advisor);

  // The server, with the admin's keys: the same manifest, now naming and signed by the admin,
  // served with the admin's (valid) certificate. Its entries, commitments included, are unchanged.
  const admin = memberKeysOf(db, ADMIN.email, ADMIN.password);
  const adminRow = db
    .prepare('SELECT certificate, encryption_key_signature FROM users WHERE email = ?')
    .get(ADMIN.email) as {
    certificate: Buffer;
    encryption_key_signature: Buffer;
  };
  const advisorKey = db.prepare('SELECT identity_public_key FROM users WHERE email = ?').get(ADVISOR.email) as {
    identity_public_key: Buffer;
  };
  const manifest = decodeManifest(
    openSigned(shareRow(shareId).manifest, new Uint8Array(advisorKey.identity_public_key)),
  );
  expect(manifest.format).toBe(3);
  const resigned = signManifest(
    { ...manifest, senderId: admin.userId, senderIdentityPublicKey: admin.keys.identity.publicKey },
    admin.keys.identity,
  );
  db.prepare(
    'UPDATE shares SET sender_id = ?, manifest = ?, sender_certificate = ?, sender_encryption_key_signature = ? WHERE id = ?',
  ).run(admin.userId, resigned, adminRow.certificate, adminRow.encryption_key_signature, idFromWire(shareId));

  const visitor = await sessions.open('guest of a re-signed share');
  await guestIsRefused(visitor.page, guest, 'forged');
  expect(fileRequests(visitor)).toBe(0);
  await sessions.finish(visitor);
});

it('downgrade: a new share’s format-3 manifest retagged as format 2 on the server is refused by the guest', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { shareId, guest } = await sendToGuest(advisor);
  await sessions.finish(advisor);

  // Envelope header (4), body length (4), tag length (4), then "coffer/v" and the format digit.
  const stored = new Uint8Array(shareRow(shareId).manifest);
  const at = 12 + 'coffer/v'.length;
  expect(new TextDecoder().decode(stored.subarray(12, 12 + 24))).toBe('coffer/v3/share-manifest');
  const downgraded = stored.slice();
  downgraded[at] = '2'.charCodeAt(0);
  expect(decodeManifest(downgraded.subarray(8, -64)).format).toBe(2);
  db.prepare('UPDATE shares SET manifest = ? WHERE id = ?').run(downgraded, idFromWire(shareId));

  const visitor = await sessions.open('guest of a downgraded share');
  await guestIsRefused(visitor.page, guest, 'forged');
  expect(fileRequests(visitor)).toBe(0);
  await sessions.finish(visitor);
});

it('forgery 7b: after a guest saw version 2, the server answering version 1 again is refused in that browser', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { shareId, guest } = await sendToGuest(advisor);
  await sessions.finish(advisor);
  const id = idFromWire(shareId);
  const recipientId = idFromWire(guest.recipientId);

  // The advisor signs version 2 (as an update of the share would): the same entries, new wraps
  // bound to the new manifest's hash. Made here with the advisor's own keys.
  const advisorKeys = memberKeysOf(db, ADVISOR.email, ADVISOR.password);
  const version1 = shareRow(shareId).manifest;
  const manifest = decodeManifest(openSigned(version1, advisorKeys.keys.identity.publicKey));
  const version2Manifest = { ...manifest, version: 2 };
  const version2 = signManifest(version2Manifest, advisorKeys.keys.identity);
  const guestRow = db
    .prepare('SELECT server_half, link_secret_sender FROM share_recipients WHERE id = ?')
    .get(recipientId) as { server_half: Buffer; link_secret_sender: Buffer };
  const { linkSecret } = openLinkSecret(
    new Uint8Array(guestRow.link_secret_sender),
    { shareId: id, recipientId, holderId: advisorKeys.userId },
    advisorKeys.keys.encryption,
  );
  const key = linkKey({
    linkSecret,
    serverHalf: new Uint8Array(guestRow.server_half) as ServerHalf,
    shareId: id,
    recipientId,
  });
  const files = db.prepare('SELECT file_id, sender_key FROM share_files WHERE share_id = ?').all(id) as {
    file_id: Buffer;
    sender_key: Buffer;
  }[];
  const version1Wraps = db
    .prepare('SELECT file_id, key FROM recipient_keys WHERE recipient_id = ?')
    .all(recipientId) as {
    file_id: Buffer;
    key: Buffer;
  }[];
  const hash2 = manifestHash(encodeManifest(version2Manifest));
  const serve = (envelope: Uint8Array, keys: readonly { file_id: Buffer; key: Uint8Array }[]): void => {
    db.transaction(() => {
      db.prepare('UPDATE shares SET manifest = ? WHERE id = ?').run(envelope, id);
      for (const row of keys)
        db.prepare('UPDATE recipient_keys SET key = ? WHERE recipient_id = ? AND file_id = ?').run(
          row.key,
          recipientId,
          row.file_id,
        );
    })();
  };
  serve(
    version2,
    files.map((file) => {
      const fileId = asId(new Uint8Array(file.file_id));
      const fileKey = openFileKeyForAccount(
        new Uint8Array(file.sender_key),
        { fileId, holderId: advisorKeys.userId },
        advisorKeys.keys.encryption,
      );
      return {
        file_id: file.file_id,
        key: wrapFileKeyForGuest(key, { shareId: id, recipientId, fileId, manifestHash: hash2 }, fileKey),
      };
    }),
  );

  // The guest opens version 2: the browser remembers it.
  const visitor = await sessions.open('guest of an updated share');
  await guestOpensFiles(visitor.page, coffer.mail, guest);
  expect(await visitor.page.evaluate((key) => localStorage.getItem(key), `coffer.manifest.${shareId}`)).toBe('2');

  // The server goes back to version 1 with its own (authentic) wraps.
  serve(version1, version1Wraps);
  const before = fileRequests(visitor);
  await guestIsRefused(visitor.page, guest, 'replayed');
  expect(fileRequests(visitor)).toBe(before);
  // Honest limit: another browser, with no memory of version 2, cannot tell and opens version 1.
  const elsewhere = await sessions.open('the same guest on another device');
  await guestOpensFiles(elsewhere.page, coffer.mail, guest);
  await sessions.finish(visitor, elsewhere);
});
