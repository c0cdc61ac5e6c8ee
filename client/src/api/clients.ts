// Typed calls for client accounts and the client portal (shared/wire/clients.ts is the
// contract): the office's side (invite, list, a client's keys, approve with the personal drop)
// and the client's own portal (their drop, their upload history, an upload session). Uploads
// then go through the drop routes (api/drops.ts) with the session's grant.
import {
  ClientApproveResponse,
  ClientDetail,
  ClientInviteRequest,
  ClientInviteResponse,
  ClientList,
  Portal,
  PortalUploadList,
  type ClientAdvisorRequest,
  type ClientApproveRequest,
  type ClientDropRenewRequest,
  type ClientReferenceRequest,
  type ClientResendRequest,
} from '../../../shared/wire/clients.js';
import { DropGrantResponse } from '../../../shared/wire/drops.js';
import { getJson, noContent, postJson, putJson, schema, segment, unlessLanded, type RequestOptions } from './http';
import { pageLang } from '../i18n';

export type {
  ClientApproveRequest,
  ClientDetail,
  ClientList,
  ClientState,
  ClientSummary,
  Portal,
  PortalDrop,
  PortalUpload,
} from '../../../shared/wire/clients.js';

const API = '/api/v1';

// ---- the office's side

/**
 * Invites a client. When the answer is lost (no answer, or a 5xx), the client list is asked for
 * the open invitation this request made: a handed-over one by the user id the browser chose for
 * it, a mailed one by its address and name. Found, it is the answer, without a token: a
 * handed-over invitation's token was only in the lost answer, so the caller makes a new link
 * for it (as "send again" does). Not found, the failure stands. Without this, trying again would
 * be refused as a second invitation to the same address.
 */
export function inviteClient(body: ClientInviteRequest): Promise<ClientInviteResponse> {
  // The invitation mail is written in the inviting member's page language unless they chose one.
  const request = { ...body, lang: body.lang ?? pageLang() };
  return unlessLanded(
    () => postJson(`${API}/clients/invitations`, request, schema(ClientInviteResponse)),
    async () => {
      const asked = ClientInviteRequest.safeParse(request);
      if (!asked.success) return null;
      const { email, name, handover } = asked.data;
      const { clients } = await listClients();
      const made = clients.find(
        (c) =>
          c.state === 'invited' &&
          (handover === undefined
            ? !c.handover && c.email === email && c.name === name
            : c.handover && c.accountId === handover.userId),
      );
      if (made === undefined || made.invitationId === null || made.expiresAt === null) return null;
      return {
        invitationId: made.invitationId,
        expiresAt: made.expiresAt,
        delivered: !made.handover && !made.deliveryFailed,
      };
    },
  );
}

/** A new link for an open client invitation (the old one stops working): mailed, or handed over with a new I. */
export function resendClientInvitation(invitationId: string, body: ClientResendRequest): Promise<ClientInviteResponse> {
  return postJson(`${API}/clients/invitations/${segment(invitationId)}/resend`, body, schema(ClientInviteResponse));
}

export function withdrawClientInvitation(invitationId: string): Promise<void> {
  return postJson(`${API}/clients/invitations/${segment(invitationId)}/withdraw`, {}, noContent);
}

/** A client approved unchecked, whose fingerprint the member has now compared by phone. */
export function markClientKeysChecked(userId: string): Promise<void> {
  return postJson(`${API}/clients/${segment(userId)}/keys-checked`, {}, noContent);
}

export function listClients(options?: RequestOptions): Promise<ClientList> {
  return getJson(`${API}/clients`, schema(ClientList), options);
}

export function getClient(userId: string, options?: RequestOptions): Promise<ClientDetail> {
  return getJson(`${API}/clients/${segment(userId)}`, schema(ClientDetail), options);
}

/**
 * Certifies a client and makes their personal drop (one transaction on the server). When the
 * answer is lost (no answer, or a 5xx), the client is asked for: active with exactly the
 * certificate sent means done. Without this, the page would show an error for a client who was
 * approved, and approving again would be refused.
 */
export async function approveClient(userId: string, body: ClientApproveRequest): Promise<void> {
  await unlessLanded(
    async () => {
      await postJson(`${API}/clients/${segment(userId)}/approve`, body, schema(ClientApproveResponse));
    },
    async () => {
      const detail = await getClient(userId);
      return detail.state === 'active' && detail.certificate === body.certificate ? undefined : null;
    },
  );
}

/** Another member handles the client (any approved member may set it). */
export async function setClientAdvisor(userId: string, body: ClientAdvisorRequest): Promise<void> {
  await postJson(`${API}/clients/${segment(userId)}/advisor`, body, noContent);
}

/** Sets (or, with null, removes) the client's personnel or client number. */
export async function setClientReference(userId: string, body: ClientReferenceRequest): Promise<void> {
  await putJson(`${API}/clients/${segment(userId)}/reference`, body, noContent);
}

/**
 * A new personal drop for the client, made in this browser; the server closes the old one. When
 * the answer is lost (no answer, or a 5xx), the list is asked: the client's drop being the one
 * this browser chose means done. Without this, the page would show an error for a link that was
 * made, and a second try would make yet another.
 */
export async function renewClientDrop(userId: string, body: ClientDropRenewRequest): Promise<void> {
  await unlessLanded(
    async () => {
      await postJson(`${API}/clients/${segment(userId)}/drop`, body, schema(ClientApproveResponse));
    },
    async () => {
      const { clients } = await listClients();
      return clients.some((c) => c.userId === userId && c.dropId === body.drop.dropId) ? undefined : null;
    },
  );
}

// ---- the client's portal

export function getPortal(options?: RequestOptions): Promise<Portal> {
  return getJson(`${API}/portal`, schema(Portal), options);
}

export function listPortalUploads(options?: RequestOptions): Promise<PortalUploadList> {
  return getJson(`${API}/portal/uploads`, schema(PortalUploadList), options);
}

/** An upload session on the client's own personal drop: the same grant a link holder gets after a code. */
export function startPortalDrop(dropId: string): Promise<DropGrantResponse> {
  return postJson(`${API}/portal/drops/${segment(dropId)}/start`, {}, schema(DropGrantResponse));
}
