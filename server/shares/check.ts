// Every check of a new share, before anything is written (server/shares/service.ts writes it
// in one transaction afterwards): the uploads, the recipients, the manifest signed by the
// caller's certified identity key, ids not taken, and the caller's quota.
import {
  bytesEqual,
  CryptoError,
  identityFingerprint,
  metadataHash,
  toHex,
  verifyManifest,
  verifyMember,
} from '../../shared/crypto/index.js';
import type { OfficeRecord } from '../kernel/accounts/office-repo.js';
import type { UserRecord, UsersRepo } from '../kernel/accounts/users-repo.js';
import type { Clock } from '../kernel/clock.js';
import type { Caller } from '../kernel/http/caller.js';
import {
  approvalPending,
  idTaken,
  invalidInput,
  invalidManifest,
  notFound,
  quotaFull,
  uploadIncomplete,
} from '../kernel/http/errors.js';
import type { UploadRecord, UploadsRepo } from '../kernel/uploads/repo.js';
import type { SharesRepo } from './repo.js';
import type { NewShareInput } from './wire.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function allUnique(ids: readonly Uint8Array[]): boolean {
  return new Set(ids.map(toHex)).size === ids.length;
}

export function createShareCheck(deps: {
  shares: SharesRepo;
  uploads: UploadsRepo;
  users: UsersRepo;
  clock: Clock;
  /** The office; 404 before setup. */
  office: () => OfficeRecord;
  quotaBytes: number;
}) {
  const { shares, uploads, users, clock, office } = deps;

  /** The caller's own keys and certificate, checked against the office key. */
  const senderIdentity = (
    caller: Caller,
    current: OfficeRecord,
  ): { user: UserRecord; identityPublicKey: Uint8Array } => {
    const user = users.byId(caller.userId);
    if (user === undefined || user.keys === null || user.certificate === null) throw approvalPending();
    try {
      const certified = verifyMember(
        current.signingPublicKey,
        { officeId: current.id, userId: user.id },
        user.certificate,
        user.keys.encryptionKeySignature,
      );
      return { user, identityPublicKey: certified.identityPublicKey };
    } catch (error) {
      if (error instanceof CryptoError) throw invalidManifest();
      throw error;
    }
  };

  /** Returns the accounts named and the uploads used. */
  const check = (caller: Caller, input: NewShareInput) => {
    const now = clock.now();
    const current = office();

    if (input.expiresAt <= now || input.expiresAt > now + current.maxExpiryDays * DAY_MS)
      throw invalidInput(['expiresAt']);
    const fileIds = input.files.map((file) => file.fileId);
    if (!allUnique(fileIds)) throw invalidInput(['files']);
    if (!allUnique(input.files.map((file) => file.uploadId))) throw invalidInput(['files']);
    if (!allUnique(input.recipients.map((r) => r.recipientId))) throw invalidInput(['recipients']);
    // A guest's link id is its capability: never another recipient's id (which every recipient
    // reads in the manifest), never another guest's link id.
    const linkIds = input.recipients.flatMap((r) => (r.kind === 'guest' ? [r.linkId] : []));
    if (!allUnique([...input.recipients.map((r) => r.recipientId), ...linkIds])) throw invalidInput(['recipients']);

    // The uploads: the caller's own (another user's id is 404, like an unknown one), complete, unused.
    const used = new Map<string, UploadRecord>();
    input.files.forEach((file) => {
      const upload = uploads.findOwn(file.uploadId, caller.userId);
      if (upload === undefined) throw notFound();
      if (upload.completedAt === null || upload.ciphertextHash === null || upload.expiresAt <= now) {
        throw uploadIncomplete('An upload of this share is not complete, or has expired');
      }
      used.set(toHex(file.fileId), upload);
    });

    // The recipients: accounts of the office that can receive, addresses once each.
    const accounts = new Map<string, UserRecord>();
    const addresses = new Set<string>();
    input.recipients.forEach((recipient, i) => {
      let email: string;
      if (recipient.kind === 'account') {
        const user = users.byId(recipient.userId);
        if (
          user === undefined ||
          bytesEqual(user.id, caller.userId) ||
          user.status !== 'active' ||
          user.approval !== 'approved' ||
          user.keys === null ||
          user.certificate === null
        ) {
          throw invalidInput([`recipients.${i}.userId`]);
        }
        accounts.set(toHex(recipient.recipientId), user);
        email = user.email;
      } else {
        email = recipient.email;
      }
      if (addresses.has(email)) throw invalidInput([`recipients.${i}`]);
      addresses.add(email);
      // One key per file of the share, each file once.
      const keyIds = recipient.keys.map((key) => key.fileId);
      if (keyIds.length !== fileIds.length || !allUnique(keyIds) || !keyIds.every((id) => used.has(toHex(id)))) {
        throw invalidInput([`recipients.${i}.keys`]);
      }
    });

    // The manifest: signed by the caller's certified identity key, naming exactly this share.
    const { user: sender, identityPublicKey } = senderIdentity(caller, current);
    let manifest;
    try {
      manifest = verifyManifest(input.manifest, {
        shareId: input.shareId,
        senderId: caller.userId,
        senderIdentityPublicKey: identityPublicKey,
      }).manifest;
    } catch (error) {
      if (error instanceof CryptoError) throw invalidManifest();
      throw error;
    }
    // New shares are format 3 (each guest entry commits to its link secret and stretched access code).
    if (
      manifest.format !== 3 ||
      manifest.version !== 1 ||
      manifest.files.length !== input.files.length ||
      manifest.recipients.length !== input.recipients.length
    ) {
      throw invalidManifest();
    }
    for (const file of input.files) {
      const entry = manifest.files.find((candidate) => bytesEqual(candidate.fileId, file.fileId));
      const upload = used.get(toHex(file.fileId));
      if (
        entry === undefined ||
        upload?.ciphertextHash == null ||
        !bytesEqual(entry.ciphertextHash, upload.ciphertextHash) ||
        !bytesEqual(entry.metadataHash, metadataHash(file.sealedMetadata))
      ) {
        throw invalidManifest();
      }
    }
    for (const recipient of input.recipients) {
      const entry = manifest.recipients.find((candidate) => bytesEqual(candidate.recipientId, recipient.recipientId));
      if (entry === undefined || entry.kind !== recipient.kind) throw invalidManifest();
      if (entry.kind === 'account') {
        const keys = accounts.get(toHex(recipient.recipientId))?.keys;
        if (keys == null || !bytesEqual(entry.identityFingerprint, identityFingerprint(keys.identityPublicKey)))
          throw invalidManifest();
      }
    }

    if (
      shares.shareIdTaken(input.shareId) ||
      input.recipients.some((r) => shares.recipientIdTaken(r.recipientId)) ||
      linkIds.some((linkId) => shares.recipientIdTaken(linkId))
    )
      throw idTaken();
    if (uploads.storageUsed(caller.userId, now) > deps.quotaBytes) throw quotaFull();
    return { sender, accounts, used };
  };

  return check;
}
