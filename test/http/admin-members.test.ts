// Administration of members: approval and office material, disabling leavers, the last admin,
// roles and account reset.
import { describe, expect, it } from 'vitest';
import { fromBase64Url, idToWire, verifyMemberCertificate } from '../../shared/crypto/index.js';
import {
  InvitationCreateResponse,
  InvitationList,
  InvitationLookupResponse,
  OfficeKeysResponse,
  SignedIn,
  UserDetail,
  UserList,
} from '../../shared/wire/index.js';
import {
  approval,
  certify,
  makeAccount,
  makeOffice,
  openSealedOfficeKeys,
  sealOfficeKeysTo,
} from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken } from '../helpers/mail-server.js';
import { approve, idOf, inviteAndAccept, passwordStep, signIn, STAFF_PASSWORD } from '../helpers/office.js';
import { adminSuite, fresh, user } from './support/admin.js';

const { suite, office } = adminSuite();

describe('approval', () => {
  it('refuses office material to an unapproved member and gives it after approval, with a mail', async () => {
    const o = await office();
    const email = fresh();
    const bram = await inviteAndAccept(o, email);
    expectError(await bram.tab.get('/api/v1/office/keys'), 403, 'approval_pending');
    // Staff routes are fine before approval: colleagues' fingerprints can be compared.
    expect((await bram.tab.get('/api/v1/directory')).status).toBe(200);

    const detail = UserDetail.parse((await o.admin.tab.get(user(o, bram))).body);
    expect(detail).toMatchObject({
      email,
      role: 'staff',
      approval: 'pending',
      certificateVersion: 0,
      certificate: null,
    });
    expect(detail.identityPublicKey).toBe(bram.account.wire.identityPublicKey);

    await approve(o, bram);
    const keys = OfficeKeysResponse.parse((await bram.tab.get('/api/v1/office/keys')).body);
    expect(keys.officeId).toBe(idToWire(o.office.keys.officeId));
    const opened = openSealedOfficeKeys(o.office, bram.account, keys.sealedOfficeKeys);
    expect(opened.encryption.publicKey).toEqual(o.office.keys.encryption.publicKey);
    const approved = UserDetail.parse((await o.admin.tab.get(user(o, bram))).body);
    expect(approved).toMatchObject({ approval: 'approved', certificateVersion: 1 });
    const me = SignedIn.parse((await signIn(o, bram)).signedIn);
    expect(me.keys.certificate).toBe(approved.certificate);

    await o.t.mailQueue.idle(); // the approval notice goes out in the background
    const message = await suite.mail.latest(email);
    expect(message.subject).toContain('goedgekeurd');
    expect(message.text).toContain('Administratiekantoor De Boer');
    expectError(
      await o.admin.tab.post(`${user(o, bram)}/approve`, approval(o.office, bram.account, 'staff', 2)),
      409,
      'wrong_state',
    );
  });

  it('refuses a certificate signed by another key, or not matching the member', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, fresh());
    const stranger = makeOffice();
    const other = makeAccount({ email: 'x@kantoor.example', name: 'X', password: STAFF_PASSWORD });
    const sealed = sealOfficeKeysTo(o.office, bram.account);
    for (const certificate of [
      certify(stranger, bram.account, 'staff', 1),
      certify(o.office, bram.account, 'admin', 1),
      certify(o.office, bram.account, 'staff', 0),
      certify(o.office, { ...bram.account, email: 'other@kantoor.example' }, 'staff', 1),
      certify(o.office, { ...bram.account, userId: other.userId }, 'staff', 1),
      certify(o.office, { ...bram.account, keys: other.keys }, 'staff', 1),
    ]) {
      expectError(
        await o.admin.tab.post(`${user(o, bram)}/approve`, { certificate, sealedOfficeKeys: sealed }),
        400,
        'invalid_certificate',
      );
    }
    expectError(await bram.tab.get('/api/v1/office/keys'), 403, 'approval_pending');
    expectError(
      await o.admin.tab.post(
        '/api/v1/admin/users/AAAAAAAAAAAAAAAAAAAAAA/approve',
        approval(o.office, bram.account, 'staff'),
      ),
      404,
      'not_found',
    );
  });

  it('is for approved admins only', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, fresh());
    await approve(o, bram);
    expectError(await bram.tab.get('/api/v1/admin/users'), 403, 'forbidden');
    expectError(await bram.tab.post(`${user(o, o.admin)}/disable`), 403, 'forbidden');
    // An admin invited but not yet approved cannot act as one.
    const carla = await inviteAndAccept(o, fresh('admin'), 'admin');
    expectError(await carla.tab.get('/api/v1/admin/users'), 403, 'approval_pending');
  });
});

describe('disabling a leaver', () => {
  it('refuses the live session on the next request and every later sign-in, and withdraws their invitations', async () => {
    const o = await office();
    const carla = await inviteAndAccept(o, fresh('admin'), 'admin');
    await approve(o, carla, 'admin');
    const invited = fresh('invited');
    expect((await carla.tab.post('/api/v1/admin/invitations', { email: invited, role: 'staff' })).status).toBe(201);
    const link = inviteToken(await suite.mail.latest(invited));
    expect((await carla.tab.get('/api/v1/session')).status).toBe(200);

    expect((await o.admin.tab.post(`${user(o, carla)}/disable`)).status).toBe(204);
    expectError(await carla.tab.get('/api/v1/session'), 401, 'signed_out');
    expectError(await carla.tab.get('/api/v1/admin/users'), 401, 'signed_out');
    expect(o.t.db.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(carla.account.userId)).toBe(0);
    const { res } = await passwordStep(o.t, carla.account);
    expectError(res, 401, 'invalid_credentials');
    expectError(await tab(o.t.app).post('/api/v1/invitations/lookup', { token: link }), 404, 'invitation_invalid');
    expect(InvitationList.parse((await o.admin.tab.get('/api/v1/admin/invitations')).body).invitations).toEqual([]);
    expect(
      UserList.parse((await o.admin.tab.get('/api/v1/admin/users')).body).users.find(
        (u) => u.email === carla.account.email,
      )?.status,
    ).toBe('disabled');
    expectError(await o.admin.tab.post(`${user(o, carla)}/disable`), 409, 'wrong_state');

    expect((await o.admin.tab.post(`${user(o, carla)}/enable`)).status).toBe(204);
    expect((await passwordStep(o.t, carla.account)).res.status).toBe(200);
    expectError(await o.admin.tab.post(`${user(o, carla)}/enable`), 409, 'wrong_state');
  });
});

describe('the last admin', () => {
  it('cannot be disabled, demoted or reset; with a second admin they can', async () => {
    const o = await office();
    expectError(await o.admin.tab.post(`${user(o, o.admin)}/disable`), 409, 'last_admin');
    expectError(
      await o.admin.tab.post(`${user(o, o.admin)}/role`, {
        role: 'staff',
        certificate: certify(o.office, o.admin.account, 'staff', 2),
      }),
      409,
      'last_admin',
    );
    expectError(await o.admin.tab.post(`${user(o, o.admin)}/reset`), 409, 'last_admin');

    // An admin waiting for approval does not count.
    const pending = await inviteAndAccept(o, fresh('admin'), 'admin');
    expectError(await o.admin.tab.post(`${user(o, o.admin)}/disable`), 409, 'last_admin');
    await approve(o, pending, 'admin');
    const res = await pending.tab.post(`${user(o, o.admin)}/role`, {
      role: 'staff',
      certificate: certify(o.office, o.admin.account, 'staff', 2),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    // Now the other one is the last.
    expectError(await pending.tab.post(`${user(o, pending)}/disable`), 409, 'last_admin');
    expectError(await o.admin.tab.get('/api/v1/admin/users'), 403, 'forbidden');
  });
});

describe('roles', () => {
  it('needs a valid new certificate for an approved member, with a higher version', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, fresh());
    await approve(o, bram);
    const path = `${user(o, bram)}/role`;
    expectError(await o.admin.tab.post(path, { role: 'admin' }), 400, 'invalid_certificate');
    expectError(
      await o.admin.tab.post(path, { role: 'admin', certificate: certify(makeOffice(), bram.account, 'admin', 2) }),
      400,
      'invalid_certificate',
    );
    expectError(
      await o.admin.tab.post(path, { role: 'admin', certificate: certify(o.office, bram.account, 'admin', 1) }),
      400,
      'invalid_certificate',
    );
    expectError(
      await o.admin.tab.post(path, { role: 'admin', certificate: certify(o.office, bram.account, 'staff', 2) }),
      400,
      'invalid_certificate',
    );
    expectError(
      await o.admin.tab.post(path, { role: 'staff', certificate: certify(o.office, bram.account, 'staff', 2) }),
      409,
      'wrong_state',
    );
    expectError(
      await o.admin.tab.post(path, { role: 'client', certificate: certify(o.office, bram.account, 'client', 2) }),
      400,
      'invalid_input',
    );
    expectError(await bram.tab.get('/api/v1/admin/users'), 403, 'forbidden');

    const certificate = certify(o.office, bram.account, 'admin', 2);
    expect((await o.admin.tab.post(path, { role: 'admin', certificate })).status).toBe(204);
    const detail = UserDetail.parse((await o.admin.tab.get(user(o, bram))).body);
    expect(detail).toMatchObject({ role: 'admin', certificateVersion: 2, certificate });
    expect(
      verifyMemberCertificate(o.office.keys.signing.publicKey, fromBase64Url(detail.certificate ?? '')),
    ).toMatchObject({ role: 'admin', version: 2 });
    // Takes effect on the open session at once.
    expect((await bram.tab.get('/api/v1/admin/users')).status).toBe(200);
  });

  it('changes an unapproved member’s role without a certificate (it comes with approval)', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, fresh());
    const path = `${user(o, bram)}/role`;
    expectError(
      await o.admin.tab.post(path, { role: 'admin', certificate: certify(o.office, bram.account, 'admin', 1) }),
      400,
      'invalid_input',
    );
    expect((await o.admin.tab.post(path, { role: 'admin' })).status).toBe(204);
    expectError(
      await o.admin.tab.post(`${user(o, bram)}/approve`, approval(o.office, bram.account, 'staff')),
      400,
      'invalid_certificate',
    );
    await approve(o, bram, 'admin');
  });
});

describe('account reset', () => {
  it('clears the keys, ends the sessions, mails a reset link bound to the same id, and needs a new approval', async () => {
    const o = await office();
    const email = fresh();
    const bram = await inviteAndAccept(o, email);
    await approve(o, bram);
    const res = await o.admin.tab.post(`${user(o, bram)}/reset`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(InvitationCreateResponse.parse(res.body).delivered).toBe(true);
    expectError(await bram.tab.get('/api/v1/session'), 401, 'signed_out');
    expectError((await passwordStep(o.t, bram.account)).res, 401, 'invalid_credentials');
    const detail = UserDetail.parse((await o.admin.tab.get(user(o, bram))).body);
    expect(detail).toMatchObject({
      approval: 'reset',
      identityPublicKey: null,
      certificate: null,
      certificateVersion: 1,
      twoFactor: false,
    });

    const message = await suite.mail.latest(email);
    expect(message.subject).toContain('opnieuw ingesteld');
    expect(message.text).toContain(
      'Bestanden die alleen voor uw oude sleutels waren versleuteld, kunt u niet meer openen',
    );
    const token = inviteToken(message);
    const browser = tab(o.t.app);
    const lookup = InvitationLookupResponse.parse((await browser.post('/api/v1/invitations/lookup', { token })).body);
    expect(lookup).toMatchObject({ kind: 'reset', userId: idOf(bram), email, role: 'staff', name: 'Bram Jansen' });
    const renewed = makeAccount({
      userId: bram.account.userId,
      email,
      name: 'Bram Jansen',
      password: 'a new password for bram after reset',
    });
    const accepted = await browser.post('/api/v1/invitations/accept', {
      token,
      name: 'Bram Jansen',
      keys: renewed.wire,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(SignedIn.parse(accepted.body).session.me).toMatchObject({ approval: 'pending', userId: idOf(bram) });
    expectError(await browser.get('/api/v1/office/keys'), 403, 'approval_pending');

    // The old certificate version cannot be reused; a higher one approves the new keys.
    const member = { account: renewed, tab: browser };
    expectError(
      await o.admin.tab.post(`${user(o, bram)}/approve`, approval(o.office, renewed, 'staff', 1)),
      400,
      'invalid_certificate',
    );
    await approve(o, member, 'staff', 2);
    expect((await browser.get('/api/v1/office/keys')).status).toBe(200);
    expect((await passwordStep(o.t, renewed)).res.status).toBe(200);
  });
});
