// Between the wire shapes of shared/wire/drops.ts (base64url text, ISO times) and the
// server's own records (bytes, milliseconds). Nothing here decides anything.
import { asId, idToWire, toBase64Url } from '../../shared/crypto/index.js';
import type {
  DropDetail,
  DropPublicInfo,
  DropSubmitRequest,
  DropSummary,
  DropUploadBrief as DropUploadBriefWire,
  DropUploadView,
} from '../../shared/wire/index.js';
import { bytesIn } from '../kernel/http/validation.js';
import { maskAddress } from '../kernel/mail/mailer.js';
import { iso } from '../kernel/wire.js';
import type { DropSubmission } from './link.js';
import type { DropUploadBrief } from './repo.js';
import type { DropUploadWithFiles } from './service.js';
import { dropState, recordOut, type DropRecord } from '../kernel/domain/drops.js';

const id = (text: string, field: string) => asId(bytesIn(text, field));
const time = (ms: number | null) => (ms === null ? null : iso(ms));

export function submissionIn(body: DropSubmitRequest): DropSubmission {
  return {
    dropUploadId: id(body.dropUploadId, 'dropUploadId'),
    manifest: bytesIn(body.manifest, 'manifest'),
    files: body.files.map((file, i) => ({
      fileId: id(file.fileId, `files.${i}.fileId`),
      uploadId: id(file.uploadId, `files.${i}.uploadId`),
      sealedMetadata: bytesIn(file.sealedMetadata, `files.${i}.sealedMetadata`),
      sealedKey: bytesIn(file.sealedKey, `files.${i}.sealedKey`),
    })),
    receiptMail: body.receiptMail,
    lang: body.lang,
    clientNames: body.clientNames === undefined ? null : bytesIn(body.clientNames, 'clientNames'),
  };
}

/** Both sealed copies, or null once swept. */
function pair(owner: Uint8Array | null, office: Uint8Array | null): { owner: string; office: string } | null {
  return owner === null || office === null ? null : { owner: toBase64Url(owner), office: toBase64Url(office) };
}

export function summaryOut(drop: DropRecord, now: number): DropSummary {
  return {
    dropId: idToWire(drop.id),
    ownerId: idToWire(drop.ownerId),
    ownerName: drop.ownerName,
    createdAt: iso(drop.createdAt),
    expiresAt: iso(drop.expiresAt),
    state: dropState(drop, now),
    personal: drop.personal,
    singleUse: drop.singleUse,
    title: drop.title,
    email: drop.email,
    maxFiles: drop.maxFiles,
    maxTotalBytes: drop.maxBytes,
    codeRequestedAt: time(drop.codeRequestedAt),
    codeConfirmedAt: time(drop.codeConfirmedAt),
    locked: drop.lockedAt !== null,
    deliveryFailed: drop.deliveryFailed,
    uploadCount: drop.uploadCount,
    lastUploadAt: time(drop.lastUploadAt),
    label: pair(drop.labelOwner, drop.labelOffice),
  };
}

export function uploadBriefOut(upload: DropUploadBrief): DropUploadBriefWire {
  return {
    dropUploadId: idToWire(upload.id),
    dropId: idToWire(upload.dropId),
    receivedAt: iso(upload.receivedAt),
    rejectedAt: time(upload.rejectedAt),
    fileCount: upload.fileCount,
  };
}

function uploadOut({ upload, files }: DropUploadWithFiles): DropUploadView {
  return {
    dropUploadId: idToWire(upload.id),
    receivedAt: iso(upload.receivedAt),
    rejectedAt: time(upload.rejectedAt),
    receiptMailed: upload.receiptMailed,
    manifest: toBase64Url(upload.manifest),
    files: files.map((file) => ({
      fileId: idToWire(file.fileId),
      size: file.size,
      ciphertextHash: toBase64Url(file.ciphertextHash),
      sealedMetadata: toBase64Url(file.sealedMetadata),
      sealedKey: toBase64Url(file.sealedKey),
    })),
  };
}

export function detailOut(drop: DropRecord, uploads: readonly DropUploadWithFiles[], now: number): DropDetail {
  return {
    ...summaryOut(drop, now),
    instructions: drop.instructions,
    publicKey: toBase64Url(drop.publicKey),
    secrets: pair(drop.secretsOwner, drop.secretsOffice),
    ...recordOut(drop),
    uploads: uploads.map(uploadOut),
  };
}

export function publicInfoOut(
  drop: DropRecord,
  maxFileBytes: number,
  trust: { trusted: boolean; days: number },
): DropPublicInfo {
  return {
    dropId: idToWire(drop.id),
    title: drop.title,
    instructions: drop.instructions,
    publicKey: toBase64Url(drop.publicKey),
    bound: drop.email !== null,
    ...(drop.email !== null ? { maskedEmail: maskAddress(drop.email) } : {}),
    locked: drop.lockedAt !== null,
    // Cleared by the next code request (server/kernel/codes/repo.ts).
    unlocked: drop.unlockedAt !== null,
    trusted: trust.trusted,
    trustedDeviceDays: trust.days,
    singleUse: drop.singleUse,
    maxFiles: drop.maxFiles,
    maxTotalBytes: drop.maxBytes,
    maxFileBytes,
    expiresAt: iso(drop.expiresAt),
  };
}
