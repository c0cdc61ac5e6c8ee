// Invitations: mailed single-use links, lookup and acceptance, resend, withdraw, failed delivery.
import { describe, expect, it } from 'vitest';
import { idToWire } from '../../shared/crypto/index.js';
import {
  InvitationCreateResponse,
  InvitationList,
  InvitationLookupResponse,
  SignedIn,
  ErrorBody,
} from '../../shared/wire/index.js';
import { INVITATION_LIFETIME_MS } from '../../server/invitations/service.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { makeAccount } from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken } from '../helpers/mail-server.js';
import { inviteAndAccept, signIn, STAFF_PASSWORD, type Office } from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();
const office = (): Promise<Office> => suite.office();

let counter = 0;
const fresh = (name = 'guest') => `${name}${++counter}@kantoor.example`;

async function invite(o: Office, email: string, role = 'staff') {
  const res = await o.admin.tab.post('/api/v1/admin/invitations', { email, role });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { created: InvitationCreateResponse.parse(res.body), token: inviteToken(await suite.mail.latest(email)) };
}

async function accept(o: Office, token: string, email: string) {
  const browser = tab(o.t.app);
  const lookup = await browser.post('/api/v1/invitations/lookup', { token });
  const userId = lookup.status === 200 ? InvitationLookupResponse.parse(lookup.body).userId : undefined;
  const account = makeAccount({ userId, email, name: 'Bram Jansen', password: STAFF_PASSWORD });
  return {
    res: await browser.post('/api/v1/invitations/accept', { token, name: 'Bram Jansen', keys: account.wire }),
    lookup,
    browser,
  };
}

describe('invitations', () => {
  it('mails a single-use link in the inviter’s language that names the office, and accepting signs in pending approval', async () => {
    const o = await office();
    const email = fresh();
    const { created, token } = await invite(o, email);
    expect(created.delivered).toBe(true);
    expect(created.expiresAt).toBe(new Date(o.t.clock.now() + INVITATION_LIFETIME_MS).toISOString());
    const message = await suite.mail.latest(email);
    expect(message.subject).toBe('Uitnodiging voor Coffer van Administratiekantoor De Boer');
    const text = message.text ?? '';
    expect(text).toContain(`${TEST_ORIGIN}/invite#${token}`);
    expect(text).toContain('Goedendag');
    expect(text).not.toContain('Hello');
    expect(text).toContain('Read in English: open the link above');
    expect(text).toContain('Administratiekantoor De Boer');
    expect(message.from?.address).toBe('coffer@office.example');

    const listed = InvitationList.parse((await o.admin.tab.get('/api/v1/admin/invitations')).body);
    expect(listed.invitations).toEqual([
      {
        invitationId: created.invitationId,
        email,
        role: 'staff',
        kind: 'invitation',
        createdAt: new Date(o.t.clock.now()).toISOString(),
        expiresAt: created.expiresAt,
        deliveryFailed: false,
      },
    ]);

    const { res, lookup } = await accept(o, token, email);
    const view = InvitationLookupResponse.parse(lookup.body);
    expect(view).toMatchObject({
      kind: 'invitation',
      email,
      role: 'staff',
      office: { name: 'Administratiekantoor De Boer' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const signedIn = SignedIn.parse(res.body);
    expect(signedIn.session.me).toMatchObject({ userId: view.userId, email, role: 'staff', approval: 'pending' });
    expect(signedIn.keys.certificate).toBeUndefined();
    expect(signedIn.keys.sealedOfficeKeys).toBeUndefined();
    expect(InvitationList.parse((await o.admin.tab.get('/api/v1/admin/invitations')).body).invitations).toEqual([]);
  });

  it('refuses a reused link', async () => {
    const o = await office();
    const email = fresh();
    const { token } = await invite(o, email);
    expect((await accept(o, token, email)).res.status).toBe(200);
    const again = await accept(o, token, email);
    expectError(again.lookup, 404, 'invitation_invalid');
    expectError(again.res, 404, 'invitation_invalid');
  });

  it('refuses an expired link', async () => {
    const o = await office();
    const email = fresh();
    const { token } = await invite(o, email);
    o.t.clock.advance(INVITATION_LIFETIME_MS);
    const late = await accept(o, token, email);
    expectError(late.lookup, 404, 'invitation_invalid');
    expectError(late.res, 404, 'invitation_invalid');
    expect(o.t.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
  });

  it('resend issues a new link and the old one stops working', async () => {
    const o = await office();
    const email = fresh();
    const { created, token: old } = await invite(o, email);
    o.t.clock.advance(60_000);
    const resent = await o.admin.tab.post(`/api/v1/admin/invitations/${created.invitationId}/resend`);
    expect(resent.status).toBe(200);
    expect(InvitationCreateResponse.parse(resent.body)).toMatchObject({
      invitationId: created.invitationId,
      delivered: true,
    });
    expect(suite.mail.to(email)).toHaveLength(2);
    const token = inviteToken(await suite.mail.latest(email));
    expect(token).not.toBe(old);
    expectError((await accept(o, old, email)).res, 404, 'invitation_invalid');
    expect((await accept(o, token, email)).res.status).toBe(200);
    // Resending an accepted invitation is refused.
    expectError(await o.admin.tab.post(`/api/v1/admin/invitations/${created.invitationId}/resend`), 409, 'wrong_state');
  });

  it('withdraw makes the link fail', async () => {
    const o = await office();
    const email = fresh();
    const { created, token } = await invite(o, email);
    expect((await o.admin.tab.post(`/api/v1/admin/invitations/${created.invitationId}/withdraw`)).status).toBe(204);
    expectError((await accept(o, token, email)).res, 404, 'invitation_invalid');
    expectError(
      await o.admin.tab.post(`/api/v1/admin/invitations/${created.invitationId}/withdraw`),
      409,
      'wrong_state',
    );
    expectError(await o.admin.tab.post('/api/v1/admin/invitations/AAAAAAAAAAAAAAAAAAAAAA/withdraw'), 404, 'not_found');
    // The address may be invited again.
    await invite(o, email);
  });

  it('refuses an address that already has an account or an open invitation', async () => {
    const o = await office();
    expectError(
      await o.admin.tab.post('/api/v1/admin/invitations', { email: 'anna@kantoor.example', role: 'staff' }),
      409,
      'already_exists',
    );
    expectError(
      await o.admin.tab.post('/api/v1/admin/invitations', { email: 'ANNA@kantoor.example', role: 'admin' }),
      409,
      'already_exists',
    );
    const email = fresh();
    await invite(o, email);
    expectError(await o.admin.tab.post('/api/v1/admin/invitations', { email, role: 'staff' }), 409, 'already_exists');
    // Once expired, the address may be invited again (the admin signs in again: days passed).
    o.t.clock.advance(INVITATION_LIFETIME_MS);
    await signIn(o, o.admin, o.admin.tab);
    await invite(o, email);
  });

  it('refuses client invitations until the client portal exists', async () => {
    const o = await office();
    const res = await o.admin.tab.post('/api/v1/admin/invitations', { email: fresh(), role: 'client' });
    expectError(res, 400, 'invalid_input');
    expect(ErrorBody.parse(res.body).error.fields).toEqual(['role']);
  });

  it('reports a failed delivery instead of failing, and shows it in the list', async () => {
    const o = await office();
    const email = fresh('bounce');
    suite.mail.refuse.add(email);
    const res = await o.admin.tab.post('/api/v1/admin/invitations', { email, role: 'staff' });
    expect(res.status).toBe(201);
    const created = InvitationCreateResponse.parse(res.body);
    expect(created.delivered).toBe(false);
    const listed = InvitationList.parse((await o.admin.tab.get('/api/v1/admin/invitations')).body).invitations;
    expect(listed.find((i) => i.invitationId === created.invitationId)?.deliveryFailed).toBe(true);
    expect(o.t.logs.text()).toContain('mail delivery failed');
    expect(o.t.logs.text()).not.toContain(email);

    suite.mail.refuse.delete(email);
    const resent = InvitationCreateResponse.parse(
      (await o.admin.tab.post(`/api/v1/admin/invitations/${created.invitationId}/resend`)).body,
    );
    expect(resent.delivered).toBe(true);
    const after = InvitationList.parse((await o.admin.tab.get('/api/v1/admin/invitations')).body).invitations;
    expect(after.find((i) => i.invitationId === created.invitationId)?.deliveryFailed).toBe(false);
  });

  it('binds the keys to the invitation’s user id: keys made for another id are refused', async () => {
    const o = await office();
    const email = fresh();
    const { token } = await invite(o, email);
    const stranger = makeAccount({ email, name: 'Bram', password: STAFF_PASSWORD });
    const res = await tab(o.t.app).post('/api/v1/invitations/accept', { token, name: 'Bram', keys: stranger.wire });
    expectError(res, 400, 'invalid_input');
    expect(ErrorBody.parse(res.body).error.fields).toEqual(['keys.encryptionKeySignature']);
    // The link still works for the right keys.
    expect((await accept(o, token, email)).res.status).toBe(200);
  });

  it('is admin-only', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, fresh('staff'));
    expectError(await bram.tab.post('/api/v1/admin/invitations', { email: fresh(), role: 'staff' }), 403, 'forbidden');
    expectError(await bram.tab.get('/api/v1/admin/invitations'), 403, 'forbidden');
    expectError(await tab(o.t.app).get('/api/v1/admin/invitations'), 401, 'signed_out');
    const invitationId = idToWire(new Uint8Array(16) as never);
    expectError(await bram.tab.post(`/api/v1/admin/invitations/${invitationId}/resend`), 403, 'forbidden');
  });
});
