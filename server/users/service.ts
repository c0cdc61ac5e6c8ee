// Administration of users (approve, disable, enable, change role, reset) and the staff
// directory. Every admin action is checked against the account's current state and written
// to the audit log in the same transaction.
//
// The office must always keep an active, approved admin: the last one cannot be disabled,
// demoted or reset (409 last_admin), or nobody could approve anyone again.
import { type Id, type MemberCertificate } from '../../shared/crypto/index.js';
import type { Audit } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { invalidCertificate, invalidInput, lastAdmin, notFound, wrongState } from '../kernel/http/errors.js';
import type { Deliver } from '../kernel/mail/deliver.js';
import { approvedMail } from '../kernel/mail/messages.js';
import { localeFor } from '../kernel/mail/format.js';
import type { OfficeRecord, OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { SessionsService } from '../kernel/sessions/service.js';
import type { UserRecord, UsersRepo } from '../kernel/accounts/users-repo.js';
import type { Language, Role } from '../../shared/wire/index.js';
import { checkUserCertificate } from '../kernel/accounts/certificate.js';
import { INVITABLE_ROLES, type InvitationKind, type SentInvitation } from '../kernel/domain/invitations.js';

export interface UsersService {
  /** The caller's own language, for their mails: the one their browser's language switch chose. */
  setLanguage(caller: Caller, lang: Language): void;
  list(): UserRecord[];
  detail(id: Id): UserRecord;
  approve(caller: Caller, id: Id, certificate: Uint8Array, sealedOfficeKeys: Uint8Array): Promise<void>;
  disable(caller: Caller, id: Id): void;
  enable(caller: Caller, id: Id): void;
  changeRole(caller: Caller, id: Id, role: Role, certificate: Uint8Array | undefined): void;
  reset(caller: Caller, id: Id): Promise<SentInvitation>;
  /** Active staff and admins with keys, for fingerprints and sending. */
  directory(): UserRecord[];
}

/** Sign-in tickets and backup codes (the auth capability's repo): a disabled or reset account loses them. */
export interface SignInSecrets {
  removeTicketsOf(userId: Id): void;
  clearBackupCodes(userId: Id): void;
}

/** Invitation links (the invitations capability's repo): withdrawn when their account, or their inviter, is disabled. */
export interface InvitationLinks {
  withdrawFor(userId: Id, now: number): number;
  withdrawIssuedBy(userId: Id, now: number): number;
}

/** Reset links (the invitations capability's service): made inside the reset's transaction, mailed after it. */
export interface ResetLinks {
  issueReset(caller: Caller, user: UserRecord): { id: Id; token: string; expiresAt: number };
  send(kind: InvitationKind, id: Id, email: string, token: string, expiresAt: number): Promise<boolean>;
}

/**
 * The users service. Sign-in secrets and invitation links belong to other capabilities; they
 * come in as the small interfaces above, filled in by server/compose.ts.
 */
export function createUsersService(deps: {
  users: UsersRepo;
  office: OfficeRepo;
  authRepo: SignInSecrets;
  invitationsRepo: InvitationLinks;
  invitations: ResetLinks;
  sessions: SessionsService;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  deliver: Deliver;
  publicUrl: string;
}): UsersService {
  const { users, audit, transact, clock, sessions } = deps;

  const find = (id: Id): UserRecord => {
    const user = users.byId(id);
    if (user === undefined) throw notFound();
    return user;
  };

  const office = (): OfficeRecord => {
    const current = deps.office.get();
    if (current === undefined) throw notFound();
    return current;
  };

  const isLastAdmin = (user: UserRecord) =>
    user.role === 'admin' &&
    user.status === 'active' &&
    user.approval === 'approved' &&
    users.countActiveApprovedAdmins() <= 1;

  const object = (user: UserRecord) => ({ type: 'user' as const, ref: user.auditRef });

  const checkCertificate = (user: UserRecord, certificate: Uint8Array, role: Role): MemberCertificate =>
    checkUserCertificate(office(), user, certificate, role);

  return {
    list: () => users.all(),
    detail: find,

    async approve(caller, id, certificate, sealedOfficeKeys) {
      const user = transact(() => {
        const found = find(id);
        if (found.status !== 'active' || found.approval !== 'pending') throw wrongState();
        // A client never gets the office keys: clients are approved on the Clients page (server/clients/).
        if (found.role === 'client') throw wrongState();
        const certified = checkCertificate(found, certificate, found.role);
        if (!users.approve(found.id, certificate, certified.version, sealedOfficeKeys)) throw wrongState();
        audit.record({
          actor: caller.auditRef,
          action: 'user.approved',
          object: object(found),
          details: { role: found.role, certificateVersion: certified.version },
        });
        return found;
      });
      const current = office();
      await deps.deliver(
        approvedMail({
          to: user.email,
          locale: localeFor(user.lang, current),
          office: current.name,
          publicUrl: deps.publicUrl,
        }),
      );
    },

    disable(caller, id) {
      transact(() => {
        const user = find(id);
        if (user.status !== 'active') throw wrongState();
        if (isLastAdmin(user)) throw lastAdmin();
        users.setStatus(user.id, 'active', 'disabled');
        const sessionsEnded = sessions.endAll(user.id);
        deps.authRepo.removeTicketsOf(user.id);
        const now = clock.now();
        const invitationsWithdrawn =
          deps.invitationsRepo.withdrawFor(user.id, now) + deps.invitationsRepo.withdrawIssuedBy(user.id, now);
        audit.record({
          actor: caller.auditRef,
          action: 'user.disabled',
          object: object(user),
          details: { sessionsEnded, invitationsWithdrawn },
        });
      });
    },

    enable(caller, id) {
      transact(() => {
        const user = find(id);
        if (!users.setStatus(user.id, 'disabled', 'active')) throw wrongState();
        audit.record({ actor: caller.auditRef, action: 'user.enabled', object: object(user) });
      });
    },

    changeRole(caller, id, role, certificate) {
      transact(() => {
        const user = find(id);
        if (user.role === role) throw wrongState();
        // Client accounts come with the client portal: a client must never hold the office keys.
        if (!INVITABLE_ROLES.includes(role) || !INVITABLE_ROLES.includes(user.role)) throw invalidInput(['role']);
        if (user.role === 'admin' && isLastAdmin(user)) throw lastAdmin();
        let newCertificate: { bytes: Uint8Array; version: number } | null = null;
        if (user.approval === 'approved') {
          if (certificate === undefined) throw invalidCertificate();
          newCertificate = { bytes: certificate, version: checkCertificate(user, certificate, role).version };
        } else if (certificate !== undefined) {
          // Unapproved accounts are certified at approval, with the role they have then.
          throw invalidInput(['certificate']);
        }
        if (!users.setRole(user.id, user.role, role, newCertificate)) throw wrongState();
        audit.record({
          actor: caller.auditRef,
          action: 'user.role_changed',
          object: object(user),
          details: {
            from: user.role,
            to: role,
            ...(newCertificate !== null ? { certificateVersion: newCertificate.version } : {}),
          },
        });
      });
    },

    setLanguage(caller, lang) {
      users.setLang(caller.userId, lang);
    },

    async reset(caller, id) {
      const { user, link } = transact(() => {
        const found = find(id);
        if (found.status !== 'active') throw wrongState();
        if (isLastAdmin(found)) throw lastAdmin();
        users.reset(found.id);
        const sessionsEnded = sessions.endAll(found.id);
        deps.authRepo.removeTicketsOf(found.id);
        deps.authRepo.clearBackupCodes(found.id);
        const issued = deps.invitations.issueReset(caller, found);
        audit.record({
          actor: caller.auditRef,
          action: 'user.reset',
          object: object(found),
          details: { sessionsEnded },
        });
        return { user: found, link: issued };
      });
      const delivered = await deps.invitations.send('reset', link.id, user.email, link.token, link.expiresAt);
      return { id: link.id, expiresAt: link.expiresAt, delivered };
    },

    directory: () => users.members(),
  };
}
