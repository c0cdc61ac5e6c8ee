// Client accounts and the client portal (docs/operations.md; migrations/0006_clients.sql).
//
// The office's side (guard 'office': approved staff and admins):
// - POST /api/v1/clients/invitations (ClientInviteRequest) → 201 ClientInviteResponse: mails
//   the invitation link `/invite#<token>.<office fingerprint>` to the client, or, with a
//   `handover` (docs/protocol.md §13a), mails nothing and answers the token: the advisor's
//   browser completes the link with the invitation secret I and delivers it. The client's
//   browser checks the office signing key against the fingerprint before making any key, and
//   pins it. 409 `already_exists` for an address with an account or an open invitation (or a
//   handover's user id already in use); 400 for a statement the office did not sign.
// - POST /api/v1/clients/invitations/:invitationId/resend (ClientResendRequest) →
//   ClientInviteResponse: a new link (the old one dead), mailed or handed over with a new I.
//   POST …/withdraw ({}) → 204. Any approved member; client invitations only (404 otherwise);
//   409 `wrong_state` once accepted or withdrawn.
// - GET /api/v1/clients → ClientList: the office's clients (invited, waiting for approval,
//   active, disabled). Members only: a client never sees this list.
// - GET /api/v1/clients/:userId → ClientDetail: a client's public keys (and a handed-over
//   invitation's statement and key proof), to check them and certify them. 404 for an unknown
//   id or an id that is not a client's.
// - POST /api/v1/clients/:userId/approve (ClientApproveRequest) → ClientApproveResponse: the
//   certificate (role 'client'; no office keys, ever) and the client's personal drop, made in
//   the approving member's browser: its secrets and label sealed to the approver and the office
//   (as any drop's), its link fragment sealed to the client (SealedClientLink). One transaction.
//   409 `wrong_state` unless the client waits for approval; 400 `invalid_certificate`; 400
//   `invalid_input` (keyCheck) for `proof` without a key proof or `unverified` where the office
//   requires the call.
// - POST /api/v1/clients/:userId/keys-checked ({}) → 204: an active client approved unchecked,
//   whose fingerprint a member compared later, is marked `call` (409 `wrong_state` otherwise).
// - POST /api/v1/clients/:userId/advisor (ClientAdvisorRequest) → 204: any approved member sets
//   who handles the client (audited). 400 `invalid_input` unless the advisor is an active,
//   approved member; 404 for an id that is not a client's.
// - POST /api/v1/clients/:userId/drop (ClientDropRenewRequest) → ClientApproveResponse: a new
//   personal drop, the old one closed in the same transaction. 409 `wrong_state` unless the
//   client is approved and active.
//
// The client's side (guard 'client': an approved client; members get 403):
// - GET /api/v1/portal → Portal: the caller's own personal drop, nothing else.
// - GET /api/v1/portal/uploads → PortalUploadList: the caller's own uploads through it.
// - GET /api/v1/portal/uploads/:dropUploadId → PortalUpload; 404 for anyone else's or unknown.
// - POST /api/v1/portal/drops/:dropId/start ({}) → DropGrantResponse (shared/wire/drops.ts): an
//   upload session on the caller's own personal drop, the same grant a link holder gets after
//   a code; then the upload and submit routes of /api/v1/d/:dropId as for any drop. 404 for any
//   other drop; 410 `drop_closed` / `drop_expired` for their own ended one.
// Shares sent to a client use the received routes (shared/wire/shares.ts) like any account's.
// No portal route lists or counts other users, drops, labels or shares.
import { z } from 'zod';
import { Reference } from './contacts.js';
import { bytes, DisplayName, Email, Language, WireId, Key32, Signature, Time } from './common.js';
import { SignedEnvelope, Token } from './accounts.js';
import { DropCreateRequest, DropCreator, DropRecordEnvelope, DropState } from './drops.js';

/** The personal drop's link fragment sealed to the client (kind b, protocol §13): 194 bytes. */
const SealedClientLink = bytes(194);

// ---- the office's side

/**
 * An invitation the advisor hands over themselves (protocol §13a): the user id the advisor's
 * browser chose for the account, and the office's signed statement carrying the invitation
 * secret I sealed to the office key. Nothing is mailed; the link's token comes back in the answer.
 */
const ClientHandover = z.object({ userId: WireId, statement: SignedEnvelope });
export type ClientHandover = z.infer<typeof ClientHandover>;

export const ClientInviteRequest = z.object({
  name: DisplayName,
  email: Email,
  /** The invitation mail's language; the inviting member's own when left out. */
  lang: Language.optional(),
  /** Present: the advisor copies the link and delivers it; absent: Coffer mails it. */
  handover: ClientHandover.optional(),
  /** The member who will handle the client (an approved, active member); the inviting member when left out. */
  advisorId: WireId.optional(),
});
export type ClientInviteRequest = z.infer<typeof ClientInviteRequest>;
export const ClientInviteResponse = z.object({
  invitationId: WireId,
  expiresAt: Time,
  /** Whether the invitation mail went out (false for a handed-over invitation: none is sent). */
  delivered: z.boolean(),
  /** A handed-over invitation's token, for the link the advisor's browser completes with I. */
  token: Token.optional(),
});
export type ClientInviteResponse = z.infer<typeof ClientInviteResponse>;

/** A new link for an open client invitation: mailed, or handed over with a new statement (a new I) for the same user id. */
export const ClientResendRequest = z.object({ handover: ClientHandover.optional() });
export type ClientResendRequest = z.infer<typeof ClientResendRequest>;

/**
 * `invited`: the invitation is open (not accepted yet); `pending`: the client made their keys
 * and waits for a member to approve them; `active`: approved; `disabled`: an admin disabled the
 * account; `reset`: an admin reset it and the client has not set new keys yet.
 */
export const ClientState = z.enum(['invited', 'pending', 'active', 'disabled', 'reset']);
export type ClientState = z.infer<typeof ClientState>;

/**
 * How the office checked a client's keys when it certified them (docs/threat-model.md, "Client
 * onboarding"): `proof` the invitation secret's key proof, `call` the fingerprint compared by
 * phone or in person, `unverified` neither (the client's own browser checks at every sign-in).
 */
export const KeyCheck = z.enum(['proof', 'call', 'unverified']);
export type KeyCheck = z.infer<typeof KeyCheck>;
/** A client's advisor, as the office's client list names them. */
const ClientAdvisor = z.object({ userId: WireId, name: z.string(), active: z.boolean() });

export const ClientSummary = z.object({
  state: ClientState,
  /** Null while invited (the account does not exist yet). */
  userId: WireId.nullable(),
  /** The open invitation, while invited. */
  invitationId: WireId.nullable(),
  name: z.string(),
  email: z.string(),
  /** When invited (the invitation) or created (the account). */
  createdAt: Time,
  /** While invited: when the link stops working, and whether the mail could not be delivered. */
  expiresAt: Time.nullable(),
  deliveryFailed: z.boolean(),
  /** Once approved: their personal drop (the office's drop pages show its uploads). */
  dropId: WireId.nullable(),
  /** The account's user id, fixed by the invitation already while invited (a new handover statement names it). */
  accountId: WireId,
  /** The invitation was (or is to be) handed over by the advisor: its link carries I. */
  handover: z.boolean(),
  /** Once approved: how the office checked the client's keys. */
  keyCheck: KeyCheck.nullable(),
  /** That drop's state: a closed or expired one can be renewed (POST …/drop). */
  dropState: DropState.nullable(),
  /** The member who handles the client; `active` false once they left (their alerts go to the admins). Null: none. */
  advisor: ClientAdvisor.nullable(),
  /** The client's personnel or client number (PUT …/reference); null without one and while invited. */
  reference: z.string().nullable(),
});
export type ClientSummary = z.infer<typeof ClientSummary>;

export const ClientList = z.object({
  clients: z.array(ClientSummary),
  /** The office requires the fingerprint call for clients invited by mail (no unchecked approval). */
  requireCall: z.boolean(),
});
export type ClientList = z.infer<typeof ClientList>;

export const ClientDetail = z.object({
  userId: WireId,
  name: z.string(),
  email: z.string(),
  state: ClientState,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
  /** The newest certificate version the office issued for this account (0 before the first). */
  certificateVersion: z.number().int().min(0),
  /**
   * For a client who activated a handed-over invitation (and was not reset since): the office's
   * statement with I sealed to the office key, and the client's key proof (protocol §13a).
   */
  handover: z.object({ statement: SignedEnvelope, keyProof: bytes(32) }).nullable(),
  /**
   * The office's certificate for these keys once approved: a browser renewing the personal drop
   * checks it before sealing the new link to the client (null before approval).
   */
  certificate: SignedEnvelope.nullable(),
});
export type ClientDetail = z.infer<typeof ClientDetail>;

/** The personal drop made with the approval: a drop's create request, personal and bound to the client, plus the sealed link. */
const ClientDropRequest = DropCreateRequest.omit({ email: true, personal: true, singleUse: true }).extend({
  clientLink: SealedClientLink,
});

export const ClientApproveRequest = z.object({
  /** The office's certificate for the client (role 'client', version above certificateVersion). */
  certificate: SignedEnvelope,
  drop: ClientDropRequest,
  /** How the approving browser checked the keys it certified (`proof` only where the detail has one). */
  keyCheck: KeyCheck,
});
export type ClientApproveRequest = z.infer<typeof ClientApproveRequest>;
export const ClientApproveResponse = z.object({ dropId: WireId, expiresAt: Time });
export type ClientApproveResponse = z.infer<typeof ClientApproveResponse>;

/**
 * PUT /api/v1/clients/:userId/reference → 204: any approved member sets (or, with null, removes)
 * a client's personnel or client number; 409 `reference_taken` when another client or a contact has it.
 */
export const ClientReferenceRequest = z.object({ reference: Reference.nullable() }).strict();
export type ClientReferenceRequest = z.infer<typeof ClientReferenceRequest>;

/** POST /api/v1/clients/:userId/advisor → 204: another member handles the client. */
export const ClientAdvisorRequest = z.object({ advisorId: WireId });
export type ClientAdvisorRequest = z.infer<typeof ClientAdvisorRequest>;

/**
 * POST /api/v1/clients/:userId/drop → ClientApproveResponse: a new personal drop for an approved
 * client, made as at approval (sealed to the renewing member and the office, its link to the
 * client's certified key); the old one closes in the same transaction.
 */
export const ClientDropRenewRequest = z.object({ drop: ClientDropRequest });
export type ClientDropRenewRequest = z.infer<typeof ClientDropRenewRequest>;

// ---- the client's side

/** The client's personal drop, as their portal needs it to upload. */
export const PortalDrop = z.object({
  dropId: WireId,
  title: z.string(),
  instructions: z.string(),
  state: DropState,
  expiresAt: Time,
  maxFiles: z.number().int(),
  maxTotalBytes: z.number().int(),
  /** Largest plaintext of one file the server takes. */
  maxFileBytes: z.number().int(),
  /** The drop's X25519 public key: the portal checks it against the fingerprint in the sealed link. */
  publicKey: Key32,
  /** The link fragment sealed to the client; null once the drop's secrets were swept. */
  clientLink: SealedClientLink.nullable(),
  /** The drop record the approving member signed (protocol §13): checked before anything is encrypted. Null for a drop made before records: the portal refuses it. */
  record: DropRecordEnvelope.nullable(),
  /** The record's signer, to check against the pinned office key. */
  creator: DropCreator.nullable(),
  /**
   * The certificate the creator held when the record was stored (protocol §13): after a reset of
   * the creator's keys, a record valid under it was made before the reset. Null for older drops.
   */
  recordCertificate: SignedEnvelope.nullable(),
});
export type PortalDrop = z.infer<typeof PortalDrop>;

export const Portal = z.object({ drop: PortalDrop.nullable() });
export type Portal = z.infer<typeof Portal>;

/** One of the client's own uploads: no names (they are sealed), sizes and the receipt code. */
export const PortalUpload = z.object({
  dropUploadId: WireId,
  receivedAt: Time,
  files: z.number().int().min(0),
  /** Plaintext bytes of all files together. */
  bytes: z.number().int().min(0),
  /** `received`; `rejected`: the office found it was not made with the drop's link (never the client's own). */
  status: z.enum(['received', 'rejected']),
  /** The code both browsers showed at the upload (a hash of its manifest). */
  receiptCode: z.string(),
});
export type PortalUpload = z.infer<typeof PortalUpload>;

export const PortalUploadList = z.object({ uploads: z.array(PortalUpload) });
export type PortalUploadList = z.infer<typeof PortalUploadList>;
