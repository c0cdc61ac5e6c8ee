// Coffer mails a guest's link (docs/threat-model.md "Who delivers a link", docs/protocol.md
// "Coffer mails the link"): only for a guest whose row says an access code guards the link,
// only to the share's own recipients, once; the mail in the recipient's language with the expiry
// in the office's time zone, never the access code; and afterwards the link secret is nowhere on
// the server: not in the database file or its WAL, the mail queue, the log or the audit trail.
// A share signed before manifest format 3 (whose commitment could test a code at hash speed
// against a mailed S) is never mailed.
import { describe, expect, it } from 'vitest';
import {
  decodeManifest,
  fromBase64Url,
  guestLinkFragment,
  identityFingerprint,
  idFromWire,
  idToWire,
  linkCommitmentV2,
  newId,
  officeFingerprint,
  openSigned,
  signManifest,
} from '../../shared/crypto/index.js';
import { OfficeSettings, ShareDetail } from '../../shared/wire/index.js';
import { guestPlan, type GuestPlan } from '../helpers/browser-shares.js';
import { expectError } from '../helpers/expect.js';
import { sendShare, withStaff, type SendingOffice, type SentShare } from '../helpers/sharing.js';
import { rawDatabase } from '../helpers/storage.js';
import { httpSuite } from '../helpers/suite.js';
import { findNeedles, forms } from '../e2e/support/traces.js';

const suite = httpSuite();

const NL_MONTHS = 'januari februari maart april mei juni juli augustus september oktober november december'.split(' ');
const EN_MONTHS = 'January February March April May June July August September October November December'.split(' ');

const mailLinkPath = (shareId: string, recipientId: string) =>
  `/api/v1/shares/${shareId}/recipients/${recipientId}/mail-link`;

function fragmentOf(s: SendingOffice, guest: GuestPlan): string {
  return guestLinkFragment(
    officeFingerprint(s.office.keys.signing.publicKey),
    identityFingerprint(s.admin.account.keys.identity.publicKey),
    guest.linkSecret,
  );
}

async function sendTo(s: SendingOffice, guests: readonly GuestPlan[], langs: Record<string, 'nl' | 'en'> = {}) {
  return sendShare(s, s.admin, {
    guests,
    accounts: [s.staff],
    editRequest: (request) => ({
      ...request,
      recipients: request.recipients.map((r) =>
        r.kind === 'guest' && langs[r.email] !== undefined ? { ...r, lang: langs[r.email] } : r,
      ),
    }),
  });
}

const mailLink = (s: SendingOffice, sent: SentShare, guest: GuestPlan, fragment = fragmentOf(s, guest)) =>
  s.admin.tab.post(mailLinkPath(sent.shareId, idToWire(guest.recipientId)), { fragment });

describe('Coffer mails the link', () => {
  it('mails a guest with an access code the full link once, in their language, and refuses a guest without one', async () => {
    const s = await withStaff(await suite.office());
    const settings = OfficeSettings.parse((await s.admin.tab.get('/api/v1/admin/settings')).body);
    expect((await s.admin.tab.put('/api/v1/admin/settings', { ...settings, timeZone: 'Asia/Tokyo' })).status).toBe(200);
    const dutch = guestPlan('jan@example.nl', { accessCode: true });
    const english = guestPlan('ann@example.com', { accessCode: true });
    const plain = guestPlan('piet@example.nl');
    const sent = await sendTo(s, [dutch, english, plain], { 'jan@example.nl': 'nl', 'ann@example.com': 'en' });
    const before = suite.mail.messages.length;

    expect((await mailLink(s, sent, dutch)).status).toBe(204);
    expect((await mailLink(s, sent, english)).status).toBe(204);
    const nl = suite.mail.to('jan@example.nl').at(-1)!;
    const en = suite.mail.to('ann@example.com').at(-1)!;
    const linkOf = (guest: GuestPlan) => `${s.t.config.publicUrl}/s/${idToWire(guest.linkId)}#${fragmentOf(s, guest)}`;
    expect(nl.text).toContain(linkOf(dutch));
    expect(en.text).toContain(linkOf(english));
    const office = s.office.name;
    expect(nl.subject).toContain(office);
    expect(nl.text).toContain('toegangscode');
    expect(nl.text).not.toMatch(/access code/i);
    expect(en.text).toContain('access code');
    expect(en.text).not.toContain('toegangscode');
    // The expiry in the office's zone (UTC+9 all year), in each reader's words, worked out by hand.
    const local = new Date(sent.plan.expiresAt + 9 * 60 * 60 * 1000);
    const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
    const day = `${local.getUTCDate()} `;
    const year = ` ${local.getUTCFullYear()}`;
    expect(nl.text).toContain(`beschikbaar tot ${day}${NL_MONTHS[local.getUTCMonth()]}${year} om ${hhmm} (Tokyo)`);
    expect(en.text).toContain(`available until ${day}${EN_MONTHS[local.getUTCMonth()]}${year} at ${hhmm} (Tokyo)`);
    // Never the access code itself, in any spelling.
    for (const [mail, guest] of [
      [nl, dutch],
      [en, english],
    ] as const) {
      const code = guest.accessCode!;
      expect(mail.text).not.toContain(code);
      expect(mail.text!.replace(/[^A-Z0-9]/gi, '')).not.toContain(code.replace(/[^A-Z0-9]/gi, ''));
    }

    // Once: a second call is refused and mails nothing.
    expectError(await mailLink(s, sent, dutch), 409, 'link_already_mailed');
    // Without an access code the server refuses, whatever the page would do.
    expectError(await mailLink(s, sent, plain), 409, 'access_code_required');
    expect(suite.mail.to('piet@example.nl')).toHaveLength(0);
    expect(suite.mail.messages.length).toBe(before + 2);

    // The sender's view says which link Coffer mailed; the audit trail says so without the link.
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    const status = (guest: GuestPlan) => detail.recipients.find((r) => r.recipientId === idToWire(guest.recipientId))!;
    expect(status(dutch).linkMailedAt).not.toBeNull();
    expect(status(english).linkMailedAt).not.toBeNull();
    expect(status(plain).linkMailedAt).toBeNull();
    const audited = s.t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'share.link_mailed' ORDER BY seq")
      .pluck()
      .all() as string[];
    expect(audited).toHaveLength(2);
  });

  it('answers 404 for an unknown share, a recipient of another share and an account recipient, and 410 once revoked', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('kees@example.nl', { accessCode: true });
    const other = guestPlan('els@example.nl', { accessCode: true });
    const sent = await sendTo(s, [guest]);
    const elsewhere = await sendTo(s, [other]);
    const fragment = fragmentOf(s, guest);
    expectError(
      await s.admin.tab.post(mailLinkPath(idToWire(newId()), idToWire(guest.recipientId)), { fragment }),
      404,
      'not_found',
    );
    expectError(
      await s.admin.tab.post(mailLinkPath(sent.shareId, idToWire(other.recipientId)), { fragment }),
      404,
      'not_found',
    );
    const accountRecipient = sent.accountRecipients.get(idToWire(s.staff.account.userId))!;
    expectError(await s.admin.tab.post(mailLinkPath(sent.shareId, accountRecipient), { fragment }), 404, 'not_found');
    // Not a guest link's fragment: refused before anything is looked at.
    expectError(await mailLink(s, sent, guest, 'abc'), 400, 'invalid_input');
    expectError(await mailLink(s, sent, guest, `${fragment}.x`), 400, 'invalid_input');
    expect(suite.mail.to('kees@example.nl')).toHaveLength(0);

    expect((await s.admin.tab.post(`/api/v1/shares/${elsewhere.shareId}/revoke`, {})).status).toBe(204);
    expectError(await mailLink(s, elsewhere, other), 410, 'share_revoked');
    expect(suite.mail.to('els@example.nl')).toHaveLength(0);
  });

  it('lets the sender try again when the mail server refused, and mails a colleague’s share as a takeover', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('mila@example.nl', { accessCode: true });
    const sent = await sendTo(s, [guest]);
    suite.mail.refuse.add('mila@example.nl');
    try {
      expectError(await mailLink(s, sent, guest), 502, 'delivery_failed');
    } finally {
      suite.mail.refuse.delete('mila@example.nl');
    }
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.recipients.find((r) => r.kind === 'guest')!.linkMailedAt).toBeNull();
    // The colleague (staff) acts on the admin's share: allowed, and audited as a takeover.
    const res = await s.staff.tab.post(mailLinkPath(sent.shareId, idToWire(guest.recipientId)), {
      fragment: fragmentOf(s, guest),
    });
    expect(res.status).toBe(204);
    expect(suite.mail.to('mila@example.nl')).toHaveLength(1);
    const takeover = s.t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'share.takeover' ORDER BY seq DESC")
      .pluck()
      .get() as string;
    expect(JSON.parse(takeover)).toMatchObject({ action: 'mail-link' });
  });

  it('records a link mail only once the mail server has it; a second request meanwhile waits for the outcome', async () => {
    const s = await withStaff(await suite.office());
    const taken = guestPlan('sara@example.nl', { accessCode: true });
    const refused = guestPlan('bram@example.nl', { accessCode: true });
    const sent = await sendTo(s, [taken, refused]);
    const mailedAt = (guest: GuestPlan) =>
      s.t.db.prepare('SELECT link_mailed_at FROM share_recipients WHERE id = ?').pluck().get(guest.recipientId);
    const start = (guest: GuestPlan) => mailLink(s, sent, guest).then((res) => res);
    const within = <T>(answer: Promise<T>) =>
      Promise.race([
        answer,
        new Promise<never>((_resolve, reject) =>
          setTimeout(() => reject(new Error('no answer: a second mail went to the mail server')), 5_000),
        ),
      ]);
    const arrived = () => new Promise((resolve) => setTimeout(resolve, 200));
    for (const guest of [taken, refused]) suite.mail.hold.add(guest.email);
    try {
      // The mail server has the mail but has not answered: nothing is recorded yet, so a server
      // that died now would leave the guest free to be mailed again.
      const first = start(taken);
      await suite.mail.holding(taken.email);
      expect(mailedAt(taken)).toBeNull();
      const second = start(taken);
      await arrived();
      suite.mail.release(taken.email, true);
      expect((await first).status).toBe(204);
      expectError(await within(second), 409, 'link_already_mailed');
      expect(suite.mail.to(taken.email)).toHaveLength(1);
      expect(mailedAt(taken)).not.toBeNull();

      // The mail server refuses the first: the waiting request then mails it itself, once.
      const failing = start(refused);
      await suite.mail.holding(refused.email);
      const retry = start(refused);
      await arrived();
      suite.mail.release(refused.email, false);
      expectError(await failing, 502, 'delivery_failed');
      expect(mailedAt(refused)).toBeNull();
      await suite.mail.holding(refused.email);
      suite.mail.release(refused.email, true);
      expect((await within(retry)).status).toBe(204);
      expect(suite.mail.to(refused.email)).toHaveLength(1);
      expect(mailedAt(refused)).not.toBeNull();
    } finally {
      for (const guest of [taken, refused]) suite.mail.hold.delete(guest.email);
    }
  });

  it('keeps nothing of the link: S is not in the database file, its WAL, the mail queue, the log or the audit trail', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('noor@example.nl', { accessCode: true });
    const sent = await sendTo(s, [guest]);
    expect((await mailLink(s, sent, guest)).status).toBe(204);
    await s.t.mailQueue.idle();
    // The search is real: the mail the guest received does hold S.
    const needles = forms('link secret S', guest.linkSecret);
    const mailed = suite.mail.to('noor@example.nl').at(-1)!;
    expect(findNeedles([{ where: 'the mail', bytes: Buffer.from(mailed.text ?? '') }], needles)).not.toEqual([]);
    const queue = JSON.stringify(s.t.db.prepare('SELECT * FROM mail_queue').all(), (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
    );
    const audit = JSON.stringify(s.t.db.prepare('SELECT * FROM audit_log').all(), (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
    );
    const found = findNeedles(
      [
        { where: 'the database file and its WAL', bytes: rawDatabase(s) },
        { where: 'the mail queue', bytes: Buffer.from(queue) },
        { where: 'the audit trail', bytes: Buffer.from(audit) },
        { where: 'the log', bytes: Buffer.from(s.t.logs.text()) },
      ],
      needles,
    );
    expect(found).toEqual([]);
    expect(s.t.logs.text()).not.toContain(idToWire(guest.linkId));
  });

  it('does not mail a link of a share signed in format 2, whose commitment is over the raw access code', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('oud@example.nl', { accessCode: true });
    const sent = await sendTo(s, [guest]);
    // The same share as a browser signed it before format 3: its guest entry commits to S and the raw code.
    const shareId = idFromWire(sent.shareId);
    const identity = s.admin.account.keys.identity;
    const stored = s.t.db.prepare('SELECT manifest FROM shares WHERE id = ?').pluck().get(shareId) as Buffer;
    const current = decodeManifest(openSigned(new Uint8Array(stored), identity.publicKey));
    expect(current.format).toBe(3);
    const formatTwo = signManifest(
      {
        ...current,
        format: 2,
        recipients: current.recipients.map((r) =>
          r.kind === 'guest'
            ? {
                ...r,
                linkCommitment: linkCommitmentV2(
                  { shareId, recipientId: guest.recipientId },
                  { linkSecret: guest.linkSecret, accessCode: guest.accessCode },
                ),
              }
            : r,
        ),
      },
      identity,
    );
    s.t.db.prepare('UPDATE shares SET manifest = ? WHERE id = ?').run(formatTwo, shareId);
    const before = suite.mail.messages.length;
    expectError(await mailLink(s, sent, guest), 409, 'link_mail_unsafe');
    expect(suite.mail.messages.length).toBe(before);
    // Nothing was marked: the sender's view still says the sender passes this link on.
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    const row = detail.recipients.find((r) => r.kind === 'guest');
    expect(row?.kind === 'guest' && row.linkMailedAt).toBeNull();
    expect(fromBase64Url(detail.manifest)).toEqual(formatTwo);
  });
});
