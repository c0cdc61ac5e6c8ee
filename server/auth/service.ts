// Signing in and everything that proves who someone is: pre-login, the password step, the
// second factor, recovery with the recovery key, password change, and two-factor enrolment.
//
// Rules that hold throughout:
// - Every failed credential answers 401 `invalid_credentials`, the same body whatever the
//   cause, and an unknown address costs the same work as a wrong password (a verifier is
//   computed against a dummy), so neither the answer nor its timing says who has an account.
// - Rate limits are checked before any credential (server/kernel/rate-limit/service.ts).
// - The sealed key bundle and the session are released only after the last step.
// - The audit log names people by pseudonym and failures by a reason class.
import {
  asId,
  authVerifier,
  checkAuthVerifier,
  codeHash,
  decryptAtRest,
  DEFAULT_KDF_PARAMS,
  encryptAtRest,
  fakeSalt,
  type Id,
  newToken,
  randomBytes,
  tokenHash,
} from '../../shared/crypto/index.js';
import type { Audit } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { invalidCredentials, invalidInput, notFound, twoFactorPolicy, wrongState } from '../kernel/http/errors.js';
import type { Deliver } from '../kernel/mail/deliver.js';
import { passwordChangedMail, twoFactorEnabledMail } from '../kernel/mail/messages.js';
import { localeFor } from '../kernel/mail/format.js';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { Bucket, RateLimiter } from '../kernel/rate-limit/service.js';
import type { SessionsService } from '../kernel/sessions/service.js';
import { checkKdf } from '../kernel/accounts/account-keys.js';
import type { UserRecord, UsersRepo } from '../kernel/accounts/users-repo.js';
import { BACKUP_CODE_COUNT } from '../../shared/backup-codes.js';
import { normalizeBackupCode } from './backup-codes.js';
import type { AuthRepo } from './repo.js';
import type { FactorMethod, SecondFactor } from './second-factor.js';
import { finishSignIn } from '../kernel/sessions/sign-in.js';
import { matchTotp, otpauthUri, toRfc4648Base32, TOTP_SECRET_BYTES } from './totp.js';
import type { AuthService } from './contract.js';

/** A ticket bridges the password and the second factor, or the recovery key and the new password. */
export const TICKET_LIFETIME_MS = 5 * 60 * 1000;
/** Wrong codes a sign-in ticket survives; then the password must be entered again. */
const TICKET_TRIES = 3;

// Verifiers for unknown addresses are computed against these, so that path costs the same.
const DUMMY_USER_ID = asId(new Uint8Array(16));
const DUMMY_VERIFIER = new Uint8Array(32);

export function createAuthService(deps: {
  users: UsersRepo;
  office: OfficeRepo;
  repo: AuthRepo;
  sessions: SessionsService;
  secondFactor: SecondFactor;
  limits: RateLimiter;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  serverKey: Uint8Array;
  deliver: Deliver;
  publicUrl: string;
}): AuthService {
  const { users, repo, sessions, limits, audit, transact, clock, serverKey } = deps;
  const signIn = (userId: Id, device: string) =>
    finishSignIn({ users, office: deps.office, sessions, clock }, userId, device);

  const officeName = () => deps.office.get()?.name ?? 'Coffer';

  /** The password check, with the same work for every outcome. */
  const checkPassword = (
    user: UserRecord | undefined,
    authKey: Uint8Array,
  ): 'ok' | 'unknown_account' | 'no_keys' | 'wrong_password' | 'disabled' => {
    if (user === undefined || user.keys === null) {
      checkAuthVerifier(serverKey, DUMMY_USER_ID, authKey, DUMMY_VERIFIER);
      return user === undefined ? 'unknown_account' : 'no_keys';
    }
    if (!checkAuthVerifier(serverKey, user.id, authKey, user.keys.authVerifier)) return 'wrong_password';
    return user.status === 'active' ? 'ok' : 'disabled';
  };

  const userObject = (user: UserRecord | undefined) =>
    user === undefined ? undefined : { type: 'user' as const, ref: user.auditRef };

  const recordBackupCodeUse = (user: UserRecord, method: FactorMethod) => {
    if (method === 'backup_code') {
      audit.record({
        actor: user.auditRef,
        action: 'backup_code.used',
        object: userObject(user),
        details: { remaining: repo.unusedBackupCodes(user.id) },
      });
    }
  };

  const newTicket = (userId: Id, purpose: 'signin' | 'recovery'): string => {
    const token = newToken();
    const now = clock.now();
    repo.insertTicket(tokenHash('ticket', token), userId, purpose, now, now + TICKET_LIFETIME_MS);
    return token;
  };

  const mailPasswordChanged = (user: UserRecord) =>
    deps.deliver(
      passwordChangedMail({
        to: user.email,
        locale: localeFor(user.lang, deps.office.get()),
        office: officeName(),
        at: clock.now(),
        publicUrl: deps.publicUrl,
      }),
    );

  const current = (caller: Caller): UserRecord => {
    const user = users.byId(caller.userId);
    if (user === undefined) throw notFound();
    return user;
  };

  /** The current auth key, and a second factor when the user has one: both or neither pass. */
  const checkCredentialsOf = (user: UserRecord, authKey: Uint8Array, code: string | undefined) => {
    const password = checkPassword(user, authKey);
    if (password !== 'ok') return { ok: false as const, reason: password };
    if (user.totpSecret === null) return { ok: true as const, method: undefined };
    if (code === undefined) return { ok: false as const, reason: 'missing_code' };
    const factor = deps.secondFactor.verify(user, code);
    return factor.ok ? { ok: true as const, method: factor.method } : { ok: false as const, reason: 'wrong_code' };
  };

  /**
   * A signed-in user failed to prove their password (or code) again: count it like a failed
   * sign-in, write it down, answer 401.
   */
  const refuseSignedInCheck = (buckets: readonly Bucket[], user: UserRecord, step: string, reason: string): never => {
    const factor = reason === 'wrong_code' || reason === 'missing_code';
    transact(() => {
      limits.fail(...buckets);
      audit.record({
        actor: user.auditRef,
        action: factor ? 'second_factor.failed' : 'sign_in.failed',
        object: userObject(user),
        details: { step, reason },
      });
    });
    throw invalidCredentials();
  };

  return {
    prelogin(ip, email) {
      limits.countPrelogin(ip, email);
      const user = users.byEmail(email);
      if (user?.keys) return user.keys.kdf;
      return {
        salt: fakeSalt(serverKey, email),
        opsLimit: DEFAULT_KDF_PARAMS.opsLimit,
        memLimit: DEFAULT_KDF_PARAMS.memLimit,
      };
    },

    login(from, email, authKey) {
      const address = limits.address('login', from.ip);
      const account = limits.account('login', email);
      limits.check(address, account);
      const user = users.byEmail(email);
      const verdict = checkPassword(user, authKey);
      if (verdict !== 'ok') {
        transact(() => {
          limits.fail(address, account);
          audit.record({
            actor: user?.auditRef ?? null,
            action: 'sign_in.failed',
            object: userObject(user),
            details: { step: 'password', reason: verdict },
          });
        });
        throw invalidCredentials();
      }
      const known = user as UserRecord;
      limits.succeed(account);
      if (known.totpSecret !== null) return { kind: 'second-factor', ticket: newTicket(known.id, 'signin') };
      return transact(() => {
        audit.record({
          actor: known.auditRef,
          action: 'sign_in.succeeded',
          object: userObject(known),
          details: { method: 'password' },
        });
        return { kind: 'signed-in' as const, ...signIn(known.id, from.device) };
      });
    },

    secondFactor(from, ticket, code) {
      const address = limits.address('second-factor', from.ip);
      limits.check(address);
      const hash = tokenHash('ticket', ticket);
      const found = repo.findTicket(hash, 'signin', clock.now());
      const user = found === undefined ? undefined : users.byId(found.userId);
      if (user === undefined || user.status !== 'active' || user.totpSecret === null) {
        limits.fail(address);
        throw invalidCredentials();
      }
      const account = limits.account('second-factor', user.email);
      limits.check(account);
      const factor = deps.secondFactor.verify(user, code);
      if (!factor.ok) {
        transact(() => {
          if (repo.failTicket(hash) >= TICKET_TRIES) repo.removeTicket(hash);
          limits.fail(address, account);
          audit.record({
            actor: user.auditRef,
            action: 'second_factor.failed',
            object: userObject(user),
            details: { step: 'sign_in' },
          });
        });
        throw invalidCredentials();
      }
      limits.succeed(account);
      return transact(() => {
        repo.removeTicket(hash);
        recordBackupCodeUse(user, factor.method);
        audit.record({
          actor: user.auditRef,
          action: 'sign_in.succeeded',
          object: userObject(user),
          details: { method: factor.method },
        });
        return signIn(user.id, from.device);
      });
    },

    recover(ip, email, recoveryAuthKey, code) {
      const address = limits.address('recovery', ip);
      const account = limits.account('recovery', email);
      limits.check(address, account);
      const user = users.byEmail(email);
      let reason: string | undefined;
      let method: FactorMethod | undefined;
      if (user === undefined || user.keys === null) {
        checkAuthVerifier(serverKey, DUMMY_USER_ID, recoveryAuthKey, DUMMY_VERIFIER);
        reason = user === undefined ? 'unknown_account' : 'no_keys';
      } else if (!checkAuthVerifier(serverKey, user.id, recoveryAuthKey, user.keys.recoveryVerifier)) {
        reason = 'wrong_recovery_key';
      } else if (user.status !== 'active') {
        reason = 'disabled';
      } else if (user.totpSecret === null) {
        // Self-service recovery needs a second factor; without one an admin resets the account.
        reason = 'no_second_factor';
      } else {
        const factor = deps.secondFactor.verify(user, code);
        if (factor.ok) method = factor.method;
        else reason = 'wrong_code';
      }
      if (reason !== undefined || user === undefined || method === undefined) {
        transact(() => {
          limits.fail(address, account);
          audit.record({
            actor: user?.auditRef ?? null,
            action: 'recovery.failed',
            object: userObject(user),
            details: { reason: reason ?? 'unknown' },
          });
        });
        throw invalidCredentials();
      }
      limits.succeed(account);
      const ticket = transact(() => {
        recordBackupCodeUse(user, method);
        return newTicket(user.id, 'recovery');
      });
      return { ticket, user };
    },

    async completeRecovery(from, ticket, next) {
      const address = limits.address('recovery', from.ip);
      limits.check(address);
      const hash = tokenHash('ticket', ticket);
      const found = repo.findTicket(hash, 'recovery', clock.now());
      const user = found === undefined ? undefined : users.byId(found.userId);
      if (user === undefined || user.status !== 'active' || user.keys === null) {
        limits.fail(address);
        throw invalidCredentials();
      }
      const kdf = checkKdf(next.kdf, 'kdf');
      const result = transact(() => {
        users.setPassword(user.id, kdf, authVerifier(serverKey, user.id, next.authKey), next.passwordBundle);
        users.setRecovery(user.id, authVerifier(serverKey, user.id, next.recoveryAuthKey), next.recoveryBundle);
        repo.removeTicketsOf(user.id);
        const ended = sessions.endAll(user.id);
        audit.record({
          actor: user.auditRef,
          action: 'recovery.completed',
          object: userObject(user),
          details: { sessionsEnded: ended },
        });
        return signIn(user.id, from.device);
      });
      await mailPasswordChanged(user);
      return result;
    },

    async changePassword(caller, ip, change) {
      const user = current(caller);
      const address = limits.address('login', ip);
      const account = limits.account('login', user.email);
      limits.check(address, account);
      const kdf = checkKdf(change.kdf, 'kdf');
      const check = checkCredentialsOf(user, change.authKey, change.code);
      if (!check.ok) {
        refuseSignedInCheck([address, account], user, 'password_change', check.reason);
      }
      limits.succeed(account);
      transact(() => {
        users.setPassword(user.id, kdf, authVerifier(serverKey, user.id, change.newAuthKey), change.passwordBundle);
        repo.removeTicketsOf(user.id);
        const ended = sessions.endOthers(user.id, caller.session.tokenHash);
        if (check.method !== undefined) recordBackupCodeUse(user, check.method);
        audit.record({
          actor: user.auditRef,
          action: 'password.changed',
          object: userObject(user),
          details: { otherSessionsEnded: ended },
        });
      });
      await mailPasswordChanged(user);
    },

    beginTwoFactor(caller, ip, authKey) {
      const user = current(caller);
      if (user.totpSecret !== null) throw wrongState();
      // The password first, as for turning it off: a stolen session alone must not put the
      // thief's authenticator on the account (which would also shut the owner out of recovery).
      const address = limits.address('login', ip);
      const account = limits.account('login', user.email);
      limits.check(address, account);
      const check = checkCredentialsOf(user, authKey, undefined);
      if (!check.ok) {
        refuseSignedInCheck([address, account], user, 'two_factor_begin', check.reason);
      }
      limits.succeed(account);
      const secret = randomBytes(TOTP_SECRET_BYTES);
      users.setTotpPending(user.id, encryptAtRest(serverKey, 'totp-secret', user.id, secret));
      const answer = {
        secret: toRfc4648Base32(secret),
        uri: otpauthUri({ issuer: officeName(), account: user.email, secret }),
      };
      secret.fill(0);
      return answer;
    },

    async confirmTwoFactor(caller, code, backupCodes) {
      // The browser's codes (shared/backup-codes.ts): ten, each a code, no two alike once read.
      const normalized = backupCodes.map(normalizeBackupCode).filter((one) => one !== undefined);
      if (backupCodes.length !== BACKUP_CODE_COUNT || new Set(normalized).size !== BACKUP_CODE_COUNT) {
        throw invalidInput(['backupCodes']);
      }
      const user = current(caller);
      if (user.totpSecret !== null || user.totpPending === null) throw wrongState();
      const account = limits.account('second-factor', user.email);
      limits.check(account);
      const secret = decryptAtRest(serverKey, 'totp-secret', user.id, user.totpPending);
      const step = matchTotp(secret, code, clock.now());
      secret.fill(0);
      if (step === undefined) {
        limits.fail(account);
        throw invalidCredentials();
      }
      transact(() => {
        if (!users.enableTotp(user.id, user.totpPending as Uint8Array, step)) throw wrongState();
        repo.replaceBackupCodes(
          user.id,
          normalized.map((one) => codeHash(serverKey, 'backup-code', user.id, one)),
        );
        audit.record({
          actor: user.auditRef,
          action: 'two_factor.enabled',
          object: userObject(user),
          details: { backupCodes: BACKUP_CODE_COUNT },
        });
      });
      await deps.deliver(
        twoFactorEnabledMail({
          to: user.email,
          locale: localeFor(user.lang, deps.office.get()),
          office: officeName(),
          at: clock.now(),
          publicUrl: deps.publicUrl,
        }),
      );
      return [...backupCodes];
    },

    disableTwoFactor(caller, ip, authKey, code) {
      const user = current(caller);
      const office = deps.office.get();
      if (office?.requireTwoFactor === true && (user.role === 'admin' || user.role === 'staff'))
        throw twoFactorPolicy();
      if (user.totpSecret === null) throw wrongState();
      const address = limits.address('login', ip);
      const account = limits.account('login', user.email);
      limits.check(address, account);
      const check = checkCredentialsOf(user, authKey, code);
      if (!check.ok) {
        refuseSignedInCheck([address, account], user, 'two_factor_disable', check.reason);
      }
      limits.succeed(account);
      transact(() => {
        users.disableTotp(user.id);
        repo.clearBackupCodes(user.id);
        if (check.method !== undefined) recordBackupCodeUse(user, check.method);
        audit.record({ actor: user.auditRef, action: 'two_factor.disabled', object: userObject(user) });
      });
    },
  };
}
