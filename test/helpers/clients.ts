// Client accounts through the real endpoints, as the browsers do it (shared/wire/clients.ts):
// an advisor invites the client, the client accepts from the mailed link (keys made in "their
// browser"), the advisor's browser certifies the client (role client, no office keys) and makes
// the client's personal drop with its link sealed to the client; the client's portal starts an
// upload session on it from the session and uploads like any drop's link holder.
import { expect } from 'vitest';
import {
  clientKeyProof,
  dropFingerprint,
  idToWire,
  newId,
  newInvitationSecret,
  sealClientDropLink,
  signClientInvitation,
  toBase64Url,
  type DropKeys,
  type Id,
} from '../../shared/crypto/index.js';
import {
  ClientDetail,
  ClientInviteResponse,
  DropGrantResponse,
  type ClientApproveRequest,
  InvitationLookupResponse,
} from '../../shared/wire/index.js';
import { certify, makeAccount } from './browser.js';
import { makeFile, randomPlaintext } from './browser-shares.js';
import { tab } from './client.js';
import { dropCreateRequest, uploadToDrop } from './drops.js';
import { inviteToken } from './mail-server.js';
import type { Member, Office } from './office.js';

export const CLIENT_PASSWORD = 'een wachtwoord dat alleen de klant kent';

export interface ClientAccount extends Member {
  /** The personal drop made at approval, with the keys the approving browser made. */
  readonly drop: { readonly dropId: string; readonly keys: DropKeys };
}

/** `advisor` invites a client, who accepts; then `advisor` approves them (certificate + personal drop). Signed in. */
export async function makeClient(o: Office, advisor: Member, email: string, name: string): Promise<ClientAccount> {
  const client = await inviteClient(o, advisor, email, name);
  const drop = await approveClient(o, advisor, client);
  return { ...client, drop };
}

/** `advisor` invites a client, who accepts from the mailed link: signed in, waiting for approval. */
export async function inviteClient(o: Office, advisor: Member, email: string, name: string): Promise<Member> {
  const invited = await advisor.tab.post('/api/v1/clients/invitations', { name, email });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const token = inviteToken(await o.mail.latest(email));
  const clientTab = tab(
    o.t.app,
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  );
  const lookup = await clientTab.post('/api/v1/invitations/lookup', { token });
  expect(lookup.status, JSON.stringify(lookup.body)).toBe(200);
  const account = makeAccount({
    userId: InvitationLookupResponse.parse(lookup.body).userId,
    email,
    name,
    password: CLIENT_PASSWORD,
  });
  const accepted = await clientTab.post('/api/v1/invitations/accept', { token, name, keys: account.wire });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { account, tab: clientTab };
}

/** A handed-over client invitation as the advisor's browser makes it: I, the office's statement and the request. */
export function handover(o: Office, email: string, userId: Id = newId()) {
  const secret = newInvitationSecret();
  const statement = signClientInvitation(o.office.keys, { userId, email }, secret);
  return { userId, secret, statement, wire: { userId: idToWire(userId), statement: toBase64Url(statement) } };
}

/**
 * `advisor` invites a client with a link they deliver themselves (no mail); the client accepts
 * from that link, their browser proving its new keys with I: signed in, waiting for approval.
 */
export async function inviteClientByHandover(o: Office, advisor: Member, email: string, name: string) {
  const made = handover(o, email);
  const invited = await advisor.tab.post('/api/v1/clients/invitations', { name, email, handover: made.wire });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const answer = ClientInviteResponse.parse(invited.body);
  const token = answer.token ?? '';
  const clientTab = tab(o.t.app);
  const account = makeAccount({ userId: made.userId, email, name, password: CLIENT_PASSWORD });
  const keyProof = clientKeyProof(made.secret, {
    userId: made.userId,
    email,
    identityPublicKey: account.keys.identity.publicKey,
    encryptionPublicKey: account.keys.encryption.publicKey,
  });
  const accepted = await clientTab.post('/api/v1/invitations/accept', {
    token,
    name,
    keys: account.wire,
    keyProof: toBase64Url(keyProof),
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { client: { account, tab: clientTab } as Member, ...made, token, invitationId: answer.invitationId };
}

/** What the approving member's browser sends: the certificate and the personal drop, its link sealed to the client. */
export function approvalRequest(
  o: Office,
  advisor: Member,
  client: Member,
  version: number,
  keyCheck: ClientApproveRequest['keyCheck'] = 'call',
): { body: ClientApproveRequest; keys: DropKeys } {
  const { keys, request } = dropCreateRequest(o, advisor, {
    label: client.account.name,
    expiresInMs: 365 * 24 * 3600_000,
    clientId: client.account.userId,
  });
  const { email: _email, personal: _personal, singleUse: _singleUse, ...drop } = request;
  const clientLink = sealClientDropLink(
    { dropFingerprint: dropFingerprint(keys.dropId, keys.keyPair.publicKey), dropSecret: keys.secret },
    { dropId: keys.dropId, clientId: client.account.userId },
    client.account.keys.encryption.publicKey,
  );
  return {
    body: {
      certificate: certify(o.office, client.account, 'client', version),
      drop: { ...drop, clientLink: toBase64Url(clientLink) },
      keyCheck,
    },
    keys,
  };
}

/** The advisor's browser approves a waiting client, after reading their keys. */
export async function approveClient(o: Office, advisor: Member, client: Member): Promise<ClientAccount['drop']> {
  const userId = idToWire(client.account.userId);
  const detailRes = await advisor.tab.get(`/api/v1/clients/${userId}`);
  expect(detailRes.status, JSON.stringify(detailRes.body)).toBe(200);
  const detail = ClientDetail.parse(detailRes.body);
  const { body, keys } = approvalRequest(o, advisor, client, detail.certificateVersion + 1);
  const res = await advisor.tab.post(`/api/v1/clients/${userId}/approve`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await o.t.mailQueue.idle(); // the approval notice goes out through the mail queue
  return { dropId: idToWire(keys.dropId), keys };
}

/** The portal starts an upload session on the client's own personal drop; returns the grant. */
export async function startPortalSession(client: ClientAccount): Promise<string> {
  const res = await client.tab.post(`/api/v1/portal/drops/${client.drop.dropId}/start`, {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return DropGrantResponse.parse(res.body).grant;
}

/**
 * The client uploads one small file through the portal (a first session, submitted), then
 * opens a second session and keeps its grant: what a client in the middle of an upload holds.
 */
export async function personalDropOf(
  o: Office,
  client: ClientAccount,
): Promise<{ dropId: string; grant: string; submittedDropUploadId: string }> {
  const first = await startPortalSession(client);
  const submitted = await uploadToDrop(o.t.app, client.drop, first, [makeFile(randomPlaintext(2500))], {
    who: client.tab,
  });
  const grant = await startPortalSession(client);
  return { dropId: client.drop.dropId, grant, submittedDropUploadId: submitted.answer.dropUploadId };
}
