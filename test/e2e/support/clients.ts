// Client accounts as people use them in the browser: the advisor invites a client on
// /app/clients; the client opens the mailed link (whose fragment carries the office key's
// fingerprint), makes their account and waits; the advisor compares the client's fingerprint
// and approves them (certificate and personal drop, made in the advisor's browser); the client's
// portal shows what the office shared and takes uploads through the personal drop.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Email, MailServer } from '../../helpers/mail-server.js';
import { tempDir } from '../../helpers/tmp.js';
import { choosePassword, keepRecoveryKey, type Person } from './accounts.js';
import { openSection } from './navigation.js';
import { TRANSFER_TIMEOUT, type FileToSend } from './sending.js';

/** The accountancy office of the client-portal tests: its name, its admin and the advisor of its clients. */
export const KANTOOR_JANSEN = {
  office: 'Kantoor Jansen',
  admin: { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' },
  advisor: { name: 'Anna de Vries', email: 'anna@kantoor-jansen.nl', password: 'vrolijke-olifant-tekent-7' },
} as const satisfies { office: string; admin: Person; advisor: Person };

/** Kantoor Jansen's client, at an address of its own for each test file. */
export function bakkerijClient(): Person {
  return {
    name: 'Bakkerij de Vries',
    email: `bakkerij-${randomBytes(3).toString('hex')}@example.nl`,
    password: 'krentenbollen-met-boter-en-kaas',
  };
}

/** The invitation link in a mail, as the client clicks it: /invite#<token>.<office fingerprint>. */
function invitationLink(mail: Email): string {
  const match = /(http:\/\/127\.0\.0\.1:\d+\/invite#[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43})\b/.exec(mail.text ?? '');
  if (!match?.[1]) throw new Error('no invitation link with an office fingerprint in the mail');
  return match[1];
}

/** The advisor invites a client by name and address on the Clients page, Coffer mailing the link; returns the mailed link. */
export async function inviteClient(advisor: Page, mail: MailServer, client: Person): Promise<string> {
  await advisor.getByTestId('nav-clients').click();
  await advisor.getByTestId('client-name').fill(client.name);
  await advisor.getByTestId('client-email').fill(client.email);
  await advisor.getByTestId('client-delivery-mail').check();
  await advisor.getByTestId('client-invite').click();
  await advisor.locator(`[data-testid="client-row"][data-email="${client.email}"][data-state="invited"]`).waitFor();
  return invitationLink(await mail.latest(client.email, 10_000));
}

/**
 * The advisor invites a client with a link they hand over themselves (the default): the page
 * shows the link once, `/invite#<token>.<office fingerprint>.<I>`; returns it as "Copy link"
 * would put it on the clipboard. Nothing is mailed.
 */
export async function handOverInvitation(advisor: Page, client: Person): Promise<string> {
  await advisor.getByTestId('nav-clients').click();
  await advisor.getByTestId('client-name').fill(client.name);
  await advisor.getByTestId('client-email').fill(client.email);
  expect(await advisor.getByTestId('client-delivery-handover').isChecked()).toBe(true);
  await advisor.getByTestId('client-invite').click();
  await advisor.getByTestId('client-invite-link').waitFor({ timeout: 30_000 });
  await advisor.locator(`[data-testid="client-row"][data-email="${client.email}"][data-state="invited"]`).waitFor();
  const link = (await advisor.getByTestId('client-link-url').getAttribute('data-value')) ?? '';
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invite#[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
  return link;
}

/**
 * The client follows the link: the page checks the office key against the link's fingerprint
 * (and shows it), the client keeps the name the advisor gave, chooses a password, keeps the
 * recovery key and lands on the page that waits for approval. Returns the fingerprint it shows.
 */
export async function activateClient(page: Page, link: string, client: Person): Promise<string> {
  await page.goto(link);
  await page.locator('[data-testid="invite-status"][data-state="valid"]').waitFor();
  await page.getByTestId('invite-office-verified').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('invite-email').inputValue()).toBe(client.email);
  expect(await page.getByTestId('invite-name').inputValue()).toBe(client.name);
  await choosePassword(page, client.password);
  await page.getByTestId('invite-submit').click();
  await keepRecoveryKey(page);
  await page.getByTestId('approval-pending').waitFor({ timeout: 30_000 });
  const fingerprint = (await page.getByTestId('pending-fingerprint').getAttribute('data-fingerprint')) ?? '';
  expect(fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
  return fingerprint;
}

/** The advisor approves the client after checking the fingerprint; the client's page turns into the portal. */
export async function approveClient(advisor: Page, client: Page, email: string, fingerprint: string): Promise<void> {
  // The list refreshes by itself every few seconds; opening the page again shows the waiting client at once.
  if (new URL(advisor.url()).pathname === '/app/clients') await advisor.getByTestId('nav-dashboard').click();
  await advisor.getByTestId('nav-clients').click();
  await advisor
    .locator(`[data-testid="client-row"][data-email="${email}"][data-state="pending"]`)
    .getByTestId('client-approve')
    .click();
  await advisor.locator('[data-testid="approve-client-dialog"][data-state="compare"]').waitFor({ timeout: 30_000 });
  expect(await advisor.getByTestId('approve-client-fingerprint').getAttribute('data-fingerprint')).toBe(fingerprint);
  await advisor.getByTestId('approve-client-confirm').click();
  await advisor
    .locator(`[data-testid="client-row"][data-email="${email}"][data-state="active"]`)
    .waitFor({ timeout: 30_000 });
  await client.locator('[data-testid="portal-page"][data-state="loaded"]').waitFor({ timeout: 30_000 });
}

/**
 * The portal, loaded afresh through the navigation (as a client moves between pages), with the
 * personal drop opened (its key checked against the sealed link).
 */
export async function openPortal(page: Page): Promise<void> {
  if (new URL(page.url()).pathname === '/app') await openSection(page, 'received');
  await openSection(page, 'dashboard');
  await page.locator('[data-testid="portal-page"][data-state="loaded"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="portal-drop"][data-step="files"]').waitFor({ timeout: 30_000 });
}

/** Chooses files on the portal's drop, uploads, and reads the receipt: its code and the upload's id. */
export async function uploadThroughPortal(
  page: Page,
  files: readonly FileToSend[],
): Promise<{ readonly code: string; readonly dropUploadId: string }> {
  const dir = await tempDir('coffer-portal-files-');
  const paths = [];
  for (const file of files) {
    const path = join(dir, file.name);
    await writeFile(path, file.buffer);
    paths.push(path);
  }
  await page.getByTestId('portal-files').setInputFiles(paths);
  for (const file of files) await page.locator(`[data-testid="portal-file"][data-name="${file.name}"]`).waitFor();
  await page.getByTestId('portal-upload-submit').click();
  const receipt = page.getByTestId('portal-receipt');
  await receipt.waitFor({ timeout: TRANSFER_TIMEOUT });
  const code = (await page.getByTestId('portal-receipt-code').getAttribute('data-value')) ?? '';
  expect(code).toMatch(/^\d{4}-\d{4}-\d{4}$/);
  const dropUploadId = (await receipt.getAttribute('data-upload-id')) ?? '';
  expect(dropUploadId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  // The history shows it with the same code.
  await page.locator(`[data-testid="portal-history-row"][data-upload-id="${dropUploadId}"]`).waitFor();
  return { code, dropUploadId };
}

/** What `page`'s own session gets for a request made by its page (same origin, its cookie): status and error code. */
export async function fetchFromPage(
  page: Page,
  method: 'GET' | 'POST',
  path: string,
): Promise<{ status: number; code: string | null }> {
  return page.evaluate(
    async ({ method, path }) => {
      const res = await fetch(path, {
        method,
        headers: { Accept: 'application/json', ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      return { status: res.status, code: body?.error?.code ?? null };
    },
    { method, path },
  );
}
