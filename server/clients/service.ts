// Client accounts and the client portal (docs/operations.md "Client accounts and the portal";
// shared/wire/clients.ts).
//
// The office's side (approved staff and admins): invite a client by name and address (the
// invitation flow of server/invitations/, role 'client'), list the office's clients, read a
// client's public keys, and approve a client in one transaction: the certificate the member's
// browser made (role 'client', checked like a member's), never any office keys, and the
// client's personal drop made in the same browser (its secrets and label sealed to the
// approver and the office, its link sealed to the client). A client re-approved after an admin
// reset gets a new drop; the old one, sealed to their old key, is closed and detached. The
// same happens when a member renews an approved client's drop (a new one made in the member's
// browser, the old one closed in the same transaction). Each client has an advisor
// (users.advisor_id): set from the invitation, changed by any approved member (audited); it
// decides whom the client's alerts and portal uploads reach (server/kernel/mail/alerts.ts), not
// any key.
//
// The client's side (approved clients only): their own personal drop, their own upload history,
// and an upload session on their own drop. Every lookup names the caller's user id in its SQL
// (server/clients/repo.ts, drops.clientDrop): another client's id answers 404 like an unknown one.
import { bytesEqual, plaintextLengthOf, receiptCode, toHex, type Id } from '../../shared/crypto/index.js';
import type { Audit } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { invalidInput, notFound, wrongState, referenceTaken } from '../kernel/http/errors.js';
import { canAct } from '../kernel/mail/alerts.js';
import type { Deliver } from '../kernel/mail/deliver.js';
import { clientApprovedMail } from '../kernel/mail/messages.js';
import { localeFor } from '../kernel/mail/format.js';
import type { OfficeRecord, OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { UserRecord, UsersRepo } from '../kernel/accounts/users-repo.js';
import type { ClientHandoverRecord, ClientRow, ClientsRepo, ClientUploadRecord } from './repo.js';
import type { ClientDropInput, DropClient, DropGrant, DropRecord } from '../kernel/domain/drops.js';
import type { ClientHandoverInput, InvitationRecord, SentInvitation } from '../kernel/domain/invitations.js';
import { checkUserCertificate } from '../kernel/accounts/certificate.js';
import type { KeyCheck, Language } from '../../shared/wire/index.js';

type ClientState = 'invited' | 'pending' | 'active' | 'disabled' | 'reset';

/** One line of the office's client list: an open invitation (with its advisor, if still a member) or an account. */
export type ClientListEntry =
  | {
      readonly kind: 'invitation';
      readonly invitation: InvitationRecord;
      readonly advisor: ClientRow['advisor'];
    }
  | { readonly kind: 'account'; readonly client: ClientRow; readonly state: ClientState };

/** A client's own upload, as their portal shows it. */
export interface PortalUploadView {
  readonly id: Id;
  readonly receivedAt: number;
  readonly files: number;
  /** Plaintext bytes of all its files. */
  readonly bytes: number;
  readonly status: 'received' | 'rejected';
  readonly receiptCode: string;
}

export interface ClientsService {
  /**
   * `lang`: the invitation mail's language; the inviter's own when left out. With a handover
   * nothing is mailed and the answer carries the link's token (protocol §13a). `advisorId`: the
   * inviter when left out.
   */
  invite(
    caller: Caller,
    name: string,
    email: string,
    lang?: Language,
    handover?: ClientHandoverInput,
    advisorId?: Id,
  ): Promise<SentInvitation>;
  /** A new link for an open client invitation (the old one dead): mailed, or handed over with a new I. */
  resendInvitation(caller: Caller, invitationId: Id, handover?: ClientHandoverInput): Promise<SentInvitation>;
  /** An open client invitation withdrawn: its link stops working. */
  withdrawInvitation(caller: Caller, invitationId: Id): void;
  list(): ClientListEntry[];
  /** The office requires the fingerprint call for every client approved without a key proof. */
  requireCall(): boolean;
  /** Any approved member sets (or, with null, removes) a client's personnel or client number. */
  setReference(clientId: Id, reference: string | null): void;
  /** Any approved member sets who handles a client (audited); the advisor must be able to act. */
  setAdvisor(caller: Caller, clientId: Id, advisorId: Id): void;
  /** A new personal drop for an approved client; the old one is closed in the same transaction. */
  renewDrop(
    caller: Caller,
    clientId: Id,
    drop: ClientDropInput & { readonly clientLink: Uint8Array },
  ): { dropId: Id; expiresAt: number };
  detail(clientId: Id): { client: UserRecord; state: ClientState; handover: ClientHandoverRecord | undefined };
  /**
   * `keyCheck`: how the approving browser checked the keys it certified. `proof` only for a
   * client with a key proof; `unverified` not where the office requires the fingerprint call.
   */
  approve(
    caller: Caller,
    clientId: Id,
    certificate: Uint8Array,
    drop: ClientDropInput & { readonly clientLink: Uint8Array },
    keyCheck: KeyCheck,
  ): Promise<{ dropId: Id; expiresAt: number }>;
  /**
   * A client approved unchecked whose fingerprint the caller compared by phone: marked `call`.
   * 409 `wrong_state` for a client who is not active and unchecked.
   */
  keysChecked(caller: Caller, clientId: Id): void;
  /** The caller's own personal drop, if they have one. */
  portalDrop(caller: Caller): DropRecord | undefined;
  uploads(caller: Caller): PortalUploadView[];
  upload(caller: Caller, dropUploadId: Id): PortalUploadView;
  start(caller: Caller, dropId: Id): Promise<DropGrant>;
}

function stateOf(user: Pick<UserRecord, 'status' | 'approval'>): ClientState {
  if (user.status === 'disabled') return 'disabled';
  if (user.approval === 'approved') return 'active';
  return user.approval === 'reset' ? 'reset' : 'pending';
}

function uploadView(upload: ClientUploadRecord): PortalUploadView {
  return {
    id: upload.id,
    receivedAt: upload.receivedAt,
    files: upload.containerSizes.length,
    bytes: upload.containerSizes.reduce((sum, size) => sum + (plaintextLengthOf(size) ?? 0), 0),
    status: upload.rejectedAt === null ? 'received' : 'rejected',
    // The server checked the envelope's shape when it was submitted; this is the same code.
    receiptCode: receiptCode(upload.manifest),
  };
}

/** Inviting a client, and resending or withdrawing the invitation (the invitations capability's service). */
export interface ClientInvitations {
  inviteClient(
    caller: Caller,
    name: string,
    email: string,
    lang?: Language,
    handover?: ClientHandoverInput,
    advisorId?: Id,
  ): Promise<SentInvitation>;
  resendClient(caller: Caller, id: Id, handover?: ClientHandoverInput): Promise<SentInvitation>;
  withdrawClient(caller: Caller, id: Id): void;
}

/** Open client invitations, for the office's list (the invitations capability's repo). */
export interface OpenClientInvitations {
  listOpenClients(now: number): InvitationRecord[];
}

/** Making a client's personal drop (the drops capability's service). */
export interface PersonalDropMaker {
  createForClient(caller: Caller, input: ClientDropInput, client: DropClient): { dropId: Id; expiresAt: number };
}

/** A client's personal drop as stored (the drops capability's repo): found, or detached on re-approval. */
export interface PersonalDrops {
  dropOfClient(clientId: Id): DropRecord | undefined;
  detachClient(clientId: Id, now: number): boolean;
}

/** An upload session on a client's own drop (the drops capability's link service). */
export interface PersonalDropSessions {
  startForClient(clientId: Id, dropId: Id): Promise<DropGrant>;
}

/**
 * The clients service. What it needs of invitations and drops comes in as the small interfaces
 * above, filled in by server/compose.ts with those capabilities' services and repos.
 */
export function createClientsService(deps: {
  repo: ClientsRepo;
  users: UsersRepo;
  office: OfficeRepo;
  invitations: ClientInvitations;
  invitationsRepo: OpenClientInvitations;
  drops: PersonalDropMaker;
  dropsRepo: PersonalDrops;
  dropLink: PersonalDropSessions;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  deliver: Deliver;
  publicUrl: string;
}): ClientsService {
  const { repo, users, audit, transact, clock } = deps;

  const office = (): OfficeRecord => {
    const current = deps.office.get();
    if (current === undefined) throw notFound();
    return current;
  };

  /** A client account by id, for the office: 404 for an unknown id or anyone who is not a client. */
  const findClient = (clientId: Id): UserRecord => {
    const user = users.clientById(clientId);
    if (user === undefined) throw notFound();
    return user;
  };

  return {
    invite: (caller, name, email, lang, handover, advisorId) =>
      deps.invitations.inviteClient(caller, name, email, lang, handover, advisorId),

    resendInvitation: (caller, invitationId, handover) => deps.invitations.resendClient(caller, invitationId, handover),

    withdrawInvitation: (caller, invitationId) => deps.invitations.withdrawClient(caller, invitationId),

    list() {
      const advisorOf = (id: Id | null): ClientRow['advisor'] => {
        const advisor = id === null ? undefined : users.byId(id);
        return advisor === undefined ? null : { id: advisor.id, name: advisor.name, active: canAct(advisor) };
      };
      const invited = deps.invitationsRepo.listOpenClients(clock.now()).map((invitation): ClientListEntry => ({
        kind: 'invitation',
        invitation,
        advisor: advisorOf(invitation.advisorId),
      }));
      const accounts = repo
        .clients()
        .map((client): ClientListEntry => ({ kind: 'account', client, state: stateOf(client) }));
      return [...invited, ...accounts];
    },

    requireCall: () => repo.requireClientCall(),

    detail(clientId) {
      const client = findClient(clientId);
      if (client.keys === null) throw wrongState();
      return { client, state: stateOf(client), handover: repo.handoverOf(client.id) };
    },

    async approve(caller, clientId, certificate, drop, keyCheck) {
      const approved = transact(() => {
        const client = findClient(clientId);
        if (client.status !== 'active' || client.approval !== 'pending') throw wrongState();
        if (keyCheck === 'proof' && repo.handoverOf(client.id) === undefined) throw invalidInput(['keyCheck']);
        if (keyCheck === 'unverified' && repo.requireClientCall()) throw invalidInput(['keyCheck']);
        const certified = checkUserCertificate(office(), client, certificate, 'client');
        // Certified, and no office keys: the database refuses a client row that holds them.
        if (!users.approve(client.id, certificate, certified.version, null)) throw wrongState();
        repo.setKeyCheck(client.id, keyCheck);
        const now = clock.now();
        // A re-approved client's old personal drop (its link sealed to their old key) closes.
        const previous = deps.dropsRepo.dropOfClient(client.id);
        if (deps.dropsRepo.detachClient(client.id, now) && previous !== undefined && previous.closedAt === null) {
          audit.record({
            actor: caller.auditRef,
            action: 'drop.closed',
            object: { type: 'drop', ref: previous.auditRef },
            details: { reason: 'client_reapproved' },
          });
        }
        const made = deps.drops.createForClient(caller, drop, {
          clientId: client.id,
          email: client.email,
          clientLink: drop.clientLink,
        });
        audit.record({
          actor: caller.auditRef,
          action: 'user.approved',
          object: { type: 'user', ref: client.auditRef },
          details: { role: 'client', certificateVersion: certified.version, keyCheck },
        });
        return { client, made };
      });
      await deps.deliver(
        clientApprovedMail({
          to: approved.client.email,
          locale: localeFor(approved.client.lang, office()),
          office: office().name,
          publicUrl: deps.publicUrl,
        }),
      );
      return approved.made;
    },

    keysChecked(caller, clientId) {
      transact(() => {
        const client = findClient(clientId);
        if (client.status !== 'active' || !repo.keysCheckedByCall(client.id)) throw wrongState();
        audit.record({
          actor: caller.auditRef,
          action: 'user.keys_checked',
          object: { type: 'user', ref: client.auditRef },
          details: { keyCheck: 'call' },
        });
      });
    },

    setReference(clientId, reference) {
      transact(() => {
        const client = findClient(clientId);
        if (reference !== null && repo.referenceTaken(reference, client.id)) throw referenceTaken();
        if (!repo.setReference(client.id, reference)) throw notFound();
      });
    },

    setAdvisor(caller, clientId, advisorId) {
      transact(() => {
        const client = findClient(clientId);
        const advisor = users.byId(advisorId);
        if (!canAct(advisor)) throw invalidInput(['advisorId']);
        if (client.advisorId !== null && bytesEqual(client.advisorId, advisor.id)) return;
        if (!users.setAdvisor(client.id, advisor.id)) throw notFound();
        audit.record({
          actor: caller.auditRef,
          action: 'user.advisor_changed',
          object: { type: 'user', ref: client.auditRef },
          details: { advisor: toHex(advisor.auditRef) },
        });
      });
    },

    renewDrop(caller, clientId, drop) {
      return transact(() => {
        const client = findClient(clientId);
        // Only an approved client's certified key can be sealed to (the renewing browser checks it).
        if (client.status !== 'active' || client.approval !== 'approved') throw wrongState();
        const now = clock.now();
        const previous = deps.dropsRepo.dropOfClient(client.id);
        if (deps.dropsRepo.detachClient(client.id, now) && previous !== undefined && previous.closedAt === null) {
          audit.record({
            actor: caller.auditRef,
            action: 'drop.closed',
            object: { type: 'drop', ref: previous.auditRef },
            details: { reason: 'client_drop_renewed' },
          });
        }
        return deps.drops.createForClient(caller, drop, {
          clientId: client.id,
          email: client.email,
          clientLink: drop.clientLink,
        });
      });
    },

    portalDrop: (caller) => deps.dropsRepo.dropOfClient(caller.userId),

    uploads: (caller) => repo.uploadsOf(caller.userId).map(uploadView),

    upload(caller, dropUploadId) {
      const upload = repo.uploadOf(caller.userId, dropUploadId);
      if (upload === undefined) throw notFound();
      return uploadView(upload);
    },

    start: (caller, dropId) => deps.dropLink.startForClient(caller.userId, dropId),
  };
}
