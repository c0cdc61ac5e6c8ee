// Who is calling: set by the session guards (server/kernel/http/guards.ts) from the session cookie
// or an enrolled device's bearer token,
// read by handlers with `callerOf(res)`. Handlers never take a user id from the request to
// decide whose rows to touch: they take it from here.
import type { Response } from 'express';
import type { DeviceScope, Id } from '../../../shared/crypto/index.js';
import type { Approval } from '../accounts/users-repo.js';
import type { Role } from '../../../shared/wire/index.js';
import { signedOut } from './errors.js';

export interface Caller {
  readonly userId: Id;
  readonly email: string;
  readonly role: Role;
  readonly approval: Approval;
  readonly twoFactor: boolean;
  /** The office requires two-factor sign-in and this staff member or admin has not enrolled. */
  readonly mustEnrolTwoFactor: boolean;
  readonly auditRef: Uint8Array;
  readonly session: {
    readonly tokenHash: Uint8Array;
    readonly id: Id;
    readonly expiresAt: number;
  };
  /** Set when the request came with an enrolled device's bearer token (server/kernel/bearer). */
  readonly device?: {
    readonly deviceId: Id;
    readonly tokenId: Id;
    readonly scopes: readonly DeviceScope[];
  };
}

declare global {
  // Express's own extension point for res.locals: its types are a global namespace, so
  // augmenting them takes one.
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the only way to extend Express.Locals
  namespace Express {
    interface Locals {
      caller?: Caller;
    }
  }
}

/** The caller a session guard found; a route without one is a wiring mistake, answered as signed out. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller;
  if (caller === undefined) throw signedOut();
  return caller;
}
