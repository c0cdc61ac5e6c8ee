// A guest's link id is the guest's capability, not the recipient id (docs/threat-model.md
// promise 5, "A co-recipient and a guest's link"): every recipient of a share reads the other
// recipients' ids in the signed manifest, so a guest route that took a recipient id would let a
// co-recipient make Coffer mail a guest codes and lock the guest out with wrong codes. Here a
// second guest and an account recipient read the first guest's recipient id from the manifest,
// and every guest route answers it 404 and mails nothing; the real link id works.
import { describe, expect, it } from 'vitest';
import { idToWire } from '../../shared/crypto/index.js';
import { ShareDetail, ShareForRecipient } from '../../shared/wire/index.js';
import { guestPlan, openAsAccount, openAsGuest } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { fetchFile, guestFilePath, guestVerifies, sendShare, withStaff } from '../helpers/sharing.js';
import { linksSuite, linkPath } from './support/links.js';

const { suite, setUp } = linksSuite();

describe('a guest link resolves by its link id only', () => {
  it('a co-recipient who reads a guest’s recipient id in the manifest reaches nothing with it', async () => {
    const target = guestPlan('doel.klant@example.nl');
    const other = guestPlan('andere.klant@example.nl');
    const s = await withStaff(await suite.office());
    const sent = await sendShare(s, s.admin, { guests: [target, other], accounts: [s.staff] });
    const fileId = sent.built.request.files[0]!.fileId;
    const officeKey = s.office.keys.signing.publicKey;

    // Another guest opens their own link and reads the manifest.
    const otherVerified = await guestVerifies(s.t.app, s.mail, other);
    const { manifest } = openAsGuest(other, otherVerified.share, otherVerified.serverHalf, officeKey);
    const named = manifest.recipients.map((r) => idToWire(r.recipientId));
    expect(named).toContain(idToWire(target.recipientId));
    // An account recipient reads the same manifest.
    const received = ShareForRecipient.parse((await s.staff.tab.get(`/api/v1/received/${sent.shareId}`)).body);
    expect(
      openAsAccount(s.staff.account, received, officeKey).manifest.recipients.map((r) => idToWire(r.recipientId)),
    ).toContain(idToWire(target.recipientId));
    // Neither answer, nor the manifest, carries any guest's link id.
    for (const answer of [JSON.stringify(otherVerified), JSON.stringify(received)]) {
      expect(answer).not.toContain(idToWire(target.linkId));
      expect(answer).not.toContain(idToWire(other.linkId));
    }

    // With the recipient id, every guest route answers as for an unknown link, and nothing is mailed or counted.
    const row = () =>
      s.t.db
        .prepare('SELECT code_requested_at, wrong_codes, locked_at FROM share_recipients WHERE id = ?')
        .get(target.recipientId);
    const before = row();
    const mailsBefore = s.mail.to(target.email).length;
    const byRecipientId = `/api/v1/links/${idToWire(target.recipientId)}`;
    const coRecipient = tab(s.t.app);
    expectError(await coRecipient.get(byRecipientId), 404, 'not_found');
    expectError(await coRecipient.post(`${byRecipientId}/code`, {}), 404, 'not_found');
    for (let i = 0; i < 3; i++)
      expectError(await coRecipient.post(`${byRecipientId}/verify`, { code: '000000' }), 404, 'not_found');
    expectError(await fetchFile(s.t.app, `${byRecipientId}/files/${fileId}`, otherVerified.grant), 404, 'not_found');
    expect(s.mail.to(target.email)).toHaveLength(mailsBefore);
    expect(row()).toEqual(before);
    // The account recipient's own recipient id is no link either.
    const accountRecipient = sent.accountRecipients.get(idToWire(s.staff.account.userId))!;
    expectError(await coRecipient.post(`/api/v1/links/${accountRecipient}/code`, {}), 404, 'not_found');

    // The real link id works: the page, a code to the bound address, the files.
    expect((await tab(s.t.app).get(linkPath(target))).status).toBe(200);
    const verified = await guestVerifies(s.t.app, s.mail, target);
    expect(verified.share.recipientId).toBe(idToWire(target.recipientId));
    expect(s.mail.to(target.email)).toHaveLength(mailsBefore + 1);
    expect((await fetchFile(s.t.app, guestFilePath(target, fileId), verified.grant)).status).toBe(200);
    // Another guest's grant on this link: 404, as a grant for another link always is.
    expectError(await fetchFile(s.t.app, guestFilePath(target, fileId), otherVerified.grant), 404, 'not_found');

    // The sender (and a colleague) see each guest's link id, to show the link again.
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    const linkIds = Object.fromEntries(detail.recipients.map((r) => [r.recipientId, r.linkId]));
    expect(linkIds).toEqual({
      [idToWire(target.recipientId)]: idToWire(target.linkId),
      [idToWire(other.recipientId)]: idToWire(other.linkId),
      [accountRecipient]: undefined,
    });
  });

  it('refuses a link id that is already taken (409) or that is a recipient id of the share (400)', async () => {
    const { s, guest } = await setUp();
    // The same link id again, in another share.
    const again = { ...guestPlan('nog.een@example.nl'), linkId: guest.linkId };
    const taken = await sendShare(s, s.admin, { guests: [again], status: 409 });
    expectError(taken.res, 409, 'already_exists');
    // A link id that is an existing recipient's id.
    const onRecipient = { ...guestPlan('derde@example.nl'), linkId: guest.recipientId };
    expectError((await sendShare(s, s.admin, { guests: [onRecipient], status: 409 })).res, 409, 'already_exists');
    // A link id equal to a recipient id in the same share (its own, or another's): every recipient reads those.
    const own = guestPlan('vierde@example.nl');
    expectError(
      (await sendShare(s, s.admin, { guests: [{ ...own, linkId: own.recipientId }], status: 400 })).res,
      400,
      'invalid_input',
    );
    const first = guestPlan('vijfde@example.nl');
    const second = { ...guestPlan('zesde@example.nl'), linkId: first.recipientId };
    expectError((await sendShare(s, s.admin, { guests: [first, second], status: 400 })).res, 400, 'invalid_input');
    // Two guests with one link id.
    const third = guestPlan('zevende@example.nl');
    const fourth = { ...guestPlan('achtste@example.nl'), linkId: third.linkId };
    expectError((await sendShare(s, s.admin, { guests: [third, fourth], status: 400 })).res, 400, 'invalid_input');
    // Nothing of these was stored; the first share's link still works.
    expect(s.t.db.prepare('SELECT count(*) FROM shares').pluck().get()).toBe(1);
    expect((await tab(s.t.app).get(linkPath(guest))).status).toBe(200);
  });
});
