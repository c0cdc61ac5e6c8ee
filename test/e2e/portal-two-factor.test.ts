// A client's recovery key needs two-factor sign-in (the server refuses recovery without it), in
// real Chromium against the real server program, for an office that does not require it of
// clients: the recovery key sheet says so when the client makes their account, and the portal
// offers to turn it on right there until it is on.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCode } from '../helpers/browser.js';
import { choosePassword, keepRecoveryKey, type Person } from './support/accounts.js';
import { approveClient, inviteClient } from './support/clients.js';
import { FlowTest } from './support/sessions.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
const CLIENT: Person = {
  name: 'Bloemist Visser',
  email: 'bloemist-visser@example.nl',
  password: 'tulpen-en-rozen-op-de-markt',
};

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-portal-2fa-e2e-', [], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
});
afterAll(() => flow.stop());

it('tells a new client their recovery key needs two-factor sign-in, and the portal turns it on in place', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const link = await inviteClient(advisor.page, flow.coffer.mail, CLIENT);
  const client = await flow.sessions.open(CLIENT.name);
  const page = client.page;
  await page.goto(link);
  await page.getByTestId('invite-office-verified').waitFor({ timeout: 30_000 });
  await choosePassword(page, CLIENT.password);
  await page.getByTestId('invite-submit').click();
  const warning = page.getByTestId('recovery-key-two-factor');
  await warning.waitFor({ timeout: 30_000 });
  expect(await warning.getAttribute('data-state')).toBe('portal');
  expect(await warning.textContent()).toContain('This key works only together with two-factor sign-in');
  await keepRecoveryKey(page);
  await page.getByTestId('approval-pending').waitFor({ timeout: 30_000 });
  const fingerprint = (await page.getByTestId('pending-fingerprint').getAttribute('data-fingerprint')) ?? '';
  await approveClient(advisor.page, page, CLIENT.email, fingerprint);

  // The portal: the prompt, and the set-up in place.
  const prompt = page.getByTestId('portal-two-factor');
  expect(await prompt.textContent()).toContain(`only ${OFFICE} can reset your account`);
  await page.getByTestId('portal-two-factor-start').click();
  await page.getByTestId('two-factor-password').fill(CLIENT.password);
  await page.getByTestId('two-factor-begin').click();
  await page.getByTestId('two-factor-qr').waitFor();
  const secret = (await page.getByTestId('two-factor-secret').getAttribute('data-value')) ?? '';
  await page.getByTestId('two-factor-code').fill(totpCode(secret, Date.now()));
  await page.getByTestId('two-factor-confirm').click();
  await page.locator('[data-testid="backup-codes-panel"][data-state="shown"]').waitFor();
  await page.getByTestId('backup-codes-stored').check();
  await page.getByTestId('backup-codes-continue').click();
  await page.getByTestId('portal-two-factor-done').waitFor();
  expect(await prompt.count()).toBe(0);
  const row = flow.db.prepare('SELECT totp_secret FROM users WHERE email = ?').get(CLIENT.email) as {
    totp_secret: Buffer | null;
  };
  expect(row.totp_secret).not.toBeNull();

  // Once it is on, the portal no longer asks (a new visit of the portal).
  await page.getByTestId('nav-received').click();
  await page.getByTestId('nav-dashboard').click();
  await page.locator('[data-testid="portal-page"][data-state="loaded"]').waitFor();
  expect(await prompt.count()).toBe(0);
  await flow.sessions.finish(advisor, client);
});
