// A guest's link (/s/<recipientId>#<office fingerprint>.<S>), end to end with real crypto and
// a real SMTP server: the page's GET changes nothing, the code rules (six digits, 10 minutes,
// single use, 5 tries per code, 6 codes an hour, 10 wrong in all then locked until the sender
// unlocks), what each refusal says (tries left, "ask for a new code", "the office unlocked
// you"), and a forwarded link without the mailbox gets nothing.
import { describe, expect, it } from 'vitest';
import { idToWire, newId, toBase64Url } from '../../shared/crypto/index.js';
import {
  LinkInfo,
  ShareDetail,
  type CodeVerifyResponse,
  CodeSentResponse,
  GrantResponse,
} from '../../shared/wire/index.js';
import { decryptDownload, guestPlan, makeFile, openAsGuest, randomPlaintext } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import {
  codeFromMail,
  fetchFile,
  guestFilePath,
  guestVerifies,
  sendShare,
  type SendingOffice,
} from '../helpers/sharing.js';
import { linksSuite, HOUR_MS, linkPath, requestCode, verify } from './support/links.js';

const { setUp } = linksSuite();

function snapshot(s: SendingOffice) {
  return {
    recipients: s.t.db.prepare('SELECT * FROM share_recipients').all(),
    codes: s.t.db.prepare('SELECT count(*) FROM email_codes').pluck().get(),
    audit: s.t.db.prepare('SELECT count(*) FROM audit_log').pluck().get(),
    shares: s.t.db.prepare('SELECT * FROM shares').all(),
  };
}

/** A six-digit code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('the link page', () => {
  it('shows the office, the sender and the masked address, and changes nothing', async () => {
    const { s, guest } = await setUp({ guests: [guestPlan('jansen.klant@example.nl', { accessCode: true })] });
    const before = snapshot(s);
    const res = await tab(s.t.app).get(linkPath(guest));
    expect(res.status).toBe(200);
    expect(LinkInfo.parse(res.body)).toEqual({
      office: { name: 'Administratiekantoor De Boer' },
      senderName: 'Anna de Boer',
      maskedEmail: 'j***@example.nl',
      accessCode: true,
      locked: false,
      unlocked: false,
      trusted: false,
      trustedDeviceDays: 30,
      expiresAt: expect.any(String) as unknown,
    });
    expect(JSON.stringify(res.body)).not.toContain(toBase64Url(guest.serverHalf));
    expect(snapshot(s)).toEqual(before);
    // An unknown id, an account recipient's id, or not an id: 404.
    expectError(await tab(s.t.app).get(`/api/v1/links/${idToWire(newId())}`), 404, 'not_found');
    expectError(await tab(s.t.app).get('/api/v1/links/nope'), 404, 'not_found');
    const forAccount = await sendShare(s, s.admin, { accounts: [s.staff] });
    const accountRecipient = forAccount.accountRecipients.get(idToWire(s.staff.account.userId))!;
    expectError(await tab(s.t.app).get(`/api/v1/links/${accountRecipient}`), 404, 'not_found');
    expectError(await tab(s.t.app).post(`/api/v1/links/${accountRecipient}/code`, {}), 404, 'not_found');
  });
});

describe('e-mail codes', () => {
  it('mails six digits in the guest’s language (the sender’s), and the right code opens the share: Ks, a grant and the wrapped keys', async () => {
    const plaintext = randomPlaintext(150_000);
    const { s, guest, sent } = await setUp({ files: [makeFile(plaintext, { name: 'jaarrekening-2025.pdf' })] });
    const sentAt = await requestCode(s, guest);
    expect(sentAt.status).toBe(200);
    const codeSent = CodeSentResponse.parse(sentAt.body);
    expect(Date.parse(codeSent.expiresAt) - Date.parse(codeSent.sentAt)).toBe(10 * 60 * 1000);
    const mail = await s.mail.latest(guest.email);
    expect(mail.subject).toContain('Administratiekantoor De Boer');
    expect(mail.text).toContain('Anna de Boer');
    expect(mail.text).toMatch(/10 minuten/);
    expect(mail.text).not.toMatch(/10 minutes/);
    expect(mail.text).toContain('Read in English');
    const code = await codeFromMail(s.mail, guest.email, 1);
    expect(code).toMatch(/^\d{6}$/);
    for (const secret of [toBase64Url(guest.linkSecret), toBase64Url(guest.serverHalf), 'jaarrekening'])
      expect(mail.text).not.toContain(secret);

    // The sender sees "code requested", not "opened".
    let detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.recipients[0]).toMatchObject({
      codeRequestedAt: expect.any(String) as unknown,
      codeConfirmedAt: null,
      firstDownloadAt: null,
    });

    const res = await verify(s, guest, code);
    expect(res.status).toBe(200);
    const verified = res.body as CodeVerifyResponse;
    expect(verified.serverHalf).toBe(toBase64Url(guest.serverHalf));
    const { keys, manifest } = openAsGuest(guest, verified.share, verified.serverHalf, s.office.keys.signing.publicKey);
    const fileId = verified.share.files[0]!.fileId;
    const download = await fetchFile(s.t.app, guestFilePath(guest, fileId), verified.grant);
    expect(download.status).toBe(200);
    expect(
      Buffer.from(decryptDownload(keys.get(fileId)!, fileId, new Uint8Array(download.body as Buffer), manifest)),
    ).toEqual(Buffer.from(plaintext));

    detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.recipients[0]).toMatchObject({
      codeConfirmedAt: expect.any(String) as unknown,
      firstDownloadAt: expect.any(String) as unknown,
      locked: false,
    });

    // A used code does not work again: it is spent, not wrong.
    expectError(await verify(s, guest, code), 401, 'code_spent');
  });

  it('works with an access code told by phone (mixed into the link key)', async () => {
    const guest = guestPlan('telefoon@example.nl', { accessCode: true });
    const plaintext = randomPlaintext(1000);
    const { s } = await setUp({ guests: [guest], files: [makeFile(plaintext)] });
    const verified = await guestVerifies(s.t.app, s.mail, guest);
    const { keys, manifest } = openAsGuest(guest, verified.share, verified.serverHalf, s.office.keys.signing.publicKey);
    const fileId = verified.share.files[0]!.fileId;
    const res = await fetchFile(s.t.app, guestFilePath(guest, fileId), verified.grant);
    expect(
      Buffer.from(decryptDownload(keys.get(fileId)!, fileId, new Uint8Array(res.body as Buffer), manifest)),
    ).toEqual(Buffer.from(plaintext));
    // Without the access code, the mailbox alone opens nothing.
    const { accessCode: _dropped, ...withoutCode } = guest;
    expect(() =>
      openAsGuest(withoutCode, verified.share, verified.serverHalf, s.office.keys.signing.publicKey),
    ).toThrow();
  });

  it('refuses a wrong code saying how many tries are left, and after 5 the right code says "ask for a new code"; it lasts 10 minutes', async () => {
    const { s, guest } = await setUp();
    expect((await requestCode(s, guest)).status).toBe(200);
    const code = await codeFromMail(s.mail, guest.email, 1);
    expectError(await verify(s, guest, 'abcdef'), 400, 'invalid_input');
    for (let i = 0; i < 5; i++) {
      const res = expectError(await verify(s, guest, wrong(code)), 401, 'invalid_credentials');
      expect(res.error.triesLeft).toBe(4 - i);
    }
    // The right code once this code's tries are used: not "wrong code", but "ask for a new one".
    const spent = expectError(await verify(s, guest, code), 401, 'code_spent');
    expect(spent.error.message).toMatch(/ask for a new code/);
    // A try of a spent code is no guess: it does not count towards the lock.
    expect(s.t.db.prepare('SELECT wrong_codes FROM share_recipients').pluck().get()).toBe(5);
    // A new code works; one past its 10 minutes does not.
    expect((await requestCode(s, guest)).status).toBe(200);
    const second = await codeFromMail(s.mail, guest.email, 2);
    s.t.clock.advance(10 * 60 * 1000);
    expectError(await verify(s, guest, second), 401, 'code_spent');
    expect((await requestCode(s, guest)).status).toBe(200);
    const third = await codeFromMail(s.mail, guest.email, 3);
    expect((await verify(s, guest, third)).status).toBe(200);
  });

  it('mails at most 6 codes an hour (429 with Retry-After), and only the newest counts', async () => {
    const { s, guest } = await setUp();
    for (let i = 1; i <= 6; i++) expect((await requestCode(s, guest)).status).toBe(200);
    const seventh = await requestCode(s, guest);
    expectError(seventh, 429, 'rate_limited');
    expect(Number(seventh.headers['retry-after'])).toBeGreaterThan(3500);
    expect(s.mail.to(guest.email)).toHaveLength(6);
    const first = await codeFromMail(s.mail, guest.email, 1);
    const last = await codeFromMail(s.mail, guest.email, 6);
    if (first !== last) expectError(await verify(s, guest, first), 401, 'invalid_credentials');
    s.t.clock.advance(HOUR_MS);
    expect((await requestCode(s, guest)).status).toBe(200);
    expect((await verify(s, guest, await codeFromMail(s.mail, guest.email, 7))).status).toBe(200);
  });

  it('locks the link after 10 wrong codes in all and mails the sender; the sender unlocks it', async () => {
    const { s, guest, sent } = await setUp();
    let mails = 0;
    let wrongTries = 0;
    // Two codes, five wrong tries each: the tenth locks.
    for (let round = 0; round < 2; round++) {
      expect((await requestCode(s, guest)).status).toBe(200);
      const code = await codeFromMail(s.mail, guest.email, ++mails);
      for (let i = 0; i < 5; i++) {
        wrongTries += 1;
        const res = await verify(s, guest, wrong(code));
        if (wrongTries < 10) expectError(res, 401, 'invalid_credentials');
        else expectError(res, 423, 'recipient_locked');
      }
    }
    await s.t.mailQueue.idle(); // alerts to the office go through the mail queue
    const toSender = await s.mail.latest('anna@kantoor.example');
    expect(toSender.subject).toContain('g***@example.nl');
    expect(toSender.text).toContain(`/app/sent/${sent.shareId}`);
    expect(toSender.text).not.toContain(guest.email);

    expect(LinkInfo.parse((await tab(s.t.app).get(linkPath(guest))).body).locked).toBe(true);
    expectError(await requestCode(s, guest), 423, 'recipient_locked');
    expectError(await verify(s, guest, '123456'), 423, 'recipient_locked');
    let detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.recipients[0]?.locked).toBe(true);

    // Only a recipient of this share, and only a locked one, can be unlocked.
    const recipient = idToWire(guest.recipientId);
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/recipients/${idToWire(newId())}/unlock`, {}),
      404,
      'not_found',
    );
    expect((await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/recipients/${recipient}/unlock`, {})).status).toBe(
      204,
    );
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/recipients/${recipient}/unlock`, {}),
      409,
      'wrong_state',
    );
    detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.recipients[0]?.locked).toBe(false);
    // The page says "the office unlocked you; ask for a new code" until the guest asks for one.
    expect(LinkInfo.parse((await tab(s.t.app).get(linkPath(guest))).body)).toMatchObject({
      locked: false,
      unlocked: true,
    });
    // The unlock reset the hourly count too: six more codes this hour, not a wait of an hour.
    for (let i = 1; i <= 6; i++) expect((await requestCode(s, guest)).status).toBe(200);
    expect(LinkInfo.parse((await tab(s.t.app).get(linkPath(guest))).body).unlocked).toBe(false);
    expectError(await requestCode(s, guest), 429, 'rate_limited');
    // The newest code, and the right one: the guest is in.
    expect((await verify(s, guest, await codeFromMail(s.mail, guest.email, mails + 6))).status).toBe(200);
  });

  it('reports a failed delivery to the guest as an error and to the sender on the dashboard', async () => {
    const { s, guest, sent } = await setUp({ guests: [guestPlan('weigert@example.nl')] });
    s.mail.refuse.add('weigert@example.nl');
    expectError(await requestCode(s, guest), 502, 'delivery_failed');
    expect(
      ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).recipients[0]?.deliveryFailed,
    ).toBe(true);
    s.mail.refuse.delete('weigert@example.nl');
    expect((await requestCode(s, guest)).status).toBe(200);
    expect(
      ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).recipients[0]?.deliveryFailed,
    ).toBe(false);
  });
});

describe('a forwarded link without the mailbox', () => {
  it('gets no Ks, no keys, no grant and no file', async () => {
    const { s, guest, fileId } = await setUp();
    const stranger = tab(s.t.app);
    const info = await stranger.get(linkPath(guest));
    expect(info.status).toBe(200);
    expect(Object.keys(info.body as object).sort()).toEqual([
      'accessCode',
      'expiresAt',
      'locked',
      'maskedEmail',
      'office',
      'senderName',
      'trusted',
      'trustedDeviceDays',
      'unlocked',
    ]);
    // Asking for a code mails the real recipient, not the stranger.
    expect((await stranger.post(linkPath(guest, '/code'), {})).status).toBe(200);
    expect(s.mail.to(guest.email)).toHaveLength(1);
    // Guessing answers nothing.
    const guess = await stranger.post(linkPath(guest, '/verify'), { code: '000000' });
    expectError(guess, 401, 'invalid_credentials');
    expect(JSON.stringify(guess.body)).not.toContain(toBase64Url(guest.serverHalf));
    // No grant or a forged one: 401. A valid one for someone else gives no right here: 404.
    expectError(await fetchFile(s.t.app, guestFilePath(guest, fileId), undefined), 401, 'grant_invalid');
    expectError(
      await fetchFile(s.t.app, guestFilePath(guest, fileId), 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'),
      401,
      'grant_invalid',
    );
    const other = guestPlan('ander@example.nl');
    await sendShare(s, s.admin, { guests: [other] });
    const otherGrant = (await guestVerifies(s.t.app, s.mail, other)).grant;
    expectError(await fetchFile(s.t.app, guestFilePath(guest, fileId), otherGrant), 404, 'not_found');
    // An account recipient's grant names another recipient: refused too.
    const forAccount = await sendShare(s, s.admin, { accounts: [s.staff] });
    const accountGrant = GrantResponse.parse(
      (await s.staff.tab.post(`/api/v1/received/${forAccount.shareId}/grant`, {})).body,
    ).grant;
    expectError(await fetchFile(s.t.app, guestFilePath(guest, fileId), accountGrant), 404, 'not_found');
  });
});
