// The records of shares, their files and recipients as the shares repo reads them, and the
// mapping from SQL rows (snake_case, flags as 0/1) to them.
import { asId, asIdOrNull, type Id } from '../../shared/crypto/index.js';
import type { StoredFile } from '../kernel/domain/files.js';
import type { Language } from '../../shared/wire/index.js';

type RecipientKind = 'account' | 'guest';

export interface ShareRecord {
  readonly id: Id;
  readonly senderId: Id;
  readonly senderName: string;
  readonly manifest: Uint8Array;
  readonly senderCertificate: Uint8Array;
  readonly senderEncryptionKeySignature: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  /** Downloads allowed to each recipient (each grant counts once); null for no limit. */
  readonly downloadLimit: number | null;
  /** Downloads counted over all recipients. */
  readonly downloadsUsed: number;
  /** Every recipient used the limit (false without a limit). */
  readonly usedUp: boolean;
  /** The latest expiry of a grant that counted a download, over all recipients. */
  readonly grantsExpireAt: number | null;
  readonly receiptMail: boolean;
  readonly sweptAt: number | null;
  readonly fileCount: number;
  /** The batch this share was made for (docs/protocol.md "Batches"); null otherwise. */
  readonly batchId: Id | null;
}

export interface ShareFileRecord {
  readonly fileId: Id;
  readonly position: number;
  readonly size: number;
  readonly ciphertextHash: Uint8Array;
  readonly sealedMetadata: Uint8Array;
  /** Null once swept. */
  readonly blobId: Id | null;
  readonly senderKey: Uint8Array | null;
  readonly officeKey: Uint8Array | null;
}

export interface RecipientRecord {
  readonly id: Id;
  readonly shareId: Id;
  /** The id in a guest's link (/s/<linkId>); for accounts and rows made before link ids, the recipient id. */
  readonly linkId: Id;
  readonly position: number;
  readonly kind: RecipientKind;
  readonly userId: Id | null;
  /** The account's current name (account recipients). */
  readonly name: string | null;
  readonly email: string;
  readonly auditRef: Uint8Array;
  readonly accessCode: boolean;
  /** Ks; null for accounts and once swept. */
  readonly serverHalf: Uint8Array | null;
  readonly linkSecretSender: Uint8Array | null;
  readonly linkSecretOffice: Uint8Array | null;
  readonly codeRequestedAt: number | null;
  readonly codeConfirmedAt: number | null;
  readonly firstDownloadAt: number | null;
  readonly wrongCodes: number;
  readonly lockedAt: number | null;
  /** When the office last unlocked this recipient (the link page says so until the next code). */
  readonly unlockedAt: number | null;
  /** When a trusted device last stood in for a code. */
  readonly trustedAt: number | null;
  readonly deliveryFailed: boolean;
  /** Downloads counted for this recipient (once per grant). */
  readonly downloadsUsed: number;
  /** Coffer mailed this guest the full link (a guest with an access code only); null when the sender passed it on. */
  readonly linkMailedAt: number | null;
  /** The notification is still in the mail queue (server/kernel/mail/queue.ts): neither delivered nor given up. */
  readonly deliverySending: boolean;
  /** A guest's mail language, as the sender chose (an account recipient's mails follow the account). */
  readonly lang: Language;
}

export interface NewShare {
  readonly id: Id;
  readonly senderId: Id;
  readonly manifest: Uint8Array;
  readonly senderCertificate: Uint8Array;
  readonly senderEncryptionKeySignature: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly downloadLimit: number | null;
  readonly receiptMail: boolean;
}

/** A share's file: the stored file with its key sealed to the sender and to the office. */
export interface NewShareFile extends StoredFile {
  readonly senderKey: Uint8Array;
  readonly officeKey: Uint8Array;
}

export interface NewRecipient {
  readonly id: Id;
  readonly linkId: Id;
  readonly position: number;
  readonly kind: RecipientKind;
  readonly userId: Id | null;
  readonly email: string;
  readonly auditRef: Uint8Array;
  readonly accessCode: boolean;
  readonly serverHalf: Uint8Array | null;
  readonly linkSecretSender: Uint8Array | null;
  readonly linkSecretOffice: Uint8Array | null;
  readonly lang: Language;
}

/** A recipient with its share: what a guest's link or an account recipient reaches. */
export interface RecipientWithShare {
  readonly recipient: RecipientRecord;
  readonly share: ShareRecord;
}

export interface ShareSqlRow {
  id: Uint8Array;
  sender_id: Uint8Array;
  sender_name: string;
  manifest: Uint8Array;
  sender_certificate: Uint8Array;
  sender_encryption_key_signature: Uint8Array;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  download_limit: number | null;
  downloads_used: number;
  used_up: number;
  grants_expire_at: number | null;
  receipt_mail: number;
  swept_at: number | null;
  file_count: number;
  batch_id: Uint8Array | null;
}

export function shareFromSql(row: ShareSqlRow): ShareRecord {
  return {
    id: asId(row.id),
    senderId: asId(row.sender_id),
    senderName: row.sender_name,
    manifest: row.manifest,
    senderCertificate: row.sender_certificate,
    senderEncryptionKeySignature: row.sender_encryption_key_signature,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    downloadLimit: row.download_limit,
    downloadsUsed: row.downloads_used,
    usedUp: row.used_up === 1,
    grantsExpireAt: row.grants_expire_at,
    receiptMail: row.receipt_mail === 1,
    sweptAt: row.swept_at,
    fileCount: row.file_count,
    batchId: asIdOrNull(row.batch_id),
  };
}

export interface FileSqlRow {
  file_id: Uint8Array;
  position: number;
  size: number;
  ciphertext_hash: Uint8Array;
  sealed_metadata: Uint8Array;
  blob_id: Uint8Array | null;
  sender_key: Uint8Array | null;
  office_key: Uint8Array | null;
}

export function fileFromSql(row: FileSqlRow): ShareFileRecord {
  return {
    fileId: asId(row.file_id),
    position: row.position,
    size: row.size,
    ciphertextHash: row.ciphertext_hash,
    sealedMetadata: row.sealed_metadata,
    blobId: asIdOrNull(row.blob_id),
    senderKey: row.sender_key,
    officeKey: row.office_key,
  };
}

export interface RecipientSqlRow {
  id: Uint8Array;
  share_id: Uint8Array;
  link_id: Uint8Array;
  position: number;
  kind: RecipientKind;
  user_id: Uint8Array | null;
  name: string | null;
  email: string;
  audit_ref: Uint8Array;
  access_code: number;
  server_half: Uint8Array | null;
  link_secret_sender: Uint8Array | null;
  link_secret_office: Uint8Array | null;
  code_requested_at: number | null;
  code_confirmed_at: number | null;
  first_download_at: number | null;
  wrong_codes: number;
  locked_at: number | null;
  unlocked_at: number | null;
  trusted_at: number | null;
  delivery_failed: number;
  downloads_used: number;
  link_mailed_at: number | null;
  delivery_sending: number;
  lang: Language;
}

export function recipientFromSql(row: RecipientSqlRow): RecipientRecord {
  return {
    id: asId(row.id),
    shareId: asId(row.share_id),
    linkId: asId(row.link_id),
    position: row.position,
    kind: row.kind,
    userId: asIdOrNull(row.user_id),
    name: row.name,
    email: row.email,
    auditRef: row.audit_ref,
    accessCode: row.access_code === 1,
    serverHalf: row.server_half,
    linkSecretSender: row.link_secret_sender,
    linkSecretOffice: row.link_secret_office,
    codeRequestedAt: row.code_requested_at,
    codeConfirmedAt: row.code_confirmed_at,
    firstDownloadAt: row.first_download_at,
    wrongCodes: row.wrong_codes,
    lockedAt: row.locked_at,
    unlockedAt: row.unlocked_at,
    trustedAt: row.trusted_at,
    deliveryFailed: row.delivery_failed === 1,
    downloadsUsed: row.downloads_used,
    linkMailedAt: row.link_mailed_at,
    deliverySending: row.delivery_sending === 1,
    lang: row.lang,
  };
}
