// How every sign-in ends on the wire — sign-in, recovery, an accepted invitation, the first
// admin at setup — and where a request came from, for the session it starts.
import type { Response } from 'express';
import { setSessionCookie } from '../http/cookies.js';
import { signedInOut, type SignInResult } from '../accounts/wire.js';

/** Where a request came from: the client address for rate limits, the device for the session list. */
export interface RequestOrigin {
  readonly ip: string;
  readonly device: string;
}

/** Sets the session cookie and answers SignedIn: the one way every sign-in ends. */
export function answerSignedIn(
  res: Response,
  result: SignInResult,
  lifetimes: { idleMs: number; maxMs: number },
): void {
  setSessionCookie(res, result.token, lifetimes.maxMs / 1000);
  res.json(signedInOut(result, lifetimes.idleMs / 1000));
}
