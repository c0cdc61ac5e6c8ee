// Between the wire shapes of shared/wire/drops.ts (base64url text, ISO times) and the
// server's own records (bytes, milliseconds). Nothing here decides anything.
import { idToWire, toBase64Url, type Id } from '../../shared/crypto/index.js';
import type {
  DropCreateRequest,
  DropDetail,
  DropPublicInfo,
  DropSubmitRequest,
  DropSummary,
  DropUploadView,
} from '../../shared/wire/index.js';
import { bytesIn } from '../http/validation.js';
import { maskAddress } from '../mail/mailer.js';
import { iso } from '../users/wire.js';
import type { DropSubmission } from './link.js';
import { dropState, type DropRecord } from './repo.js';
import type { DropUploadWithFiles, NewDropInput } from './service.js';

const id = (text: string, field: string) => bytesIn(text, field) as Id;
const time = (ms: number | null) => (ms === null ? null : iso(ms));

export function dropInputIn(body: DropCreateRequest): NewDropInput {
  return {
    dropId: id(body.dropId, 'dropId'),
    title: body.title,
    instructions: body.instructions,
    email: body.email ?? null,
    personal: body.personal,
    singleUse: body.singleUse,
    maxFiles: body.maxFiles,
    maxBytes: body.maxTotalBytes,
    expiresAt: Date.parse(body.expiresAt),
    publicKey: bytesIn(body.publicKey, 'publicKey'),
    secretsOwner: bytesIn(body.secrets.owner, 'secrets.owner'),
    secretsOffice: bytesIn(body.secrets.office, 'secrets.office'),
    labelOwner: bytesIn(body.label.owner, 'label.owner'),
    labelOffice: bytesIn(body.label.office, 'label.office'),
    signedRecord: bytesIn(body.record, 'record'),
  };
}

/** The drop record and its signer's certificate (the owner's), as readers check them (protocol §13). */
export function recordOut(drop: DropRecord): Pick<DropDetail, 'record' | 'creator'> {
  const { ownerCertificate, ownerEncryptionKeySignature } = drop;
  return {
    record: drop.signedRecord === null ? null : toBase64Url(drop.signedRecord),
    creator:
      ownerCertificate === null || ownerEncryptionKeySignature === null
        ? null
        : {
            userId: idToWire(drop.ownerId),
            certificate: toBase64Url(ownerCertificate),
            encryptionKeySignature: toBase64Url(ownerEncryptionKeySignature),
          },
  };
}

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

export function uploadOut({ upload, files }: DropUploadWithFiles): DropUploadView {
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

export function publicInfoOut(drop: DropRecord, maxFileBytes: number): DropPublicInfo {
  return {
    dropId: idToWire(drop.id),
    title: drop.title,
    instructions: drop.instructions,
    publicKey: toBase64Url(drop.publicKey),
    bound: drop.email !== null,
    ...(drop.email !== null ? { maskedEmail: maskAddress(drop.email) } : {}),
    locked: drop.lockedAt !== null,
    singleUse: drop.singleUse,
    maxFiles: drop.maxFiles,
    maxTotalBytes: drop.maxBytes,
    maxFileBytes,
    expiresAt: iso(drop.expiresAt),
  };
}
