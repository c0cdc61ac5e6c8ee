// First-run setup links. A link carries a 32-byte random token in its fragment; the server
// keeps only tokenHash('setup', token). A link is valid for 24 hours and works once; issuing a
// new one withdraws the older unused ones. Once a link has been used, setup is finished and
// no new link can be issued.
import {
  bytesEqual,
  MismatchError,
  newToken,
  randomBytes,
  ready,
  tokenHash,
  verifyMemberCertificate,
  verifyOfficeEncryptionKey,
  type Id,
} from '../../shared/crypto/index.js';
import type { Audit } from '../kernel/audit/service.js';
import { finishSignIn } from '../kernel/sessions/sign-in.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import { invalidCertificate, setupFinished, setupLinkInvalid } from '../kernel/http/errors.js';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { SessionsService } from '../kernel/sessions/service.js';
import { prepareAccountKeys, verifyOrRefuse, type AccountKeysInput } from '../kernel/accounts/account-keys.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import type { SignInResult } from '../kernel/accounts/wire.js';
import type { SetupRepo } from './repo.js';
import type { Language } from '../../shared/wire/index.js';

export const SETUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

type SetupState =
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

function setupLinkUrl(publicUrl: string, token: string): string {
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

// ---- completing setup: the first admin creates the office

interface SetupCompletion {
  readonly token: string;
  /** The setup page's language: the admin's and the office's default. */
  readonly lang: Language;
  readonly office: {
    readonly id: Id;
    readonly name: string;
    readonly signingPublicKey: Uint8Array;
    readonly encryptionPublicKey: Uint8Array;
    readonly encryptionKeyStatement: Uint8Array;
  };
  readonly admin: {
    readonly userId: Id;
    readonly name: string;
    readonly email: string;
    readonly keys: AccountKeysInput;
    readonly certificate: Uint8Array;
    readonly sealedOfficeKeys: Uint8Array;
  };
}

export interface SetupCompletionService {
  complete(input: SetupCompletion, device: string): Promise<SignInResult>;
}

/**
 * Checks everything the browser made (the office key's statement about its encryption key,
 * the admin's certificate by the new office key: this office, this user, this address, role
 * admin, version 1, these keys; the admin's encryption-key signature; the Argon2id
 * parameters), then in one transaction uses up the setup link, stores the office and the
 * approved admin, writes the audit entry and starts the admin's session.
 */
export function createSetupCompletion(deps: {
  setup: SetupRepo;
  office: OfficeRepo;
  users: UsersRepo;
  sessions: SessionsService;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  serverKey: Uint8Array;
}): SetupCompletionService {
  const { setup, office, users, audit, transact, clock, serverKey } = deps;
  return {
    async complete(input, device) {
      await ready();
      const hash = tokenHash('setup', input.token);
      const link = setup.find(hash);
      if (link === undefined || link.usedAt !== null || link.expiresAt <= clock.now()) throw setupLinkInvalid();

      const signingKey = input.office.signingPublicKey;
      const certified = verifyOrRefuse(() => {
        const encryptionKey = verifyOfficeEncryptionKey(
          signingKey,
          input.office.id,
          input.office.encryptionKeyStatement,
        );
        if (!bytesEqual(encryptionKey, input.office.encryptionPublicKey))
          throw new MismatchError('statement names another key');
        return verifyMemberCertificate(signingKey, input.admin.certificate);
      });
      const keys = prepareAccountKeys(serverKey, input.admin.userId, input.admin.keys, 'admin.keys.');
      if (
        !bytesEqual(certified.officeId, input.office.id) ||
        certified.version !== 1 ||
        !bytesEqual(certified.userId, input.admin.userId) ||
        certified.email !== input.admin.email ||
        certified.role !== 'admin' ||
        !bytesEqual(certified.identityPublicKey, keys.identityPublicKey) ||
        !bytesEqual(certified.encryptionPublicKey, keys.encryptionPublicKey)
      ) {
        throw invalidCertificate();
      }

      return transact(() => {
        const now = clock.now();
        if (office.get() !== undefined || !setup.consume(hash, now)) throw setupLinkInvalid();
        office.insert({ ...input.office, language: input.lang, createdAt: now });
        const auditRef = randomBytes(16);
        users.insert({
          id: input.admin.userId,
          email: input.admin.email,
          name: input.admin.name,
          role: 'admin',
          approval: 'approved',
          keys,
          certificate: input.admin.certificate,
          certificateVersion: 1,
          sealedOfficeKeys: input.admin.sealedOfficeKeys,
          auditRef,
          createdAt: now,
          lang: input.lang,
        });
        audit.person(auditRef, 'user', input.admin.name, input.admin.email);
        audit.record({ actor: auditRef, action: 'setup.completed', object: { type: 'office', ref: null } });
        return finishSignIn({ users, office, sessions: deps.sessions, clock }, input.admin.userId, device);
      });
    },
  };
}
