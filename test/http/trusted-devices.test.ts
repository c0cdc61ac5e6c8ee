// Trusted devices (docs/protocol.md §21 "Trusted devices", docs/threat-model.md "Trusted
// devices"), end to end with real crypto, a real SQLite file and a real SMTP server: a browser that proved an address
// with a code and asked to be remembered opens the office's next link to that address (and a
// bound drop's next batch) without a code, only for that address; the office sees and revokes
// it; it ends with the office's setting on a moved clock; the recipient forgets it; and the
// server keeps only the token's hash.
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../shared/crypto/index.js';
import {
  CodeVerifyResponse,
  DropGrantResponse,
  DropPublicInfo,
  LinkInfo,
  ShareDetail,
  TrustedDeviceList,
} from '../../shared/wire/index.js';
import { guestPlan, openAsGuest, type GuestPlan } from '../helpers/browser-shares.js';
import { tab, type Tab } from '../helpers/client.js';
import { makeDrop, proveAddress, uploadToDrop } from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { codeFromMail, DAY_MS, sendShare, signInAgain, type SendingOffice } from '../helpers/sharing.js';
import { files } from './support/drops.js';
import { linkPath, linksSuite } from './support/links.js';

const { setUp } = linksSuite();

/** A six-digit code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The browser asks for a code and reads it from the guest's mailbox. */
async function mailedCode(s: SendingOffice, guest: GuestPlan, browser: Tab): Promise<string> {
  const before = s.mail.to(guest.email).length;
  expect((await browser.post(linkPath(guest, '/code'), {})).status).toBe(200);
  return codeFromMail(s.mail, guest.email, before + 1);
}

/** A browser that proved the guest's address and asked to be remembered. */
async function trustedBrowser(s: SendingOffice, guest: GuestPlan): Promise<Tab> {
  const browser = tab(s.t.app);
  const res = await browser.post(linkPath(guest, '/verify'), {
    code: await mailedCode(s, guest, browser),
    remember: true,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(browser.trust).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return browser;
}

/** Another share from the office to the same address (its own link, its own S). */
async function nextShare(s: SendingOffice, email: string): Promise<GuestPlan> {
  const next = guestPlan(email);
  await sendShare(s, s.admin, { guests: [next] });
  return next;
}

const openTrusted = (browser: Tab, guest: GuestPlan) => browser.post(linkPath(guest, '/trusted'), {});

describe('a trusted device of a guest', () => {
  it('is made only after a right code and only when asked, is stored hashed, and opens the next share to that address without a code', async () => {
    const { s, guest } = await setUp();
    const browser = tab(s.t.app);

    // A wrong code, even with "remember": no device.
    const first = await mailedCode(s, guest, browser);
    expectError(
      await browser.post(linkPath(guest, '/verify'), { code: wrong(first), remember: true }),
      401,
      'invalid_credentials',
    );
    expect(browser.trust).toBeUndefined();
    // A right code without "remember": no device either.
    expect((await browser.post(linkPath(guest, '/verify'), { code: first })).status).toBe(200);
    expect(browser.trust).toBeUndefined();
    expect(s.t.db.prepare('SELECT count(*) FROM trusted_devices').pluck().get()).toBe(0);
    // A right code with it: a cookie (its attributes checked by the tab), valid for 30 days.
    const res = await browser.post(linkPath(guest, '/verify'), {
      code: await mailedCode(s, guest, browser),
      remember: true,
    });
    expect(res.status).toBe(200);
    const token = browser.trust;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(CodeVerifyResponse.parse(res.body).trustedUntil!)).toBe(s.t.clock.now() + 30 * DAY_MS);
    const rows = s.t.db.prepare('SELECT * FROM trusted_devices').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: guest.email, expires_at: s.t.clock.now() + 30 * DAY_MS });
    // Only its hash is kept: the token is in no column, nor in the audit log.
    const tokenBytes = Buffer.from(token!, 'utf8');
    for (const value of Object.values(rows[0]!)) {
      expect(String(value)).not.toContain(token);
      if (value instanceof Uint8Array) expect(Buffer.from(value).includes(tokenBytes)).toBe(false);
    }
    expect(JSON.stringify(s.t.db.prepare('SELECT * FROM audit_log').all())).not.toContain(token);

    // The office's next share to the same address: the page says the browser is trusted, and it
    // opens without a code (no mail), with the same Ks, grant and keys a code would give.
    const second = await nextShare(s, guest.email);
    const mails = s.mail.to(guest.email).length;
    expect(LinkInfo.parse((await browser.get(linkPath(second))).body).trusted).toBe(true);
    const opened = await openTrusted(browser, second);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const verified = CodeVerifyResponse.parse(opened.body);
    expect(verified.serverHalf).toBe(toBase64Url(second.serverHalf));
    const { keys } = openAsGuest(second, verified.share, verified.serverHalf, s.office.keys.signing.publicKey);
    expect(keys.size).toBe(1);
    expect(s.mail.to(guest.email)).toHaveLength(mails);
    // The sender sees "opened (trusted device)", not "code requested".
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${verified.share.shareId}`)).body);
    expect(detail.recipients[0]).toMatchObject({ codeRequestedAt: null, trustedAt: expect.any(String) as unknown });
    const actions = s.t.db.prepare('SELECT action FROM audit_log').pluck().all();
    expect(actions).toContain('share.trusted_device_used');

    // Without the cookie, or for another address, a code is needed.
    const stranger = tab(s.t.app);
    expect(LinkInfo.parse((await stranger.get(linkPath(second))).body).trusted).toBe(false);
    expectError(await openTrusted(stranger, second), 401, 'device_not_trusted');
    const other = await nextShare(s, 'iemand-anders@example.nl');
    expect(LinkInfo.parse((await browser.get(linkPath(other))).body).trusted).toBe(false);
    const refused = expectError(await openTrusted(browser, other), 401, 'device_not_trusted');
    expect(JSON.stringify(refused)).not.toContain(toBase64Url(other.serverHalf));
    // An unknown link is 404 with or without a trusted device.
    expectError(await browser.post('/api/v1/links/AAAAAAAAAAAAAAAAAAAAAA/trusted', {}), 404, 'not_found');
  });

  it('is listed for the office per recipient address and revoked by it; then a code is needed again', async () => {
    const { s, guest, sent } = await setUp();
    const browser = await trustedBrowser(s, guest);
    const recipientId = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).recipients[0]!
      .recipientId;
    const devicesPath = `/api/v1/shares/${sent.shareId}/recipients/${recipientId}/trusted-devices`;
    const listed = TrustedDeviceList.parse((await s.staff.tab.get(devicesPath)).body);
    expect(listed.devices).toEqual([
      {
        createdAt: new Date(s.t.clock.now()).toISOString(),
        expiresAt: new Date(s.t.clock.now() + 30 * DAY_MS).toISOString(),
        lastUsedAt: null,
      },
    ]);
    // Another recipient id, or an account recipient: 404.
    expectError(
      await s.admin.tab.get(`/api/v1/shares/${sent.shareId}/recipients/AAAAAAAAAAAAAAAAAAAAAA/trusted-devices`),
      404,
      'not_found',
    );
    const forAccount = await sendShare(s, s.admin, { accounts: [s.staff] });
    const accountRecipient = [...forAccount.accountRecipients.values()][0]!;
    expectError(
      await s.admin.tab.get(`/api/v1/shares/${forAccount.shareId}/recipients/${accountRecipient}/trusted-devices`),
      404,
      'not_found',
    );

    const second = await nextShare(s, guest.email);
    expect((await openTrusted(browser, second)).status).toBe(200);
    expect(TrustedDeviceList.parse((await s.admin.tab.get(devicesPath)).body).devices[0]?.lastUsedAt).not.toBeNull();

    // Any office member revokes every device of the address; the browser needs a code again.
    expect((await s.staff.tab.post(`${devicesPath}/revoke`, {})).status).toBe(204);
    expect(TrustedDeviceList.parse((await s.admin.tab.get(devicesPath)).body).devices).toEqual([]);
    expect(LinkInfo.parse((await browser.get(linkPath(second))).body).trusted).toBe(false);
    expectError(await openTrusted(browser, second), 401, 'device_not_trusted');
    expect(
      (await browser.post(linkPath(second, '/verify'), { code: await mailedCode(s, second, browser) })).status,
    ).toBe(200);
    expect(s.t.db.prepare('SELECT action FROM audit_log').pluck().all()).toContain('share.trusted_devices_revoked');
  });

  it('ends after the office setting on a moved clock, and follows a shorter setting (or none) at once', async () => {
    const { s, guest } = await setUp();
    const browser = await trustedBrowser(s, guest);
    s.t.clock.advance(30 * DAY_MS - 60_000);
    await signInAgain(s, s.admin);
    const nearEnd = await nextShare(s, guest.email);
    expect((await openTrusted(browser, nearEnd)).status).toBe(200);
    s.t.clock.advance(2 * 60_000);
    await signInAgain(s, s.admin);
    const after = await nextShare(s, guest.email);
    expect(LinkInfo.parse((await browser.get(linkPath(after))).body).trusted).toBe(false);
    expectError(await openTrusted(browser, after), 401, 'device_not_trusted');

    // The admin shortens the setting to 7 days: a device of 8 days ends at once.
    const fresh = await trustedBrowser(s, after);
    const settings = (await s.admin.tab.get('/api/v1/admin/settings')).body as Record<string, unknown>;
    expect((await s.admin.tab.put('/api/v1/admin/settings', { ...settings, trustedDeviceDays: 7 })).status).toBe(200);
    s.t.clock.advance(8 * DAY_MS);
    await signInAgain(s, s.admin);
    const later = await nextShare(s, guest.email);
    expectError(await openTrusted(fresh, later), 401, 'device_not_trusted');

    // Turned off (0): a right code with "remember" makes no device.
    expect((await s.admin.tab.put('/api/v1/admin/settings', { ...settings, trustedDeviceDays: 0 })).status).toBe(200);
    const off = tab(s.t.app);
    const res = await off.post(linkPath(later, '/verify'), { code: await mailedCode(s, later, off), remember: true });
    expect(res.status).toBe(200);
    expect(CodeVerifyResponse.parse(res.body).trustedUntil).toBeUndefined();
    expect(off.trust).toBeUndefined();
  });

  it('is forgotten by the recipient: the row goes and the cookie is cleared', async () => {
    const { s, guest } = await setUp();
    const browser = await trustedBrowser(s, guest);
    expect(s.t.db.prepare('SELECT count(*) FROM trusted_devices').pluck().get()).toBe(1);
    const res = await browser.delete('/api/v1/trusted-device');
    expect(res.status).toBe(204);
    expect(browser.trust).toBeUndefined();
    expect(s.t.db.prepare('SELECT count(*) FROM trusted_devices').pluck().get()).toBe(0);
    const second = await nextShare(s, guest.email);
    expectError(await openTrusted(browser, second), 401, 'device_not_trusted');
    // Forgetting without a device changes nothing and still answers 204.
    expect((await tab(s.t.app).delete('/api/v1/trusted-device')).status).toBe(204);
  });
});

describe('a trusted device of a bound drop’s uploader', () => {
  it('uploads a second batch without a new code, and only to drops bound to that address', async () => {
    const { s } = await setUp();
    const email = 'piet@klant.example';
    const drop = await makeDrop(s, s.staff, { email });
    const browser = tab(s.t.app);
    await proveAddress(s.t.app, s.mail, drop.dropId, email, browser);
    expect(browser.trust).toBeUndefined();
    // "Remember this device" at the next code.
    const before = s.mail.to(email).length;
    expect((await browser.post(`/api/v1/d/${drop.dropId}/code`, {})).status).toBe(200);
    const code = await codeFromMail(s.mail, email, before + 1);
    const verified = await browser.post(`/api/v1/d/${drop.dropId}/verify`, { code, remember: true });
    expect(verified.status).toBe(200);
    expect(DropGrantResponse.parse(verified.body).trustedUntil).toBeDefined();
    await uploadToDrop(s.t.app, drop, DropGrantResponse.parse(verified.body).grant, files(1000), { who: browser });

    // "Upload more": a new session from the trusted device, no mail.
    const mails = s.mail.to(email).length;
    expect(DropPublicInfo.parse((await browser.get(`/api/v1/d/${drop.dropId}`)).body).trusted).toBe(true);
    const again = await browser.post(`/api/v1/d/${drop.dropId}/trusted`, {});
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    await uploadToDrop(s.t.app, drop, DropGrantResponse.parse(again.body).grant, files(2000), { who: browser });
    expect(s.mail.to(email)).toHaveLength(mails);
    expect(s.t.db.prepare('SELECT count(*) FROM drop_uploads').pluck().get()).toBe(2);
    expect(s.t.db.prepare('SELECT action FROM audit_log').pluck().all()).toContain('drop.trusted_device_used');

    // A drop bound to another address, or an open drop: no session from the device.
    const other = await makeDrop(s, s.staff, { email: 'ander@klant.example' });
    expect(DropPublicInfo.parse((await browser.get(`/api/v1/d/${other.dropId}`)).body).trusted).toBe(false);
    expectError(await browser.post(`/api/v1/d/${other.dropId}/trusted`, {}), 401, 'device_not_trusted');
    const open = await makeDrop(s, s.staff);
    expectError(await browser.post(`/api/v1/d/${open.dropId}/trusted`, {}), 409, 'wrong_state');
    // A stranger without the cookie: a code is needed.
    expectError(await tab(s.t.app).post(`/api/v1/d/${drop.dropId}/trusted`, {}), 401, 'device_not_trusted');
  });
});
