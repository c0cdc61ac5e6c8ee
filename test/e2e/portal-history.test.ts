// A client's own upload history with file names, in real Chromium against the real server program
// (docs/protocol.md §13 "Names record"; docs/threat-model.md "A client's upload history").
//
// - An advisor invites a client, who activates and is approved. The client uploads two files
//   through the portal, then one more: the history shows every name, opened in the client's
//   worker from the record their browser sealed to their own key at upload.
// - An upload without a record (made before records) shows "Names not available".
// - A malicious server (page.route rewriting the uploads list) swaps two uploads' records: both
//   open with the client's key, but name another upload, so the page warns and shows no names
//   rather than the wrong ones.
// - The leak search: the names appear nowhere the server or the network saw (requests, server
//   log, mails, the data folder with the database and its WAL), while the records are stored.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PortalUploadList } from '../../shared/wire/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import {
  activateClient,
  approveClient,
  inviteClient,
  openPortal,
  uploadThroughPortal,
  bakkerijClient,
  KANTOOR_JANSEN,
} from './support/clients.js';
import type { Coffer } from './support/coffer.js';
import { marker, randomFile } from './support/sending.js';
import { expectNoTrace, FlowTest, type Session, type Sessions } from './support/sessions.js';
import { forms } from './support/traces.js';

const { office: OFFICE, admin: ADMIN, advisor: ADVISOR } = KANTOOR_JANSEN;
const CLIENT = bakkerijClient();

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
const flow = new FlowTest();
let client: Session;
const first = [randomFile(`jaaropgave-${marker()}.pdf`, 40_000), randomFile(`loonstrook maart ${marker()}.pdf`, 1_234)];
const second = [randomFile(`btw-aangifte-${marker()}.pdf`, 777)];
const uploads: string[] = [];

beforeAll(async () => {
  await flow.start('coffer-portal-history-e2e-', [], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

/** The portal afresh (its uploads listed and their names opened), and each upload's row. */
async function history(): Promise<void> {
  await client.page.getByTestId('nav-received').click();
  await openPortal(client.page);
  await client.page.locator('[data-testid="portal-history-table"][data-names="opened"]').waitFor({ timeout: 30_000 });
}

function row(dropUploadId: string) {
  return client.page.locator(`[data-testid="portal-history-row"][data-upload-id="${dropUploadId}"]`);
}

async function namesIn(dropUploadId: string): Promise<string[]> {
  return row(dropUploadId)
    .getByTestId('portal-history-name')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-name') ?? ''));
}

it('a client uploads two files, then one, through the portal and sees every name in their history', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const link = await inviteClient(advisor.page, coffer.mail, CLIENT);
  client = await sessions.open(CLIENT.name);
  const fingerprint = await activateClient(client.page, link, CLIENT);
  await approveClient(advisor.page, client.page, CLIENT.email, fingerprint);
  await sessions.finish(advisor);
  await openPortal(client.page);

  uploads.push((await uploadThroughPortal(client.page, first)).dropUploadId);
  await client.page.getByTestId('portal-upload-more').click();
  uploads.push((await uploadThroughPortal(client.page, second)).dropUploadId);

  await history();
  expect(await namesIn(uploads[0] ?? '')).toEqual(first.map((file) => file.name));
  expect(await namesIn(uploads[1] ?? '')).toEqual(second.map((file) => file.name));
  expect(await row(uploads[0] ?? '').getAttribute('data-names')).toBe('opened');
  expect(await client.page.getByTestId('portal-history-names-warning').count()).toBe(0);
  // The server holds each as a sealed record, only for this client's uploads.
  const stored = db
    .prepare('SELECT length(client_names) AS n FROM drop_uploads WHERE client_id IS NOT NULL')
    .pluck()
    .all() as number[];
  expect(stored).toHaveLength(2);
  for (const length of stored) expect(length).toBeGreaterThanOrEqual(434);
});

it('shows "Names not available" for an upload that has no record', async () => {
  const [dropUploadId] = uploads;
  const kept = db
    .prepare('SELECT client_names FROM drop_uploads WHERE client_names IS NOT NULL ORDER BY received_at LIMIT 1')
    .pluck()
    .get() as Buffer;
  db.prepare('UPDATE drop_uploads SET client_names = NULL WHERE client_names = ?').run(kept);
  try {
    await history();
    expect(await row(dropUploadId ?? '').getAttribute('data-names')).toBe('none');
    expect(
      await row(dropUploadId ?? '')
        .getByTestId('portal-history-names-none')
        .textContent(),
    ).toContain('Names not available');
    expect(
      await row(dropUploadId ?? '')
        .getByTestId('portal-history-name')
        .count(),
    ).toBe(0);
    // Not a failed check: no warning.
    expect(await client.page.getByTestId('portal-history-names-warning').count()).toBe(0);
  } finally {
    db.prepare('UPDATE drop_uploads SET client_names = ? WHERE client_names IS NULL AND client_id IS NOT NULL').run(
      kept,
    );
  }
});

it('warns and shows no names when the server swaps two uploads’ records', async () => {
  await client.page.route('**/api/v1/portal/uploads', async (route) => {
    const response = await route.fetch();
    const list = PortalUploadList.parse(await response.json());
    const [a, b] = list.uploads;
    if (a === undefined || b === undefined) throw new Error('two uploads expected');
    const swapped = { uploads: [{ ...a, names: b.names }, { ...b, names: a.names }, ...list.uploads.slice(2)] };
    await route.fulfill({ response, json: swapped });
  });
  try {
    await history();
    const warning = client.page.getByTestId('portal-history-names-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain(OFFICE);
    for (const dropUploadId of uploads) {
      expect(await row(dropUploadId).getAttribute('data-names')).toBe('invalid');
      await row(dropUploadId).getByTestId('portal-history-names-invalid').waitFor();
    }
    // Not one name on the page: no wrong names, no right ones under the wrong upload.
    expect(await client.page.getByTestId('portal-history-name').count()).toBe(0);
    const text = (await client.page.getByTestId('portal-history').textContent()) ?? '';
    for (const file of [...first, ...second]) expect(text).not.toContain(file.name);
  } finally {
    await client.page.unroute('**/api/v1/portal/uploads');
  }
  // The genuine list, again: the names are back.
  await history();
  expect(await client.page.getByTestId('portal-history-name').count()).toBe(3);
  await sessions.finish(client);
});

it('leaves no trace of the names anywhere: requests, server log, mails, data folder', async () => {
  const needles = [...first, ...second].flatMap((file) => forms('file name', file.name));
  await expectNoTrace(sessions, coffer, needles, { what: 'client address', value: CLIENT.email });
});
