// Drop links as people use them in the browser (docs/protocol.md, section 13): the advisor fills in the form for a
// new drop and reads the link from the result; the client opens the link, proves the bound
// address with the code from the mail, chooses files and uploads them, and reads the receipt;
// someone in the office opens the drop and its uploads. And, in Node, what a server without D
// could do: add an upload of its own through the public API.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { idFromWire, randomBytes, type DropSecret } from '../../../shared/crypto/index.js';
import { DropGrantResponse, DropSubmitResponse, UploadCreateResponse } from '../../../shared/wire/index.js';
import { makeFile, randomPlaintext } from '../../helpers/browser-shares.js';
import { buildSubmission } from '../../helpers/drops.js';
import type { MailServer } from '../../helpers/mail-server.js';
import { codeFromMail } from '../../helpers/sharing.js';
import { tempDir } from '../../helpers/tmp.js';
import { TRANSFER_TIMEOUT, type FileToSend } from './sending.js';

export interface DropForm {
  readonly label: string;
  readonly title: string;
  readonly instructions?: string;
  /** Bound to this address; absent for an open drop. */
  readonly email?: string;
  readonly singleUse?: boolean;
}

export interface MadeDropLink {
  readonly dropId: string;
  /** As the page shows it: <origin>/d/<dropId>#<drop key fingerprint>.<D>. */
  readonly link: string;
  /** base64url, from the fragment. */
  readonly fingerprint: string;
  readonly secret: string;
}

/** The advisor makes a drop on /app/drops/new and reads the link from the result. */
export async function makeDropLink(page: Page, form: DropForm): Promise<MadeDropLink> {
  await page.getByTestId('nav-drops').click();
  await page.locator('[data-testid="drops-page"][data-state="loaded"]').waitFor();
  await page.getByTestId('drops-new').click();
  await page.locator('[data-testid="drop-new-page"][data-state="compose"]').waitFor();
  await page.getByTestId('drop-label').fill(form.label);
  await page.getByTestId('drop-title').fill(form.title);
  if (form.instructions !== undefined) await page.getByTestId('drop-instructions').fill(form.instructions);
  if (form.email !== undefined) await page.getByTestId('drop-email').fill(form.email);
  if (form.singleUse) await page.getByTestId('drop-use-once').check();
  await page.getByTestId('drop-create-submit').click();
  const created = page.locator('[data-testid="drop-new-page"][data-state="created"]');
  await created.waitFor({ timeout: 60_000 });
  const dropId = (await created.getAttribute('data-drop-id')) ?? '';
  const link = (await page.getByTestId('drop-link-url').getAttribute('data-value')) ?? '';
  const match = /^http:\/\/127\.0\.0\.1:\d+\/d\/([A-Za-z0-9_-]{22})#([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(
    link,
  );
  if (!match) throw new Error(`not a drop link: ${link}`);
  expect(match[1]).toBe(dropId);
  return { dropId, link, fingerprint: match[2] as string, secret: match[3] as string };
}

/** The client opens the link (which changes nothing) and waits until the page has checked the drop key. */
export async function openDropLink(
  page: Page,
  link: string,
  step: 'start' | 'files' | 'mismatch' | 'gone',
): Promise<void> {
  // A page already at this link would only follow the fragment: load it afresh.
  if (page.url() === link) await page.reload();
  else await page.goto(link);
  await page.locator(`[data-testid="drop-upload-page"][data-step="${step}"]`).waitFor({ timeout: 60_000 });
}

/**
 * A bound drop: "Send me a code", the code from the newest mail (the form sends itself at the
 * sixth digit), and on to choosing files. "Remember this device" is unticked unless `remember`.
 */
export async function proveAddress(
  page: Page,
  mail: MailServer,
  email: string,
  options: { readonly remember?: boolean } = {},
): Promise<void> {
  const before = mail.to(email).length;
  await page.getByTestId('drop-upload-request-code').click();
  await page.locator('[data-testid="drop-upload-page"][data-step="code"]').waitFor();
  if (options.remember !== true) await page.getByTestId('drop-upload-remember').uncheck();
  await page.getByTestId('drop-upload-code').fill(await codeFromMail(mail, email, before + 1));
  await page.locator('[data-testid="drop-upload-page"][data-step="files"]').waitFor();
}

export interface UploadedReceipt {
  readonly code: string;
  readonly files: readonly { readonly name: string; readonly size: number }[];
}

/** Chooses the files (and a message), uploads, and reads the receipt. */
export async function uploadFiles(
  page: Page,
  files: readonly FileToSend[],
  options: { readonly message?: string; readonly receiptMail?: boolean } = {},
): Promise<UploadedReceipt> {
  // Playwright takes at most 50 MB of files from memory: larger ones go through a temporary folder.
  const dir = await tempDir('coffer-drop-files-');
  const paths = [];
  for (const file of files) {
    const path = join(dir, file.name);
    await writeFile(path, file.buffer);
    paths.push(path);
  }
  await page.getByTestId('drop-files').setInputFiles(paths);
  for (const file of files) await page.locator(`[data-testid="drop-file"][data-name="${file.name}"]`).waitFor();
  if (options.message !== undefined) await page.getByTestId('drop-message').fill(options.message);
  if (options.receiptMail) await page.getByTestId('drop-receipt-mail').check();
  await page.getByTestId('drop-upload-submit').click();
  await page.locator('[data-testid="drop-upload-page"][data-step="receipt"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  const code = (await page.getByTestId('drop-receipt-code').getAttribute('data-value')) ?? '';
  expect(code).toMatch(/^\d{4}-\d{4}-\d{4}$/);
  const listed = [];
  for (const row of await page.getByTestId('drop-receipt-file').all())
    listed.push({
      name: (await row.getAttribute('data-name')) ?? '',
      size: Number(await row.getAttribute('data-size')),
    });
  return { code, files: listed };
}

/** Someone in the office opens the drop from the list (the whole office's, for a colleague's drop). */
export async function openDrop(page: Page, dropId: string, scope: 'mine' | 'office' = 'mine'): Promise<void> {
  await page.getByTestId('nav-drops').click();
  await page.locator('[data-testid="drops-page"][data-state="loaded"]').waitFor();
  if (scope === 'office') {
    await page.getByTestId('drops-scope-office').click();
    await page.locator('[data-testid="drops-page"][data-scope="office"][data-state="loaded"]').waitFor();
  }
  await page.locator(`[data-testid="drop-row"][data-drop-id="${dropId}"]`).getByTestId('drop-open').click();
  await page
    .locator(`[data-testid="drop-page"][data-state="loaded"][data-drop-id="${dropId}"]`)
    .waitFor({ timeout: TRANSFER_TIMEOUT });
}

/**
 * What a server (or anyone who learnt an open drop's id, but not D) can do: start a session,
 * upload a real container whose key is sealed to the drop's public key, and submit it with a
 * manifest MAC'd under a secret that is not D. Returns the new drop upload's id.
 */
export async function injectUpload(origin: string, dropId: string, publicKey: Uint8Array): Promise<string> {
  const json = { Origin: origin, Accept: 'application/json', 'Content-Type': 'application/json' };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> => {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { ...json, ...headers },
      body: JSON.stringify(body),
    });
    const answer: unknown = await res.json();
    expect(res.ok, `${path}: ${res.status} ${JSON.stringify(answer)}`).toBe(true);
    return answer;
  };
  const { grant } = DropGrantResponse.parse(await post(`/api/v1/d/${dropId}/start`, {}));
  const auth = { Authorization: `Bearer ${grant}` };
  const file = makeFile(randomPlaintext(20_000), { name: 'factuur-van-de-server.pdf' });
  const created = UploadCreateResponse.parse(
    await post(`/api/v1/d/${dropId}/uploads`, { size: file.container.length }, auth),
  );
  expect(created.partCount).toBe(1);
  const part = await fetch(`${origin}/api/v1/d/${dropId}/uploads/${created.uploadId}/parts/0`, {
    method: 'PUT',
    headers: { Origin: origin, 'Content-Type': 'application/octet-stream', ...auth },
    body: Buffer.from(file.container),
  });
  expect(part.status).toBe(204);
  await post(`/api/v1/d/${dropId}/uploads/${created.uploadId}/complete`, {}, auth);
  const forged = buildSubmission({ dropId: idFromWire(dropId), publicKey, secret: randomBytes(32) as DropSecret }, [
    { file, uploadId: created.uploadId },
  ]);
  return DropSubmitResponse.parse(await post(`/api/v1/d/${dropId}/submit`, forged.body, auth)).dropUploadId;
}
