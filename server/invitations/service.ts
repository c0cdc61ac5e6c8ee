// Invitations and reset links. An admin invites an address with a role (an advisor invites a
// client, server/clients/); the mail carries a single-use link
// `<PUBLIC_URL>/invite#<token>.<office fingerprint>` valid for 7 days (the token and the
// fingerprint of the office signing key travel only in the fragment; the server keeps
// tokenHash('invitation', token)). The invitee's browser checks the office key the lookup
// returns against that fingerprint, and a client's pins it. Resending issues a new
// token, so the old link stops working. The invitee's browser makes their keys, bound to the
// user id the invitation fixed in advance; accepting stores them, approval pending, and
// signs in. An admin's reset of an account uses the same link, kind 'reset', bound to the
// account's own id. A client invitation the advisor hands over (protocol §13a) is not mailed:
// the server keeps the office's signed statement (I sealed to the office key), answers the
// token, and requires the client's key proof at acceptance.
import {
  bytesEqual,
  newId,
  newToken,
  officeFingerprint,
  randomBytes,
  toBase64Url,
  tokenHash,
  verifyClientInvitation,
  type Id,
} from '../../shared/crypto/index.js';
import type { Audit } from '../kernel/audit/service.js';
import { finishSignIn } from '../kernel/sessions/sign-in.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { alreadyExists, invalidInput, invitationInvalid, notFound, wrongState } from '../kernel/http/errors.js';
import type { Deliver } from '../kernel/mail/deliver.js';
import { approvalWaitingMail, invitationMail, resetMail } from '../kernel/mail/messages.js';
import { approvalReaders, canAct } from '../kernel/mail/alerts.js';
import { localeFor } from '../kernel/mail/format.js';
import type { OfficeRecord, OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { RateLimiter } from '../kernel/rate-limit/service.js';
import type { SessionsService } from '../kernel/sessions/service.js';
import { prepareAccountKeys, type AccountKeysInput } from '../kernel/accounts/account-keys.js';
import type { UserRecord, UsersRepo } from '../kernel/accounts/users-repo.js';
import type { Language, Role } from '../../shared/wire/index.js';
import type { SignInResult } from '../kernel/accounts/wire.js';
import type { InvitationsRepo } from './repo.js';
import type { RequestOrigin } from '../kernel/sessions/answer.js';
import type { InvitationKind, InvitationRecord } from '../kernel/domain/invitations.js';
import { INVITABLE_ROLES, type ClientHandoverInput, type SentInvitation } from '../kernel/domain/invitations.js';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

interface InvitationView {
  readonly invitation: InvitationRecord;
  readonly office: OfficeRecord;
  /** For a reset: the name on the account; for a client's invitation: the name the advisor gave. */
  readonly name: string | undefined;
}

export interface InvitationsService {
  /** `lang`: the invitation mail's language; the inviter's own when left out. */
  create(caller: Caller, email: string, role: Role, lang?: Language): Promise<SentInvitation>;
  /**
   * An advisor invites a client by name and address (role 'client'): mailed, or, with a
   * handover, not mailed and answered with the token for the link the advisor delivers.
   * `advisorId`: the member who will handle them (an approved, active member), the inviting
   * member when left out.
   */
  inviteClient(
    caller: Caller,
    name: string,
    email: string,
    lang?: Language,
    handover?: ClientHandoverInput,
    advisorId?: Id,
  ): Promise<SentInvitation>;
  listOpen(): InvitationRecord[];
  resend(caller: Caller, id: Id): Promise<SentInvitation>;
  /**
   * Any approved member, for a client invitation only: a new link (the old one dead), mailed, or
   * handed over with the office's new statement for the same user id (a new I).
   */
  resendClient(caller: Caller, id: Id, handover?: ClientHandoverInput): Promise<SentInvitation>;
  withdraw(caller: Caller, id: Id): void;
  /** Any approved member, for an open client invitation only: the link stops working. */
  withdrawClient(caller: Caller, id: Id): void;
  lookup(ip: string, token: string): InvitationView;
  /** `lang`: the accepting page's language; the invitation's when left out. */
  accept(
    from: RequestOrigin,
    token: string,
    name: string,
    keys: AccountKeysInput,
    lang?: Language,
    keyProof?: Uint8Array,
  ): SignInResult;
  /**
   * Inside the reset's transaction: withdraws the user's open links and makes a new reset
   * link. Send it with `send` once the transaction has committed.
   */
  issueReset(caller: Caller, user: UserRecord): { id: Id; token: string; expiresAt: number };
  /** Mails a link and records whether delivery failed. */
  send(kind: InvitationKind, id: Id, email: string, token: string, expiresAt: number): Promise<boolean>;
}

/** The link mailed: the token and the office signing key's fingerprint, both in the fragment. */
function inviteLink(publicUrl: string, token: string, officeSigningPublicKey: Uint8Array): string {
  return `${publicUrl}/invite#${token}.${toBase64Url(officeFingerprint(officeSigningPublicKey))}`;
}

export function createInvitationsService(deps: {
  repo: InvitationsRepo;
  users: UsersRepo;
  office: OfficeRepo;
  sessions: SessionsService;
  limits: RateLimiter;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  serverKey: Uint8Array;
  deliver: Deliver;
  /** The mail queue: the approval-waiting notice (no secret). */
  notify: Deliver;
  publicUrl: string;
}): InvitationsService {
  const { repo, users, audit, transact, clock, limits } = deps;

  const office = (): OfficeRecord => {
    const current = deps.office.get();
    if (current === undefined) throw invitationInvalid();
    return current;
  };

  const isOpen = (invitation: InvitationRecord, now: number) =>
    invitation.acceptedAt === null && invitation.withdrawnAt === null && invitation.expiresAt > now;

  const send: InvitationsService['send'] = async (kind, id, email, token, expiresAt) => {
    const current = office();
    const link = inviteLink(deps.publicUrl, token, current.signingPublicKey);
    const name = current.name;
    const locale = localeFor(repo.byId(id)?.lang ?? current.language, current);
    const message =
      kind === 'invitation'
        ? invitationMail({ to: email, locale, office: name, link, expiresAt })
        : resetMail({ to: email, locale, office: name, link, expiresAt });
    const delivered = await deps.deliver(message);
    repo.setDeliveryFailed(id, !delivered);
    return delivered;
  };

  const object = (invitation: { auditRef: Uint8Array }) => ({ type: 'invitation' as const, ref: invitation.auditRef });

  /** An invitation the admin may act on: unknown ids answer 404. */
  const findForAdmin = (id: Id): InvitationRecord => {
    const invitation = repo.byId(id);
    if (invitation === undefined) throw notFound();
    return invitation;
  };

  /** A link that still works, or 404 (and a failure counted against the address). */
  const findByToken = (ip: string, token: string): InvitationRecord => {
    const address = limits.address('invitation', ip);
    limits.check(address);
    const invitation = repo.byToken(tokenHash('invitation', token));
    if (invitation === undefined || !isOpen(invitation, clock.now())) {
      limits.fail(address);
      throw invitationInvalid();
    }
    return invitation;
  };

  /**
   * The office's statement must be the office's, for this account and address (protocol §13a):
   * the server cannot open I, but it refuses a statement an honest browser would not have made.
   */
  const checkHandover = (email: string, handover: ClientHandoverInput): void => {
    const current = office();
    try {
      verifyClientInvitation(handover.statement, current.signingPublicKey, {
        officeId: current.id,
        userId: handover.userId,
        email,
      });
    } catch {
      throw invalidInput(['handover.statement']);
    }
  };

  /** An open or closed client invitation, for any approved member: anything else (a member's, a reset) answers 404. */
  const findClientInvitation = (id: Id): InvitationRecord => {
    const invitation = repo.clientInvitationById(id);
    if (invitation === undefined) throw notFound();
    return invitation;
  };

  /**
   * A new token (the old link stops working) and a new expiry. Handed over: the office's new
   * statement (a new I) and the token back to the inviting browser, nothing mailed; otherwise
   * mailed, and any statement dropped (the server sees a mailed link).
   */
  const reissue = async (
    caller: Caller,
    find: () => InvitationRecord,
    handover?: ClientHandoverInput,
  ): Promise<SentInvitation> => {
    const token = newToken();
    const invitation = transact(() => {
      const found = find();
      const expiresAt = clock.now() + INVITATION_LIFETIME_MS;
      if (!repo.replaceToken(found.id, tokenHash('invitation', token), expiresAt, handover?.statement ?? null))
        throw wrongState();
      audit.record({
        actor: caller.auditRef,
        action: 'invitation.resent',
        object: object(found),
        details: handover === undefined ? { kind: found.kind } : { kind: found.kind, delivery: 'handover' },
      });
      return { ...found, expiresAt };
    });
    if (handover !== undefined) return { id: invitation.id, expiresAt: invitation.expiresAt, delivered: false, token };
    const delivered = await send(invitation.kind, invitation.id, invitation.email, token, invitation.expiresAt);
    return { id: invitation.id, expiresAt: invitation.expiresAt, delivered };
  };

  const close = (caller: Caller, find: () => InvitationRecord, by: 'admin' | 'office'): void => {
    transact(() => {
      const found = find();
      if (!repo.withdraw(found.id, clock.now())) throw wrongState();
      audit.record({
        actor: caller.auditRef,
        action: 'invitation.withdrawn',
        object: object(found),
        details: { kind: found.kind, by },
      });
    });
  };

  const invite = async (
    caller: Caller,
    email: string,
    role: Role,
    name: string | null,
    lang: Language | undefined,
    advisorId: Id | null,
    handover?: ClientHandoverInput,
  ): Promise<SentInvitation> => {
    if (handover !== undefined) checkHandover(email, handover);
    const token = newToken();
    const invitation = transact(() => {
      const now = clock.now();
      if (advisorId !== null && !canAct(users.byId(advisorId))) throw invalidInput(['advisorId']);
      if (users.emailTaken(email) || repo.hasOpenFor(email, now)) throw alreadyExists();
      if (handover !== undefined && repo.userIdTaken(handover.userId)) throw alreadyExists();
      const created = {
        id: newId(),
        tokenHash: tokenHash('invitation', token),
        kind: 'invitation' as const,
        userId: handover?.userId ?? newId(),
        email,
        role,
        name,
        auditRef: randomBytes(16),
        invitedBy: caller.userId,
        createdAt: now,
        expiresAt: now + INVITATION_LIFETIME_MS,
        lang: lang ?? users.byId(caller.userId)?.lang ?? office().language,
        clientStatement: handover?.statement ?? null,
        advisorId,
      };
      repo.insert(created);
      audit.person(created.auditRef, 'invitee', name, email);
      audit.record({
        actor: caller.auditRef,
        action: 'invitation.created',
        object: object(created),
        details: handover === undefined ? { role } : { role, delivery: 'handover' },
      });
      return created;
    });
    // A handed-over link is the advisor's to deliver: nothing is mailed.
    if (handover !== undefined) return { id: invitation.id, expiresAt: invitation.expiresAt, delivered: false, token };
    const delivered = await send('invitation', invitation.id, email, token, invitation.expiresAt);
    return { id: invitation.id, expiresAt: invitation.expiresAt, delivered };
  };

  return {
    async create(caller, email, role, lang) {
      if (!INVITABLE_ROLES.includes(role)) throw invalidInput(['role']);
      return invite(caller, email, role, null, lang, null);
    },

    inviteClient: (caller, name, email, lang, handover, advisorId) =>
      invite(caller, email, 'client', name, lang, advisorId ?? caller.userId, handover),

    listOpen: () => repo.listOpen(clock.now()),

    resend: (caller, id) => reissue(caller, () => findForAdmin(id)),

    resendClient(caller, id, handover) {
      if (handover !== undefined) {
        const found = findClientInvitation(id);
        if (!bytesEqual(found.userId, handover.userId)) throw invalidInput(['handover.userId']);
        checkHandover(found.email, handover);
      }
      return reissue(caller, () => findClientInvitation(id), handover);
    },

    withdraw: (caller, id) => close(caller, () => findForAdmin(id), 'admin'),

    withdrawClient: (caller, id) => close(caller, () => findClientInvitation(id), 'office'),

    lookup(ip, token) {
      const invitation = findByToken(ip, token);
      const name = invitation.kind === 'reset' ? users.byId(invitation.userId)?.name : (invitation.name ?? undefined);
      return { invitation, office: office(), name };
    },

    accept(from, token, name, input, lang, keyProof) {
      const invitation = findByToken(from.ip, token);
      // A handed-over invitation needs the client's key proof, and only it has one (protocol §13a).
      if (invitation.handover !== (keyProof !== undefined)) throw invalidInput(['keyProof']);
      const keys = prepareAccountKeys(deps.serverKey, invitation.userId, input, 'keys.');
      return transact(() => {
        const now = clock.now();
        if (!repo.accept(invitation.id, now, keyProof ?? null)) throw invitationInvalid();
        if (invitation.kind === 'invitation') {
          if (users.emailTaken(invitation.email)) throw alreadyExists();
          users.insert({
            id: invitation.userId,
            email: invitation.email,
            name,
            role: invitation.role,
            approval: 'pending',
            keys,
            certificate: null,
            certificateVersion: 0,
            sealedOfficeKeys: null,
            auditRef: invitation.auditRef,
            createdAt: now,
            lang: lang ?? invitation.lang,
            advisorId: invitation.advisorId,
          });
        } else if (users.setKeysAfterReset(invitation.userId, name, keys)) {
          if (lang !== undefined) users.setLang(invitation.userId, lang);
        } else {
          throw invitationInvalid();
        }
        // Whoever can approve hears once that someone waits (queued: it leaves after this commit).
        const waiting = users.byId(invitation.userId);
        if (waiting !== undefined) {
          const current = office();
          for (const reader of approvalReaders(users, waiting))
            void deps.notify(
              approvalWaitingMail({
                to: reader.email,
                locale: localeFor(reader.lang, current),
                office: current.name,
                email: waiting.email,
                client: waiting.role === 'client',
                link: `${deps.publicUrl}/app/${waiting.role === 'client' ? 'clients' : 'admin'}`,
              }),
            );
        }
        audit.person(invitation.auditRef, 'user', name, invitation.email);
        audit.record({
          actor: invitation.auditRef,
          action: 'invitation.accepted',
          object: object(invitation),
          details: { kind: invitation.kind },
        });
        return finishSignIn(
          { users, office: deps.office, sessions: deps.sessions, clock },
          invitation.userId,
          from.device,
        );
      });
    },

    issueReset(caller, user) {
      const now = clock.now();
      repo.withdrawFor(user.id, now);
      const token = newToken();
      const id = newId();
      const expiresAt = now + INVITATION_LIFETIME_MS;
      repo.insert({
        id,
        tokenHash: tokenHash('invitation', token),
        kind: 'reset',
        userId: user.id,
        email: user.email,
        role: user.role,
        name: null,
        auditRef: user.auditRef,
        invitedBy: caller.userId,
        createdAt: now,
        expiresAt,
        lang: user.lang,
        clientStatement: null,
        advisorId: null,
      });
      return { id, token, expiresAt };
    },

    send,
  };
}
