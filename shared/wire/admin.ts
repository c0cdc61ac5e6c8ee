// Administration: users, invitations, approval, roles, leavers, and office settings.
// Every route here requires an approved admin (and two-factor sign-in if the office requires it).
import { z } from 'zod';
import { DisplayName, Email, Language, WireId, Key32, Role, Signature, Time, TimeZone } from './common.js';
import { SealedBox, SignedEnvelope } from './accounts.js';

export const UserSummary = z.object({
  userId: WireId,
  name: z.string(),
  email: z.string(),
  role: Role,
  status: z.enum(['active', 'disabled']),
  /** `reset`: an admin reset the account; the user has not set new keys yet. */
  approval: z.enum(['pending', 'approved', 'reset']),
  twoFactor: z.boolean(),
  lastSignInAt: Time.nullable(),
  createdAt: Time,
});
export type UserSummary = z.infer<typeof UserSummary>;

/** GET /api/v1/admin/users */
export const UserList = z.object({ users: z.array(UserSummary) });
export type UserList = z.infer<typeof UserList>;

/** GET /api/v1/admin/users/:userId: what an admin needs to compare fingerprints and certify. */
export const UserDetail = UserSummary.extend({
  identityPublicKey: Key32.nullable(),
  encryptionPublicKey: Key32.nullable(),
  encryptionKeySignature: Signature.nullable(),
  certificate: SignedEnvelope.nullable(),
  /** The version of the current certificate (0 before approval); a new one must be higher. */
  certificateVersion: z.number().int().min(0),
});
export type UserDetail = z.infer<typeof UserDetail>;

/**
 * POST /api/v1/admin/users/:userId/approve: a member certificate (signed in the admin's browser
 * by the office key, naming this user's id, address, role and keys) and the office secret keys
 * sealed to the user. The server checks the certificate against the office key it knows.
 */
export const ApproveRequest = z.object({ certificate: SignedEnvelope, sealedOfficeKeys: SealedBox });

/** POST /api/v1/admin/users/:userId/role: a new role; an approved user needs a new certificate for it. */
export const RoleChangeRequest = z.object({ role: Role, certificate: SignedEnvelope.optional() });

/** GET /api/v1/admin/invitations: open invitations (not accepted, not withdrawn, not expired). */
export const InvitationList = z.object({
  invitations: z.array(
    z.object({
      invitationId: WireId,
      email: z.string(),
      role: Role,
      kind: z.enum(['invitation', 'reset']),
      createdAt: Time,
      expiresAt: Time,
      /** The last delivery attempt failed: the admin should check the address. */
      deliveryFailed: z.boolean(),
    }),
  ),
});
export type InvitationList = z.infer<typeof InvitationList>;

/** POST /api/v1/admin/invitations: a single-use link, valid 7 days, mailed to the address. */
export const InvitationCreateRequest = z.object({
  email: Email,
  role: Role,
  /** The language of the invitation mail (and the invitee's, until they choose); the inviter's page language by default. */
  lang: Language.optional(),
});
export const InvitationCreateResponse = z.object({
  invitationId: WireId,
  expiresAt: Time,
  /** False when the mail server refused the message: the admin should check the address and resend. */
  delivered: z.boolean(),
});
export type InvitationCreateResponse = z.infer<typeof InvitationCreateResponse>;

/** GET and PUT /api/v1/admin/settings */
/** The longest an office lets a browser remember a proved address (docs/threat-model.md, "Trusted devices"). */
const MAX_TRUSTED_DEVICE_DAYS = 30;

export const OfficeSettings = z.object({
  name: DisplayName,
  /** Every staff member and admin must sign in with a second factor. */
  requireTwoFactor: z.boolean(),
  /** Clients invited by mail are approved only after comparing fingerprints by phone (docs/threat-model.md, "Client onboarding"). */
  requireClientCall: z.boolean(),
  /** The longest expiry a sender may choose for a share, in days. */
  maxExpiryDays: z.number().int().min(1).max(365),
  /** How long drop uploads are kept, in days. */
  retentionDays: z.number().int().min(1).max(3650),
  /** The language of new accounts and guests until they choose one. */
  language: Language,
  /** The IANA time zone every mail and the audit trail show times in. */
  timeZone: TimeZone,
  /** How long a guest's or uploader's browser may remember a proved address, in days; 0 turns it off. */
  trustedDeviceDays: z.number().int().min(0).max(MAX_TRUSTED_DEVICE_DAYS),
});
export type OfficeSettings = z.infer<typeof OfficeSettings>;
/** PUT /api/v1/admin/settings: language, time zone, trusted-device days and the client call may be left out, and then stay as they are. */
export const OfficeSettingsUpdate = OfficeSettings.extend({
  requireClientCall: z.boolean().optional(),
  language: Language.optional(),
  timeZone: TimeZone.optional(),
  trustedDeviceDays: OfficeSettings.shape.trustedDeviceDays.optional(),
});
export type OfficeSettingsUpdate = z.infer<typeof OfficeSettingsUpdate>;

// PUT /api/v1/admin/logo: multipart/form-data with one file field `logo` (PNG, JPEG or WebP,
// checked by its first bytes, at most 512 KB; SVG is refused because it can carry script).
// DELETE /api/v1/admin/logo removes it. GET /api/v1/office/logo serves it with its real type.
export const LOGO_MAX_BYTES = 512 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
