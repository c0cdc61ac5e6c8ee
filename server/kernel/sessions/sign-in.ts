// The last step of every way into an account (sign-in, second factor, setup, accepting an
// invitation, recovery): start a session and note the sign-in. Runs inside the transaction
// of the step it finishes; the route then sets the cookie and answers SignedIn.
import type { Id } from '../../../shared/crypto/index.js';
import type { Clock } from '../clock.js';
import type { OfficeRepo } from '../accounts/office-repo.js';
import type { SessionsService } from './service.js';
import type { UsersRepo } from '../accounts/users-repo.js';
import type { SignInResult } from '../accounts/wire.js';

export interface SignInDeps {
  readonly users: UsersRepo;
  readonly office: OfficeRepo;
  readonly sessions: SessionsService;
  readonly clock: Clock;
}

export function finishSignIn(deps: SignInDeps, userId: Id, device: string): SignInResult {
  const session = deps.sessions.start(userId, device);
  deps.users.recordSignIn(userId, deps.clock.now());
  const user = deps.users.byId(userId);
  const office = deps.office.get();
  if (user === undefined || office === undefined) throw new Error('signed-in user or office vanished');
  return { token: session.token, expiresAt: session.expiresAt, user, office };
}
