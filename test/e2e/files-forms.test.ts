// Files, forms and setup in real Chromium against the real server program, with mail going to a
// real SMTP server on loopback. The office is set up through the pages: an admin, an advisor and
// a colleague.
//
// - Setup: a short password says "Use at least 12 characters" once; a strong password filled in
//   and submitted at once (a paste and a click) is judged on its settled estimate: no "still
//   being checked" ever shows, and the recovery key follows, with a text that is true before
//   two-factor sign-in exists.
// - The send page: the picker is a "Choose files" button with our own list (the native input
//   visually hidden, still labelled); an empty file is named and sent only after a tick; while
//   the files upload, leaving asks first (beforeunload), and not once the send is done; "Send
//   files" in the menu after a send shows a fresh form.
// - Download all: a share of three files, as a guest and as a colleague: all three saved, each
//   with the SHA-256 of the file sent; back and forward on the guest page says what was
//   downloaded in this tab. With the second file's blob changed on the server, it stops there
//   with the reason, after saving the first, and never fetches the third.
// - Names on disk: a name of 1,004 characters and a Windows device name are saved as diskName
//   makes them (shortened keeping the extension; `_` in front).
// - A drop link on a phone: no drag hint; an empty file needs the tick; leaving mid-upload asks;
//   back and forward after the upload show the receipt again, kept without names or secrets.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dialog, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idFromWire, toHex } from '../../shared/crypto/index.js';
import { keepRecoveryKey, type Person } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { startCoffer } from './support/coffer.js';
import { makeDropLink } from './support/drops.js';
import {
  compose,
  download,
  guestOpensFiles,
  marker,
  openReceived,
  randomFile,
  submit,
  TRANSFER_TIMEOUT,
  type FileToSend,
} from './support/sending.js';
import { FlowTest, type Sessions } from './support/sessions.js';
import { tempDir } from '../helpers/tmp.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
const COLLEAGUE: Person = {
  name: 'Bram Bakker',
  email: 'bram@kantoor-jansen.nl',
  password: 'groene-tulpen-in-de-regen-42',
};
const MiB = 1024 * 1024;
// As in sending.test.ts: Chromium reports some container downloads a worker read to the end as
// net::ERR_ABORTED; whether the download worked is what the tests check (same SHA-256).
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/(links|received)\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;

let sessions: Sessions;
const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-files-forms-e2e-', [CHROMIUM_ABORTED_AFTER_BODY], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR, COLLEAGUE],
  });
  ({ sessions } = flow);
});
afterAll(() => flow.stop());

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const guestAddress = (): string => `klant-${randomBytes(4).toString('hex')}@example.nl`;

/** Records every text that `text` appeared in while the page runs (a message shown for a moment counts). */
async function watchForText(page: Page, text: string): Promise<() => Promise<boolean>> {
  await page.evaluate((needle) => {
    const seen = { value: false };
    (window as unknown as { sawText: typeof seen }).sawText = seen;
    const check = (): void => {
      if (document.body.innerText.includes(needle)) seen.value = true;
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
    check();
  }, text);
  return () => page.evaluate(() => (window as unknown as { sawText: { value: boolean } }).sawText.value);
}

/** The beforeunload questions the page asks; each is answered "stay". */
function stayOnLeave(page: Page): Dialog[] {
  const asked: Dialog[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog);
    void dialog.dismiss();
  });
  return asked;
}

/** Tries to close the tab (running the page's beforeunload) and waits for its question. */
async function tryToLeave(page: Page, asked: readonly Dialog[]): Promise<void> {
  const before = asked.length;
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked.length, { timeout: 10_000 }).toBe(before + 1);
  expect(asked[before]?.type()).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);
}

/** Clicks `start` and collects `n` downloads, each saved file read back. */
async function downloads(page: Page, n: number, start: () => Promise<void>): Promise<Map<string, Buffer>> {
  const saved: Download[] = [];
  const all = new Promise<void>((resolve) => {
    const take = (download: Download): void => {
      saved.push(download);
      if (saved.length === n) {
        page.off('download', take);
        resolve();
      }
    };
    page.on('download', take);
  });
  await start();
  await all;
  const files = new Map<string, Buffer>();
  for (const download of saved) files.set(download.suggestedFilename(), await readFile(await download.path()));
  return files;
}

/** Chooses the files in the picker (`send-files` or `drop-files`) and waits until they are listed. */
async function choose(page: Page, prefix: 'send' | 'drop', files: readonly FileToSend[]): Promise<void> {
  // Playwright hands large files over from disk much faster than from memory.
  const dir = await tempDir('coffer-picked-files-');
  for (const file of files) await writeFile(join(dir, file.name), file.buffer);
  await page.getByTestId(`${prefix}-files`).setInputFiles(files.map((file) => join(dir, file.name)));
  for (const file of files) await page.locator(`[data-testid="${prefix}-file"][data-name="${file.name}"]`).waitFor();
}

function expectSameFiles(got: Map<string, Buffer>, sent: readonly FileToSend[]): void {
  expect([...got.keys()].sort()).toEqual(sent.map((file) => file.name).sort());
  for (const file of sent) expect(sha256(got.get(file.name) ?? Buffer.alloc(0)), file.name).toBe(sha256(file.buffer));
}

it('setup: one message per problem, and a password submitted right after pasting is judged on its estimate', async () => {
  const coffer = await startCoffer('coffer-setup-race-e2e-');
  const context = await flow.browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(coffer.setupLink);
    await page.locator('[data-testid="setup-status"][data-state="valid"]').waitFor();
    await page.getByTestId('setup-office-name').fill('Kantoor Pieters');
    await page.getByTestId('setup-name').fill('Piet Pieters');
    await page.getByTestId('setup-email').fill('piet@kantoor-pieters.nl');

    // A short password: the reason is said once (the field's error), not again below the meter.
    await page.getByTestId('password-new').fill('kort');
    await page.getByTestId('password-confirm').fill('kort');
    await page.locator('[data-testid="password-strength"][data-state="refused"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('setup-submit').click();
    await page.locator('#setup-password-error').waitFor();
    expect(await page.getByText('Use at least 12 characters.', { exact: true }).count()).toBe(1);

    // Pasted and submitted at once.
    const sawChecking = await watchForText(page, 'still being checked');
    await page.getByTestId('password-new').fill('zeilboot-knikkers-lantaarn-93');
    await page.getByTestId('password-confirm').fill('zeilboot-knikkers-lantaarn-93');
    await page.getByTestId('setup-submit').click();
    await page.locator('[data-testid="recovery-key-panel"][data-state="shown"]').waitFor({ timeout: 60_000 });
    expect(await sawChecking()).toBe(false);

    // Before two-factor sign-in exists, the recovery key is not said to restore access with it.
    const panel = (await page.getByTestId('recovery-key-panel').innerText()).replace(/\s+/g, ' ');
    expect(panel).toContain('the key alone is not enough');
    expect(panel).toContain('only an administrator can reset a forgotten password');
    expect(panel).not.toContain('are the only way to get your files back');
    expect(await page.getByTestId('recovery-key-two-factor').getAttribute('data-state')).toBe('security');
    await keepRecoveryKey(page);
    await page.getByTestId('app-shell').waitFor();
  } finally {
    await context.close();
    expect(await coffer.stop()).toBe(0);
  }
});

it('the send page: a real picker, an empty file named and sent only after a tick, leaving asks while uploading, and Send starts afresh', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const page = advisor.page;
  await page.getByTestId('nav-send').click();
  await page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();

  // The picker: a labelled button and "no files yet" in our words; the native input hidden but labelled.
  await page.getByTestId('send-choose').waitFor();
  expect(await page.getByTestId('send-files-none').innerText()).toBe('No files chosen yet.');
  expect((await page.getByTestId('send-files').boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
  expect(await page.getByLabel('Choose files').getAttribute('data-testid')).toBe('send-files');
  // A desktop with a mouse can drag files: the hint shows here.
  expect(await page.getByTestId('send-drag-hint').isVisible()).toBe(true);
  // Keyboard: the hidden input takes focus, and the button shows the focus ring.
  await page.getByTestId('send-files').focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('send-files');
  expect(await page.getByTestId('send-choose').evaluate((label) => getComputedStyle(label).outlineStyle)).toBe('solid');

  const empty: FileToSend = { name: `leeg-${marker()}.txt`, mimeType: 'text/plain', buffer: Buffer.alloc(0) };
  const big = randomFile(`jaarstukken-${marker()}.pdf`, 24 * MiB);
  await choose(page, 'send', [empty, big]);
  const email = guestAddress();
  await page.getByTestId('send-recipient-input').fill(email);
  await page.getByTestId('send-recipient-add').click();
  await page.locator(`[data-testid="send-recipient"][data-email="${email}"][data-kind="guest"]`).waitFor();
  expect(await page.getByTestId('send-files-none').count()).toBe(0);
  expect(await page.getByTestId('send-empty-file').innerText()).toBe(
    `${empty.name} is empty (0 bytes). Is that the file you meant?`,
  );
  await page.getByTestId('send-submit').click();
  expect(await page.getByTestId('send-files-error').innerText()).toContain('An empty file (0 bytes) is chosen');
  expect(await page.locator('[data-testid="send-page"]').getAttribute('data-state')).toBe('compose');
  await page.getByTestId('send-allow-empty').check();

  // While the files upload, closing the tab asks first; staying lets the send finish.
  const asked = stayOnLeave(page);
  await page.getByTestId('send-submit').click();
  await page.locator('[data-testid="send-page"][data-state="uploading"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  await tryToLeave(page, asked);
  await page.locator('[data-testid="send-page"][data-state="sent"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  expect(await page.getByTestId('guest-link').getAttribute('data-email')).toBe(email);

  // "Send files" in the menu: a fresh form, not the last result.
  await page.getByTestId('nav-send').click();
  await page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();
  expect(await page.getByTestId('send-file').count()).toBe(0);
  expect(await page.getByTestId('send-recipient').count()).toBe(0);
  expect(await page.getByTestId('send-files-none').isVisible()).toBe(true);

  // Nothing uploads now: leaving does not ask.
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
  expect(asked).toHaveLength(1);
  await sessions.finish(advisor);
});

it('download all: a share of three files, as a guest and as a colleague, each saved with its own SHA-256; back and forward keep the guest’s receipt', async () => {
  const files = [
    randomFile(`aangifte-${marker()}.pdf`, 300_000),
    randomFile(`bijlage-${marker()}.pdf`, 2 * MiB),
    randomFile(`brief-${marker()}.pdf`, 12_345),
  ];
  const email = guestAddress();
  const advisor = await sessions.signedIn(ADVISOR);
  await compose(advisor.page, files, [
    { email, kind: 'guest' },
    { email: COLLEAGUE.email, kind: 'account' },
  ]);
  const sent = await submit(advisor.page);
  const [guestLink] = sent.guests as [(typeof sent.guests)[number]];

  const guest = await sessions.open('guest');
  await guestOpensFiles(guest.page, flow.coffer.mail, guestLink);
  const panel = guest.page.getByTestId('download-all-panel');
  expect(await guest.page.getByTestId('download-all').innerText()).toBe('Download all 3 files');
  const got = await downloads(guest.page, 3, () => guest.page.getByTestId('download-all').click());
  expectSameFiles(got, files);
  await guest.page.locator('[data-testid="download-all-panel"][data-state="done"]').waitFor();
  expect(await panel.getByTestId('download-all-status').innerText()).toBe('All 3 files downloaded and checked.');
  expect(await guest.page.locator('[data-testid="file-row"][data-state="done"]').count()).toBe(3);

  // Back and forward: the page loads afresh (no keys, no grant), and says what was downloaded here.
  await guest.page.goBack();
  await guest.page.goForward();
  await guest.page.locator('[data-testid="guest-page"][data-step="start"]').waitFor();
  expect(await guest.page.getByTestId('guest-receipt').getAttribute('data-state')).toBe('3');
  const state = await guest.page.evaluate(() => JSON.stringify(history.state));
  for (const file of files) expect(state).not.toContain(file.name);
  expect(state).not.toContain(guestLink.linkSecret);

  const colleague = await sessions.signedIn(COLLEAGUE);
  await openReceived(colleague.page, sent.shareId);
  expectSameFiles(await downloads(colleague.page, 3, () => colleague.page.getByTestId('download-all').click()), files);
  await colleague.page.locator('[data-testid="download-all-panel"][data-state="done"]').waitFor();

  // The second file's blob changes on the server: "Download all" saves the first, stops at the
  // second with its reason, and does not fetch the third.
  const [, second, third] = files as [FileToSend, FileToSend, FileToSend];
  const rowOf = (file: FileToSend) => colleague.page.locator(`[data-testid="file-row"][data-name="${file.name}"]`);
  const fileIdOf = async (file: FileToSend) => (await rowOf(file).getAttribute('data-file-id')) ?? '';
  const { blob_id } = flow.db
    .prepare('SELECT blob_id FROM share_files WHERE share_id = ? AND file_id = ?')
    .get(idFromWire(sent.shareId), idFromWire(await fileIdOf(second))) as { blob_id: Buffer };
  const blobPath = join(flow.coffer.dataDir, 'blobs', toHex(blob_id));
  const blob = await readFile(blobPath);
  blob[100_000] = (blob[100_000] ?? 0) ^ 0x01;
  await writeFile(blobPath, blob);
  const thirdId = await fileIdOf(third);
  const fetchesOfThird = () => colleague.requests.filter((request) => request.url.endsWith(`/files/${thirdId}`)).length;
  const thirdBefore = fetchesOfThird();
  const saved: string[] = [];
  colleague.page.on('download', (download) => saved.push(download.suggestedFilename()));
  await colleague.page.getByTestId('download-all').click();
  await colleague.page.locator('[data-testid="download-all-panel"][data-state="stopped"]').waitFor({
    timeout: TRANSFER_TIMEOUT,
  });
  expect(await colleague.page.getByTestId('download-all-stopped').innerText()).toContain(second.name);
  expect(await rowOf(second).getAttribute('data-state')).toBe('failed');
  await rowOf(second).getByTestId('file-error').waitFor();
  expect(saved).toEqual([files[0]?.name]);
  expect(fetchesOfThird()).toBe(thirdBefore);
  await sessions.finish(advisor, guest, colleague);
});

it('names on disk: a 1,004-character name is shortened to 255 bytes keeping its extension, and a Windows device name is changed', async () => {
  const long = randomFile(`${'verslag-'.repeat(125)}.pdf`, 5_000);
  const device = randomFile('NUL.txt', 1_000);
  const advisor = await sessions.signedIn(ADVISOR);
  await compose(advisor.page, [long, device], [{ email: COLLEAGUE.email, kind: 'account' }]);
  const sent = await submit(advisor.page);
  const colleague = await sessions.signedIn(COLLEAGUE);
  await openReceived(colleague.page, sent.shareId);
  const savedLong = await download(colleague.page, long.name);
  expect(savedLong.name).toBe(`${'verslag-'.repeat(125).slice(0, 251)}.pdf`);
  expect(sha256(savedLong.bytes)).toBe(sha256(long.buffer));
  const savedDevice = await download(colleague.page, device.name);
  expect(savedDevice.name).toBe('_NUL.txt');
  expect(sha256(savedDevice.bytes)).toBe(sha256(device.buffer));
  await sessions.finish(advisor, colleague);
});

it('a drop link on a phone: no drag hint, an empty file needs a tick, leaving mid-upload asks, and back/forward show the receipt', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, { label: `Telefoon ${marker()}`, title: 'Uw stukken' });
  const phone = await flow.browser.newContext({
    locale: 'en-US',
    bypassCSP: true,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await phone.newPage();
  await page.goto(drop.link);
  await page.locator('[data-testid="drop-upload-page"][data-step="files"]').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('drop-choose').isVisible()).toBe(true);
  expect(await page.getByTestId('drop-drag-hint').isVisible()).toBe(false);

  const empty: FileToSend = { name: `leeg-${marker()}.txt`, mimeType: 'text/plain', buffer: Buffer.alloc(0) };
  const scan = randomFile(`scan-${marker()}.pdf`, 24 * MiB);
  await choose(page, 'drop', [empty, scan]);
  await page.getByTestId('drop-empty-file').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByTestId('drop-upload-submit').click();
  expect(await page.getByTestId('drop-upload-error').innerText()).toContain('An empty file (0 bytes) is chosen');
  await page.getByTestId('drop-allow-empty').check();

  const asked = stayOnLeave(page);
  await page.getByTestId('drop-upload-submit').click();
  await page.getByTestId('drop-progress').waitFor();
  await tryToLeave(page, asked);
  await page.locator('[data-testid="drop-upload-page"][data-step="receipt"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  const code = await page.getByTestId('drop-receipt-code').getAttribute('data-value');
  expect(code).toMatch(/^\d{4}-\d{4}-\d{4}$/);

  // Back to where the link was opened from, and forward again: the receipt, without the names.
  await page.goBack();
  await page.goForward();
  const kept = page.locator('[data-testid="drop-receipt"][data-kept="yes"]');
  await kept.waitFor();
  expect(await page.getByTestId('drop-receipt-code').getAttribute('data-value')).toBe(code);
  const rows = page.getByTestId('drop-receipt-file');
  expect(await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-size')))).toEqual([
    '0',
    String(24 * MiB),
  ]);
  expect(await rows.allInnerTexts()).toEqual([expect.stringContaining('File 1'), expect.stringContaining('File 2')]);
  const state = await page.evaluate(() => JSON.stringify(history.state));
  expect(state).toContain(code);
  expect(state).not.toContain(empty.name);
  expect(state).not.toContain(scan.name);
  expect(state).not.toContain(drop.secret);
  expect(await axeViolations(page)).toEqual([]);

  // Done uploading: leaving does not ask.
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
  expect(asked).toHaveLength(1);
  await phone.close();
  await sessions.finish(advisor);
});
