// A set-up office for HTTP tests, built through the real endpoints: setup link → setup →
// invitation mailed → invitee accepts → admin approves → sign-in (with TOTP when enrolled).
import type { Response } from 'supertest';
import { expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { newBackupCodes } from '../../shared/backup-codes.js';
import { ready } from '../../shared/crypto/index.js';
import {
  LoginResponse,
  SignedIn,
  TwoFactorBeginResponse,
  TwoFactorConfirmResponse,
  type Role,
  InvitationLookupResponse,
  PreloginResponse,
} from '../../shared/wire/index.js';
import { createSetupRepo } from '../../server/setup/repo.js';
import { createSetupService } from '../../server/setup/service.js';
import type { TestApp } from './app.js';
import {
  approval,
  authKeyFor,
  makeAccount,
  makeOffice,
  setupRequest,
  totpCode,
  type BrowserAccount,
  type BrowserOffice,
} from './browser.js';
import { tab, type Tab } from './client.js';
import { inviteToken, type MailServer } from './mail-server.js';

export const ADMIN_PASSWORD = 'correct horse battery staple admin';
export const STAFF_PASSWORD = 'een lange zin als wachtwoord voor staf';

export async function issueSetupToken(t: TestApp): Promise<string> {
  await ready();
  return (
    await createSetupService({ repo: createSetupRepo(t.db), clock: t.clock, publicUrl: t.config.publicUrl }).issueLink()
  ).token;
}

export interface Member {
  readonly account: BrowserAccount;
  /** The tab the member is signed in with. */
  tab: Tab;
  /** Set once the member enrolled in two-factor sign-in. */
  totpSecret?: string;
  backupCodes?: string[];
}

export interface Office {
  readonly t: TestApp;
  readonly mail: MailServer;
  readonly office: BrowserOffice;
  readonly admin: Member;
}

export async function setUpOffice(
  t: TestApp,
  mail: MailServer,
  options: { adminEmail?: string } = {},
): Promise<Office> {
  const token = await issueSetupToken(t);
  const office = makeOffice();
  const account = makeAccount({
    email: options.adminEmail ?? 'anna@kantoor.example',
    name: 'Anna de Boer',
    password: ADMIN_PASSWORD,
  });
  const adminTab = tab(t.app);
  const res = await adminTab.post('/api/v1/setup/complete', setupRequest(token, office, account));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  SignedIn.parse(res.body);
  return { t, mail, office, admin: { account, tab: adminTab } };
}

/** The admin invites `email`; the invitee reads the mail and accepts. Approval pending. */
export async function inviteAndAccept(
  o: Office,
  email: string,
  role: Role = 'staff',
  password = STAFF_PASSWORD,
  name = 'Bram Jansen',
): Promise<Member> {
  const created = await o.admin.tab.post('/api/v1/admin/invitations', { email, role });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const token = inviteToken(await o.mail.latest(email));
  const inviteeTab = tab(
    o.t.app,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
  );
  const lookup = await inviteeTab.post('/api/v1/invitations/lookup', { token });
  expect(lookup.status, JSON.stringify(lookup.body)).toBe(200);
  const account = makeAccount({ userId: InvitationLookupResponse.parse(lookup.body).userId, email, name, password });
  const accepted = await inviteeTab.post('/api/v1/invitations/accept', { token, name, keys: account.wire });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { account, tab: inviteeTab };
}

export async function approve(o: Office, member: Member, role: Role = 'staff', version = 1): Promise<void> {
  const res = await o.admin.tab.post(
    `/api/v1/admin/users/${idOf(member)}/approve`,
    approval(o.office, member.account, role, version),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(204);
  // The approval notice goes out through the mail queue: let it arrive, so a test counting mails
  // afterwards counts only its own.
  await o.t.mailQueue.idle();
}

export function idOf(member: Member): string {
  return Buffer.from(member.account.userId).toString('base64url');
}

/** Pre-login and login as the browser does; returns the raw login answer. */
export async function passwordStep(
  t: TestApp,
  account: BrowserAccount,
  into: Tab = tab(t.app),
  password = account.password,
) {
  const pre = await into.post('/api/v1/auth/prelogin', { email: account.email });
  expect(pre.status, JSON.stringify(pre.body)).toBe(200);
  const res = await into.post('/api/v1/auth/login', {
    email: account.email,
    authKey: authKeyFor(password, PreloginResponse.parse(pre.body).kdf),
  });
  return { res, tab: into };
}

/** The second-factor ticket of a login answer that asked for one. */
export function ticketOf(res: Response): string {
  const answer = LoginResponse.parse(res.body);
  if (answer.status !== 'second-factor') throw new Error(`the login answered ${answer.status}, not second-factor`);
  return answer.ticket;
}

/** A full sign-in (TOTP included when the member enrolled); returns the signed-in tab and answer. */
export async function signIn(
  o: Office,
  member: Member,
  into: Tab = tab(o.t.app),
): Promise<{ tab: Tab; signedIn: SignedIn }> {
  const { res } = await passwordStep(o.t, member.account, into);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const answer = LoginResponse.parse(res.body);
  if (answer.status === 'signed-in') return { tab: into, signedIn: answer };
  if (member.totpSecret === undefined) throw new Error('a second factor was asked of a member without one');
  // A code for a step not used yet: move the clock to the next step.
  o.t.clock.advance(30_000);
  const second = await into.post('/api/v1/auth/second-factor', {
    ticket: answer.ticket,
    code: totpCode(member.totpSecret, o.t.clock.now()),
  });
  expect(second.status, JSON.stringify(second.body)).toBe(200);
  return { tab: into, signedIn: SignedIn.parse(second.body) };
}

/** Ten backup codes as the enrolling browser makes them (shared/backup-codes.ts). */
export function browserBackupCodes(): string[] {
  return newBackupCodes((length) => randomBytes(length));
}

/** Enrols the member's signed-in tab in TOTP. */
export async function enrolTotp(o: Office, member: Member): Promise<void> {
  const begin = TwoFactorBeginResponse.parse(
    (
      await member.tab.post('/api/v1/me/two-factor/begin', {
        authKey: authKeyFor(member.account.password, member.account.kdf),
      })
    ).body,
  );
  const confirm = await member.tab.post('/api/v1/me/two-factor/confirm', {
    code: totpCode(begin.secret, o.t.clock.now()),
    backupCodes: browserBackupCodes(),
  });
  expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
  member.totpSecret = begin.secret;
  member.backupCodes = TwoFactorConfirmResponse.parse(confirm.body).backupCodes;
}
