// Accounts: first-run setup, sign-in with a second factor, sessions, the signed-in user's own
// settings, recovery, and accepting an invitation. Every key the browser sends is public or
// sealed; the auth keys are sent so the server can store and check a keyed hash of them.
// docs/protocol.md §7–§9 describes the keys; docs/threat-model.md the choices.
import { z } from 'zod';
import {
  bytes,
  bytesBetween,
  DisplayName,
  Email,
  WireId,
  Key32,
  KdfParams,
  Language,
  Role,
  SecondFactorCode,
  Signature,
  Time,
} from './common.js';
import { BACKUP_CODE_COUNT, BACKUP_CODE_PATTERN } from '../backup-codes.js';
import { TOKEN_PATTERN } from './patterns.js';

export const Token = z.string().regex(TOKEN_PATTERN);

/** A key bundle envelope (kind k): 4 + 24 + 96 + 16 bytes. */
export const KeyBundle = bytes(140);
/** A signed envelope (kind s) such as a member certificate or the office key statement. */
export const SignedEnvelope = bytesBetween(72, 4096);
/** A sealed box (kind b), e.g. the office secret keys sealed to a member. */
export const SealedBox = bytesBetween(52, 4096);

/** What the browser makes for a new account (setup, invitation, admin reset). */
export const NewAccountKeys = z.object({
  kdf: KdfParams,
  authKey: Key32,
  recoveryAuthKey: Key32,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
  passwordBundle: KeyBundle,
  recoveryBundle: KeyBundle,
});
export type NewAccountKeys = z.infer<typeof NewAccountKeys>;

// ---- the office, as anyone may see it (recipient and drop pages show name and logo)

/** GET /api/v1/office */
export const OfficePublic = z.object({
  /** False until the first admin finished setup; then the other fields are present. */
  setUp: z.boolean(),
  officeId: WireId.optional(),
  name: z.string().optional(),
  signingPublicKey: Key32.optional(),
  /** Present when a logo is set: its URL (changes when the logo changes). */
  logoUrl: z.string().optional(),
});
export type OfficePublic = z.infer<typeof OfficePublic>;

// ---- first-run setup

/** POST /api/v1/setup/complete: the first admin creates the office. */
export const SetupCompleteRequest = z.object({
  token: Token,
  /** The setup page's language: the first admin's, and the office's default until an admin changes it. */
  lang: Language.optional(),
  office: z.object({
    officeId: WireId,
    name: DisplayName,
    signingPublicKey: Key32,
    encryptionPublicKey: Key32,
    /** The signing key's statement about the encryption key (protocol §9). */
    encryptionKeyStatement: SignedEnvelope,
  }),
  admin: z.object({
    userId: WireId,
    name: DisplayName,
    email: Email,
    keys: NewAccountKeys,
    /** The admin's member certificate, signed by the new office key, role admin, version 1. */
    certificate: SignedEnvelope,
    /** The office secret keys sealed to the admin's encryption key. */
    sealedOfficeKeys: SealedBox,
  }),
});
export type SetupCompleteRequest = z.infer<typeof SetupCompleteRequest>;

// ---- sessions and the signed-in user

const Me = z.object({
  userId: WireId,
  name: z.string(),
  email: z.string(),
  role: Role,
  /** Approved members hold a certificate and the office keys; until then they cannot send or open office material. */
  approval: z.enum(['pending', 'approved']),
  twoFactor: z.boolean(),
  /** The office requires two-factor sign-in and this user has not enrolled yet: enrol before anything else. */
  mustEnrolTwoFactor: z.boolean(),
});
export type Me = z.infer<typeof Me>;

/** GET /api/v1/session (401 `signed_out` without a valid session). */
export const SessionInfo = z.object({
  me: Me,
  office: z.object({
    officeId: WireId,
    name: z.string(),
    signingPublicKey: Key32,
    /** The longest expiry a sender may choose for a share, in days (OfficeSettings.maxExpiryDays), so a sender's page can offer only what the server accepts. */
    maxExpiryDays: z.number().int().min(1).max(365).optional(),
  }),
  /** When the session ends at the latest (absolute lifetime). */
  expiresAt: Time,
  /** The session ends after this many seconds without activity. */
  idleSeconds: z.number().int().positive(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/**
 * The sealed keys of the signed-in user, released only after the last sign-in step
 * (GET /api/v1/me/keys returns it again after a reload, to unlock with the password).
 */
export const KeyMaterial = z.object({
  userId: WireId,
  kdf: KdfParams,
  passwordBundle: KeyBundle,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  /** Present once approved. */
  certificate: SignedEnvelope.optional(),
  sealedOfficeKeys: SealedBox.optional(),
});
export type KeyMaterial = z.infer<typeof KeyMaterial>;

export const SignedIn = z.object({ status: z.literal('signed-in'), session: SessionInfo, keys: KeyMaterial });
export type SignedIn = z.infer<typeof SignedIn>;

/** POST /api/v1/auth/prelogin: salt and parameters; a stable fake pair for an unknown address. */
export const PreloginRequest = z.object({ email: Email });
export const PreloginResponse = z.object({ kdf: KdfParams });
export type PreloginResponse = z.infer<typeof PreloginResponse>;

/** POST /api/v1/auth/login: 401 `invalid_credentials` alike for an unknown address and a wrong password. */
export const LoginRequest = z.object({ email: Email, authKey: Key32 });
export const LoginResponse = z.discriminatedUnion('status', [
  /** The password was right; a second factor is next. The ticket is valid 5 minutes. */
  z.object({ status: z.literal('second-factor'), ticket: Token }),
  SignedIn,
]);
export type LoginResponse = z.infer<typeof LoginResponse>;

/** POST /api/v1/auth/second-factor: a TOTP code or a backup code. */
export const SecondFactorRequest = z.object({ ticket: Token, code: SecondFactorCode });

/** GET /api/v1/sessions */
export const SessionList = z.object({
  sessions: z.array(
    z.object({
      sessionId: WireId,
      createdAt: Time,
      lastSeenAt: Time,
      /** A short description of the browser (e.g. "Chrome on Windows"), never the full header. */
      device: z.string(),
      current: z.boolean(),
    }),
  ),
});
export type SessionList = z.infer<typeof SessionList>;

/**
 * GET and POST /api/v1/session/keep-half: the server's half of the keys this session's browser
 * kept (docs/protocol.md §29), with the session's id, which the kept keys are bound to.
 */
export const SessionKeepHalf = z.object({ sessionId: WireId, half: Key32 });
export type SessionKeepHalf = z.infer<typeof SessionKeepHalf>;

// ---- two-factor sign-in (TOTP, RFC 6238: SHA-1, 6 digits, 30 s)

/**
 * POST /api/v1/me/two-factor/begin: needs the current auth key (a session alone must not let
 * its holder put their own authenticator on the account); a wrong one answers 401
 * `invalid_credentials`, counted like a failed sign-in. Answers a new secret, not active until
 * confirmed.
 */
export const TwoFactorBeginRequest = z.object({ authKey: Key32 });
export const TwoFactorBeginResponse = z.object({
  /** RFC 4648 base32, for typing into an authenticator app. */
  secret: z.string(),
  /** otpauth:// URI, shown as a QR code. */
  uri: z.string(),
});
export type TwoFactorBeginResponse = z.infer<typeof TwoFactorBeginResponse>;

/**
 * POST /api/v1/me/two-factor/confirm: the first code turns it on with the ten backup codes the
 * browser made (newBackupCodes), mails the user, and answers those codes.
 */
export const TwoFactorConfirmRequest = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
  backupCodes: z
    .array(z.string().regex(BACKUP_CODE_PATTERN))
    .length(BACKUP_CODE_COUNT)
    .refine((codes) => new Set(codes).size === codes.length, 'the backup codes must all be different'),
});
export const TwoFactorConfirmResponse = z.object({ backupCodes: z.array(z.string()).length(10) });
export type TwoFactorConfirmResponse = z.infer<typeof TwoFactorConfirmResponse>;

/** POST /api/v1/me/two-factor/disable: needs the current auth key and a code; refused while the office requires 2FA. */
export const TwoFactorDisableRequest = z.object({ authKey: Key32, code: SecondFactorCode });

// ---- password change and recovery

/** PUT /api/v1/me/language → 204: the language of the caller's mails (the language switch sends it). */
export const LanguageRequest = z.object({ lang: Language }).strict();
export type LanguageRequest = z.infer<typeof LanguageRequest>;

/** POST /api/v1/me/password: the current auth key (and a code when 2FA is on); ends every other session and mails the user. */
export const PasswordChangeRequest = z.object({
  authKey: Key32,
  code: SecondFactorCode.optional(),
  kdf: KdfParams,
  newAuthKey: Key32,
  passwordBundle: KeyBundle,
});

/**
 * POST /api/v1/auth/recover: the recovery key's auth key and a second factor. Answers the
 * recovery bundle and a ticket; 401 `invalid_credentials` alike for every failure.
 * Self-service recovery needs two-factor sign-in; without it an admin resets the account.
 */
export const RecoverRequest = z.object({ email: Email, recoveryAuthKey: Key32, code: SecondFactorCode });
export const RecoverResponse = z.object({
  ticket: Token,
  userId: WireId,
  recoveryBundle: KeyBundle,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
});
export type RecoverResponse = z.infer<typeof RecoverResponse>;

/** POST /api/v1/auth/recover/complete: a new password and a new recovery key; signs in, ends every other session. */
export const RecoverCompleteRequest = z.object({
  ticket: Token,
  kdf: KdfParams,
  authKey: Key32,
  passwordBundle: KeyBundle,
  recoveryAuthKey: Key32,
  recoveryBundle: KeyBundle,
});

// ---- invitations (also used for an admin's account reset)

/** POST /api/v1/invitations/lookup: what the invitation page shows before the invitee commits. */
export const InvitationLookupRequest = z.object({ token: Token });
export const InvitationLookupResponse = z.object({
  kind: z.enum(['invitation', 'reset']),
  /** The id the new keys are bound to (certificates name it). */
  userId: WireId,
  email: z.string(),
  role: Role,
  /** For a reset: the name on the account; for a client's invitation: the name the advisor gave. */
  name: z.string().optional(),
  office: z.object({ officeId: WireId, name: z.string(), signingPublicKey: Key32 }),
  expiresAt: Time,
});
export type InvitationLookupResponse = z.infer<typeof InvitationLookupResponse>;

/** POST /api/v1/invitations/accept: sets the password and keys; signs in, approval pending. */
export const InvitationAcceptRequest = z.object({
  token: Token,
  name: DisplayName,
  /** The page's language, for the new account's mails; the inviter's choice when left out. */
  lang: Language.optional(),
  keys: NewAccountKeys,
  /**
   * A client invitation the advisor handed over (its link carries the invitation secret I): the
   * MAC over these keys with a key from I (protocol §13a). Required exactly for such invitations.
   */
  keyProof: bytes(32).optional(),
});

// ---- office material (approved members only)

/**
 * GET /api/v1/office/keys: the office encryption key with the office signing key's statement
 * about it, and the office secret keys sealed to the caller. 403 `approval_pending` until an
 * admin approved the caller: this is the first of the office material an unapproved member
 * cannot reach.
 */
export const OfficeKeysResponse = z.object({
  officeId: WireId,
  signingPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeyStatement: SignedEnvelope,
  sealedOfficeKeys: SealedBox,
});
export type OfficeKeysResponse = z.infer<typeof OfficeKeysResponse>;

// ---- colleagues (staff and admins only)

export const DirectoryEntry = z.object({
  userId: WireId,
  name: z.string(),
  email: z.string(),
  role: Role,
  approval: z.enum(['pending', 'approved']),
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
  certificate: SignedEnvelope.optional(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

/** GET /api/v1/directory: active staff and admins with their public keys, to show and check fingerprints. */
export const Directory = z.object({ members: z.array(DirectoryEntry) });
export type Directory = z.infer<typeof Directory>;
