// Administration: approval, office material, disabling leavers, roles, the last admin,
// account reset, the directory, settings and the logo.
import { describe, expect, it } from 'vitest';
import { fromBase64Url, idToWire, verifyMemberCertificate } from '../../shared/crypto/index.js';
import {
  Directory,
  InvitationCreateResponse,
  InvitationList,
  InvitationLookupResponse,
  OfficeKeysResponse,
  OfficePublic,
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
import {
  approve,
  idOf,
  inviteAndAccept,
  passwordStep,
  signIn,
  STAFF_PASSWORD,
  type Member,
  type Office,
} from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();
const office = (): Promise<Office> => suite.office();

let counter = 0;
const fresh = (name = 'colleague') => `${name}${++counter}@kantoor.example`;

const user = (o: Office, member: Member) => `/api/v1/admin/users/${idOf(member)}`;

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
    expect(message.text).toContain('Files that were encrypted only for your old keys can no longer be opened');
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

describe('directory', () => {
  it('lists active staff and admins with their public keys, for staff and admins only', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, fresh());
    const carla = await inviteAndAccept(o, fresh());
    await approve(o, bram);
    expect((await o.admin.tab.post(`${user(o, carla)}/disable`)).status).toBe(204);
    const directory = Directory.parse((await bram.tab.get('/api/v1/directory')).body);
    expect(directory.members.map((m) => m.email).sort()).toEqual(['anna@kantoor.example', bram.account.email].sort());
    const entry = directory.members.find((m) => m.email === bram.account.email);
    expect(entry).toMatchObject({
      approval: 'approved',
      identityPublicKey: bram.account.wire.identityPublicKey,
      encryptionKeySignature: bram.account.wire.encryptionKeySignature,
    });
    expect(entry?.certificate).toBeDefined();
    expectError(await tab(o.t.app).get('/api/v1/directory'), 401, 'signed_out');
  });
});

describe('users', () => {
  it('lists users with role, status, approval, 2FA and last sign-in; an unknown id is 404', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, fresh());
    const list = UserList.parse((await o.admin.tab.get('/api/v1/admin/users')).body);
    expect(list.users.map((u) => [u.email, u.role, u.status, u.approval, u.twoFactor])).toEqual(
      expect.arrayContaining([
        ['anna@kantoor.example', 'admin', 'active', 'approved', false],
        [bram.account.email, 'staff', 'active', 'pending', false],
      ]),
    );
    expect(list.users.every((u) => u.lastSignInAt !== null)).toBe(true);
    expectError(await o.admin.tab.get('/api/v1/admin/users/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
    expectError(await o.admin.tab.get('/api/v1/admin/users/not-an-id'), 404, 'not_found');
  });
});

describe('settings', () => {
  it('reads and changes the office settings; the name shows publicly', async () => {
    const o = await office();
    expect((await o.admin.tab.get('/api/v1/admin/settings')).body).toEqual({
      name: 'Administratiekantoor De Boer',
      requireTwoFactor: false,
      maxExpiryDays: 30,
      retentionDays: 90,
    });
    const next = { name: 'De Boer & Zn', requireTwoFactor: false, maxExpiryDays: 14, retentionDays: 30 };
    const res = await o.admin.tab.put('/api/v1/admin/settings', next);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(next);
    expect(OfficePublic.parse((await tab(o.t.app).get('/api/v1/office')).body).name).toBe('De Boer & Zn');
    for (const bad of [
      { ...next, maxExpiryDays: 0 },
      { ...next, retentionDays: 5000 },
      { ...next, name: '' },
      { ...next, name: 'a\u0007b' },
      { name: 'x' },
    ]) {
      expectError(await o.admin.tab.put('/api/v1/admin/settings', bad), 400, 'invalid_input');
    }
    const bram = await inviteAndAccept(o, fresh());
    expectError(await bram.tab.put('/api/v1/admin/settings', next), 403, 'forbidden');
  });
});

describe('logo', () => {
  // A valid 1×1 PNG.
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );

  it('accepts a PNG by its bytes and serves it with its type, nosniff and a short cache', async () => {
    const o = await office();
    expectError(await tab(o.t.app).get('/api/v1/office/logo'), 404, 'not_found');
    const res = await o.admin.tab
      .raw('put', '/api/v1/admin/logo')
      .attach('logo', PNG, { filename: 'logo.svg', contentType: 'image/svg+xml' });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    const info = OfficePublic.parse((await tab(o.t.app).get('/api/v1/office')).body);
    expect(info.logoUrl).toBe('/api/v1/office/logo?v=1');
    const logo = await tab(o.t.app)
      .raw('get', info.logoUrl ?? '')
      .buffer(true);
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['x-content-type-options']).toBe('nosniff');
    expect(logo.headers['cache-control']).toBe('public, max-age=300');
    expect(Buffer.from(logo.body as Buffer)).toEqual(PNG);

    expect((await o.admin.tab.delete('/api/v1/admin/logo')).status).toBe(204);
    expectError(await tab(o.t.app).get('/api/v1/office/logo'), 404, 'not_found');
    expect(OfficePublic.parse((await tab(o.t.app).get('/api/v1/office')).body).logoUrl).toBeUndefined();
    expectError(await o.admin.tab.delete('/api/v1/admin/logo'), 404, 'not_found');
  });

  it('refuses an SVG, a PNG name on a non-image, a file too large, and anything but one file in "logo"', async () => {
    const o = await office();
    const put = () => o.admin.tab.raw('put', '/api/v1/admin/logo');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expectError(
      await put().attach('logo', svg, { filename: 'logo.svg', contentType: 'image/svg+xml' }),
      415,
      'invalid_image',
    );
    expectError(
      await put().attach('logo', Buffer.from('MZ this is a program'), {
        filename: 'logo.png',
        contentType: 'image/png',
      }),
      415,
      'invalid_image',
    );
    const large = Buffer.concat([PNG, Buffer.alloc(512 * 1024)]);
    expectError(
      await put().attach('logo', large, { filename: 'logo.png', contentType: 'image/png' }),
      413,
      'payload_too_large',
    );
    expectError(await put().attach('picture', PNG, { filename: 'logo.png' }), 400, 'invalid_image');
    expectError(await put().field('note', 'x').attach('logo', PNG, { filename: 'logo.png' }), 400, 'invalid_image');
    expectError(
      await put().attach('logo', PNG, { filename: 'a.png' }).attach('logo', PNG, { filename: 'b.png' }),
      400,
      'invalid_image',
    );
    expectError(await put().set('Content-Type', 'multipart/form-data; boundary=x').send('garbage'), 400, 'bad_request');
    expectError(await put().set('Content-Type', 'image/png').send(PNG), 415, 'unsupported_media_type');
    expect(OfficePublic.parse((await tab(o.t.app).get('/api/v1/office')).body).logoUrl).toBeUndefined();
    // Only admins, and the guard runs before the upload is read.
    const bram = await inviteAndAccept(o, fresh());
    expectError(
      await bram.tab.raw('put', '/api/v1/admin/logo').attach('logo', PNG, { filename: 'logo.png' }),
      403,
      'forbidden',
    );
  });
});
