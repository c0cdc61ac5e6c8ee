// Privacy rights (AVG/GDPR, shared/wire/privacy.ts): an admin looks a person up by e-mail
// address, exports everything Coffer holds about them, or erases them.
//
// - preview: what an erasure would destroy, as counts, and a confirmation that names exactly
//   that (a MAC under the server key over every id that would go). Changes nothing.
// - export: one document (server/privacy/wire.ts) of what the server holds: ids, times, sizes,
//   states, addresses, audit entries; never key material or secrets, and nobody else's address
//   or name. Audited ('privacy.exported') in the transaction that read it.
// - erase: in ONE transaction, checked against the preview's confirmation, everything of the
//   person is deleted (server/privacy/repo.ts says what), the name and address behind their
//   audit pseudonyms are cleared (the log rows stay and the chain still verifies), and
//   'privacy.erased' is recorded with counts. After the commit their files are deleted from the
//   blob store; a file that cannot be is logged without its name and left to the sweeper's
//   orphan pass, since no row names it any more. Then the WAL is checkpointed (TRUNCATE): with
//   secure_delete on, the deleted rows are overwritten in the database file, and the WAL, which
//   still held copies of their pages, is emptied.
//
// The audit entries name the person by pseudonym only, never by address. An admin cannot erase
// their own account (another admin must), nor the last active admin.
import { bytesEqual, macFields, tag } from '../../shared/crypto/index.js';
import type { EraseRefusal, PrivacyCounts } from '../../shared/wire/index.js';
import type { Logger } from 'pino';
import type { Audit } from '../kernel/audit/service.js';
import type { BlobStore } from '../kernel/blobs/store.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import { AppError, describeForLog, lastAdmin, notFound } from '../kernel/http/errors.js';
import type { PrivacyRepo } from './repo.js';
import type {
  AuditPerson,
  ErasePlan,
  Person,
  PersonAccount,
  PersonAuditEntry,
  PersonDrop,
  PersonDropUpload,
  PersonInvitation,
  PersonSession,
  PersonDevice,
  PersonUpload,
  PersonContact,
  PersonBatch,
  PersonBatchItem,
  ReceivedShare,
  SentShare,
} from './records.js';

const eraseSelf = () => new AppError(403, 'forbidden', 'You cannot erase your own account: another admin can');
const previewChanged = () =>
  new AppError(
    409,
    'wrong_state',
    'What would be erased has changed since the preview: look at the preview again before erasing',
  );

export interface PrivacyPreviewResult {
  readonly email: string;
  readonly account: PersonAccount | null;
  readonly counts: PrivacyCounts;
  readonly eraseRefused: EraseRefusal | null;
  readonly confirmation: Uint8Array;
}

/** Everything the export document is made of (server/privacy/wire.ts shapes it). */
export interface PersonRecords {
  readonly exportedAt: number;
  readonly office: string;
  readonly email: string;
  readonly account:
    | (PersonAccount & {
        readonly sessions: PersonSession[];
        readonly devices: PersonDevice[];
        readonly backupCodes: { total: number; unused: number };
        readonly pins: number;
      })
    | null;
  readonly invitations: PersonInvitation[];
  readonly sharesSent: SentShare[];
  readonly sharesReceived: ReceivedShare[];
  readonly drops: PersonDrop[];
  readonly dropUploads: PersonDropUpload[];
  readonly uploads: PersonUpload[];
  readonly contacts: PersonContact[];
  readonly batchItems: PersonBatchItem[];
  readonly batchesSent: PersonBatch[];
  /** The person's pseudonyms (every ref, also those without an audit_people row). */
  readonly refs: Uint8Array[];
  readonly people: AuditPerson[];
  readonly auditEntries: PersonAuditEntry[];
}

export interface EraseResult {
  readonly erasedAt: number;
  readonly counts: PrivacyCounts;
}

export interface PrivacyService {
  preview(caller: Caller, email: string): PrivacyPreviewResult;
  export(caller: Caller, email: string): PersonRecords;
  erase(caller: Caller, email: string, confirmation: Uint8Array): Promise<EraseResult>;
}

const CONFIRMATION_TAG = tag('privacy-erase');

export function createPrivacyService(deps: {
  repo: PrivacyRepo;
  /** For the last-admin rule (the users repo keeps that count). */
  users: Pick<UsersRepo, 'countActiveApprovedAdmins'>;
  blobs: BlobStore;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  log: Logger;
  serverKey: Uint8Array;
}): PrivacyService {
  const { repo, audit, transact, clock } = deps;

  /** The person at `email`, or 404 when Coffer holds nothing about the address (no pseudonym at all). */
  const find = (email: string): { person: Person; account: PersonAccount | null; refs: Uint8Array[] } => {
    const account = repo.account(email) ?? null;
    const person: Person = { email, userId: account?.id ?? null };
    const refs = repo.refs(person);
    if (account === null && refs.length === 0) throw notFound();
    return { person, account, refs };
  };

  /** The pseudonym the privacy entries name: the account's, else the first of the address's. */
  const pseudonymOf = (account: PersonAccount | null, refs: readonly Uint8Array[]): Uint8Array | null =>
    account?.auditRef ?? refs[0] ?? null;

  const refusalFor = (caller: Caller, account: PersonAccount | null): EraseRefusal | null => {
    if (account === null) return null;
    if (bytesEqual(account.id, caller.userId)) return 'self';
    const isActiveAdmin = account.role === 'admin' && account.status === 'active' && account.approval === 'approved';
    if (isActiveAdmin && deps.users.countActiveApprovedAdmins() <= 1) return 'last_admin';
    return null;
  };

  /** A MAC over the address and every id the erasure would delete, in a fixed order. */
  const confirmationOf = (person: Person, plan: ErasePlan): Uint8Array => {
    const section = (name: string, ids: readonly Uint8Array[]) => [name, ids.length, ...ids];
    return macFields(deps.serverKey, [
      CONFIRMATION_TAG,
      person.email,
      person.userId ?? new Uint8Array(0),
      ...section('shares', plan.shareIds),
      ...section('recipients', plan.recipientIds),
      ...section('drops', plan.dropIds),
      ...section('drop-uploads', plan.dropUploadIds),
      ...section('drop-sessions', plan.dropSessionIds),
      ...section('invitations', plan.invitationIds),
      ...section('contacts', plan.contactIds),
    ]);
  };

  const countsOf = (person: Person, account: PersonAccount | null, plan: ErasePlan, refs: readonly Uint8Array[]) => {
    const files = repo.files(person);
    const sharesSent = repo.sharesSent(person).length;
    const drops = repo.drops(person);
    const counts: PrivacyCounts = {
      accounts: account === null ? 0 : 1,
      invitations: plan.invitationIds.length,
      sessions: account === null ? 0 : repo.sessions(account.id).length,
      sharesSent,
      sharesReceivedOnly: plan.shareIds.length - sharesSent,
      sharesReceivedShared: plan.recipientIds.length,
      dropsOwned: drops.filter((drop) => drop.owned).length,
      dropsBound: drops.filter((drop) => !drop.owned).length,
      dropUploads: repo.dropUploadsGoing(person),
      uploads: files.uploads,
      files: files.blobIds.length + files.uploadIds.length,
      bytes: files.bytes,
      auditEntries: repo.auditEntryCount(person),
      pseudonyms: refs.length,
      contacts: plan.contactIds.length,
    };
    return { counts, files };
  };

  return {
    preview(caller, email) {
      // One read transaction: the counts and the confirmation describe the same moment.
      return transact(() => {
        const { person, account, refs } = find(email);
        const plan = repo.plan(person);
        return {
          email,
          account,
          counts: countsOf(person, account, plan, refs).counts,
          eraseRefused: refusalFor(caller, account),
          confirmation: confirmationOf(person, plan),
        };
      });
    },

    export(caller, email) {
      return transact(() => {
        const { person, account, refs } = find(email);
        const records: PersonRecords = {
          exportedAt: clock.now(),
          office: repo.officeName(),
          email,
          account:
            account === null
              ? null
              : {
                  ...account,
                  sessions: repo.sessions(account.id),
                  devices: repo.devices(account.id),
                  backupCodes: repo.backupCodes(account.id),
                  pins: repo.ownPins(account.id),
                },
          invitations: repo.invitations(person),
          sharesSent: repo.sharesSent(person),
          sharesReceived: repo.sharesReceived(person),
          drops: repo.drops(person),
          dropUploads: repo.dropUploads(person),
          uploads: repo.uploads(person),
          contacts: repo.contacts(person),
          batchItems: repo.batchItems(person),
          batchesSent: repo.batchesSent(person),
          refs,
          people: repo.people(person),
          auditEntries: repo.auditEntries(person),
        };
        audit.record({
          actor: caller.auditRef,
          action: 'privacy.exported',
          object: { type: 'user', ref: pseudonymOf(account, refs) },
          details: {
            account: account !== null,
            invitations: records.invitations.length,
            sharesSent: records.sharesSent.length,
            sharesReceived: records.sharesReceived.length,
            drops: records.drops.length,
            dropUploads: records.dropUploads.length,
            uploads: records.uploads.length,
            contacts: records.contacts.length,
            batchItems: records.batchItems.length,
            batchesSent: records.batchesSent.length,
            auditEntries: records.auditEntries.length,
          },
        });
        return records;
      });
    },

    async erase(caller, email, confirmation) {
      const { counts, files, erasedAt } = transact(() => {
        const { person, account, refs } = find(email);
        const refusal = refusalFor(caller, account);
        if (refusal === 'self') throw eraseSelf();
        if (refusal === 'last_admin') throw lastAdmin();
        const plan = repo.plan(person);
        if (!bytesEqual(confirmationOf(person, plan), confirmation)) throw previewChanged();
        const found = countsOf(person, account, plan, refs);
        const pseudonym = pseudonymOf(account, refs);
        repo.erase(person, plan, refs);
        audit.record({
          actor: caller.auditRef,
          action: 'privacy.erased',
          object: { type: 'user', ref: pseudonym },
          details: { ...found.counts },
        });
        return { ...found, erasedAt: clock.now() };
      });

      // No row names these files any more: a failure here leaves an orphan the sweeper removes.
      let failed = 0;
      for (const blobId of files.blobIds) {
        try {
          await deps.blobs.removeBlob(blobId);
        } catch (error) {
          failed += 1;
          deps.log.warn(
            { error: describeForLog(error) },
            'privacy erase: a blob could not be removed; the sweeper removes it as an orphan',
          );
        }
      }
      for (const uploadId of files.uploadIds) {
        try {
          await deps.blobs.removeUpload(uploadId);
        } catch (error) {
          failed += 1;
          deps.log.warn(
            { error: describeForLog(error) },
            'privacy erase: an upload file could not be removed; the sweeper removes it as an orphan',
          );
        }
      }
      if (!repo.checkpoint())
        deps.log.warn(
          'privacy erase: the WAL checkpoint could not finish (a reader was busy); the sweeper checkpoints again',
        );
      if (failed > 0) deps.log.warn({ failed }, 'privacy erase: files left for the sweeper');
      return { erasedAt, counts };
    },
  };
}
