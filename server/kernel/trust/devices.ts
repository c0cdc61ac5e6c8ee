// Trusted devices (docs/protocol.md §21 "Trusted devices", docs/threat-model.md "Trusted
// devices"): after a right e-mail code, a browser may remember that proof of an address for this office for up to the
// office's setting (1–30 days; 0 = off). The browser holds a random 256-bit token in an
// HttpOnly cookie (server/kernel/http/cookies.ts); the server keeps only its hash and the
// address. A valid token stands in for the code of a guest recipient or a bound drop with the
// same address, and for nothing else: it is never a key, and what it unlocks opens no file
// without the link secret. The office's current setting also caps devices made under a longer
// one, so lowering it (or turning it off) takes effect at once.
import { newToken, tokenHash } from '../../../shared/crypto/index.js';
import type { OfficeRepo } from '../accounts/office-repo.js';
import type { Clock } from '../clock.js';
import type { TrustedDeviceRecord, TrustedDevicesRepo } from './repo.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TrustedDevices {
  /** A new device for an address just proved: its token and expiry, or undefined when the office turned them off. */
  issue(email: string): { token: string; expiresAt: number } | undefined;
  /** Whether the token is a valid device for this address now; marks it used. */
  use(token: string | undefined, email: string): boolean;
  /** As `use`, changing nothing (a page's GET). */
  holds(token: string | undefined, email: string): boolean;
  /** The recipient forgets this browser. */
  forget(token: string | undefined): void;
  /** The office's view of an address's devices (valid ones only). */
  listFor(email: string): TrustedDeviceRecord[];
  /** The office revokes every device of an address; the number revoked. */
  revokeFor(email: string): number;
}

export function createTrustedDevices(deps: {
  repo: TrustedDevicesRepo;
  office: OfficeRepo;
  clock: Clock;
}): TrustedDevices {
  const { repo, clock } = deps;
  const days = (): number => deps.office.get()?.trustedDeviceDays ?? 0;
  /** Devices made at or before this time are past the office's current setting. */
  const madeAfter = (now: number): number => now - days() * DAY_MS;
  const hashOf = (token: string) => tokenHash('trusted-device', token);
  const valid = (token: string | undefined, email: string, write: boolean): boolean => {
    if (token === undefined || days() === 0) return false;
    const now = clock.now();
    return write
      ? repo.use(hashOf(token), email, now, madeAfter(now))
      : repo.valid(hashOf(token), email, now, madeAfter(now));
  };

  return {
    issue(email) {
      const setting = days();
      if (setting === 0) return undefined;
      const now = clock.now();
      const token = newToken();
      const expiresAt = now + setting * DAY_MS;
      repo.insert(hashOf(token), email, now, expiresAt);
      return { token, expiresAt };
    },
    use: (token, email) => valid(token, email, true),
    holds: (token, email) => valid(token, email, false),
    forget(token) {
      if (token !== undefined) repo.remove(hashOf(token));
    },
    listFor(email) {
      if (days() === 0) return [];
      const now = clock.now();
      return repo.listFor(email, now, madeAfter(now));
    },
    revokeFor: (email) => repo.revokeFor(email),
  };
}
