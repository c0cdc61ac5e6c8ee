// What the auth service offers its routes (server/auth/routes.ts): each step of signing in,
// recovery, password change and two-factor enrolment, with the shapes they take and give.
import type { Caller } from '../kernel/http/caller.js';
import type { KdfInput } from '../kernel/accounts/account-keys.js';
import type { StoredKdf, UserRecord } from '../kernel/accounts/users-repo.js';
import type { SignInResult } from '../kernel/accounts/wire.js';
import type { RequestOrigin } from '../kernel/sessions/answer.js';

type LoginResult =
  { readonly kind: 'second-factor'; readonly ticket: string } | ({ readonly kind: 'signed-in' } & SignInResult);

interface PasswordChange {
  readonly authKey: Uint8Array;
  readonly code: string | undefined;
  readonly kdf: KdfInput;
  readonly newAuthKey: Uint8Array;
  readonly passwordBundle: Uint8Array;
}

interface RecoveryCompletion {
  readonly kdf: KdfInput;
  readonly authKey: Uint8Array;
  readonly passwordBundle: Uint8Array;
  readonly recoveryAuthKey: Uint8Array;
  readonly recoveryBundle: Uint8Array;
}

export interface AuthService {
  prelogin(ip: string, email: string): StoredKdf;
  login(from: RequestOrigin, email: string, authKey: Uint8Array): LoginResult;
  secondFactor(from: RequestOrigin, ticket: string, code: string): SignInResult;
  recover(ip: string, email: string, recoveryAuthKey: Uint8Array, code: string): { ticket: string; user: UserRecord };
  completeRecovery(from: RequestOrigin, ticket: string, next: RecoveryCompletion): Promise<SignInResult>;
  changePassword(caller: Caller, ip: string, change: PasswordChange): Promise<void>;
  /** Needs the current auth key, checked and rate limited like a password change. */
  beginTwoFactor(caller: Caller, ip: string, authKey: Uint8Array): { secret: string; uri: string };
  /** Turns it on and mails the user (through the queue; the mail holds no secret). */
  confirmTwoFactor(caller: Caller, code: string, backupCodes: readonly string[]): Promise<string[]>;
  disableTwoFactor(caller: Caller, ip: string, authKey: Uint8Array, code: string): void;
}
