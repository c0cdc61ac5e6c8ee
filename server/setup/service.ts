// First-run setup links. A link carries a 32-byte random token in its fragment; the server
// keeps only tokenHash('setup', token). A link is valid for 24 hours and works once; issuing a
// new one withdraws the older unused ones. Once a link has been used, setup is finished and
// no new link can be issued.
import { newToken, ready, tokenHash } from '../../shared/crypto/index.js';
import type { Clock } from '../clock.js';
import { setupFinished, setupLinkInvalid } from '../http/errors.js';
import type { SetupRepo } from './repo.js';

export const SETUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type SetupState =
  | { readonly state: 'finished' }
  | { readonly state: 'pending'; readonly expiresAt: number }
  | { readonly state: 'none' };

export interface IssuedSetupLink {
  readonly token: string;
  readonly url: string;
  readonly expiresAt: number;
}

export interface SetupService {
  /** The link's expiry if its token is known, unused and unexpired; otherwise throws `setup_link_invalid`. */
  verify(token: string): Promise<{ expiresAt: number }>;
  /** A fresh link, withdrawing older unused ones. Throws `setup_finished` once setup is done. */
  issueLink(): Promise<IssuedSetupLink>;
  state(): SetupState;
}

export function setupLinkUrl(publicUrl: string, token: string): string {
  // The fragment never reaches the server, its logs or a Referer header.
  return `${publicUrl}/setup#${token}`;
}

export function createSetupService(deps: { repo: SetupRepo; clock: Clock; publicUrl: string }): SetupService {
  const { repo, clock } = deps;
  return {
    async verify(token) {
      await ready();
      const row = repo.find(tokenHash('setup', token));
      if (row === undefined || row.usedAt !== null || row.expiresAt <= clock.now()) throw setupLinkInvalid();
      return { expiresAt: row.expiresAt };
    },

    async issueLink() {
      await ready();
      const token = newToken();
      const now = clock.now();
      const expiresAt = now + SETUP_LINK_LIFETIME_MS;
      if (repo.replaceUnused(tokenHash('setup', token), now, expiresAt) === 'finished') throw setupFinished();
      return { token, url: setupLinkUrl(deps.publicUrl, token), expiresAt };
    },

    state() {
      if (repo.isFinished()) return { state: 'finished' };
      const expiresAt = repo.latestValidExpiry(clock.now());
      return expiresAt === undefined ? { state: 'none' } : { state: 'pending', expiresAt };
    },
  };
}

export type StartupSetup =
  | { readonly action: 'none' }
  | { readonly action: 'remind'; readonly expiresAt: number }
  | { readonly action: 'issued'; readonly link: IssuedSetupLink };

/**
 * What the server does about setup when it starts: nothing once setup is finished; a reminder
 * while an earlier link is still valid (printing a new one on every restart would withdraw a
 * link the operator may already have sent on); otherwise a new link.
 */
export async function setupAtStart(setup: SetupService): Promise<StartupSetup> {
  const current = setup.state();
  if (current.state === 'finished') return { action: 'none' };
  if (current.state === 'pending') return { action: 'remind', expiresAt: current.expiresAt };
  return { action: 'issued', link: await setup.issueLink() };
}
