// Client accounts (shared/wire/clients.ts), through the real endpoints with real crypto, SQLite
// and SMTP: an advisor invites a client (the link carries the office fingerprint), the client
// accepts, an advisor's browser certifies them (role client, never the office keys) and makes
// their personal drop with its link sealed to them; the office sends to the client as to any
// account.
import { describe, expect, it } from 'vitest';
import {
  checkDropKey,
  fromBase64Url,
  idToWire,
  officeFingerprint,
  openClientDropLink,
  verifyDropRecord,
  checkClientLinkAgainstRecord,
  toBase64Url,
} from '../../shared/crypto/index.js';
import {
  ClientList,
  GrantResponse,
  InvitationLookupResponse,
  Portal,
  ReceivedList,
  RecipientLookupResponse,
  ShareForRecipient,
  SignedIn,
  ClientInviteResponse,
} from '../../shared/wire/index.js';
import { certify, makeAccount } from '../helpers/browser.js';
import { decryptDownload, makeFile, openAsAccount, randomPlaintext } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { approveClient, CLIENT_PASSWORD, makeClient } from '../helpers/clients.js';
import { dropCreateRequest, dropDetail } from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken } from '../helpers/mail-server.js';
import { signIn, type Member } from '../helpers/office.js';
import { fetchFile, sendShare, type SendingOffice } from '../helpers/sharing.js';
import { clientsSuite, A_EMAIL, B_EMAIL } from './support/clients.js';

const { office, twoClients } = clientsSuite();

function userRow(s: SendingOffice, email: string) {
  return s.t.db
    .prepare('SELECT role, approval, certificate, sealed_office_keys FROM users WHERE email = ?')
    .get(email) as {
    role: string;
    approval: string;
    certificate: Uint8Array | null;
    sealed_office_keys: Uint8Array | null;
  };
}

describe('client accounts', () => {
  it('an advisor invites a client: the mailed link carries the office fingerprint, the client accepts, waits, and is certified without office keys', async () => {
    const s = await office();
    const invited = await s.staff.tab.post('/api/v1/clients/invitations', {
      name: 'Bakkerij de Vries',
      email: A_EMAIL,
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(ClientInviteResponse.parse(invited.body).delivered).toBe(true);

    // The link: /invite#<token>.<fingerprint of the office signing key>, both in the fragment.
    const mail = await s.mail.latest(A_EMAIL);
    const token = inviteToken(mail);
    const fingerprint = toBase64Url(officeFingerprint(s.office.keys.signing.publicKey));
    expect(mail.text).toContain(`/invite#${token}.${fingerprint}`);

    // The client's page: the office key it is shown has the link's fingerprint.
    const clientTab = tab(s.t.app);
    const lookup = InvitationLookupResponse.parse((await clientTab.post('/api/v1/invitations/lookup', { token })).body);
    expect(lookup).toMatchObject({ kind: 'invitation', role: 'client', email: A_EMAIL, name: 'Bakkerij de Vries' });
    expect(toBase64Url(officeFingerprint(fromBase64Url(lookup.office.signingPublicKey)))).toBe(fingerprint);

    // Listed for the office while invited, then waiting once accepted.
    const listed = ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body).clients;
    expect(listed).toEqual([
      expect.objectContaining({ state: 'invited', name: 'Bakkerij de Vries', email: A_EMAIL, userId: null }),
    ]);
    const account = makeAccount({
      userId: lookup.userId,
      email: A_EMAIL,
      name: 'Bakkerij de Vries',
      password: CLIENT_PASSWORD,
    });
    const accepted = await clientTab.post('/api/v1/invitations/accept', {
      token,
      name: 'Bakkerij de Vries',
      keys: account.wire,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(SignedIn.parse(accepted.body).session.me).toMatchObject({
      role: 'client',
      approval: 'pending',
      mustEnrolTwoFactor: false,
    });
    const client: Member = { account, tab: clientTab };
    expect(ClientList.parse((await s.admin.tab.get('/api/v1/clients')).body).clients).toEqual([
      expect.objectContaining({ state: 'pending', userId: idToWire(account.userId), dropId: null }),
    ]);
    expectError(await clientTab.get('/api/v1/portal'), 403, 'approval_pending');
    expect(userRow(s, A_EMAIL)).toMatchObject({
      role: 'client',
      approval: 'pending',
      certificate: null,
      sealed_office_keys: null,
    });

    // The admin's page cannot approve a client: that would seal the office keys to them.
    expectError(
      await s.admin.tab.post(`/api/v1/admin/users/${idToWire(account.userId)}/approve`, {
        certificate: certify(s.office, account, 'client', 1),
        sealedOfficeKeys: toBase64Url(new Uint8Array(100)),
      }),
      409,
      'wrong_state',
    );

    // A certificate for another role is refused; then the advisor's browser approves.
    const { keys: _k, request } = dropCreateRequest(s, s.staff, {
      label: 'Bakkerij de Vries',
      expiresInMs: 365 * 24 * 3600_000,
    });
    const { email: _e, personal: _p, singleUse: _u, ...dropParts } = request;
    expectError(
      await s.staff.tab.post(`/api/v1/clients/${idToWire(account.userId)}/approve`, {
        certificate: certify(s.office, account, 'staff', 1),
        drop: { ...dropParts, clientLink: toBase64Url(new Uint8Array(194)) },
        keyCheck: 'call',
      }),
      400,
      'invalid_certificate',
    );
    expect(userRow(s, A_EMAIL).approval).toBe('pending');
    const drop = await approveClient(s, s.staff, client);

    // Certified, and no office keys in the row: the database would refuse them anyway.
    const row = userRow(s, A_EMAIL);
    expect(row).toMatchObject({ role: 'client', approval: 'approved', sealed_office_keys: null });
    expect(row.certificate).not.toBeNull();
    expect(() =>
      s.t.db.prepare('UPDATE users SET sealed_office_keys = ? WHERE email = ?').run(new Uint8Array(100), A_EMAIL),
    ).toThrow(/CHECK/);
    await s.t.mailQueue.idle(); // the approval notice goes out in the background
    expect((await s.mail.latest(A_EMAIL)).subject).toContain('klaar');
    expect(ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body).clients).toEqual([
      expect.objectContaining({ state: 'active', dropId: drop.dropId }),
    ]);

    // The portal: the personal drop, whose link only the client's own key opens, and it names the drop's key.
    const portal = Portal.parse((await clientTab.get('/api/v1/portal')).body);
    expect(portal.drop).toMatchObject({
      dropId: drop.dropId,
      title: 'Stukken voor de jaarrekening 2025',
      state: 'active',
    });
    const link = openClientDropLink(
      fromBase64Url(portal.drop!.clientLink!),
      { dropId: drop.keys.dropId, clientId: account.userId },
      account.keys.encryption,
    );
    checkDropKey(drop.keys.dropId, fromBase64Url(portal.drop!.publicKey), link.dropFingerprint);
    expect(toBase64Url(link.dropSecret)).toBe(toBase64Url(drop.keys.secret));
    // With the record the approver signed, and the approver as its creator (protocol §13, "Drop record").
    expect(portal.drop!.creator?.userId).toBe(idToWire(s.staff.account.userId));
    const record = verifyDropRecord(fromBase64Url(portal.drop!.record!), s.staff.account.keys.identity.publicKey, {
      dropId: drop.keys.dropId,
      creatorId: s.staff.account.userId,
      clientId: account.userId,
    });
    checkClientLinkAgainstRecord(record, link);
    // The office's drop list shows it as the approver's personal drop, bound to the client.
    const detail = await dropDetail(s.staff, drop.dropId);
    expect(detail).toMatchObject({
      personal: true,
      singleUse: false,
      email: A_EMAIL,
      ownerId: idToWire(s.staff.account.userId),
    });

    // Approving twice is refused.
    expectError(
      await s.staff.tab.post(`/api/v1/clients/${idToWire(account.userId)}/approve`, {
        certificate: certify(s.office, account, 'client', 2),
        drop: { ...dropParts, clientLink: toBase64Url(new Uint8Array(194)) },
        keyCheck: 'call',
      }),
      409,
      'wrong_state',
    );
  });

  it('does not ask a client for two-factor sign-in when the office requires it of members', async () => {
    const s = await office();
    const a = await makeClient(s, s.staff, A_EMAIL, 'Bakkerij de Vries');
    const settings = await s.admin.tab.put('/api/v1/admin/settings', {
      name: 'Administratiekantoor De Boer',
      requireTwoFactor: true,
      maxExpiryDays: 30,
      retentionDays: 90,
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const { tab: fresh, signedIn } = await signIn(s, a);
    expect(signedIn.session.me).toMatchObject({
      role: 'client',
      approval: 'approved',
      twoFactor: false,
      mustEnrolTwoFactor: false,
    });
    expect((await fresh.get('/api/v1/portal')).status).toBe(200);
    expect((await fresh.get('/api/v1/received')).status).toBe(200);
    // Members are held to it.
    expectError(await s.staff.tab.get('/api/v1/drops'), 403, 'two_factor_required');
  });

  it('refuses an invitation for an address that has an account or an open invitation, and a bad name', async () => {
    const s = await office();
    expectError(
      await s.staff.tab.post('/api/v1/clients/invitations', { name: 'Iemand', email: 'bram@kantoor.example' }),
      409,
      'already_exists',
    );
    expect((await s.staff.tab.post('/api/v1/clients/invitations', { name: 'Klant', email: A_EMAIL })).status).toBe(201);
    expectError(
      await s.staff.tab.post('/api/v1/clients/invitations', { name: 'Klant', email: A_EMAIL }),
      409,
      'already_exists',
    );
    expectError(
      await s.staff.tab.post('/api/v1/clients/invitations', { name: '', email: B_EMAIL }),
      400,
      'invalid_input',
    );
    // The admin's own invitation form still offers members only.
    expectError(
      await s.admin.tab.post('/api/v1/admin/invitations', { email: B_EMAIL, role: 'client' }),
      400,
      'invalid_input',
    );
  });

  it('gives a client re-approved after a reset a new personal drop and closes the old one', async () => {
    const s = await office();
    const a = await makeClient(s, s.staff, A_EMAIL, 'Bakkerij de Vries');
    const reset = await s.admin.tab.post(`/api/v1/admin/users/${idToWire(a.account.userId)}/reset`, {});
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const token = inviteToken(await s.mail.latest(A_EMAIL));
    const again = makeAccount({
      userId: a.account.userId,
      email: A_EMAIL,
      name: 'Bakkerij de Vries',
      password: CLIENT_PASSWORD,
    });
    const clientTab = tab(s.t.app);
    expect(
      (await clientTab.post('/api/v1/invitations/accept', { token, name: 'Bakkerij de Vries', keys: again.wire }))
        .status,
    ).toBe(200);
    const renewed = await approveClient(s, s.admin, { account: again, tab: clientTab });
    expect(renewed.dropId).not.toBe(a.drop.dropId);
    expect(Portal.parse((await clientTab.get('/api/v1/portal')).body).drop?.dropId).toBe(renewed.dropId);
    expect((await dropDetail(s.staff, a.drop.dropId)).state).toBe('closed');
    // …and the closing is in the audit log like any other.
    const closed = s.t.db.prepare("SELECT details FROM audit_log WHERE action = 'drop.closed'").all() as {
      details: string;
    }[];
    expect(closed.map((row) => JSON.parse(row.details) as unknown)).toEqual([{ reason: 'client_reapproved' }]);
  });
});

describe('sending to a client', () => {
  it('finds the approved client as an account; the client is mailed, opens and decrypts with their own key', async () => {
    const s = await twoClients();
    const lookup = RecipientLookupResponse.parse(
      (await s.staff.tab.post('/api/v1/recipients/lookup', { emails: [A_EMAIL] })).body,
    );
    expect(lookup.recipients[0]?.account).toMatchObject({
      userId: idToWire(s.a.account.userId),
      role: 'client',
      name: 'Bakkerij de Vries',
    });
    expect(lookup.recipients[0]?.account?.certificate).toBeDefined();

    const plaintext = randomPlaintext(150_000);
    const sent = await sendShare(s, s.staff, {
      files: [makeFile(plaintext, { name: 'aangifte-2025.pdf' })],
      accounts: [s.a],
    });
    const mail = await s.mail.latest(A_EMAIL);
    expect(mail.text).toContain(`/app/received/${sent.shareId}`);
    expect(mail.text).not.toContain('aangifte');

    const list = ReceivedList.parse((await s.a.tab.get('/api/v1/received')).body);
    expect(list.shares.map((share) => share.shareId)).toEqual([sent.shareId]);
    const share = ShareForRecipient.parse((await s.a.tab.get(`/api/v1/received/${sent.shareId}`)).body);
    // The client's browser checks the sender's certificate against the office key it pinned.
    const { keys, manifest } = openAsAccount(s.a.account, share, s.office.keys.signing.publicKey);
    const fileId = share.files[0]!.fileId;
    const { grant } = GrantResponse.parse((await s.a.tab.post(`/api/v1/received/${sent.shareId}/grant`, {})).body);
    const res = await fetchFile(s.t.app, `/api/v1/received/${sent.shareId}/files/${fileId}`, grant, { who: s.a.tab });
    expect(res.status).toBe(200);
    expect(
      Buffer.from(decryptDownload(keys.get(fileId)!, fileId, new Uint8Array(res.body as Buffer), manifest)),
    ).toEqual(Buffer.from(plaintext));
    expect(ReceivedList.parse((await s.b.tab.get('/api/v1/received')).body).shares).toEqual([]);
  });
});
