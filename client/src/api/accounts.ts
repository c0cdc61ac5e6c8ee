// Typed calls for the account endpoints (shared/wire/accounts.ts is the contract): setup,
// sign-in with a second factor, the session, the signed-in user's own settings, recovery,
// invitations, and the colleagues directory.
//
// Steps that end signed in (setup, second factor, accepting an invitation, recovery) answer
// the session and the sealed keys (`SignedIn`) where the server sends them; `signedIn()`
// fetches both when an answer carries neither, so the pages work either way.
import type { z } from 'zod';
import {
  Directory,
  InvitationAcceptRequest,
  InvitationLookupResponse,
  KeyMaterial,
  LoginResponse,
  OfficePublic,
  PasswordChangeRequest,
  type LanguageRequest,
  PreloginResponse,
  RecoverCompleteRequest,
  RecoverResponse,
  SessionInfo,
  SessionKeepHalf,
  SessionList,
  SetupCompleteRequest,
  SignedIn,
  TwoFactorBeginResponse,
  TwoFactorConfirmResponse,
} from '../../../shared/wire/accounts.js';
import {
  deleteJson,
  getJson,
  noContent,
  postJson,
  putJson,
  schema,
  segment,
  unlessLanded,
  type Parse,
  type RequestOptions,
} from './http';

export type {
  Directory,
  DirectoryEntry,
  InvitationLookupResponse,
  KeyMaterial,
  LoginResponse,
  OfficePublic,
  PreloginResponse,
  RecoverResponse,
  SessionInfo,
  SessionList,
  SignedIn,
  TwoFactorBeginResponse,
} from '../../../shared/wire/accounts.js';

const API = '/api/v1';

/** A SignedIn answer, or null when the answer carries no session (the caller then asks for it). */
const maybeSignedIn: Parse<SignedIn | null> = (data) => {
  const result = SignedIn.safeParse(data);
  return result.success ? result.data : null;
};

/** The session and keys after a step that signed in: from its answer, or fetched. */
async function signedIn(answer: SignedIn | null): Promise<SignedIn> {
  if (answer) return answer;
  const [session, keys] = await Promise.all([getSession(), getMyKeys()]);
  return { status: 'signed-in', session, keys };
}

// ---- the office and first-run setup

export function getOffice(options?: RequestOptions): Promise<OfficePublic> {
  return getJson(`${API}/office`, schema(OfficePublic), options);
}

export async function completeSetup(body: z.input<typeof SetupCompleteRequest>): Promise<SignedIn> {
  return signedIn(await postJson(`${API}/setup/complete`, body, maybeSignedIn));
}

// ---- sign-in

export function prelogin(email: string): Promise<PreloginResponse> {
  return postJson(`${API}/auth/prelogin`, { email }, schema(PreloginResponse));
}

export function login(email: string, authKey: string): Promise<LoginResponse> {
  return postJson(`${API}/auth/login`, { email, authKey }, schema(LoginResponse));
}

export async function secondFactor(ticket: string, code: string): Promise<SignedIn> {
  return signedIn(await postJson(`${API}/auth/second-factor`, { ticket, code }, maybeSignedIn));
}

export function logout(): Promise<void> {
  return postJson(`${API}/auth/logout`, {}, noContent);
}

// ---- the session and the signed-in user

export function getSession(options?: RequestOptions): Promise<SessionInfo> {
  return getJson(`${API}/session`, schema(SessionInfo), options);
}

export function getMyKeys(): Promise<KeyMaterial> {
  return getJson(`${API}/me/keys`, schema(KeyMaterial));
}

/** This session's half of the kept keys (docs/protocol.md §29), made on the first request. */
export function makeKeepHalf(): Promise<SessionKeepHalf> {
  return postJson(`${API}/session/keep-half`, {}, schema(SessionKeepHalf));
}

/** The same half after a reload; a 404 when this session has none (ApiError). */
export function getKeepHalf(): Promise<SessionKeepHalf> {
  return getJson(`${API}/session/keep-half`, schema(SessionKeepHalf));
}

export function listSessions(options?: RequestOptions): Promise<SessionList> {
  return getJson(`${API}/sessions`, schema(SessionList), options);
}

/**
 * Ends one of the caller's other sessions. When the answer is lost, the sessions are read again:
 * that one no longer listed means done. Without this, trying again would answer that there is
 * no such session.
 */
export function endSession(sessionId: string): Promise<void> {
  return unlessLanded(
    () => deleteJson(`${API}/sessions/${segment(sessionId)}`, noContent),
    async () => ((await listSessions()).sessions.some((session) => session.sessionId === sessionId) ? null : undefined),
  );
}

export function beginTwoFactor(authKey: string): Promise<TwoFactorBeginResponse> {
  return postJson(`${API}/me/two-factor/begin`, { authKey }, schema(TwoFactorBeginResponse));
}

/**
 * Turns two-factor sign-in on with the first code and ten backup codes made here
 * (shared/backup-codes.ts), which the answer repeats. When the answer is lost (no answer, or a
 * 5xx), the session is asked: two-factor sign-in on means it was done, with these codes, so
 * they can still be shown. Without this, the account would have two-factor sign-in and nobody
 * would have its backup codes.
 */
export function confirmTwoFactor(
  code: string,
  backupCodes: readonly string[],
): Promise<z.infer<typeof TwoFactorConfirmResponse>> {
  return unlessLanded(
    () => postJson(`${API}/me/two-factor/confirm`, { code, backupCodes }, schema(TwoFactorConfirmResponse)),
    async () => ((await getSession()).me.twoFactor ? { backupCodes: [...backupCodes] } : null),
  );
}

/**
 * Turns two-factor sign-in off. When the answer is lost, the session is read: two-factor off
 * means done. Without this, trying again would be refused (the code was used, two-factor is off).
 */
export function disableTwoFactor(authKey: string, code: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${API}/me/two-factor/disable`, { authKey, code }, noContent),
    async () => ((await getSession()).me.twoFactor ? null : undefined),
  );
}

/** The language of the signed-in user's mails. */
export function saveMyLanguage(lang: LanguageRequest['lang']): Promise<void> {
  return putJson(`${API}/me/language`, { lang } satisfies LanguageRequest, noContent);
}

/**
 * A new password: the keys wrapped under it replace the old bundle. When the answer is lost (no
 * answer, or a 5xx), the account's keys are read back: exactly the bundle sent means the
 * password was changed (the session stays). Without this, the page would say the password is
 * unchanged while only the new one works.
 */
export function changePassword(body: z.input<typeof PasswordChangeRequest>): Promise<void> {
  return unlessLanded(
    () => postJson(`${API}/me/password`, body, noContent),
    async () => ((await getMyKeys()).passwordBundle === body.passwordBundle ? undefined : null),
  );
}

// ---- recovery

export function recover(email: string, recoveryAuthKey: string, code: string): Promise<RecoverResponse> {
  return postJson(`${API}/auth/recover`, { email, recoveryAuthKey, code }, schema(RecoverResponse));
}

export async function completeRecovery(body: z.input<typeof RecoverCompleteRequest>): Promise<SignedIn> {
  return signedIn(await postJson(`${API}/auth/recover/complete`, body, maybeSignedIn));
}

// ---- invitations

export function lookupInvitation(token: string, options?: RequestOptions): Promise<InvitationLookupResponse> {
  return postJson(`${API}/invitations/lookup`, { token }, schema(InvitationLookupResponse), options);
}

export async function acceptInvitation(body: z.input<typeof InvitationAcceptRequest>): Promise<SignedIn> {
  return signedIn(await postJson(`${API}/invitations/accept`, body, maybeSignedIn));
}

// ---- colleagues

export function getDirectory(options?: RequestOptions): Promise<Directory> {
  return getJson(`${API}/directory`, schema(Directory), options);
}
