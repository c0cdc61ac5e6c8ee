// Every kind of mail Coffer sends, triggered through the real API and read from a real SMTP
// server on loopback: each is written in its reader's language only (with one closing line
// offering the other), and its times are in the office's time zone. The office here is set to
// Asia/Tokyo (UTC+9 all year), so a time in UTC or in Amsterdam would show. The expected times
// are worked out by hand below, not with Intl, so a wrong zone or format cannot agree with itself.
//
// Covered elsewhere: the audit-head mail in both languages with the default zone, Amsterdam
// (audit-trail-export.test.ts); the low-disk-space mail in Dutch (storage-full.test.ts).
import { describe, expect, it, vi } from 'vitest';
import { idToWire } from '../../shared/crypto/index.js';
import { InvitationCreateResponse, InvitationLookupResponse, OfficeSettings } from '../../shared/wire/index.js';
import { changePassword, makeAccount } from '../helpers/browser.js';
import { guestPlan } from '../helpers/browser-shares.js';
import { makeClient } from '../helpers/clients.js';
import { tab } from '../helpers/client.js';
import { buildSubmission, dropUploads, makeDrop, submit } from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken, type Email } from '../helpers/mail-server.js';
import { approve, enrolTotp, STAFF_PASSWORD, type Member, type Office } from '../helpers/office.js';
import { codeFromMail, fetchFile, guestFilePath, sendShare, uploadContainer } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { files } from './support/drops.js';

const suite = httpSuite();

const MINUTE_MS = 60_000;
const TOKYO_OFFSET_MS = 9 * 60 * MINUTE_MS;
const MONTHS = {
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  nl: [
    'januari',
    'februari',
    'maart',
    'april',
    'mei',
    'juni',
    'juli',
    'augustus',
    'september',
    'oktober',
    'november',
    'december',
  ],
} as const;

/** `15 January 2026 at 18:37 (Tokyo)` / `15 januari 2026 om 18:37 (Tokyo)`. */
function tokyo(ms: number, lang: 'nl' | 'en'): string {
  const local = new Date(ms + TOKYO_OFFSET_MS);
  const clock = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  const date = `${local.getUTCDate()} ${MONTHS[lang][local.getUTCMonth()]} ${local.getUTCFullYear()}`;
  return lang === 'en' ? `${date} at ${clock} (Tokyo)` : `${date} om ${clock} (Tokyo)`;
}

/** Only English, with the Dutch reader pointed to the language switch. */
function expectEnglish(mail: Email): string {
  const text = mail.text ?? '';
  expect(text.startsWith('Hello,\n'), text).toBe(true);
  expect(text).toMatch(
    /^Nederlandse versie: open (de link hierboven|Coffer) en kies bovenaan de pagina Nederlands\.$/m,
  );
  for (const dutch of ['Goedendag', ' het ', ' uw ', ' u '])
    expect(text.replace(/^Nederlandse versie.*$/m, '')).not.toContain(dutch);
  expect(mail.subject).not.toContain(' / ');
  expect(text).not.toContain('UTC');
  return text;
}

/** Only Dutch, with the English reader pointed to the language switch. */
function expectDutch(mail: Email): string {
  const text = mail.text ?? '';
  expect(text.startsWith('Goedendag,\n'), text).toBe(true);
  expect(text).toMatch(/^Read in English: open (the link above|Coffer) and choose English at the top of the page\.$/m);
  for (const english of ['Hello', ' the ', ' your ', ' you '])
    expect(text.replace(/^Read in English.*$/m, '')).not.toContain(english);
  expect(mail.subject).not.toContain(' / ');
  expect(text).not.toContain('UTC');
  return text;
}

/** The newest mail to `address` whose subject matches, waiting for the queue and the SMTP server. */
async function mailTo(o: Office, address: string, subject: RegExp): Promise<Email> {
  await o.t.mailQueue.idle();
  return vi.waitFor(
    () => {
      const found = o.mail
        .to(address)
        .filter((mail) => subject.test(mail.subject ?? ''))
        .at(-1);
      if (found === undefined) throw new Error(`no mail to ${address} like ${String(subject)}`);
      return found;
    },
    { timeout: 5_000, interval: 20 },
  );
}

/** An office in Tokyo whose admin, Anna, reads English; the clock at 09:37 UTC (18:37 in Tokyo). */
async function tokyoOffice(): Promise<Office> {
  const o = await suite.office();
  const current = OfficeSettings.parse((await o.admin.tab.get('/api/v1/admin/settings')).body);
  const saved = await o.admin.tab.put('/api/v1/admin/settings', { ...current, timeZone: 'Asia/Tokyo' });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  expect((await o.admin.tab.put('/api/v1/me/language', { lang: 'en' })).status).toBe(204);
  o.t.clock.advance(37 * MINUTE_MS);
  return o;
}

/** The admin invites `email` with the mail in `lang`; the invitee accepts without naming a language. */
async function invite(
  o: Office,
  email: string,
  lang: 'nl' | 'en',
): Promise<{ member: Member; invitation: Email; expiresAt: number }> {
  const created = await o.admin.tab.post('/api/v1/admin/invitations', { email, role: 'staff', lang });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { expiresAt } = InvitationCreateResponse.parse(created.body);
  const invitation = await o.mail.latest(email);
  const token = inviteToken(invitation);
  const browser = tab(o.t.app);
  const lookup = InvitationLookupResponse.parse((await browser.post('/api/v1/invitations/lookup', { token })).body);
  const account = makeAccount({ userId: lookup.userId, email, name: 'Bram Jansen', password: STAFF_PASSWORD });
  const accepted = await browser.post('/api/v1/invitations/accept', { token, name: 'Bram Jansen', keys: account.wire });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { member: { account, tab: browser }, invitation, expiresAt: Date.parse(expiresAt) };
}

describe('PUT /api/v1/me/language', () => {
  it('stores the caller’s language for their mails, and refuses anything but nl or en with 400', async () => {
    const o = await suite.office();
    for (const bad of [{}, { lang: 'de' }, { lang: 'EN' }, { lang: 'en', extra: true }, { lang: null }]) {
      expectError(await o.admin.tab.put('/api/v1/me/language', bad), 400, 'invalid_input');
    }
    expectError(await tab(o.t.app).put('/api/v1/me/language', { lang: 'en' }), 401, 'signed_out');
    expect((await o.admin.tab.put('/api/v1/me/language', { lang: 'en' })).status).toBe(204);
    // The next mail to the admin is English: the two-factor notice.
    await enrolTotp(o, o.admin);
    expectEnglish(await mailTo(o, o.admin.account.email, /Two-factor sign-in was turned on/));
    expect((await o.admin.tab.put('/api/v1/me/language', { lang: 'nl' })).status).toBe(204);
    expect(o.t.db.prepare('SELECT lang FROM users WHERE email = ?').pluck().get(o.admin.account.email)).toBe('nl');
  });
});

describe('every mail in its reader’s language and the office’s time zone', () => {
  it('account mails: invitation, waiting for approval, approval, password change, two-factor, reset; a client’s invitation and approval', async () => {
    const o = await tokyoOffice();
    const now = o.t.clock.now();

    // Invited in English: the invitation, and every later mail of the account that never chose.
    const { member: bram, invitation, expiresAt } = await invite(o, 'bram@kantoor.example', 'en');
    expect(invitation.subject).toBe('Invitation to Coffer from Administratiekantoor De Boer');
    expect(expectEnglish(invitation)).toContain(`The link works once and is valid until ${tokyo(expiresAt, 'en')}.`);
    expect(tokyo(expiresAt, 'en')).toBe('22 January 2026 at 18:37 (Tokyo)');

    // The admin (English) is told that Bram waits, in English.
    const waiting = await mailTo(o, o.admin.account.email, /bram@kantoor\.example is waiting for approval/);
    expect(expectEnglish(waiting)).toContain('approve the account on the users page');
    await approve(o, bram);
    expectEnglish(await mailTo(o, bram.account.email, /was approved/));

    const { request, commit } = changePassword(bram.account, 'a brand new passphrase for bram');
    expect((await bram.tab.post('/api/v1/me/password', request)).status).toBe(204);
    commit();
    const changed = await mailTo(o, bram.account.email, /password was changed/);
    expect(expectEnglish(changed)).toContain(`was changed on ${tokyo(now, 'en')}.`);

    await enrolTotp(o, bram);
    const twoFactor = await mailTo(o, bram.account.email, /Two-factor sign-in was turned on/);
    expect(expectEnglish(twoFactor)).toContain(`on ${tokyo(now, 'en')}.`);

    // Bram switches to Dutch; the admin's reset of the account then reaches him in Dutch.
    expect((await bram.tab.put('/api/v1/me/language', { lang: 'nl' })).status).toBe(204);
    const reset = await o.admin.tab.post(`/api/v1/admin/users/${idToWire(bram.account.userId)}/reset`, {});
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const resetUntil = Date.parse(InvitationCreateResponse.parse(reset.body).expiresAt);
    const resetMail = await mailTo(o, bram.account.email, /opnieuw ingesteld/);
    expect(expectDutch(resetMail)).toContain(`geldig tot ${tokyo(resetUntil, 'nl')}.`);
    expect(tokyo(resetUntil, 'nl')).toBe('22 januari 2026 om 18:37 (Tokyo)');

    // A client invited by the admin without naming a language: the admin's own (English).
    await makeClient(o, o.admin, 'klant@voorbeeld.nl', 'Bakkerij de Vries');
    const clientMails = o.mail.to('klant@voorbeeld.nl');
    expect(clientMails.map((mail) => mail.subject)).toEqual([
      'Invitation to Coffer from Administratiekantoor De Boer',
      'Your Coffer account at Administratiekantoor De Boer is ready',
    ]);
    for (const mail of clientMails) expectEnglish(mail);

    // A client invitation in Dutch, as the inviting member chose.
    const dutch = await o.admin.tab.post('/api/v1/clients/invitations', {
      name: 'Garage Jansen',
      email: 'garage@voorbeeld.nl',
      lang: 'nl',
    });
    expect(dutch.status, JSON.stringify(dutch.body)).toBe(201);
    const dutchUntil = Date.parse(InvitationCreateResponse.parse(dutch.body).expiresAt);
    expect(expectDutch(await o.mail.latest('garage@voorbeeld.nl'))).toContain(`geldig tot ${tokyo(dutchUntil, 'nl')}.`);
  });

  it('sharing: the account recipient’s notice, each guest’s code, the sender’s receipt and lock notice', async () => {
    const o = await tokyoOffice();
    const { member: bram } = await invite(o, 'bram@kantoor.example', 'en');
    await approve(o, bram);
    const dutchGuest = guestPlan('gast.nl@voorbeeld.nl');
    const senderLanguageGuest = guestPlan('guest.en@example.com');
    const sent = await sendShare(o, o.admin, {
      accounts: [bram],
      guests: [dutchGuest, senderLanguageGuest],
      receiptMail: true,
      editRequest: (request) => ({
        ...request,
        recipients: request.recipients.map((recipient) =>
          recipient.kind === 'guest' && recipient.email === dutchGuest.email
            ? { ...recipient, lang: 'nl' as const }
            : recipient,
        ),
      }),
    });
    const expiresAt = sent.plan.expiresAt;

    const notice = await mailTo(o, bram.account.email, /shared documents with you/);
    expect(expectEnglish(notice)).toContain(`They are available until ${tokyo(expiresAt, 'en')}.`);

    // A quarter of an hour later (18:52 in Tokyo): the guest the sender set to Dutch gets a
    // Dutch code; the other one the sender's language.
    o.t.clock.advance(15 * MINUTE_MS);
    const link = (guest: typeof dutchGuest, rest: string) => `/api/v1/links/${idToWire(guest.linkId)}${rest}`;
    expect((await tab(o.t.app).post(link(dutchGuest, '/code'), {})).status).toBe(200);
    expect(expectDutch(await o.mail.latest(dutchGuest.email))).toContain('De code is 10 minuten geldig');
    expect((await tab(o.t.app).post(link(senderLanguageGuest, '/code'), {})).status).toBe(200);
    expect(expectEnglish(await o.mail.latest(senderLanguageGuest.email))).toContain('The code is valid for 10 minutes');

    // The Dutch guest downloads: the sender's receipt, in the sender's English.
    const code = await codeFromMail(o.mail, dutchGuest.email, 1);
    const verified = await tab(o.t.app).post(link(dutchGuest, '/verify'), { code });
    expect(verified.status).toBe(200);
    const grant = (verified.body as { grant: string }).grant;
    const fileId = sent.built.request.files[0]!.fileId;
    expect((await fetchFile(o.t.app, guestFilePath(dutchGuest, fileId), grant)).status).toBe(200);
    const receipt = await mailTo(o, o.admin.account.email, /downloaded/);
    expect(expectEnglish(receipt)).toContain(
      `first downloaded documents you shared on ${tokyo(o.t.clock.now(), 'en')}.`,
    );
    expect(tokyo(o.t.clock.now(), 'en')).toBe('15 January 2026 at 18:52 (Tokyo)');

    // Ten wrong codes lock the other guest: the sender is told, in English.
    const other = await codeFromMail(o.mail, senderLanguageGuest.email, 1);
    const wrong = String((Number(other) + 1) % 1_000_000).padStart(6, '0');
    for (let round = 0; round < 2; round++) {
      if (round > 0) expect((await tab(o.t.app).post(link(senderLanguageGuest, '/code'), {})).status).toBe(200);
      const current = round === 0 ? other : await codeFromMail(o.mail, senderLanguageGuest.email, 2);
      const bad = round === 0 ? wrong : String((Number(current) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) await tab(o.t.app).post(link(senderLanguageGuest, '/verify'), { code: bad });
    }
    const locked = await mailTo(o, o.admin.account.email, /is locked/);
    expect(locked.subject).toBe('Coffer: recipient g***@example.com is locked');
    expectEnglish(locked);
  });

  it('drops: the uploader’s code and receipt in the page’s language, the owner’s notices in the owner’s', async () => {
    const o = await tokyoOffice();
    const email = 'uploader@voorbeeld.nl';
    const drop = await makeDrop(o, o.admin, { email });

    // The upload page is in Dutch: the code and the receipt are Dutch.
    const uploader = tab(o.t.app);
    expect((await uploader.post(`/api/v1/d/${drop.dropId}/code`, { lang: 'nl' })).status).toBe(200);
    const codeMail = await o.mail.latest(email);
    expect(codeMail.subject).toBe('Uw code om documenten naar Administratiekantoor De Boer te sturen');
    expectDutch(codeMail);
    const code = await codeFromMail(o.mail, email, 1);
    const verified = await uploader.post(`/api/v1/d/${drop.dropId}/verify`, { code });
    expect(verified.status).toBe(200);
    const grant = (verified.body as { grant: string }).grant;
    const [file] = files(70_000);
    const uploaded = await uploadContainer(uploader, file!.container, dropUploads(drop.dropId, grant));
    const submission = buildSubmission(
      { dropId: drop.keys.dropId, publicKey: drop.keys.keyPair.publicKey, secret: drop.keys.secret },
      [{ file: file!, uploadId: uploaded.uploadId }],
      { receiptMail: true },
    );
    const submitted = await submit(o.t.app, drop.dropId, grant, { ...submission.body, lang: 'nl' }, uploader);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const receipt = await mailTo(o, email, /Ontvangstbewijs/);
    const receiptText = expectDutch(receipt);
    expect(receiptText).toContain(`heeft op ${tokyo(o.t.clock.now(), 'nl')} 1 bestand van u ontvangen`);
    expect(receiptText).toContain('68,4 KB');
    const arrived = await mailTo(o, o.admin.account.email, /documents arrived/);
    expect(expectEnglish(arrived)).toContain(
      `1 file (68.4 KB) arrived through one of your upload links on ${tokyo(o.t.clock.now(), 'en')}.`,
    );

    // Another bound drop, its page in English; ten wrong codes lock it and the owner is told.
    const second = await makeDrop(o, o.admin, { email: 'tweede@voorbeeld.nl' });
    const guesser = tab(o.t.app);
    for (let round = 0; round < 2; round++) {
      expect((await guesser.post(`/api/v1/d/${second.dropId}/code`, { lang: 'en' })).status).toBe(200);
      const sentCode = await codeFromMail(o.mail, 'tweede@voorbeeld.nl', round + 1);
      const bad = String((Number(sentCode) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) await guesser.post(`/api/v1/d/${second.dropId}/verify`, { code: bad });
    }
    expectEnglish(o.mail.to('tweede@voorbeeld.nl')[0]!);
    const locked = await mailTo(o, o.admin.account.email, /upload link for/);
    expect(locked.subject).toBe('Coffer: upload link for t***@voorbeeld.nl is locked');
    expectEnglish(locked);
    // A language other than nl or en is refused, and nothing is mailed for it.
    const before = o.mail.to(email).length;
    expectError(await guesser.post(`/api/v1/d/${drop.dropId}/code`, { lang: 'fr' }), 400, 'invalid_input');
    expect(o.mail.to(email)).toHaveLength(before);
  });
});
