// Between the wire shapes of shared/wire/shares.ts (base64url text, ISO times) and the
// server's own records (bytes, milliseconds). Nothing here decides anything.
import { asId, type Id, idToWire, toBase64Url } from '../../shared/crypto/index.js';
import type {
  Language,
  LinkInfo,
  RecipientStatus,
  ShareCreateRequest,
  ShareDetail,
  ShareForRecipient,
  ShareSummary,
} from '../../shared/wire/index.js';
import { bytesIn } from '../kernel/http/validation.js';
import { maskAddress } from '../kernel/mail/mailer.js';
import type { OfficeRecord } from '../kernel/accounts/office-repo.js';
import { iso } from '../kernel/wire.js';
import { shareState } from '../kernel/domain/shares.js';
import type { RecipientRecord, ShareFileRecord, ShareRecord } from './records.js';

interface NewShareFileInput {
  readonly fileId: Id;
  readonly uploadId: Id;
  readonly sealedMetadata: Uint8Array;
  readonly senderKey: Uint8Array;
  readonly officeKey: Uint8Array;
}

export interface RecipientKeyInput {
  readonly fileId: Id;
  readonly key: Uint8Array;
}

type NewRecipientInput =
  | {
      readonly kind: 'account';
      readonly recipientId: Id;
      readonly userId: Id;
      readonly keys: readonly RecipientKeyInput[];
    }
  | {
      readonly kind: 'guest';
      readonly recipientId: Id;
      readonly linkId: Id;
      readonly email: string;
      readonly serverHalf: Uint8Array;
      readonly accessCode: boolean;
      readonly keys: readonly RecipientKeyInput[];
      readonly linkSecretSender: Uint8Array;
      readonly linkSecretOffice: Uint8Array;
      /** The guest's mail language; the sender's own when left out. */
      readonly lang: Language | undefined;
    };

export interface NewShareInput {
  readonly shareId: Id;
  readonly expiresAt: number;
  readonly downloadLimit: number | null;
  readonly receiptMail: boolean;
  readonly manifest: Uint8Array;
  readonly files: readonly NewShareFileInput[];
  readonly recipients: readonly NewRecipientInput[];
  /** The batch item this share is made for (docs/protocol.md "Batches"); null for a share of its own. */
  readonly batch: { readonly batchId: Id; readonly itemNo: number } | null;
}

const id = (text: string, field: string) => asId(bytesIn(text, field));

export function shareInputIn(body: ShareCreateRequest): NewShareInput {
  return {
    shareId: id(body.shareId, 'shareId'),
    expiresAt: Date.parse(body.expiresAt),
    downloadLimit: body.downloadLimit ?? null,
    receiptMail: body.receiptMail,
    manifest: bytesIn(body.manifest, 'manifest'),
    batch:
      body.batch === undefined ? null : { batchId: id(body.batch.batchId, 'batch.batchId'), itemNo: body.batch.itemNo },
    files: body.files.map((file, i) => ({
      fileId: id(file.fileId, `files.${i}.fileId`),
      uploadId: id(file.uploadId, `files.${i}.uploadId`),
      sealedMetadata: bytesIn(file.sealedMetadata, `files.${i}.sealedMetadata`),
      senderKey: bytesIn(file.keys.sender, `files.${i}.keys.sender`),
      officeKey: bytesIn(file.keys.office, `files.${i}.keys.office`),
    })),
    recipients: body.recipients.map((recipient, i): NewRecipientInput => {
      const at = `recipients.${i}`;
      if (recipient.kind === 'account') {
        return {
          kind: 'account',
          recipientId: id(recipient.recipientId, `${at}.recipientId`),
          userId: id(recipient.userId, `${at}.userId`),
          keys: recipient.keys.map((key, k) => ({
            fileId: id(key.fileId, `${at}.keys.${k}.fileId`),
            key: bytesIn(key.sealed, `${at}.keys.${k}.sealed`),
          })),
        };
      }
      return {
        kind: 'guest',
        recipientId: id(recipient.recipientId, `${at}.recipientId`),
        linkId: id(recipient.linkId, `${at}.linkId`),
        email: recipient.email,
        serverHalf: bytesIn(recipient.serverHalf, `${at}.serverHalf`),
        accessCode: recipient.accessCode,
        keys: recipient.keys.map((key, k) => ({
          fileId: id(key.fileId, `${at}.keys.${k}.fileId`),
          key: bytesIn(key.wrapped, `${at}.keys.${k}.wrapped`),
        })),
        linkSecretSender: bytesIn(recipient.linkSecret.sender, `${at}.linkSecret.sender`),
        linkSecretOffice: bytesIn(recipient.linkSecret.office, `${at}.linkSecret.office`),
        lang: recipient.lang,
      };
    }),
  };
}

function recipientStatusOut(recipient: RecipientRecord): RecipientStatus {
  return {
    recipientId: idToWire(recipient.id),
    kind: recipient.kind,
    ...(recipient.kind === 'guest' ? { linkId: idToWire(recipient.linkId) } : {}),
    ...(recipient.userId !== null ? { userId: idToWire(recipient.userId) } : {}),
    ...(recipient.name !== null ? { name: recipient.name } : {}),
    email: recipient.email,
    accessCode: recipient.accessCode,
    codeRequestedAt: recipient.codeRequestedAt === null ? null : iso(recipient.codeRequestedAt),
    codeConfirmedAt: recipient.codeConfirmedAt === null ? null : iso(recipient.codeConfirmedAt),
    firstDownloadAt: recipient.firstDownloadAt === null ? null : iso(recipient.firstDownloadAt),
    locked: recipient.lockedAt !== null,
    ...(recipient.trustedAt !== null ? { trustedAt: iso(recipient.trustedAt) } : {}),
    deliveryFailed: recipient.deliveryFailed,
    downloadsUsed: recipient.downloadsUsed,
    linkMailedAt: recipient.linkMailedAt === null ? null : iso(recipient.linkMailedAt),
    ...(recipient.deliverySending ? { deliverySending: true } : {}),
  };
}

export function summaryOut(share: ShareRecord, recipients: readonly RecipientRecord[], now: number): ShareSummary {
  return {
    shareId: idToWire(share.id),
    senderId: idToWire(share.senderId),
    senderName: share.senderName,
    createdAt: iso(share.createdAt),
    expiresAt: iso(share.expiresAt),
    state: shareState(share, now),
    downloadLimit: share.downloadLimit,
    downloadsUsed: share.downloadsUsed,
    fileCount: share.fileCount,
    recipients: recipients.map(recipientStatusOut),
    ...(share.batchId !== null ? { batchId: idToWire(share.batchId) } : {}),
  };
}

export function detailOut(
  share: ShareRecord,
  files: readonly ShareFileRecord[],
  recipients: readonly RecipientRecord[],
  now: number,
): ShareDetail {
  return {
    ...summaryOut(share, recipients, now),
    manifest: toBase64Url(share.manifest),
    files: files.map((file) => ({
      fileId: idToWire(file.fileId),
      size: file.size,
      sealedMetadata: toBase64Url(file.sealedMetadata),
      ...(file.senderKey !== null && file.officeKey !== null
        ? { keys: { sender: toBase64Url(file.senderKey), office: toBase64Url(file.officeKey) } }
        : {}),
    })),
    linkSecrets: recipients.flatMap((recipient) =>
      recipient.linkSecretSender !== null && recipient.linkSecretOffice !== null
        ? [
            {
              recipientId: idToWire(recipient.id),
              sender: toBase64Url(recipient.linkSecretSender),
              office: toBase64Url(recipient.linkSecretOffice),
            },
          ]
        : [],
    ),
  };
}

export function forRecipientOut(
  share: ShareRecord,
  recipient: RecipientRecord,
  files: readonly ShareFileRecord[],
  keys: readonly RecipientKeyInput[],
  office: OfficeRecord,
): ShareForRecipient {
  const keyOf = new Map(keys.map((key) => [idToWire(key.fileId), toBase64Url(key.key)]));
  return {
    shareId: idToWire(share.id),
    recipientId: idToWire(recipient.id),
    manifest: toBase64Url(share.manifest),
    sender: {
      userId: idToWire(share.senderId),
      name: share.senderName,
      certificate: toBase64Url(share.senderCertificate),
      encryptionKeySignature: toBase64Url(share.senderEncryptionKeySignature),
    },
    office: {
      officeId: idToWire(office.id),
      name: office.name,
      signingPublicKey: toBase64Url(office.signingPublicKey),
    },
    expiresAt: iso(share.expiresAt),
    downloadsLeft: share.downloadLimit === null ? null : Math.max(0, share.downloadLimit - recipient.downloadsUsed),
    files: files.flatMap((file) => {
      const key = keyOf.get(idToWire(file.fileId));
      return key === undefined
        ? []
        : [{ fileId: idToWire(file.fileId), size: file.size, sealedMetadata: toBase64Url(file.sealedMetadata), key }];
    }),
  };
}

export function linkInfoOut(
  share: ShareRecord,
  recipient: RecipientRecord,
  office: OfficeRecord,
  logoUrl: string | undefined,
  trusted: boolean,
): LinkInfo {
  return {
    office: { name: office.name, ...(logoUrl !== undefined ? { logoUrl } : {}) },
    senderName: share.senderName,
    maskedEmail: maskAddress(recipient.email),
    accessCode: recipient.accessCode,
    locked: recipient.lockedAt !== null,
    // Cleared by the next code request (server/kernel/codes/repo.ts).
    unlocked: recipient.unlockedAt !== null,
    trusted,
    trustedDeviceDays: office.trustedDeviceDays,
    expiresAt: iso(share.expiresAt),
  };
}
