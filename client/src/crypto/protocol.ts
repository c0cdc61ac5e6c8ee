// The messages between the page and the crypto worker (client/src/crypto/worker.ts).
//
// The page sends passwords and public material in; the worker answers only what goes on the
// wire (public keys, sealed bundles, signatures, certificates, auth keys) and what a person
// must read (fingerprints, a new recovery key's text). Private keys, key-encryption keys and
// the office secret keys are made, opened and kept inside the worker and never cross this
// boundary. Bytes cross it already in their wire form (base64url), since the page's only
// use for them is to send them; the worker is the one place that turns them back into bytes.
//
// Every request carries an id that its progress reports and its answer repeat. The worker
// checks each request with its schema below (a structured clone carries no types).
import { z } from 'zod';
import { Email, Id, Key32, KdfParams, Role, Signature } from '../../../shared/wire/common.js';
import { KeyBundle, SealedBox, SignedEnvelope, type NewAccountKeys, type SetupCompleteRequest } from '../../../shared/wire/accounts.js';

/** A password as typed; Argon2id normalises it (NFC) in the worker. */
const Password = z.string().min(1).max(4096);

/** The office as the signed-in session names it: the key every certificate is checked against. */
const OfficeRef = z.object({ officeId: Id, signingPublicKey: Key32 });

const PublishedKeys = z.object({
  userId: Id,
  kdf: KdfParams,
  passwordBundle: KeyBundle,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  certificate: SignedEnvelope.optional(),
  sealedOfficeKeys: SealedBox.optional(),
});

/** A member as the server lists them: the keys to check and certify. */
const MemberKeys = z.object({
  userId: Id,
  email: Email,
  role: Role,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
});

const DirectoryMember = MemberKeys.extend({ certificate: SignedEnvelope.optional() });

/**
 * Every operation: its request schema and its answer type. `OPERATIONS` drives the worker's
 * validation; the types drive `CryptoEngine.call` on the page.
 */
export const REQUESTS = {
  /**
   * First run: the admin's account keys and Argon2id keys, a recovery key, the office key pairs,
   * the office's statement about its encryption key, the admin's certificate (role admin,
   * version 1) and the office keys sealed to the admin. Keeps the key-encryption key for `unlock`.
   */
  createOffice: z.object({ officeName: z.string().min(1).max(100), adminName: z.string().min(1).max(100), email: Email, password: Password }),
  /** A new account for an invitation or an admin's reset, bound to the invitation's user id. Keeps the key-encryption key. */
  createAccount: z.object({ userId: Id, password: Password }),
  /** Sign-in: checks the server's Argon2id parameters, derives the auth key, keeps the key-encryption key for `unlock`. */
  deriveSignIn: z.object({ password: Password, kdf: KdfParams }),
  /** An auth key alone (to confirm the password, e.g. turning off two-factor sign-in); keeps nothing. */
  deriveAuthKey: z.object({ password: Password, kdf: KdfParams }),
  /**
   * Opens the password bundle with the kept key-encryption key, checks it against the published
   * public keys, checks the member's own certificate, and opens the office keys sealed to them.
   */
  unlock: z.object({ keys: PublishedKeys, office: OfficeRef }),
  /**
   * After an admin approved this member while they were signed in: opens the office keys now
   * sealed to them, with the keys already unlocked (no password needed).
   */
  openOffice: z.object({ keys: PublishedKeys, office: OfficeRef }),
  /** A fingerprint of an identity key (a person) or an office signing key, for people to compare. */
  fingerprint: z.object({ kind: z.enum(['identity', 'office']), publicKey: Key32 }),
  /** Checks a member's own signature over their encryption key and gives their fingerprint (approval dialog). */
  inspectMember: MemberKeys,
  /** Approval: certifies the member with the office key (version above the current) and seals the office keys to them. */
  certifyMember: z.object({ member: MemberKeys, currentVersion: z.number().int().min(0) }),
  /** A role change: a new certificate for the keys the office already certified. */
  recertifyMember: z.object({
    member: MemberKeys.extend({ certificate: SignedEnvelope }),
    role: Role,
    currentVersion: z.number().int().min(1),
  }),
  /** Colleagues: each member's certificate chain checked against the office key. */
  verifyMembers: z.object({ members: z.array(DirectoryMember).max(10_000) }),
  /** Password change: the current auth key, and the private keys sealed under a new password. */
  changePassword: z.object({ currentPassword: Password, currentKdf: KdfParams, newPassword: Password }),
  /** Recovery, first step: the recovery key's auth key; keeps the recovery key-encryption key. */
  recoveryBegin: z.object({ recoveryKey: z.string().min(1).max(200) }),
  /** Recovery, second step: opens the recovery bundle, seals it under a new password and a new recovery key. */
  recoveryComplete: z.object({
    userId: Id,
    recoveryBundle: KeyBundle,
    identityPublicKey: Key32,
    encryptionPublicKey: Key32,
    newPassword: Password,
  }),
  /** Forgets every key (sign-out, session ended elsewhere). */
  lock: z.object({}),
} as const;

export type Operation = keyof typeof REQUESTS;
export type RequestOf<K extends Operation> = z.input<(typeof REQUESTS)[K]>;

/** What every new account's keys look like on the wire, plus the recovery key to show once. */
export interface CreatedAccount {
  readonly keys: NewAccountKeys;
  /** The recovery key as text (14 groups of 4). Shown once; the worker keeps no copy. */
  readonly recoveryKey: string;
  readonly fingerprint: string;
}

export type MemberCheck =
  /** The office certified these keys for this person, role and address, and their own signature holds. */
  | 'verified'
  /** Not approved yet: no certificate, so the keys are only what the server says. */
  | 'unverified'
  /** A certificate that does not verify, or names other keys, role or address: warn. */
  | 'failed';

export interface Answers {
  createOffice: {
    readonly request: Omit<SetupCompleteRequest, 'token'>;
    readonly recoveryKey: string;
    readonly fingerprint: string;
    readonly officeFingerprint: string;
  };
  createAccount: CreatedAccount;
  deriveSignIn: { readonly authKey: string };
  deriveAuthKey: { readonly authKey: string };
  unlock: {
    readonly fingerprint: string;
    readonly officeFingerprint: string;
    /** The office keys opened: the member is approved and can work with office material. */
    readonly officeKeys: boolean;
  };
  openOffice: Answers['unlock'];
  fingerprint: { readonly fingerprint: string };
  inspectMember: { readonly fingerprint: string; readonly signatureValid: boolean };
  certifyMember: { readonly certificate: string; readonly sealedOfficeKeys: string };
  recertifyMember: { readonly certificate: string };
  verifyMembers: {
    readonly members: readonly { readonly userId: string; readonly fingerprint: string; readonly check: MemberCheck }[];
  };
  changePassword: {
    readonly authKey: string;
    readonly kdf: KdfParams;
    readonly newAuthKey: string;
    readonly passwordBundle: string;
  };
  recoveryBegin: { readonly recoveryAuthKey: string };
  recoveryComplete: {
    readonly kdf: KdfParams;
    readonly authKey: string;
    readonly passwordBundle: string;
    readonly recoveryAuthKey: string;
    readonly recoveryBundle: string;
    readonly recoveryKey: string;
  };
  lock: Record<string, never>;
}

export type AnswerOf<K extends Operation> = Answers[K];

/** Why an operation failed, in words the page can translate. Never carries key material. */
export const WORKER_ERRORS = [
  /** The server's Argon2id parameters are outside the floor and ceiling of format v1: nothing was derived or sent. */
  'kdf_refused',
  /** The password bundle did not open: the password is wrong. */
  'wrong_password',
  /** The bundle opened but holds other keys than the server publishes for this user: refuse. */
  'keys_mismatch',
  /** The office keys sealed to this member, or the member's own certificate, do not check out. */
  'office_keys_invalid',
  /** There is nothing to unlock with: sign in again (the worker was restarted or locked). */
  'no_pending_key',
  /** The operation needs unlocked keys (or the office keys) and they are not there. */
  'locked',
  /** The recovery key text is not a valid recovery key (typo: its check failed). */
  'invalid_recovery_key',
  /** The recovery bundle did not open with this recovery key, or holds other keys than published. */
  'recovery_failed',
  /** A member's keys or certificate do not verify: do not certify them. */
  'invalid_member',
  /** A malformed request (a programming error on the page). */
  'bad_request',
  'internal',
] as const;
export type WorkerErrorCode = (typeof WORKER_ERRORS)[number];

/** What the worker is doing in a long operation, for a live progress line. */
export type ProgressStage = 'password' | 'keys' | 'office' | 'sealing';

/** Page → worker. */
export type PageMessage =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'call'; readonly id: number; readonly op: Operation; readonly request: unknown };

/** Worker → page. */
export type WorkerMessage =
  /** libsodium loaded and its constants match format v1. Sent once, unprompted. */
  | { readonly type: 'ready'; readonly libsodium: string }
  /** The engine cannot work in this browser. Deliberately carries no error details. */
  | { readonly type: 'failed' }
  /** Answer to `ping`: the worker is alive and its library loaded. */
  | { readonly type: 'pong'; readonly id: number }
  /** A long operation reached a new stage. */
  | { readonly type: 'progress'; readonly id: number; readonly stage: ProgressStage }
  /** The answer to a call. */
  | { readonly type: 'done'; readonly id: number; readonly answer: unknown }
  /** The call failed. */
  | { readonly type: 'error'; readonly id: number; readonly code: WorkerErrorCode };

const STAGES: readonly string[] = ['password', 'keys', 'office', 'sealing'];

export function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && Object.hasOwn(REQUESTS, value);
}

export function isPageMessage(data: unknown): data is PageMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  if (!Number.isSafeInteger(message['id'])) return false;
  if (message['type'] === 'ping') return true;
  return message['type'] === 'call' && isOperation(message['op']);
}

export function isWorkerMessage(data: unknown): data is WorkerMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  switch (message['type']) {
    case 'ready':
      return typeof message['libsodium'] === 'string';
    case 'failed':
      return true;
    case 'pong':
    case 'done':
      return Number.isSafeInteger(message['id']);
    case 'progress':
      return Number.isSafeInteger(message['id']) && STAGES.includes(message['stage'] as string);
    case 'error':
      return Number.isSafeInteger(message['id']) && (WORKER_ERRORS as readonly unknown[]).includes(message['code']);
    default:
      return false;
  }
}
