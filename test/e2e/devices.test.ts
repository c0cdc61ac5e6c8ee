// Enrolled devices in real Chromium against the built server (docs/protocol.md "Devices").
// A Node script plays the command-line client with fetch and shared/crypto: it makes its keys,
// starts an enrolment and shows its code. The advisor types that code on the Security page and
// adds the device (two actions); the script claims its keys and token, checks the handed-over
// keys against the office whose fingerprint the page's `coffer login` address carries, and its
// token lists what the advisor received. Removing the device on the page stops the token at once.
// Then a server that swaps the device's keys in the list it hands the browser: the browser finds
// no enrolment with the typed code and approves nothing. Last, an approval and an API token whose
// answers are lost on the way back: the device is added all the same, and the token shown is one
// that works while the one made with the lost answer is revoked; revoking that token and removing
// the device, each answer lost, are read back and shown as done. Ending another session whose
// answer was lost is shown as done too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  checkHandover,
  deviceCode,
  devicePublicKeysOf,
  fromBase64Url,
  idFromWire,
  newBoxKeyPair,
  officeFingerprint,
  openDeviceKeys,
  signDeviceClaim,
  toBase64Url,
  type DeviceKeys,
} from '../../shared/crypto/index.js';
import {
  DeviceClaimed,
  EnrolmentStarted,
  KeyMaterial,
  OfficeKeysResponse,
  PendingEnrolments,
  ReceivedList,
} from '../../shared/wire/index.js';
import { newDeviceKeys } from '../helpers/devices.js';
import { signIn, type Person } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { horizontalOverflow, pageSettled } from './support/showcase.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';
import { randomFile, send } from './support/sending.js';
import { FlowTest } from './support/sessions.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-devices-e2e-', [], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
});
afterAll(() => flow.stop());

/** The command-line client's first step: an enrolment with its public keys, no session, no Origin. */
async function startEnrolment(keys: DeviceKeys, name: string): Promise<string> {
  const res = await fetch(`${flow.coffer.origin}/api/v1/devices/enrolments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      encryptionPublicKey: toBase64Url(keys.encryption.publicKey),
      signingPublicKey: toBase64Url(keys.signing.publicKey),
      name,
    }),
  });
  expect(res.status).toBe(201);
  return EnrolmentStarted.parse(await res.json()).enrolmentId;
}

async function claim(keys: DeviceKeys, enrolmentId: string): Promise<Response> {
  const time = Date.now();
  return fetch(`${flow.coffer.origin}/api/v1/devices/enrolments/${enrolmentId}/claim`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      time,
      signature: toBase64Url(signDeviceClaim(keys.signing, idFromWire(enrolmentId), time)),
    }),
  });
}

function withToken(token: string, path: string): Promise<Response> {
  return fetch(`${flow.coffer.origin}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

it('a device is added by typing its code on the Security page, claims its keys, and its token lists what arrived', async () => {
  const { sessions } = flow;
  const admin = await sessions.signedIn(ADMIN);
  const sent = await send(
    admin.page,
    [randomFile('jaaropgave.pdf', 20_000)],
    [{ email: ADVISOR.email, kind: 'account' }],
  );

  const keys = newDeviceKeys();
  const enrolmentId = await startEnrolment(keys, 'Scanner PC');
  const code = deviceCode(devicePublicKeysOf(keys));
  expect((await claim(keys, enrolmentId)).status).toBe(202);

  const advisor = await sessions.signedIn(ADVISOR);
  const page = advisor.page;
  await page.getByTestId('nav-security').click();
  const command = page.getByTestId('device-command');
  await expect.poll(() => command.textContent()).toMatch(/#[A-Za-z0-9_-]{43}$/);
  const address = /coffer login (\S+)$/.exec((await command.textContent()) ?? '')?.[1] ?? '';
  expect(address.startsWith(`${flow.coffer.origin}/#`)).toBe(true);

  // Two actions: the code as read off the screen (any case, with or without the dash), then Add.
  await page.getByTestId('device-code').fill(code.toLowerCase().replace('-', ' '));
  await page.getByTestId('device-add').click();
  await expect.poll(() => page.getByTestId('devices-status').textContent()).toContain('Scanner PC');
  const row = page.locator(`[data-testid="device-row"][data-device="${enrolmentId}"]`);
  await row.waitFor();

  // The device claims: its keys, opened and checked against the office the address names.
  const res = await claim(keys, enrolmentId);
  expect(res.status).toBe(200);
  const claimed = DeviceClaimed.parse(await res.json());
  expect(claimed.scopes).toEqual(['send', 'pull']);
  const handover = openDeviceKeys(fromBase64Url(claimed.sealedKeys), idFromWire(enrolmentId), keys);
  const office = OfficeKeysResponse.parse(await (await withToken(claimed.token, '/api/v1/office/keys')).json());
  const officeKey = fromBase64Url(office.signingPublicKey);
  expect(toBase64Url(officeFingerprint(officeKey))).toBe(address.split('#')[1]);
  const mine = KeyMaterial.parse(await (await withToken(claimed.token, '/api/v1/me/keys')).json());
  expect(checkHandover(handover, officeKey, fromBase64Url(mine.certificate ?? '')).email).toBe(ADVISOR.email);

  // The token acts as the advisor: what was sent to her is listed.
  const received = ReceivedList.parse(await (await withToken(claimed.token, '/api/v1/received')).json());
  expect(received.shares.map((share) => share.shareId)).toEqual([sent.shareId]);

  // Removing it on the page stops the token at once.
  await row.getByTestId('device-remove').click();
  await page.getByTestId('device-remove-dialog-confirm').click();
  await expect.poll(() => page.getByTestId('devices-status').textContent()).toContain('Scanner PC');
  await row.waitFor({ state: 'detached' });
  const after = await withToken(claimed.token, '/api/v1/received');
  expect(after.status).toBe(401);
  expect(((await after.json()) as { error: { code: string } }).error.code).toBe('device_revoked');
  await sessions.finish(admin, advisor);
});

it('a server that swaps the device keys it lists cannot get them approved: the browser finds no device with the code', async () => {
  const { sessions, db } = flow;
  const keys = newDeviceKeys();
  const enrolmentId = await startEnrolment(keys, 'Payroll PC');
  const code = deviceCode(devicePublicKeysOf(keys));

  const advisor = await sessions.signedIn(ADVISOR);
  const page = advisor.page;
  // The server hands the browser its own encryption key in place of the device's.
  const serverKey = toBase64Url(newBoxKeyPair().publicKey);
  let served = 0;
  await page.route('**/api/v1/devices/enrolments', async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const response = await route.fetch();
    const list = PendingEnrolments.parse(await response.json());
    served += list.enrolments.length;
    await route.fulfill({
      response,
      json: { enrolments: list.enrolments.map((e) => ({ ...e, encryptionPublicKey: serverKey })) },
    });
  });
  const approvals: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/approve')) approvals.push(request.url());
  });

  await page.getByTestId('nav-security').click();
  await page.getByTestId('device-code').fill(code);
  await page.getByTestId('device-add').click();
  const error = page.getByTestId('devices-error');
  await error.waitFor();
  expect(await error.textContent()).toContain('No device waiting to be added shows this code');
  expect(served).toBeGreaterThan(0);
  expect(approvals).toEqual([]);
  const stored = db.prepare('SELECT user_id FROM devices WHERE id = ?').get(Buffer.from(idFromWire(enrolmentId))) as {
    user_id: Uint8Array | null;
  };
  expect(stored.user_id).toBeNull();
  expect((await claim(keys, enrolmentId)).status).toBe(202);
  await sessions.finish(advisor);
});

it('on a phone, in Dutch and English, the devices section with a device and an API token is axe clean and does not scroll sideways', async () => {
  const { browser, coffer } = flow;
  // axe is injected as a script: this context alone bypasses the CSP (as test/e2e/layout.test.ts does).
  const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 390, height: 844 }, bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, coffer.origin, ADVISOR);
  await page.getByTestId('lang-nl').click();
  await page.goto(`${coffer.origin}/app/security`);
  const keys = newDeviceKeys();
  const enrolmentId = await startEnrolment(keys, 'Scan-pc receptie');
  await page.getByTestId('device-code').fill(deviceCode(devicePublicKeysOf(keys)));
  await page.getByTestId('device-scope-send').uncheck();
  await page.getByTestId('device-add').click();
  const row = page.locator(`[data-testid="device-row"][data-device="${enrolmentId}"]`);
  await row.waitFor();
  expect(await row.textContent()).toContain('bestanden ophalen');
  expect(await row.textContent()).not.toContain('bestanden versturen');
  expect((await claim(keys, enrolmentId)).status).toBe(200);

  // An API token for a nightly job: shown once, then listed.
  await row.getByTestId('device-new-token').click();
  await page.getByTestId('token-label').fill('Nachtelijke export');
  await page.getByTestId('token-create').click();
  const token = (await page.getByTestId('token-value').inputValue()).trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect((await withToken(token, '/api/v1/received')).status).toBe(200);
  expect((await withToken(token, '/api/v1/shares')).status).toBe(403);
  await page.getByTestId('token-made-done').click();
  await page.locator('[data-testid="token-row"]').waitFor();

  for (const lang of ['nl', 'en'] as const) {
    await page.getByTestId(`lang-${lang}`).click();
    await pageSettled(page);
    expect(await horizontalOverflow(page), lang).toEqual([]);
    expect(await axeViolations(page), lang).toEqual([]);
  }
  await context.close();
});

it('a device approved, an API token made, the token revoked and the device removed, each answer lost: the page goes on as done, and the token shown works until revoked', async () => {
  const { sessions, db } = flow;
  const keys = newDeviceKeys();
  const enrolmentId = await startEnrolment(keys, 'Boekhoud-pc');
  const advisor = await sessions.signedIn(ADVISOR);
  const page = advisor.page;
  await page.getByTestId('nav-security').click();

  // The server approves; the answer never reaches the page.
  const approval = await loseFirstAnswer(page, '**/api/v1/devices/enrolments/*/approve');
  await page.getByTestId('device-code').fill(deviceCode(devicePublicKeysOf(keys)));
  await page.getByTestId('device-add').click();
  await expect.poll(() => page.getByTestId('devices-status').textContent()).toContain('Boekhoud-pc');
  expect(approval.seen).toEqual(['dropped 201']);
  expect(await page.getByTestId('devices-error').count()).toBe(0);
  const row = page.locator(`[data-testid="device-row"][data-device="${enrolmentId}"]`);
  await row.waitFor();
  expect((await claim(keys, enrolmentId)).status).toBe(200);

  // The server makes the token; its value, in the lost answer alone, never reaches the page.
  const making = await loseFirstAnswer(page, '**/api/v1/devices/*/tokens', (request) => request.method() === 'POST');
  await row.getByTestId('device-new-token').click();
  await page.getByTestId('token-label').fill('Maandelijkse import');
  await page.getByTestId('token-create').click();
  const value = page.getByTestId('token-value');
  await value.waitFor();
  const token = (await value.inputValue()).trim();
  expect(making.seen).toEqual(['dropped 201', 'passed']);
  expect((await withToken(token, '/api/v1/received')).status).toBe(200);
  // Two were made; the one whose value nobody has is revoked, the shown one alone is live.
  const made = db
    .prepare('SELECT revoked_at FROM device_tokens WHERE device_id = ? AND label = ? ORDER BY created_at, rowid')
    .pluck()
    .all(Buffer.from(idFromWire(enrolmentId)), 'Maandelijkse import');
  expect(made).toEqual([expect.any(Number), null]);
  await page.getByTestId('token-made-done').click();
  const listed = page.locator('[data-testid="token-row"]', { hasText: 'Maandelijkse import' });
  await expect.poll(() => listed.count()).toBe(1);

  // The token is revoked, and then the device removed, each answer lost: the page reads the
  // device list back and says both are done.
  const revoking = await loseFirstAnswer(
    page,
    '**/api/v1/devices/*/tokens/*',
    (request) => request.method() === 'DELETE',
  );
  await listed.getByTestId('token-revoke').click();
  await page.getByTestId('token-revoke-dialog-confirm').click();
  await expect
    .poll(() => page.getByTestId('devices-status').textContent())
    .toBe('The API token "Maandelijkse import" has been revoked.');
  expect(revoking.seen).toEqual(['dropped 204']);
  expect(await page.getByTestId('devices-error').count()).toBe(0);
  await expect.poll(() => listed.count()).toBe(0);
  expect((await withToken(token, '/api/v1/received')).status).toBe(401);

  const removing = await loseFirstAnswer(page, '**/api/v1/devices/*', (request) => request.method() === 'DELETE');
  await row.getByTestId('device-remove').click();
  await page.getByTestId('device-remove-dialog-confirm').click();
  await expect.poll(() => page.getByTestId('devices-status').textContent()).toBe('Boekhoud-pc has been removed.');
  expect(removing.seen).toEqual(['dropped 204']);
  expect(await page.getByTestId('devices-error').count()).toBe(0);
  await expect.poll(() => row.count()).toBe(0);
  expect(
    db
      .prepare('SELECT revoked_at FROM devices WHERE id = ?')
      .pluck()
      .get(Buffer.from(idFromWire(enrolmentId))),
  ).toEqual(expect.any(Number));
  acceptCutConnections(advisor.problems.messages);
  await sessions.finish(advisor);
});

it('ends another session whose answer was lost: the page says it is ended, and it is gone from the list', async () => {
  const { sessions } = flow;
  const other = await sessions.signedIn(ADVISOR);
  const advisor = await sessions.signedIn(ADVISOR);
  const page = advisor.page;
  await page.getByTestId('nav-security').click();
  const otherRow = page.locator('[data-testid="session-row"][data-current="false"]');
  await expect.poll(() => otherRow.count()).toBeGreaterThan(0);
  const othersBefore = await otherRow.count();

  // The server ends the session; the answer never reaches the page.
  const ending = await loseFirstAnswer(page, '**/api/v1/sessions/*', (request) => request.method() === 'DELETE');
  await otherRow.last().getByTestId('session-end').click();
  await expect.poll(() => page.getByTestId('sessions-status').textContent()).toBe('The session has been ended.');
  expect(ending.seen).toEqual(['dropped 204']);
  expect(await page.getByTestId('sessions-error').count()).toBe(0);
  await expect.poll(() => otherRow.count()).toBe(othersBefore - 1);
  acceptCutConnections(advisor.problems.messages);
  await sessions.finish(advisor);
  await other.context.close();
});
