// Typed calls for the admin endpoints (shared/wire/admin.ts is the contract): users,
// approval, roles, leavers, invitations and the office settings and logo.
import type { z } from 'zod';
import {
  ApproveRequest,
  InvitationCreateRequest,
  InvitationCreateResponse,
  InvitationList,
  OfficeSettings,
  RoleChangeRequest,
  UserDetail,
  UserList,
} from '../../../shared/wire/admin.js';
import type { Role } from '../../../shared/wire/common.js';
import {
  deleteJson,
  getJson,
  unlessLanded,
  noContent,
  postJson,
  putForm,
  putJson,
  schema,
  segment,
  type RequestOptions,
} from './http';
import type { Lang } from '../i18n';

export type { InvitationList, OfficeSettings, UserDetail, UserList, UserSummary } from '../../../shared/wire/admin.js';
export { LOGO_MAX_BYTES } from '../../../shared/wire/admin.js';

const ADMIN = '/api/v1/admin';

const user = (userId: string): string => `${ADMIN}/users/${segment(userId)}`;
const invitation = (invitationId: string): string => `${ADMIN}/invitations/${segment(invitationId)}`;

// ---- users

export function listUsers(options?: RequestOptions): Promise<UserList> {
  return getJson(`${ADMIN}/users`, schema(UserList), options);
}

export function getUser(userId: string): Promise<UserDetail> {
  return getJson(user(userId), schema(UserDetail));
}

/**
 * Certifies a colleague and seals the office keys to them. When the answer is lost (no answer,
 * or a 5xx), the user is asked for: approved with exactly the certificate sent means done.
 * Without this, the page would show an error for a colleague who was approved, and approving
 * again would be refused.
 */
export function approveUser(userId: string, body: z.input<typeof ApproveRequest>): Promise<void> {
  return unlessLanded(
    () => postJson(`${user(userId)}/approve`, body, noContent),
    async () => {
      const detail = await getUser(userId);
      return detail.approval === 'approved' && detail.certificate === body.certificate ? undefined : null;
    },
  );
}

/**
 * A new role (with a new certificate for an approved member). When the answer is lost, the user
 * is asked for: the role asked for, and the certificate sent if there was one, means done.
 */
export function changeRole(userId: string, body: z.input<typeof RoleChangeRequest>): Promise<void> {
  return unlessLanded(
    () => postJson(`${user(userId)}/role`, body, noContent),
    async () => {
      const detail = await getUser(userId);
      const certified = body.certificate === undefined || detail.certificate === body.certificate;
      return detail.role === body.role && certified ? undefined : null;
    },
  );
}

/**
 * Disables an account (its sessions end). When the answer is lost, the account is read again:
 * disabled means done. Without this, trying again would be refused as the wrong state.
 */
export function disableUser(userId: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${user(userId)}/disable`, {}, noContent),
    async () => ((await getUser(userId)).status === 'disabled' ? undefined : null),
  );
}

/** Lets a disabled account in again; after a lost answer, active means done (as `disableUser`). */
export function enableUser(userId: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${user(userId)}/enable`, {}, noContent),
    async () => ((await getUser(userId)).status === 'active' ? undefined : null),
  );
}

/** New keys and a new approval: the server withdraws the old keys and mails a reset link. */
export function resetUser(userId: string): Promise<InvitationCreateResponse> {
  return postJson(`${user(userId)}/reset`, {}, schema(InvitationCreateResponse));
}

// ---- invitations

export function listInvitations(options?: RequestOptions): Promise<InvitationList> {
  return getJson(`${ADMIN}/invitations`, schema(InvitationList), options);
}

/**
 * `lang`: the invitation mail's language (and the invitee's until they choose). When the answer
 * is lost (no answer, or a 5xx), the list is asked for an open invitation to that address with
 * that role: found, it is the answer (sent, unless its delivery failed); not found, the failure
 * stands. Without this, trying again would be refused as a second invitation to the address.
 */
export function createInvitation(email: string, role: Role, lang: Lang): Promise<InvitationCreateResponse> {
  return unlessLanded(
    () => postJson(`${ADMIN}/invitations`, { email, role, lang }, schema(InvitationCreateResponse)),
    async () => {
      const asked = InvitationCreateRequest.safeParse({ email, role, lang });
      if (!asked.success) return null;
      const { invitations } = await listInvitations();
      const made = invitations.find(
        (i) => i.kind === 'invitation' && i.email === asked.data.email && i.role === asked.data.role,
      );
      return made === undefined
        ? null
        : { invitationId: made.invitationId, expiresAt: made.expiresAt, delivered: !made.deliveryFailed };
    },
  );
}

/** A new link for the same invitation; `delivered` says whether the mail server took it. */
export function resendInvitation(invitationId: string): Promise<InvitationCreateResponse> {
  return postJson(`${invitation(invitationId)}/resend`, {}, schema(InvitationCreateResponse));
}

export function withdrawInvitation(invitationId: string): Promise<void> {
  return postJson(`${invitation(invitationId)}/withdraw`, {}, noContent);
}

// ---- office settings and logo

export function getSettings(options?: RequestOptions): Promise<OfficeSettings> {
  return getJson(`${ADMIN}/settings`, schema(OfficeSettings), options);
}

export function saveSettings(settings: z.input<typeof OfficeSettings>): Promise<void> {
  return putJson(`${ADMIN}/settings`, settings, noContent);
}

export function uploadLogo(file: File): Promise<void> {
  const form = new FormData();
  form.append('logo', file, file.name);
  return putForm(`${ADMIN}/logo`, form, noContent);
}

export function removeLogo(): Promise<void> {
  return deleteJson(`${ADMIN}/logo`, noContent);
}
