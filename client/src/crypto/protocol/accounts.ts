// Worker protocol, accounts: making the first admin's account and the office, a new account
// for an invitation, signing in and unlocking, the password and recovery (docs/protocol.md
// §7–§9). Passwords go in; only wire values (auth keys, sealed bundles) and what a person
// must read (fingerprints, a new recovery key) come back. The key-encryption keys and the
// private keys stay in the worker.
import { z } from 'zod';
import { Email, WireId, KdfParams, Key32 } from '../../../../shared/wire/common.js';
import { KeyBundle, type NewAccountKeys, type SetupCompleteRequest } from '../../../../shared/wire/accounts.js';
import { OfficeRef, Password, PublishedKeys } from './common.js';

export const ACCOUNT_REQUESTS = {
  /**
   * First run: the admin's account keys and Argon2id keys, a recovery key, the office key pairs,
   * the office's statement about its encryption key, the admin's certificate (role admin,
   * version 1) and the office keys sealed to the admin. Keeps the key-encryption key for `unlock`.
   */
  createOffice: z.object({
    officeName: z.string().min(1).max(100),
    adminName: z.string().min(1).max(100),
    email: Email,
    password: Password,
  }),
  /** A new account for an invitation or an admin's reset, bound to the invitation's user id. Keeps the key-encryption key. */
  createAccount: z.object({
    userId: WireId,
    password: Password,
    /**
     * A client invitation the advisor handed over: I from the link's fragment and the invited
     * address; the answer then carries the key proof over the new keys (docs/protocol.md §13a).
     */
    handover: z.object({ secret: Key32, email: Email }).optional(),
  }),
  /** Sign-in: checks the server's Argon2id parameters, derives the auth key, keeps the key-encryption key for `unlock`. */
  deriveSignIn: z.object({ password: Password, kdf: KdfParams }),
  /** An auth key alone (to confirm the password, e.g. turning off two-factor sign-in); keeps nothing. */
  deriveAuthKey: z.object({ password: Password, kdf: KdfParams }),
  /**
   * Opens the password bundle with the kept key-encryption key, checks it against the published
   * public keys, checks the member's own certificate, and opens the office keys sealed to them.
   */
  unlock: z.object({ keys: PublishedKeys, office: OfficeRef }),
  /** Password change: the current auth key, and the private keys sealed under a new password. */
  changePassword: z.object({ currentPassword: Password, currentKdf: KdfParams, newPassword: Password }),
  /** Recovery, first step: the recovery key's auth key; keeps the recovery key-encryption key. */
  recoveryBegin: z.object({ recoveryKey: z.string().min(1).max(200) }),
  /** Recovery, second step: opens the recovery bundle, seals it under a new password and a new recovery key. */
  recoveryComplete: z.object({
    userId: WireId,
    recoveryBundle: KeyBundle,
    identityPublicKey: Key32,
    encryptionPublicKey: Key32,
    newPassword: Password,
  }),
  /** Forgets every key (sign-out, session ended elsewhere). Stops every running transfer. */
  lock: z.object({}),
} as const;

/** What every new account's keys look like on the wire, plus the recovery key to show once. */
interface CreatedAccount {
  readonly keys: NewAccountKeys;
  /** The recovery key as text (14 groups of 4). Shown once; the worker keeps no copy. */
  readonly recoveryKey: string;
  readonly fingerprint: string;
  /** With a handover: MAC(KDF(I), the new public keys, user id, address), for the invitation's accept. */
  readonly keyProof?: string;
}

/** The account unlocked (or its office keys opened since): what the page shows and may do. */
export interface UnlockedAnswer {
  readonly fingerprint: string;
  readonly officeFingerprint: string;
  /** The office keys opened: the member is approved and can work with office material. */
  readonly officeKeys: boolean;
}

export interface AccountAnswers {
  createOffice: {
    readonly request: Omit<SetupCompleteRequest, 'token'>;
    readonly recoveryKey: string;
    readonly fingerprint: string;
    readonly officeFingerprint: string;
  };
  createAccount: CreatedAccount;
  deriveSignIn: { readonly authKey: string };
  deriveAuthKey: { readonly authKey: string };
  unlock: UnlockedAnswer;
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
