// Client onboarding through the real endpoints (shared/wire/clients.ts; docs/protocol.md §13a):
// an invitation the advisor hands over (no mail; the token comes back, the statement is checked
// and kept, the key proof is required at activation and served to approving members), approval
// recording how the keys were checked, the office setting that requires the call, and resending
// or withdrawing a client invitation by any approved member — never a member's invitation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idToWire, newId, newOfficeKeys, ready, signClientInvitation, toBase64Url } from '../../shared/crypto/index.js';
import { ClientDetail, ClientInviteResponse, ClientList, InvitationCreateResponse } from '../../shared/wire/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeAccount } from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import {
  approvalRequest,
  CLIENT_PASSWORD,
  handover,
  inviteClient,
  inviteClientByHandover,
} from '../helpers/clients.js';
import { inviteToken, startMailServer, type MailServer } from '../helpers/mail-server.js';
import { inviteAndAccept, approve, setUpOffice, type Member, type Office } from '../helpers/office.js';
import { removeTempDirs } from '../helpers/tmp.js';

let mail: MailServer;
let t: TestApp;
let o: Office;
let anna: Member;
let bram: Member;

beforeAll(async () => {
  await ready();
  mail = await startMailServer();
  t = await createTestApp({ env: mail.env });
  o = await setUpOffice(t, mail);
  anna = await inviteAndAccept(o, 'els@kantoor.example');
  await approve(o, anna);
  bram = await inviteAndAccept(o, 'dirk@kantoor.example');
  await approve(o, bram);
}, 120_000);

afterAll(async () => {
  t.close();
  await mail.close();
  await removeTempDirs();
});

const listed = async (member: Member, email: string) =>
  ClientList.parse((await member.tab.get('/api/v1/clients')).body).clients.find((c) => c.email === email);

describe('a handed-over client invitation', () => {
  it('is not mailed, answers the token, needs the key proof at activation, and serves the proof to any approving member', async () => {
    const email = 'overhandigd@voorbeeld.nl';
    const made = handover(o, email);
    const res = await anna.tab.post('/api/v1/clients/invitations', {
      name: 'Bakkerij Overhand',
      email,
      handover: made.wire,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const answer = ClientInviteResponse.parse(res.body);
    expect(answer.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await t.mailSettled();
    expect(mail.to(email)).toEqual([]);
    expect(await listed(bram, email)).toMatchObject({ state: 'invited', handover: true, accountId: made.wire.userId });

    // The lookup fixes the user id the advisor's browser chose; accepting without a proof is refused.
    const lookup = await tab(t.app).post('/api/v1/invitations/lookup', { token: answer.token });
    expect(lookup.body).toMatchObject({ userId: made.wire.userId, email, role: 'client' });
    const account = makeAccount({ userId: made.userId, email, name: 'Bakkerij', password: CLIENT_PASSWORD });
    const without = await tab(t.app).post('/api/v1/invitations/accept', {
      token: answer.token,
      name: 'Bakkerij',
      keys: account.wire,
    });
    expect(without.status).toBe(400);
    expect(without.body).toMatchObject({ error: { code: 'invalid_input' } });
    // Still open: the refused request did not use it up.
    const proof = toBase64Url(new Uint8Array(32).fill(7));
    const accepted = await tab(t.app).post('/api/v1/invitations/accept', {
      token: answer.token,
      name: 'Bakkerij',
      keys: account.wire,
      keyProof: proof,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    // Any approved member reads the statement and the proof back, byte for byte.
    const detail = ClientDetail.parse((await bram.tab.get(`/api/v1/clients/${made.wire.userId}`)).body);
    expect(detail.handover).toEqual({ statement: made.wire.statement, keyProof: proof });
    expect(await listed(anna, email)).toMatchObject({ state: 'pending', handover: true, keyCheck: null });
  });

  it('refuses a statement the office did not sign, or one for another address, and a user id already in use', async () => {
    const email = 'verkeerd@voorbeeld.nl';
    const forged = signClientInvitation(newOfficeKeys(newId()), { userId: newId(), email }, handover(o, email).secret);
    const other = handover(o, 'iemand-anders@voorbeeld.nl');
    for (const bad of [
      { userId: idToWire(newId()), statement: toBase64Url(forged) },
      other.wire,
      { ...handover(o, email).wire, userId: idToWire(newId()) },
    ]) {
      const res = await anna.tab.post('/api/v1/clients/invitations', { name: 'X', email, handover: bad });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_input', fields: ['handover.statement'] } });
    }
    const taken = handover(o, email, anna.account.userId);
    const res = await anna.tab.post('/api/v1/clients/invitations', { name: 'X', email, handover: taken.wire });
    expect(res.status).toBe(409);
    expect(await listed(anna, email)).toBeUndefined();
  });

  it('an accepted mailed invitation has no proof: accepting one with a proof is refused', async () => {
    const email = 'gemaild-bewijs@voorbeeld.nl';
    expect((await anna.tab.post('/api/v1/clients/invitations', { name: 'Gemaild', email })).status).toBe(201);
    const token = inviteToken(await mail.latest(email));
    const lookup = await tab(t.app).post('/api/v1/invitations/lookup', { token });
    const account = makeAccount({
      userId: (lookup.body as { userId: string }).userId,
      email,
      name: 'Gemaild',
      password: CLIENT_PASSWORD,
    });
    const res = await tab(t.app).post('/api/v1/invitations/accept', {
      token,
      name: 'Gemaild',
      keys: account.wire,
      keyProof: toBase64Url(new Uint8Array(32)),
    });
    expect(res.status).toBe(400);
  });
});

describe('approving, and how the keys were checked', () => {
  it("records 'proof' only for a client with a key proof, and 'unverified' only while the office does not require the call", async () => {
    const byHand = await inviteClientByHandover(o, anna, 'met-bewijs@voorbeeld.nl', 'Met Bewijs');
    const mailed = await inviteClient(o, anna, 'zonder-bewijs@voorbeeld.nl', 'Zonder Bewijs');

    const proofForMailed = approvalRequest(o, bram, mailed, 1, 'proof').body;
    const refused = await bram.tab.post(`/api/v1/clients/${idToWire(mailed.account.userId)}/approve`, proofForMailed);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_input', fields: ['keyCheck'] } });

    const settings = (await o.admin.tab.get('/api/v1/admin/settings')).body as object;
    expect((await o.admin.tab.put('/api/v1/admin/settings', { ...settings, requireClientCall: true })).status).toBe(
      200,
    );
    expect(ClientList.parse((await anna.tab.get('/api/v1/clients')).body).requireCall).toBe(true);
    const unverified = approvalRequest(o, bram, mailed, 1, 'unverified').body;
    const required = await bram.tab.post(`/api/v1/clients/${idToWire(mailed.account.userId)}/approve`, unverified);
    expect(required.status).toBe(400);
    expect((await o.admin.tab.put('/api/v1/admin/settings', { ...settings, requireClientCall: false })).status).toBe(
      200,
    );
    const ok = await bram.tab.post(`/api/v1/clients/${idToWire(mailed.account.userId)}/approve`, unverified);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await listed(anna, 'zonder-bewijs@voorbeeld.nl')).toMatchObject({
      state: 'active',
      handover: false,
      keyCheck: 'unverified',
    });

    const withProof = approvalRequest(o, bram, byHand.client, 1, 'proof').body;
    const approved = await bram.tab.post(`/api/v1/clients/${byHand.wire.userId}/approve`, withProof);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(await listed(anna, 'met-bewijs@voorbeeld.nl')).toMatchObject({ state: 'active', keyCheck: 'proof' });
    const audit = t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'user.approved' ORDER BY seq DESC LIMIT 2")
      .pluck()
      .all() as string[];
    expect(audit.map((d) => (JSON.parse(d) as { keyCheck: string }).keyCheck)).toEqual(['proof', 'unverified']);

    // Later compared by phone: the unchecked client is marked as checked by a call, once.
    const checked = await anna.tab.post(`/api/v1/clients/${idToWire(mailed.account.userId)}/keys-checked`, {});
    expect(checked.status, JSON.stringify(checked.body)).toBe(204);
    expect(await listed(bram, 'zonder-bewijs@voorbeeld.nl')).toMatchObject({ state: 'active', keyCheck: 'call' });
    for (const userId of [idToWire(mailed.account.userId), byHand.wire.userId]) {
      const again = await anna.tab.post(`/api/v1/clients/${userId}/keys-checked`, {});
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: { code: 'wrong_state' } });
    }
    expect(await listed(bram, 'met-bewijs@voorbeeld.nl')).toMatchObject({ keyCheck: 'proof' });
    // A colleague is not a client: 404, as an unknown id.
    expect((await anna.tab.post(`/api/v1/clients/${idToWire(bram.account.userId)}/keys-checked`, {})).status).toBe(404);
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'user.keys_checked'").pluck().get()).toBe(1);
  });
});

describe('resending and withdrawing a client invitation', () => {
  it('a colleague hands the invitation over again: the old link dies, the new one needs a proof for the new statement', async () => {
    const email = 'opnieuw@voorbeeld.nl';
    const first = handover(o, email);
    const created = ClientInviteResponse.parse(
      (await anna.tab.post('/api/v1/clients/invitations', { name: 'Opnieuw', email, handover: first.wire })).body,
    );
    // A statement for another user id than the invitation's is refused.
    const wrong = handover(o, email);
    const refused = await bram.tab.post(`/api/v1/clients/invitations/${created.invitationId}/resend`, {
      handover: wrong.wire,
    });
    expect(refused.status).toBe(400);
    const again = handover(o, email, first.userId);
    const res = await bram.tab.post(`/api/v1/clients/invitations/${created.invitationId}/resend`, {
      handover: again.wire,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const resent = ClientInviteResponse.parse(res.body);
    expect(resent.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(resent.token).not.toBe(created.token);
    expect((await tab(t.app).post('/api/v1/invitations/lookup', { token: created.token })).status).toBe(404);
    expect((await tab(t.app).post('/api/v1/invitations/lookup', { token: resent.token })).status).toBe(200);
    await t.mailSettled();
    expect(mail.to(email)).toEqual([]);

    // Resent by mail instead: the statement is dropped (the server sees a mailed link).
    const mailedRes = await anna.tab.post(`/api/v1/clients/invitations/${created.invitationId}/resend`, {});
    expect(mailedRes.status).toBe(200);
    expect(ClientInviteResponse.parse(mailedRes.body)).toMatchObject({ delivered: true });
    expect(ClientInviteResponse.parse(mailedRes.body).token).toBeUndefined();
    expect(await listed(anna, email)).toMatchObject({ state: 'invited', handover: false });
    const token = inviteToken(await mail.latest(email));
    expect((await tab(t.app).post('/api/v1/invitations/lookup', { token: resent.token })).status).toBe(404);
    expect((await tab(t.app).post('/api/v1/invitations/lookup', { token })).status).toBe(200);
  });

  it('withdraws an open client invitation (its link dies), and answers 404 for a member’s invitation', async () => {
    const email = 'ingetrokken@voorbeeld.nl';
    expect((await anna.tab.post('/api/v1/clients/invitations', { name: 'Weg', email })).status).toBe(201);
    const token = inviteToken(await mail.latest(email));
    const entry = await listed(bram, email);
    const withdrawn = await bram.tab.post(`/api/v1/clients/invitations/${entry?.invitationId ?? ''}/withdraw`, {});
    expect(withdrawn.status).toBe(204);
    expect((await tab(t.app).post('/api/v1/invitations/lookup', { token })).status).toBe(404);
    expect(await listed(bram, email)).toBeUndefined();
    const twice = await bram.tab.post(`/api/v1/clients/invitations/${entry?.invitationId ?? ''}/withdraw`, {});
    expect(twice.status).toBe(409);

    // A staff invitation is the admin's: the clients routes do not find it.
    const member = InvitationCreateResponse.parse(
      (await o.admin.tab.post('/api/v1/admin/invitations', { email: 'collega@kantoor.example', role: 'staff' })).body,
    );
    for (const action of ['resend', 'withdraw']) {
      const res = await anna.tab.post(`/api/v1/clients/invitations/${member.invitationId}/${action}`, {});
      expect(res.status, action).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    }
    const still = await o.admin.tab.get('/api/v1/admin/invitations');
    expect(JSON.stringify(still.body)).toContain('collega@kantoor.example');
  });
});
