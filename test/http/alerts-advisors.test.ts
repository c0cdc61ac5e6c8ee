// Alerts that reach someone, and an advisor per client (docs/threat-model.md "Who is alerted";
// docs/operations.md "Advisors and leavers"): every mail is captured by the loopback SMTP server.
// - a guest locked out of a leaver's share: the admins are told, or the advisor of the client
//   whose address it is;
// - an open drop's arrivals: its owner is told (counts and size, no names), at most once per
//   drop per 10 minutes, and the admins once the owner left;
// - someone waiting for approval: the admins once (and a client's advisor);
// - a client's advisor: set at the invitation, changed by any approved member (audited), never
//   by a client; portal uploads are listed for and mailed to the advisor, the admins once the
//   advisor left; a renewed personal drop takes the client's uploads and the old one is closed.
import { describe, expect, it } from 'vitest';
import { idToWire, newId } from '../../shared/crypto/index.js';
import { ClientList, DropList, InvitationLookupResponse, Portal } from '../../shared/wire/index.js';
import { guestPlan, makeFile, randomPlaintext, type GuestPlan } from '../helpers/browser-shares.js';
import { makeAccount } from '../helpers/browser.js';
import {
  approvalRequest,
  approveClient,
  CLIENT_PASSWORD,
  makeClient,
  startPortalSession,
  type ClientAccount,
} from '../helpers/clients.js';
import { dropUploads, makeDrop, startOpenDrop, submit, uploadToDrop, buildSubmission } from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken, type Email } from '../helpers/mail-server.js';
import { approve, idOf, inviteAndAccept, STAFF_PASSWORD, type Member } from '../helpers/office.js';
import { codeFromMail, sendShare, signInAgain, uploadContainer, type SendingOffice } from '../helpers/sharing.js';
import { linkPath } from './support/links.js';
import { staffSuite } from './support/staff-suite.js';
import { tab } from '../helpers/client.js';

const { suite, office } = staffSuite();

const MINUTE_MS = 60 * 1000;
const ANNA = 'anna@kantoor.example';
const BRAM = 'bram@kantoor.example';
const CARLA = 'carla@kantoor.example';

/** Every action in the audit log, in order. */
function auditActions(s: SendingOffice): string[] {
  return s.t.db.prepare('SELECT action FROM audit_log ORDER BY seq').pluck().all() as string[];
}

/** A second approved staff member, Carla. */
async function withCarla(s: SendingOffice): Promise<Member> {
  const carla = await inviteAndAccept(s, CARLA, 'staff', STAFF_PASSWORD, 'Carla Smit');
  await approve(s, carla);
  return carla;
}

async function disable(s: SendingOffice, member: Member): Promise<void> {
  expect((await s.admin.tab.post(`/api/v1/admin/users/${idOf(member)}/disable`, {})).status).toBe(204);
}

/** The mails sent from `from` on (after the queue went idle), as [address, subject, text]. */
async function mailsSince(s: SendingOffice, from: number): Promise<[string, string, string][]> {
  await s.t.mailQueue.idle();
  return suite.mail.messages
    .slice(from)
    .map((m: Email) => [
      m.to?.map((to) => ('address' in to ? to.address : '')).join(',') ?? '',
      m.subject ?? '',
      m.text ?? '',
    ]);
}

/** A guest types wrong codes until the link locks (two codes, five tries each), from an address of its own. */
async function lockGuest(s: SendingOffice, guest: GuestPlan, address: string): Promise<void> {
  const post = (rest: string, body: object) =>
    tab(s.t.app).raw('post', linkPath(guest, rest)).set('X-Forwarded-For', address).send(body);
  let tries = 0;
  for (let round = 0; round < 2; round++) {
    const before = suite.mail.to(guest.email).length;
    expect((await post('/code', {})).status).toBe(200);
    const code = await codeFromMail(suite.mail, guest.email, before + 1);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await post('/verify', { code: wrong })).status).toBe(++tries < 10 ? 401 : 423);
  }
}

/** The client's portal uploads one small file through their current personal drop. */
async function portalUpload(s: SendingOffice, client: ClientAccount): Promise<string> {
  const grant = await startPortalSession(client);
  const sent = await uploadToDrop(s.t.app, client.drop, grant, [makeFile(randomPlaintext(3000))], { who: client.tab });
  return sent.answer.dropUploadId;
}

describe('alerts about a leaver’s work', () => {
  it('a guest locked out of a disabled sender’s share: the admins are told, or the advisor of the client whose address it is', async () => {
    const s = await office({ TRUST_PROXY: '1' }); // each guest from an address of its own
    const carla = await withCarla(s);
    const client = await makeClient(s, s.staff, 'klant@voorbeeld.nl', 'Bakkerij de Vries'); // advisor: Bram
    const stranger = guestPlan('gast@voorbeeld.nl');
    const clientAsGuest = guestPlan(client.account.email);
    const clientAgain = guestPlan(client.account.email);
    for (const guest of [stranger, clientAsGuest, clientAgain]) await sendShare(s, carla, { guests: [guest] });
    await disable(s, carla);
    let address = 0;
    const alertsWhile = async (locking: GuestPlan) => {
      const from = suite.mail.messages.length;
      await lockGuest(s, locking, `198.51.100.${++address}`);
      return (await mailsSince(s, from)).filter(([to]) => to !== locking.email);
    };

    const aboutStranger = await alertsWhile(stranger);
    expect(aboutStranger.map(([to]) => to)).toEqual([ANNA]);
    expect(aboutStranger[0]![1]).toMatch(/g\*\*\*@voorbeeld\.nl/);
    expect(aboutStranger[0]![2]).not.toContain(stranger.email);
    expect((await alertsWhile(clientAsGuest)).map(([to]) => to)).toEqual([BRAM]);
    // With the advisor gone too, the admins.
    await disable(s, s.staff);
    s.t.clock.advance(61 * MINUTE_MS); // codes to one mailbox are limited per hour
    expect((await alertsWhile(clientAgain)).map(([to]) => to)).toEqual([ANNA]);
  });

  it('an open drop tells its owner of arrivals, counts and size only, at most once per 10 minutes; the admins once the owner left', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, { title: 'Loonstroken maart', label: 'Geheim label' });
    const upload = async () => {
      const grant = await startOpenDrop(s.t.app, drop.dropId);
      await uploadToDrop(s.t.app, drop, grant, [
        makeFile(randomPlaintext(5000), { name: 'jaarrekening-2025.pdf', message: 'Loonstroken van Jan' }),
      ]);
    };

    let from = suite.mail.messages.length;
    await upload();
    const first = await mailsSince(s, from);
    expect(first.map(([to]) => to)).toEqual([BRAM]);
    const [, subject, text] = first[0]!;
    expect(text).toMatch(/1 bestand \(4,\d KB\)|1 file \(4\.\d KB\)/);
    expect(text).toContain(`/app/drops/${drop.dropId}`);
    for (const secret of ['jaarrekening', 'Loonstroken', 'Geheim label'])
      expect(`${subject}\n${text}`).not.toContain(secret);

    // A burst: nothing more within 10 minutes, then the next arrival is mailed again.
    from = suite.mail.messages.length;
    s.t.clock.advance(5 * MINUTE_MS);
    await upload();
    expect(await mailsSince(s, from)).toEqual([]);
    s.t.clock.advance(5 * MINUTE_MS);
    await upload();
    expect((await mailsSince(s, from)).map(([to]) => to)).toEqual([BRAM]);

    // The owner left: the admins.
    await disable(s, s.staff);
    s.t.clock.advance(11 * MINUTE_MS);
    from = suite.mail.messages.length;
    await upload();
    expect((await mailsSince(s, from)).map(([to]) => to)).toEqual([ANNA]);
    const detail = DropList.parse((await s.admin.tab.get('/api/v1/drops?scope=office')).body);
    expect(detail.drops.find((d) => d.dropId === drop.dropId)?.uploadCount).toBe(4);
  });
});

describe('waiting for approval', () => {
  it('tells the admins once that a member waits, and a client’s admins and advisor', async () => {
    const s = await office();
    const from = suite.mail.messages.length;
    const dirk = await inviteAndAccept(s, 'dirk@kantoor.example', 'staff', STAFF_PASSWORD, 'Dirk');
    const waiting = (await mailsSince(s, from)).filter(([to]) => to !== 'dirk@kantoor.example');
    expect(waiting.map(([to, subject]) => [to, subject])).toEqual([
      [ANNA, 'Coffer: dirk@kantoor.example wacht op goedkeuring'],
    ]);
    expect(waiting[0]![2]).toContain('/app/admin');
    // Approving sends the member their own notice, and nothing more to the admins.
    const afterWaiting = suite.mail.messages.length;
    await approve(s, dirk);
    expect((await mailsSince(s, afterWaiting)).map(([to]) => to)).toEqual(['dirk@kantoor.example']);

    // A client Bram invites for Carla: the admins and Carla are told, Bram is not.
    const carla = await withCarla(s);
    const invited = await s.staff.tab.post('/api/v1/clients/invitations', {
      name: 'Garage Jansen',
      email: 'garage@voorbeeld.nl',
      advisorId: idOf(carla),
    });
    expect(invited.status).toBe(201);
    const list = ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body);
    expect(list.clients[0]).toMatchObject({ state: 'invited', advisor: { userId: idOf(carla), active: true } });
    const beforeAccept = suite.mail.messages.length;
    await acceptClientInvitation(s, 'garage@voorbeeld.nl', 'Garage Jansen');
    const told = (await mailsSince(s, beforeAccept)).map(([to, subject]) => [to, subject]);
    expect(told.sort()).toEqual(
      [
        [ANNA, 'Coffer: garage@voorbeeld.nl wacht op goedkeuring'],
        [CARLA, 'Coffer: garage@voorbeeld.nl wacht op goedkeuring'],
      ].sort(),
    );
  });
});

/** The invited client accepts from the mailed link (the invitation was sent already). */
async function acceptClientInvitation(s: SendingOffice, email: string, name: string): Promise<Member> {
  const token = inviteToken(await suite.mail.latest(email));
  const clientTab = tab(s.t.app);
  const lookup = await clientTab.post('/api/v1/invitations/lookup', { token });
  const userId = InvitationLookupResponse.parse(lookup.body).userId;
  const account = makeAccount({ userId, email, name, password: CLIENT_PASSWORD });
  const accepted = await clientTab.post('/api/v1/invitations/accept', { token, name, keys: account.wire });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { account, tab: clientTab };
}

describe('an advisor per client', () => {
  it('is changed by any approved member (audited), never by a client; a foreign id is 404; only an active member can be one', async () => {
    const s = await office();
    const carla = await withCarla(s);
    const a = await makeClient(s, s.staff, 'klant.a@voorbeeld.nl', 'Bakkerij de Vries');
    const b = await makeClient(s, s.staff, 'klant.b@voorbeeld.nl', 'Garage Jansen');
    const advisorPath = (client: Member) => `/api/v1/clients/${idOf(client)}/advisor`;
    const advisorOf = async (client: Member) =>
      ClientList.parse((await carla.tab.get('/api/v1/clients')).body).clients.find((c) => c.userId === idOf(client))
        ?.advisor;
    expect(await advisorOf(a)).toEqual({ userId: idOf(s.staff), name: 'Bram Jansen', active: true });

    const before = auditActions(s).filter((x) => x === 'user.advisor_changed').length;
    expect((await carla.tab.post(advisorPath(a), { advisorId: idOf(carla) })).status).toBe(204);
    expect(await advisorOf(a)).toEqual({ userId: idOf(carla), name: 'Carla Smit', active: true });
    expect(auditActions(s).filter((x) => x === 'user.advisor_changed')).toHaveLength(before + 1);

    // A client cannot choose (not even their own), and never learns another client's advisor.
    expectError(await a.tab.post(advisorPath(a), { advisorId: idOf(s.staff) }), 403, 'forbidden');
    expectError(await b.tab.post(advisorPath(a), { advisorId: idOf(s.staff) }), 403, 'forbidden');
    expectError(await b.tab.get('/api/v1/clients'), 403, 'forbidden');
    // A member's id, or an unknown one, is no client: 404.
    expectError(await carla.tab.post(advisorPath(s.staff), { advisorId: idOf(carla) }), 404, 'not_found');
    expectError(
      await carla.tab.post(`/api/v1/clients/${idToWire(newId())}/advisor`, {
        advisorId: idOf(carla),
      }),
      404,
      'not_found',
    );
    // Only an active, approved member: not a client, not a leaver.
    expectError(await carla.tab.post(advisorPath(a), { advisorId: idOf(b) }), 400, 'invalid_input');
    await disable(s, s.staff);
    expectError(await carla.tab.post(advisorPath(a), { advisorId: idOf(s.staff) }), 400, 'invalid_input');
    expect(await advisorOf(b)).toEqual({ userId: idOf(s.staff), name: 'Bram Jansen', active: false });
  });

  it('receives the client’s portal uploads (listed and mailed), not the approving admin; the admins once the advisor left', async () => {
    const s = await office();
    const carla = await withCarla(s);
    // The admin invites and approves the client for Carla.
    const invited = await inviteClientFor(s, s.admin, carla, 'klant@voorbeeld.nl');
    const drop = await approveClient(s, s.admin, invited);
    let client: ClientAccount = { ...invited, drop };

    let from = suite.mail.messages.length;
    const uploadId = await portalUpload(s, client);
    const arrived = (await mailsSince(s, from)).filter(([to]) => to !== client.account.email);
    expect(arrived.map(([to]) => to)).toEqual([CARLA]);
    expect(arrived[0]![2]).toMatch(/klantportaal|client's portal/);
    // Listed as Carla's, not as the admin's.
    const mine = async (member: Member) => DropList.parse((await member.tab.get('/api/v1/drops?scope=mine')).body);
    const carlas = await mine(carla);
    expect(carlas.drops.map((d) => d.dropId)).toEqual([drop.dropId]);
    expect(carlas.uploads.map((u) => u.dropUploadId)).toEqual([uploadId]);
    expect((await mine(s.admin)).drops).toEqual([]);
    // Carla opening her client's drop is no takeover.
    const takeovers = () => auditActions(s).filter((x) => x === 'drop.takeover').length;
    const before = takeovers();
    expect((await carla.tab.get(`/api/v1/drops/${drop.dropId}`)).status).toBe(200);
    expect(takeovers()).toBe(before);

    // The admin renews the client's drop: both the old one (with its upload) and the new one stay Carla's.
    const { body, keys } = approvalRequest(s, s.admin, client, 2);
    expect((await s.admin.tab.post(`/api/v1/clients/${idOf(client)}/drop`, { drop: body.drop })).status).toBe(200);
    expect((await mine(carla)).drops.map((d) => d.dropId).sort()).toEqual([drop.dropId, idToWire(keys.dropId)].sort());
    expect((await mine(s.admin)).drops).toEqual([]);
    client = { ...client, drop: { dropId: idToWire(keys.dropId), keys } };

    // Carla leaves: the client page says so, and the admins hear of the next upload.
    await disable(s, carla);
    const listed = ClientList.parse((await s.admin.tab.get('/api/v1/clients')).body).clients[0];
    expect(listed?.advisor).toEqual({ userId: idOf(carla), name: 'Carla Smit', active: false });
    from = suite.mail.messages.length;
    await portalUpload(s, client);
    expect((await mailsSince(s, from)).filter(([to]) => to !== client.account.email).map(([to]) => to)).toEqual([ANNA]);
  });

  it('renews a client’s personal drop: the portal uses the new one, the old one answers closed, also after it expired', async () => {
    const s = await office();
    const client = await makeClient(s, s.staff, 'klant@voorbeeld.nl', 'Bakkerij de Vries');
    // The client is in the middle of an upload on the old drop.
    const oldGrant = await startPortalSession(client);
    const file = makeFile(randomPlaintext(2000));
    const pending = await uploadContainer(client.tab, file.container, dropUploads(client.drop.dropId, oldGrant));

    const renew = async (member: Member, who: ClientAccount) => {
      const { body, keys } = approvalRequest(s, member, who, 2);
      const res = await member.tab.post(`/api/v1/clients/${idOf(who)}/drop`, { drop: body.drop });
      return { res, drop: { dropId: idToWire(keys.dropId), keys } };
    };
    // A client cannot renew their own drop.
    expectError((await renew(client, client)).res, 403, 'forbidden');
    const renewed = await renew(s.admin, client);
    expect(renewed.res.status, JSON.stringify(renewed.res.body)).toBe(200);
    expect(auditActions(s)).toContain('drop.closed');

    // The old one: closed for the session that was open, no longer the client's to start.
    const submitted = buildSubmission(
      {
        dropId: client.drop.keys.dropId,
        publicKey: client.drop.keys.keyPair.publicKey,
        secret: client.drop.keys.secret,
      },
      [{ file, uploadId: pending.uploadId }],
    );
    expectError(await submit(s.t.app, client.drop.dropId, oldGrant, submitted.body, client.tab), 410, 'drop_closed');
    expectError(await client.tab.post(`/api/v1/portal/drops/${client.drop.dropId}/start`, {}), 404, 'not_found');

    // The portal now offers the new one, and an upload through it arrives with the advisor.
    const portal = Portal.parse((await client.tab.get('/api/v1/portal')).body);
    expect(portal.drop).toMatchObject({ dropId: renewed.drop.dropId, state: 'active' });
    const current: ClientAccount = { ...client, drop: renewed.drop };
    const from = suite.mail.messages.length;
    await portalUpload(s, current);
    expect((await mailsSince(s, from)).filter(([to]) => to !== client.account.email).map(([to]) => to)).toEqual([BRAM]);

    // Renewing works after the drop expired as well.
    s.t.clock.advance(366 * 24 * 60 * MINUTE_MS);
    const listed = async () =>
      ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body).clients.find((c) => c.userId === idOf(client));
    await signInAgain(s, s.staff); // the sessions ran out with the year
    expect(await listed()).toMatchObject({ dropState: 'expired' });
    const again = await renew(s.staff, current);
    expect(again.res.status).toBe(200);
    expect(await listed()).toMatchObject({ dropId: again.drop.dropId, dropState: 'active' });
  });
});

/** `by` invites a client for `advisor`; the client accepts. */
async function inviteClientFor(s: SendingOffice, by: Member, advisor: Member, email: string): Promise<Member> {
  const invited = await by.tab.post('/api/v1/clients/invitations', {
    name: 'Bakkerij de Vries',
    email,
    advisorId: idOf(advisor),
  });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  return acceptClientInvitation(s, email, 'Bakkerij de Vries');
}
