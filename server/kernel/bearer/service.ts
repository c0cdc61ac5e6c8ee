// Bearer authentication for enrolled devices and their API tokens (docs/protocol.md "Devices"):
// `Authorization: Bearer <token>` acts as the device's user, on the routes of the token's
// scopes only (the guard checks the scope, server/kernel/http/guards.ts). The token is stored
// only as tokenHash('device', token). A revoked token or device, or a user who can no longer
// act (disabled), answers 401 device_revoked, so the device can say it was removed.
import { tokenHash, type DeviceScope } from '../../../shared/crypto/index.js';
import { DEVICE_SCOPES } from '../../../shared/wire/index.js';
import type { Clock } from '../clock.js';
import type { Caller } from '../http/caller.js';
import type { BearerRepo } from './repo.js';

/** Use is recorded at most once a minute per token. */
const TOUCH_INTERVAL_MS = 60_000;

type BearerResolution = { readonly caller: Caller } | 'revoked' | undefined;

export interface BearerResolver {
  resolveBearer(token: string): BearerResolution;
}

export function createBearerResolver(deps: { repo: BearerRepo; clock: Clock }): BearerResolver {
  const { repo, clock } = deps;
  return {
    resolveBearer(token) {
      const hash = tokenHash('device', token);
      const found = repo.resolve(hash);
      if (found === undefined) return undefined;
      if (found.revoked) return 'revoked';
      const now = clock.now();
      if (found.lastUsedAt === null || now - found.lastUsedAt >= TOUCH_INTERVAL_MS)
        repo.touch(found.tokenId, found.deviceId, now);
      const staffOrAdmin = found.user.role === 'admin' || found.user.role === 'staff';
      const scopes: DeviceScope[] = DEVICE_SCOPES.filter((scope) => found.scopes.split(',').includes(scope));
      return {
        caller: {
          userId: found.userId,
          email: found.user.email,
          role: found.user.role,
          approval: found.user.approval,
          twoFactor: found.user.twoFactor,
          mustEnrolTwoFactor: found.officeRequiresTwoFactor && staffOrAdmin && !found.user.twoFactor,
          auditRef: found.user.auditRef,
          // No session stands behind a bearer request: routes that act on the session are in no
          // token's scope, and this reference matches no session row should one be reached.
          session: { tokenHash: hash, id: found.deviceId, expiresAt: Number.MAX_SAFE_INTEGER },
          device: { deviceId: found.deviceId, tokenId: found.tokenId, scopes },
        },
      };
    },
  };
}
