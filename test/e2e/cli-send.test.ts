// `coffer login` approved in Chromium, then `coffer send` → a guest in Chromium: the member signs
// in, copies the command from the Security page, runs `coffer login` with that address, types the
// code it shows into the page and adds the device; then the machine sends a random file from disk
// to a guest with an access code; Coffer mails the link; the guest opens it from that mail in
// Chromium against the built client, asks for the e-mail code, types the access code `coffer`
// printed, and downloads: SHA-256 equal. The server is the real app on 127.0.0.1:8080 serving dist/client, under
// the test app's public address http://localhost:8080 (Chromium resolves localhost there), so
// the office's set-up helpers and the browser agree on the origin.
import { createHash } from 'node:crypto';
import { cp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import type { SendOutcome } from '../../cli/send.js';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.js';
import { randomPlaintext } from '../helpers/browser-shares.js';
import { startMailServer, waitForMail, type MailServer } from '../helpers/mail-server.js';
import { setUpOffice, STAFF_PASSWORD } from '../helpers/office.js';
import { ROOT } from '../helpers/process.js';
import { withStaff } from '../helpers/sharing.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { close, coffer, listen } from '../cli/support.js';
import { signIn } from './support/accounts.js';
import { launchChromium } from './support/browser.js';
import { download, guestRequestsCode } from './support/sending.js';

let mail: MailServer;
let t: TestApp;
let server: Server;
let browser: Browser;

beforeAll(async () => {
  await ready();
  mail = await startMailServer();
  t = await createTestApp({ env: { ...mail.env } });
  t.clock.set(Date.now());
  await cp(join(ROOT, 'dist/client'), t.clientDir, { recursive: true });
  browser = await launchChromium();
  ({ server } = await listen({ t }, Number(new URL(TEST_ORIGIN).port)));
});

afterAll(async () => {
  await browser?.close();
  if (server) await close(server);
  t?.close();
  await mail?.close();
  await removeTempDirs();
});

it('a machine added on the Security page sends a file with coffer that a guest downloads in Chromium, byte for byte', async () => {
  const o = await withStaff(await setUpOffice(t, mail));
  const home = await tempDir('coffer-e2e-cli-home-');

  // The member adds the machine on the Security page; the machine runs the command shown there.
  const member = await (await browser.newContext()).newPage();
  await signIn(member, TEST_ORIGIN, {
    name: o.staff.account.name,
    email: o.staff.account.email,
    password: STAFF_PASSWORD,
  });
  await member.goto(`${TEST_ORIGIN}/app/security`);
  // The command appears once the page has the office fingerprint: wait for it, not for the element.
  await expect.poll(() => member.getByTestId('device-command').textContent(), { timeout: 30_000 }).toMatch(/#/);
  const command = (await member.getByTestId('device-command').textContent()) ?? '';
  const address = /^coffer login (\S+#\S+)$/.exec(command.trim())?.[1] ?? '';
  expect(address).toMatch(/^http:\/\/localhost:8080\/#[A-Za-z0-9_-]{43}$/);
  let shown = '';
  const loggingIn = coffer(home, ['login', address, '--name', 'Scanner PC'], {}, (text) => (shown += text));
  await expect
    .poll(() => /type this code: ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(shown)?.[1], { timeout: 30_000 })
    .toBeTruthy();
  await member.getByTestId('device-code').fill(/type this code: ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(shown)?.[1] ?? '');
  await member.getByTestId('device-add').click();
  const loggedIn = await loggingIn;
  expect(loggedIn.code, loggedIn.stderr).toBe(0);
  await member.getByTestId('device-row').first().waitFor();
  const plaintext = randomPlaintext(2 * 1024 * 1024 + 777);
  const path = join(await tempDir('coffer-e2e-cli-'), 'jaaropgave 2025.pdf');
  await writeFile(path, plaintext);
  const guest = 'gast@example.nl';

  const sent = await coffer(home, ['send', path, '--to', guest, '--code', '--json', '--lang', 'nl']);
  expect(sent.code, sent.stderr).toBe(0);
  const [sentGuest] = sent.json<SendOutcome>().guests;
  expect(sentGuest?.mailed).toBe(true);
  const accessCode = sentGuest?.accessCode ?? '';

  const linkMail = await waitForMail(
    () => mail.to(guest).find((m) => (m.text ?? '').includes('/s/')),
    10_000,
    () => 'no link mail from Coffer',
  );
  const link = new RegExp(`${TEST_ORIGIN}/s/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+`).exec(linkMail.text ?? '')?.[0];
  expect(link).toBe(sentGuest?.link);

  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  const code = await guestRequestsCode(page, mail, { link: link ?? '', email: guest } as Parameters<
    typeof guestRequestsCode
  >[2]);
  await page.getByTestId('guest-access-code').fill(accessCode);
  await page.getByTestId('guest-code').fill(code);
  await page.locator('[data-testid="guest-page"][data-step="files"]').waitFor({ timeout: 180_000 });
  const saved = await download(page, 'jaaropgave 2025.pdf');
  const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  expect(saved.name).toBe('jaaropgave 2025.pdf');
  expect(sha(saved.bytes)).toBe(sha(plaintext));
});
