// An invitation link, in the words several capabilities share: users (an admin's reset) and
// clients (an advisor inviting a client) send one through the invitations capability, and both
// answer with what was sent.
import { idToWire, type Id } from '../../../shared/crypto/index.js';
import type { InvitationCreateResponse } from '../../../shared/wire/index.js';
import type { Language, Role } from '../../../shared/wire/index.js';
import { iso } from '../wire.js';

export type InvitationKind = 'invitation' | 'reset';

export interface InvitationRecord {
  readonly id: Id;
  readonly kind: InvitationKind;
  readonly userId: Id;
  readonly email: string;
  readonly role: Role;
  /** The name an advisor gave when inviting a client; null for any other invitation. */
  readonly name: string | null;
  readonly auditRef: Uint8Array;
  readonly invitedBy: Id | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly acceptedAt: number | null;
  readonly withdrawnAt: number | null;
  readonly deliveryFailed: boolean;
  /** The language of the invitation's mails (and of the new account, unless its browser says otherwise). */
  readonly lang: Language;
  /** A client invitation the advisor hands over (its link carries I, protocol §13a); never mailed. */
  readonly handover: boolean;
  /** A client invitation's advisor (migrations/0016_advisors_alerts.sql); null for any other. */
  readonly advisorId: Id | null;
}

/**
 * Roles an admin invites (and changes between) on the admin pages. Client accounts are invited
 * by advisors (`inviteClient`) and approved without the office keys (server/clients/).
 */
export const INVITABLE_ROLES: readonly Role[] = ['admin', 'staff'];

/** An invitation or reset link just made, and whether its mail went out. */
export interface SentInvitation {
  readonly id: Id;
  readonly expiresAt: number;
  readonly delivered: boolean;
  /** A handed-over client invitation's token: the inviting browser completes the link with I. */
  readonly token?: string;
}

/** A client invitation the advisor hands over: the account's user id and the office's statement (protocol §13a). */
export interface ClientHandoverInput {
  readonly userId: Id;
  readonly statement: Uint8Array;
}

export function sentOut(sent: SentInvitation): InvitationCreateResponse {
  return { invitationId: idToWire(sent.id), expiresAt: iso(sent.expiresAt), delivered: sent.delivered };
}
