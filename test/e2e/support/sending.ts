// Sending and receiving files as people do it in the browser: the advisor chooses files and
// recipients on the send page and reads each guest's link (and access code) from the result;
// a guest opens the link, presses "Send me a code" and types the code from the mail; anyone
// with the files on screen downloads one and gets its bytes as the browser saved them.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { MailServer } from '../../helpers/mail-server.js';
import { codeFromMail } from '../../helpers/sharing.js';
import { forms, type Needle } from './traces.js';

/** Crypto, uploads and downloads run in a worker on a shared 2-core machine: wait generously. */
export const TRANSFER_TIMEOUT = 180_000;

export interface FileToSend {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

export interface Recipient {
  readonly email: string;
  /** What the lookup must find: a guest (link and code) or an account of the office. */
  readonly kind: 'guest' | 'account';
  /** Guests only: an access code to tell by phone. */
  readonly accessCode?: boolean;
}

export interface SentGuest {
  readonly email: string;
  /** The whole link as the page shows it: <origin>/s/<linkId>#<office fingerprint>.<sender fingerprint>.<S>. */
  readonly link: string;
  readonly recipientId: string;
  /** The id in the link's path, which the manifest never names. */
  readonly linkId: string;
  /** base64url, from the fragment. */
  readonly officeFingerprint: string;
  readonly senderFingerprint: string;
  readonly linkSecret: string;
  readonly accessCode?: string;
}

/** On the send page: chooses the files and adds the recipients (each looked up), without sending. */
export async function compose(
  page: Page,
  files: readonly FileToSend[],
  recipients: readonly Recipient[],
): Promise<void> {
  await page.getByTestId('nav-send').click();
  await page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();
  await page.getByTestId('send-files').setInputFiles(files.map((file) => ({ ...file })));
  for (const file of files) await page.locator(`[data-testid="send-file"][data-name="${file.name}"]`).waitFor();
  for (const recipient of recipients) {
    await page.getByTestId('send-recipient-input').fill(recipient.email);
    await page.getByTestId('send-recipient-add').click();
    const item = page.locator(
      `[data-testid="send-recipient"][data-email="${recipient.email}"][data-kind="${recipient.kind}"]`,
    );
    await item.waitFor();
    if (recipient.accessCode) await item.getByTestId('send-recipient-access-code').check();
  }
}

export interface Sent {
  readonly shareId: string;
  readonly guests: readonly SentGuest[];
}

/** Composes and sends; see submit. */
export async function send(page: Page, files: readonly FileToSend[], recipients: readonly Recipient[]): Promise<Sent> {
  await compose(page, files, recipients);
  return submit(page);
}

/** Presses Send on a composed page, waits until the share exists, and reads each guest's link from the page. */
export async function submit(page: Page): Promise<Sent> {
  await page.getByTestId('send-submit').click();
  const sent = page.locator('[data-testid="send-page"][data-state="sent"]');
  await sent.waitFor({ timeout: TRANSFER_TIMEOUT });
  const shareId = (await sent.getAttribute('data-share-id')) ?? '';
  expect(shareId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const guests: SentGuest[] = [];
  for (const card of await page.getByTestId('guest-link').all()) {
    const link = (await card.getByTestId('guest-link-url').getAttribute('data-value')) ?? '';
    const match =
      /^http:\/\/127\.0\.0\.1:\d+\/s\/([A-Za-z0-9_-]{22})#([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(
        link,
      );
    if (!match) throw new Error(`not a guest link: ${link}`);
    const [, linkId = '', officeFingerprint = '', senderFingerprint = '', linkSecret = ''] = match;
    expect(await card.getAttribute('data-link-id')).toBe(linkId);
    const recipientId = (await card.getAttribute('data-recipient-id')) ?? '';
    expect(recipientId).not.toBe(linkId);
    const code = card.getByTestId('guest-link-access-code-value');
    const accessCode = (await code.count()) > 0 ? ((await code.getAttribute('data-value')) ?? '') : undefined;
    guests.push({
      email: (await card.getAttribute('data-email')) ?? '',
      link,
      recipientId,
      linkId,
      officeFingerprint,
      senderFingerprint,
      linkSecret,
      ...(accessCode !== undefined ? { accessCode } : {}),
    });
  }
  return { shareId, guests };
}

/**
 * The guest opens the link (which changes nothing), presses "Send me a code", and reads it from
 * the mail. "Remember this device" is unticked (`remember` keeps it), so the next link in the same
 * browser asks for a code again: these flows are about the code; trusted-devices.test.ts is about remembering.
 */
export async function guestRequestsCode(
  page: Page,
  mail: MailServer,
  guest: SentGuest,
  options: { readonly remember?: boolean } = {},
): Promise<string> {
  await page.goto(guest.link);
  await page.locator('[data-testid="guest-page"][data-step="start"]').waitFor();
  const before = mail.to(guest.email).length;
  await page.getByTestId('guest-request-code').click();
  await page.locator('[data-testid="guest-page"][data-step="code"]').waitFor();
  if (options.remember !== true) await page.getByTestId('guest-remember').uncheck();
  return codeFromMail(mail, guest.email, before + 1);
}

/** From the guest's link to the files on screen: the access code (if any), then the code from the mail, which sends itself. */
export async function guestOpensFiles(page: Page, mail: MailServer, guest: SentGuest): Promise<void> {
  const code = await guestRequestsCode(page, mail, guest);
  if (guest.accessCode !== undefined) await page.getByTestId('guest-access-code').fill(guest.accessCode);
  await page.getByTestId('guest-code').fill(code);
  await page.locator('[data-testid="guest-page"][data-step="files"]').waitFor({ timeout: TRANSFER_TIMEOUT });
}

/** A recipient with an account, signed in: Received, then the share, checked and opened by the crypto worker. */
export async function openReceived(page: Page, shareId: string): Promise<void> {
  await page.getByTestId('nav-received').click();
  await page.locator(`[data-testid="received-row"][data-share-id="${shareId}"]`).getByTestId('received-open').click();
  await page
    .locator(`[data-testid="received-share-page"][data-state="loaded"][data-share-id="${shareId}"]`)
    .waitFor({ timeout: TRANSFER_TIMEOUT });
}

export interface Downloaded {
  /** The name the browser saves the file under. */
  readonly name: string;
  readonly bytes: Buffer;
}

/** Presses Download on the file's row and waits for the saved file and the page's "done" (after the integrity check). */
export async function download(page: Page, name: string): Promise<Downloaded> {
  const row = page.locator(`[data-testid="file-row"][data-name="${name}"]`);
  const [saved] = await Promise.all([
    page.waitForEvent('download', { timeout: TRANSFER_TIMEOUT }),
    row.getByTestId('file-download').click(),
  ]);
  const path = await saved.path();
  await row.getByTestId('file-done').waitFor({ timeout: TRANSFER_TIMEOUT });
  return { name: saved.suggestedFilename(), bytes: await readFile(path) };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Random hex to put into names and messages, so a search for it finds only this test's. */
export const marker = (): string => randomBytes(8).toString('hex');

export function randomFile(name: string, size: number): FileToSend {
  return { name, mimeType: 'application/pdf', buffer: randomBytes(size) };
}

/** The saved file has the name, length and SHA-256 of the one sent. */
export function expectSameFile(got: Downloaded, sent: FileToSend): void {
  expect(got.name).toBe(sent.name);
  expect(got.bytes.length).toBe(sent.buffer.length);
  expect(sha256(got.bytes)).toBe(sha256(sent.buffer));
}

/** 32-byte windows of a plaintext at `offsets` (by default its start, its end and two odd offsets between), in every form. */
export function windowNeedles(
  what: string,
  plaintext: Buffer,
  offsets = [
    0,
    Math.floor(plaintext.length / 3) + 1,
    Math.floor((plaintext.length * 2) / 3) + 7,
    plaintext.length - 32,
  ],
): Needle[] {
  return offsets.flatMap((offset) => forms(`${what} at ${offset}`, plaintext.subarray(offset, offset + 32)));
}
