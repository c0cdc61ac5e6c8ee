// Account steps as a person does them in the browser, shared by the browser tests: choosing a
// password, keeping the recovery key, finishing the first-run setup, inviting a colleague who
// accepts from the mailed link, approving them after comparing fingerprints, signing in.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { inviteLinkIn, type Email, type MailServer } from '../../helpers/mail-server.js';

export interface Person {
  readonly name: string;
  readonly email: string;
  readonly password: string;
}

export async function choosePassword(page: Page, password: string): Promise<void> {
  await page.getByTestId('password-new').fill(password);
  await page.getByTestId('password-confirm').fill(password);
  await page.locator('[data-testid="password-strength"][data-state="accepted"]').waitFor({ timeout: 20_000 });
}

/** Shows the recovery key once; the user must confirm storing it before going on. */
export async function keepRecoveryKey(page: Page): Promise<string> {
  await page.locator('[data-testid="recovery-key-panel"][data-state="shown"]').waitFor({ timeout: 30_000 });
  const key = (await page.getByTestId('recovery-key').getAttribute('data-value')) ?? '';
  expect(key).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
  expect(await page.getByTestId('recovery-key-continue').isEnabled()).toBe(false);
  await page.getByTestId('recovery-key-stored').check();
  await page.getByTestId('recovery-key-continue').click();
  return key;
}

/** On the setup page (opened from the link the server printed): creates the office and its first admin. */
export async function completeSetup(page: Page, office: string, admin: Person): Promise<void> {
  await page.getByTestId('setup-office-name').fill(office);
  await page.getByTestId('setup-name').fill(admin.name);
  await page.getByTestId('setup-email').fill(admin.email);
  await choosePassword(page, admin.password);
  await page.getByTestId('setup-submit').click();
  await keepRecoveryKey(page);
  await page.getByTestId('app-shell').waitFor();
}

/**
 * The admin invites `person`; they follow the mailed link in `colleague`, choose a password
 * and keep the recovery key, and wait for approval. Returns the invitation mail and the
 * fingerprint the colleague's page shows (to compare when approving).
 */
export async function inviteColleague(
  admin: Page,
  colleague: Page,
  at: { readonly origin: string; readonly mail: MailServer },
  person: Person,
): Promise<{ readonly invitation: Email; readonly fingerprint: string }> {
  await admin.getByTestId('nav-invitations').click();
  await admin.getByTestId('invitation-email').fill(person.email);
  await admin.getByTestId('invitation-send').click();
  await admin.locator(`[data-testid="invitation-row"][data-email="${person.email}"]`).waitFor();
  const invitation = await at.mail.latest(person.email, 10_000);

  await colleague.goto(inviteLinkIn(invitation));
  await colleague.locator('[data-testid="invite-status"][data-state="valid"]').waitFor();
  expect(await colleague.getByTestId('invite-email').inputValue()).toBe(person.email);
  await colleague.getByTestId('invite-name').fill(person.name);
  await choosePassword(colleague, person.password);
  await colleague.getByTestId('invite-submit').click();
  await keepRecoveryKey(colleague);
  await colleague.getByTestId('approval-pending').waitFor();
  const fingerprint = (await colleague.getByTestId('pending-fingerprint').getAttribute('data-fingerprint')) ?? '';
  expect(fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
  return { invitation, fingerprint };
}

/** The admin approves `email` after checking the fingerprint the colleague sees; the colleague's page notices. */
export async function approveColleague(
  admin: Page,
  colleague: Page,
  email: string,
  fingerprint: string,
): Promise<void> {
  await admin.getByTestId('nav-users').click();
  await admin.locator(`[data-testid="user-row"][data-email="${email}"]`).getByTestId('user-approve').click();
  await admin.locator('[data-testid="approve-dialog"][data-state="compare"]').waitFor();
  expect(await admin.getByTestId('approve-fingerprint').getAttribute('data-fingerprint')).toBe(fingerprint);
  await admin.getByTestId('approve-confirm').click();
  await admin.locator(`[data-testid="user-row"][data-email="${email}"][data-approval="approved"]`).waitFor();
  await colleague.getByTestId('approval-pending').waitFor({ state: 'detached', timeout: 20_000 });
}

/** Signs in with the password alone (no second factor enrolled) and waits for the app. */
export async function signIn(page: Page, origin: string, person: Person): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.getByTestId('login-email').fill(person.email);
  await page.getByTestId('login-password').fill(person.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-shell').waitFor({ timeout: 60_000 });
}
