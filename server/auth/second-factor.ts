// Checking a second factor: a TOTP code (each 30-second step accepted once) or a backup code
// (each accepted once). A code that passes is used up here, before anything else happens.
import { codeHash, decryptAtRest } from '../../shared/crypto/index.js';
import type { Clock } from '../kernel/clock.js';
import type { UserRecord, UsersRepo } from '../kernel/accounts/users-repo.js';
import { normalizeBackupCode } from './backup-codes.js';
import type { AuthRepo } from './repo.js';
import { matchTotp } from './totp.js';

export type FactorMethod = 'totp' | 'backup_code';

type FactorCheck = { readonly ok: true; readonly method: FactorMethod } | { readonly ok: false };

export interface SecondFactor {
  /** Checks and uses up `code` for a user with two-factor sign-in on. */
  verify(user: UserRecord, code: string): FactorCheck;
}

export function createSecondFactor(deps: {
  users: UsersRepo;
  repo: AuthRepo;
  clock: Clock;
  serverKey: Uint8Array;
}): SecondFactor {
  const { users, repo, clock, serverKey } = deps;
  return {
    verify(user, code) {
      if (user.totpSecret === null) return { ok: false };
      const now = clock.now();
      const trimmed = code.trim();
      if (/^\d{6}$/.test(trimmed)) {
        const secret = decryptAtRest(serverKey, 'totp-secret', user.id, user.totpSecret);
        const step = matchTotp(secret, trimmed, now);
        secret.fill(0);
        if (step === undefined || !users.useTotpStep(user.id, step)) return { ok: false };
        return { ok: true, method: 'totp' };
      }
      const normalized = normalizeBackupCode(trimmed);
      if (normalized === undefined) return { ok: false };
      if (!repo.useBackupCode(user.id, codeHash(serverKey, 'backup-code', user.id, normalized), now))
        return { ok: false };
      return { ok: true, method: 'backup_code' };
    },
  };
}
