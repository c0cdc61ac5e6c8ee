// Shares, the sender's side (docs/protocol.md §10–§11, shared/wire/shares.ts): create a share from
// completed uploads, list and open shares, revoke, extend, unlock a locked recipient, and
// download the sender's own ciphertext; plus the recipient lookup the send page needs.
//
// Who may do what: these routes are for approved staff and admins only (guard 'office').
// Every one of them holds the office key, and the office copy of each file key exists so a
// colleague can take over a share (a leaver's work, a colleague on holiday): so a share is
// found by its id for any of them, and an action on someone else's share is allowed and
// written to the audit log as a takeover. Clients never reach these routes.
//
// Creating a share checks everything before writing anything, then writes everything in one
// transaction: the uploads (the caller's own, completed, unused: claimed in that transaction),
// the manifest (signed by the caller's certified identity key, naming this share, the caller,
// version 1, exactly these files with the server's own container hashes and the hashes of
// their sealed metadata, and exactly these recipients with the current key fingerprint of
// each account), the recipients (active, approved members of the office, not the sender),
// the keys (a sender and an office copy per file, one key per recipient and file), the expiry
// (in the future, within the office's maximum) and the caller's quota.
import {
  bytesEqual,
  claimedSender,
  decodeManifest,
  idToWire,
  openSigned,
  randomBytes,
  toHex,
  type Id,
} from '../../shared/crypto/index.js';
import type { Audit, AuditDetail } from '../kernel/audit/service.js';
import { BlobMissingError, type BlobStore, type OpenBlob } from '../kernel/blobs/store.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import {
  accessCodeRequired,
  linkMailUnsafe,
  approvalPending,
  deliveryFailed,
  idTaken,
  linkAlreadyMailed,
  invalidInput,
  notFound,
  shareGone,
  uploadIncomplete,
  wrongState,
} from '../kernel/http/errors.js';
import type { MailQueue } from '../kernel/mail/queue.js';
import type { OfficeRecord, OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { UploadsRepo } from '../kernel/uploads/repo.js';
import type { UserRecord, UsersRepo } from '../kernel/accounts/users-repo.js';
import { type SharesRepo } from './repo.js';
import { parseRange, UnsatisfiableRangeError, type Download } from '../kernel/download.js';
import type { NewShareInput } from './wire.js';
import { shareState } from '../kernel/domain/shares.js';
import type { RecipientRecord, ShareFileRecord, ShareRecord } from './records.js';
import { createShareCheck } from './check.js';
import { guestLinkMail, shareNotificationMail } from '../kernel/mail/transfer-messages.js';
import type { Deliver } from '../kernel/mail/deliver.js';
import { localeFor } from '../kernel/mail/format.js';
import type { TrustedDevices } from '../kernel/trust/devices.js';
import type { TrustedDeviceRecord } from '../kernel/trust/repo.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The mail queue's outcome kind for an account recipient's notification: its ref is the recipient id. */
export const SHARE_RECIPIENT_MAIL = 'share_recipient';
/** How long creating a share waits for the first delivery attempts before answering "sending". */
const FIRST_ATTEMPT_GRACE_MS = 750;

type ShareScope = 'mine' | 'office';

interface ShareView {
  readonly share: ShareRecord;
  readonly recipients: readonly RecipientRecord[];
}

interface ShareDetailView extends ShareView {
  readonly files: readonly ShareFileRecord[];
}

interface RecipientLookup {
  readonly email: string;
  readonly account: UserRecord | undefined;
  readonly seenBefore: boolean;
}

/**
 * What a share made for a batch item needs of the batches capability (server/compose.ts passes
 * it in; docs/protocol.md "Batches").
 */
export interface ShareBatches {
  /** Inside the share's transaction: the share is that item of the caller's batch; throws when it may not be. */
  claimForShare(
    caller: Caller,
    item: { batchId: Id; itemNo: number },
    share: {
      shareId: Id;
      expiresAt: number;
      recipients: readonly ({ kind: 'account'; userId: Id } | { kind: 'guest'; email: string })[];
    },
  ): void;
  /** Coffer mailed the share's guest link: its batch item, if any, is delivered. */
  linkMailed(shareId: Id): void;
}

export interface SharesService {
  create(caller: Caller, input: NewShareInput): Promise<{ shareId: Id; undelivered: Id[] }>;
  list(caller: Caller, scope: ShareScope): ShareView[];
  detail(caller: Caller, shareId: Id): ShareDetailView;
  revoke(caller: Caller, shareId: Id): Promise<void>;
  /**
   * Revokes a live share as `revoke` does, inside the caller's transaction, without destroying its
   * blobs (the caller calls `destroy` after its commit); false when the share was not live.
   */
  withdraw(caller: Caller, shareId: Id): boolean;
  extend(caller: Caller, shareId: Id, expiresAt: number): void;
  unlock(caller: Caller, shareId: Id, recipientId: Id): void;
  /** Coffer mails a guest with an access code their full link (`fragment` after '#'), once; nothing of it is kept. */
  mailLink(caller: Caller, shareId: Id, recipientId: Id, fragment: string): Promise<void>;
  /** A guest recipient's trusted devices (by the recipient's address): what the office sees. */
  trustedDevices(caller: Caller, shareId: Id, recipientId: Id): TrustedDeviceRecord[];
  /** Revokes every trusted device of a guest recipient's address; the number revoked. */
  revokeTrustedDevices(caller: Caller, shareId: Id, recipientId: Id): number;
  /** The sender's (or a colleague's) download: counts nothing. */
  senderDownload(caller: Caller, shareId: Id, fileId: Id, range: string | undefined): Promise<Download>;
  lookup(emails: readonly string[]): RecipientLookup[];
}

/** Throws 410 with the share's state when it is not active (only ever for callers entitled to know). */
export function requireActive(share: ShareRecord, now: number, allowUsedUp = false): void {
  const state = shareState(share, now);
  if (state === 'active' || (allowUsedUp && state === 'used-up')) return;
  throw shareGone(state);
}

/** A share's blob or keys are gone: 410 if the share ended meanwhile; for a live share it is a fault. */
export function sweptError(share: ShareRecord, now: number): Error {
  const state = shareState(share, now);
  return state === 'active' || (state === 'used-up' && share.sweptAt === null)
    ? new Error('a blob of a live share is missing')
    : shareGone(state);
}

/** The format of a stored manifest; the server verified its signature when the share was made. */
function manifestFormat(envelope: Uint8Array): number {
  const { senderIdentityPublicKey } = claimedSender(envelope);
  return decodeManifest(openSigned(envelope, senderIdentityPublicKey)).format;
}

export function createSharesService(deps: {
  shares: SharesRepo;
  uploads: UploadsRepo;
  users: UsersRepo;
  office: OfficeRepo;
  blobs: BlobStore;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  /** Account recipients' notifications go through it (server/kernel/mail/queue.ts). */
  mailQueue: Pick<MailQueue, 'enqueue' | 'firstAttempt'>;
  /**
   * A guest's link mail goes straight to the mailer, never through the queue: the queue keeps
   * bodies on disk until sent, and this body holds the link secret S (docs/threat-model.md,
   * "Who delivers a link").
   */
  deliver: Deliver;
  publicUrl: string;
  quotaBytes: number;
  /** Destroys a share's blobs and keys now (the sweeper's per-share step), after a revoke. */
  destroy: (shareId: Id) => Promise<void>;
  trust: TrustedDevices;
  /** Batch items (a share made for one). A function: the batches capability is made after this one. */
  batches: () => ShareBatches;
}): SharesService {
  const { shares, uploads, users, audit, transact, clock } = deps;

  const office = (): OfficeRecord => {
    const current = deps.office.get();
    if (current === undefined) throw notFound();
    return current;
  };

  /** Any share of the office, by id (the caller passed the 'office' guard). */
  const find = (shareId: Id): ShareRecord => {
    const share = shares.byId(shareId);
    if (share === undefined) throw notFound();
    return share;
  };

  const object = (share: { id: Id }) => ({ type: 'share' as const, ref: share.id });

  /** Audits an action by someone other than the sender as a takeover too; returns the detail for the action's own entry. */
  const noteTakeover = (caller: Caller, share: ShareRecord, action: string): Record<string, AuditDetail> => {
    if (bytesEqual(caller.userId, share.senderId)) return {};
    audit.record({ actor: caller.auditRef, action: 'share.takeover', object: object(share), details: { action } });
    return { takeover: true };
  };

  const check = createShareCheck({ shares, uploads, users, clock, office, quotaBytes: deps.quotaBytes });

  /** Guests whose link mail is with the mail server now (by recipient id, hex), to its outcome. */
  const linkMails = new Map<string, Promise<void>>();

  return {
    async create(caller, input) {
      const { sender, accounts } = check(caller, input);
      if (sender.certificate === null || sender.keys === null) throw approvalPending();
      const senderCertificate = sender.certificate;
      const senderEncryptionKeySignature = sender.keys.encryptionKeySignature;

      const notify = transact(() => {
        const now = clock.now();
        if (shares.shareIdTaken(input.shareId)) throw idTaken();
        shares.insertShare({
          id: input.shareId,
          senderId: caller.userId,
          manifest: input.manifest,
          senderCertificate,
          senderEncryptionKeySignature,
          createdAt: now,
          expiresAt: input.expiresAt,
          downloadLimit: input.downloadLimit,
          receiptMail: input.receiptMail,
        });
        input.files.forEach((file, position) => {
          const claimed = uploads.claimOwn(file.uploadId, caller.userId, now);
          if (claimed === undefined)
            throw uploadIncomplete('An upload of this share is not complete, or was used already');
          shares.insertFile(input.shareId, {
            fileId: file.fileId,
            position,
            size: claimed.size,
            ciphertextHash: claimed.ciphertextHash,
            sealedMetadata: file.sealedMetadata,
            blobId: claimed.blobId,
            senderKey: file.senderKey,
            officeKey: file.officeKey,
          });
        });
        const toNotify: { recipientId: Id; mailId: number }[] = [];
        const current = office();
        const officeName = current.name;
        input.recipients.forEach((recipient, position) => {
          const linkId = recipient.kind === 'guest' ? recipient.linkId : recipient.recipientId;
          if (shares.recipientIdTaken(recipient.recipientId) || shares.recipientIdTaken(linkId)) throw idTaken();
          const auditRef = randomBytes(16);
          const account = recipient.kind === 'account' ? accounts.get(toHex(recipient.recipientId)) : undefined;
          const email = account?.email ?? (recipient.kind === 'guest' ? recipient.email : '');
          shares.insertRecipient(input.shareId, {
            id: recipient.recipientId,
            linkId,
            position,
            kind: recipient.kind,
            userId: account?.id ?? null,
            email,
            auditRef,
            accessCode: recipient.kind === 'guest' && recipient.accessCode,
            serverHalf: recipient.kind === 'guest' ? recipient.serverHalf : null,
            linkSecretSender: recipient.kind === 'guest' ? recipient.linkSecretSender : null,
            linkSecretOffice: recipient.kind === 'guest' ? recipient.linkSecretOffice : null,
            lang: account?.lang ?? (recipient.kind === 'guest' ? recipient.lang : undefined) ?? sender.lang,
          });
          for (const key of recipient.keys) shares.insertKey(recipient.recipientId, key.fileId, key.key);
          audit.person(auditRef, 'recipient', account?.name ?? null, email);
          if (account !== undefined) {
            const mail = shareNotificationMail({
              to: email,
              locale: localeFor(account.lang, current),
              office: officeName,
              sender: sender.name,
              link: `${deps.publicUrl}/app/received/${idToWire(input.shareId)}`,
              expiresAt: input.expiresAt,
            });
            const mailId = deps.mailQueue.enqueue(mail, { kind: SHARE_RECIPIENT_MAIL, ref: recipient.recipientId });
            toNotify.push({ recipientId: recipient.recipientId, mailId });
          }
        });
        if (input.batch !== null) {
          // The item is claimed first: an unknown or foreign batch answers 404 before the share names it.
          deps.batches().claimForShare(caller, input.batch, {
            shareId: input.shareId,
            expiresAt: input.expiresAt,
            recipients: input.recipients.map((recipient) =>
              recipient.kind === 'account'
                ? { kind: 'account', userId: recipient.userId }
                : { kind: 'guest', email: recipient.email },
            ),
          });
          shares.setBatch(input.shareId, input.batch.batchId);
        }
        audit.record({
          actor: caller.auditRef,
          action: 'share.created',
          object: object({ id: input.shareId }),
          details: {
            files: input.files.length,
            accounts: input.recipients.filter((r) => r.kind === 'account').length,
            guests: input.recipients.filter((r) => r.kind === 'guest').length,
            accessCodes: input.recipients.filter((r) => r.kind === 'guest' && r.accessCode).length,
            downloadLimit: input.downloadLimit,
            expiresAt: new Date(input.expiresAt).toISOString(),
          },
        });
        return toNotify;
      });

      // Queued in the share's transaction (above), sent in the background. The answer waits only
      // a moment for the first attempts, so an address the mail server refuses outright is named
      // at once; a slow or hanging server leaves them "sending", and the final result lands on
      // the recipient's row (server/kernel/mail/queue.ts).
      const firstAttempts = await Promise.all(
        notify.map(async ({ recipientId, mailId }) => ({
          recipientId,
          result: await deps.mailQueue.firstAttempt(mailId, FIRST_ATTEMPT_GRACE_MS),
        })),
      );
      const undelivered = firstAttempts.filter((a) => a.result === 'failed').map((a) => a.recipientId);
      return { shareId: input.shareId, undelivered };
    },

    list(caller, scope) {
      const list = scope === 'mine' ? shares.listBySender(caller.userId) : shares.listAll();
      const recipients = scope === 'mine' ? shares.recipientsOfSender(caller.userId) : shares.recipientsOfAll();
      const byShare = new Map<string, RecipientRecord[]>();
      for (const recipient of recipients) {
        const key = toHex(recipient.shareId);
        byShare.set(key, [...(byShare.get(key) ?? []), recipient]);
      }
      return list.map((share) => ({ share, recipients: byShare.get(toHex(share.id)) ?? [] }));
    },

    detail(caller, shareId) {
      const share = find(shareId);
      if (!bytesEqual(caller.userId, share.senderId)) transact(() => noteTakeover(caller, share, 'view'));
      return { share, files: shares.filesOf(share.id), recipients: shares.recipientsOf(share.id) };
    },

    withdraw(caller, shareId) {
      return transact(() => {
        const share = find(shareId);
        if (shareState(share, clock.now()) !== 'active' || !shares.revoke(share.id, clock.now())) return false;
        audit.record({
          actor: caller.auditRef,
          action: 'share.revoked',
          object: object(share),
          details: noteTakeover(caller, share, 'revoke'),
        });
        return true;
      });
    },

    async revoke(caller, shareId) {
      transact(() => {
        const share = find(shareId);
        requireActive(share, clock.now(), true);
        if (!shares.revoke(share.id, clock.now())) throw shareGone('revoked');
        audit.record({
          actor: caller.auditRef,
          action: 'share.revoked',
          object: object(share),
          details: noteTakeover(caller, share, 'revoke'),
        });
      });
      // Destroyed now rather than at the sweeper's next round.
      await deps.destroy(shareId);
    },

    extend(caller, shareId, expiresAt) {
      transact(() => {
        const now = clock.now();
        const share = find(shareId);
        requireActive(share, now);
        if (expiresAt <= now || expiresAt > now + office().maxExpiryDays * DAY_MS) throw invalidInput(['expiresAt']);
        if (!shares.extend(share.id, expiresAt, now)) throw wrongState();
        audit.record({
          actor: caller.auditRef,
          action: 'share.extended',
          object: object(share),
          details: { expiresAt: new Date(expiresAt).toISOString(), ...noteTakeover(caller, share, 'extend') },
        });
      });
    },

    unlock(caller, shareId, recipientId) {
      transact(() => {
        const share = find(shareId);
        const recipient = shares.recipientInShare(recipientId, share.id);
        if (recipient === undefined) throw notFound();
        requireActive(share, clock.now());
        if (!shares.unlock(recipient.id, share.id, clock.now())) throw wrongState();
        audit.record({
          actor: caller.auditRef,
          action: 'share.recipient_unlocked',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef), ...noteTakeover(caller, share, 'unlock') },
        });
      });
    },

    async mailLink(caller, shareId, recipientId, fragment) {
      const guestOf = (share: ShareRecord): RecipientRecord => {
        const recipient = shares.recipientInShare(recipientId, share.id);
        if (recipient?.kind !== 'guest') throw notFound();
        return recipient;
      };
      const key = toHex(guestOf(find(shareId)).id);
      // One mail at a time per guest: a second request waits for the first one's outcome.
      for (let pending = linkMails.get(key); pending; pending = linkMails.get(key)) await pending;
      // From here to the `set` below nothing awaits, so no other request can pass in between.
      const share = find(shareId);
      const recipient = guestOf(share);
      requireActive(share, clock.now());
      if (!recipient.accessCode) throw accessCodeRequired();
      // A format-2 manifest commits to S and the raw access code: with S in a mail, a code could be
      // tested at hash speed against it. Only format 3 (the Argon2id key of the code) is mailed.
      if (manifestFormat(share.manifest) !== 3) throw linkMailUnsafe();
      if (recipient.linkMailedAt !== null) throw linkAlreadyMailed();
      const current = office();
      const delivery = deps.deliver(
        guestLinkMail({
          to: recipient.email,
          locale: localeFor(recipient.lang, current),
          office: current.name,
          sender: share.senderName,
          link: `${deps.publicUrl}/s/${idToWire(recipient.linkId)}#${fragment}`,
          expiresAt: share.expiresAt,
        }),
      );
      const settled = delivery.then(
        () => undefined,
        () => undefined,
      );
      linkMails.set(key, settled);
      let delivered: boolean;
      try {
        delivered = await delivery;
      } finally {
        linkMails.delete(key);
      }
      // Nothing is recorded before the mail server has the mail: a request cut off by a restart
      // leaves the guest unmailed and free to be mailed again (docs/threat-model.md, "Who delivers a link").
      if (!delivered) throw deliveryFailed();
      transact(() => {
        if (!shares.markLinkMailed(recipient.id, share.id, clock.now())) return;
        audit.record({
          actor: caller.auditRef,
          action: 'share.link_mailed',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef), ...noteTakeover(caller, share, 'mail-link') },
        });
        deps.batches().linkMailed(share.id);
      });
    },

    trustedDevices(_caller, shareId, recipientId) {
      const recipient = shares.recipientInShare(recipientId, find(shareId).id);
      if (recipient?.kind !== 'guest') throw notFound();
      return deps.trust.listFor(recipient.email);
    },

    revokeTrustedDevices(caller, shareId, recipientId) {
      return transact(() => {
        const share = find(shareId);
        const recipient = shares.recipientInShare(recipientId, share.id);
        if (recipient?.kind !== 'guest') throw notFound();
        const revoked = deps.trust.revokeFor(recipient.email);
        audit.record({
          actor: caller.auditRef,
          action: 'share.trusted_devices_revoked',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef), revoked, ...noteTakeover(caller, share, 'revoke-devices') },
        });
        return revoked;
      });
    },

    async senderDownload(caller, shareId, fileId, rangeHeader) {
      const share = find(shareId);
      const file = shares.fileOf(share.id, fileId);
      if (file === undefined) throw notFound();
      const now = clock.now();
      requireActive(share, now, true);
      if (file.blobId === null) throw sweptError(share, now);
      const range = parseRange(rangeHeader, file.size);
      if (range === 'unsatisfiable') throw new UnsatisfiableRangeError(file.size);
      let blob: OpenBlob;
      try {
        blob = await deps.blobs.openBlob(file.blobId);
      } catch (error) {
        if (error instanceof BlobMissingError) throw sweptError(find(shareId), clock.now());
        throw error;
      }
      if (!bytesEqual(caller.userId, share.senderId)) transact(() => noteTakeover(caller, share, 'download'));
      return { file, blob, range };
    },

    lookup(emails) {
      return emails.map((email) => {
        const user = users.byEmail(email);
        const account = user !== undefined && user.status === 'active' && user.keys !== null ? user : undefined;
        return { email, account, seenBefore: user !== undefined || shares.emailSeen(email) };
      });
    },
  };
}
