// What privacy requests read and erase about one person, as the privacy repo returns it.
import type { Id } from '../../shared/crypto/index.js';
import type { Role } from '../../shared/wire/index.js';
import type { Approval, UserStatus } from '../kernel/accounts/users-repo.js';
import type { AuditRow } from '../kernel/audit/repo.js';

/** Who the statements are about. */
export interface Person {
  readonly email: string;
  readonly userId: Id | null;
}

export interface PersonAccount {
  readonly id: Id;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly status: UserStatus;
  readonly approval: Approval;
  readonly twoFactor: boolean;
  readonly auditRef: Uint8Array;
  readonly createdAt: number;
  readonly lastSignInAt: number | null;
  readonly certificateVersion: number;
}

export interface PersonSession {
  readonly id: Id;
  readonly device: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
}

/** A device enrolled for the account (migrations/0021_devices.sql), revoked or not, and its tokens. */
export interface PersonDevice {
  readonly id: Id;
  readonly name: string;
  readonly scopes: string;
  readonly approvedAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
  readonly tokens: number;
}

export interface PersonInvitation {
  readonly id: Id;
  readonly kind: 'invitation' | 'reset';
  readonly role: Role;
  readonly name: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly acceptedAt: number | null;
  readonly withdrawnAt: number | null;
  readonly deliveryFailed: boolean;
}

/** The columns shareState needs, and what the export shows of a share. */
interface ShareFacts {
  readonly shareId: Id;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  /** Per recipient (migrations/0014_recipient_delivery.sql). */
  readonly downloadLimit: number | null;
  /** Over all recipients. */
  readonly downloadsUsed: number;
  /** Every recipient used the limit. */
  readonly usedUp: boolean;
  readonly sweptAt: number | null;
  readonly fileCount: number;
  readonly bytes: number;
}

export interface SentShare extends ShareFacts {
  readonly recipientCount: number;
}

export interface ReceivedShare extends ShareFacts {
  readonly recipientId: Id;
  readonly senderName: string;
  readonly kind: 'account' | 'guest';
  readonly accessCode: boolean;
  readonly codeRequestedAt: number | null;
  readonly codeConfirmedAt: number | null;
  readonly firstDownloadAt: number | null;
  readonly wrongCodes: number;
  readonly lockedAt: number | null;
  readonly deliveryFailed: boolean;
  /** Recipients of the share besides this person. */
  readonly otherRecipients: number;
}

export interface PersonDrop {
  readonly dropId: Id;
  readonly owned: boolean;
  readonly ownerName: string;
  readonly title: string;
  readonly instructions: string;
  readonly personal: boolean;
  readonly singleUse: boolean;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly closedAt: number | null;
  readonly maxFiles: number;
  readonly maxBytes: number;
  readonly uploadCount: number;
  readonly sweptAt: number | null;
}

export interface PersonDropUpload {
  readonly dropUploadId: Id;
  readonly dropId: Id;
  readonly receivedAt: number;
  readonly rejectedAt: number | null;
  readonly receiptMailed: boolean;
  readonly fileCount: number;
  readonly bytes: number;
  /** A names record sealed to the person is stored (migrations/0020_upload_names.sql). */
  readonly namesRecord: boolean;
}

export interface PersonUpload {
  readonly uploadId: Id;
  readonly size: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly completedAt: number | null;
}

/** The office's address-book entry at the person's address (never the sealed code itself). */
export interface PersonContact {
  readonly id: Id;
  readonly name: string;
  readonly lang: string;
  readonly organisation: string | null;
  readonly standingCode: boolean;
  readonly createdAt: number;
}

/** A batch item at the person's address or account (the file's name is in the sender's sealed plan, never here). */
export interface PersonBatchItem {
  readonly batchId: Id;
  readonly itemNo: number;
  readonly delivery: 'account' | 'mail' | 'export';
  readonly state: 'pending' | 'created' | 'delivered' | 'cancelled';
  readonly deliveredAt: number | null;
}

/** A batch the person sent, as a member. */
export interface PersonBatch {
  readonly id: Id;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly itemCount: number;
  readonly state: 'running' | 'done' | 'cancelled';
}

export interface AuditPerson {
  readonly ref: Uint8Array;
  readonly kind: string;
  readonly name: string | null;
  readonly email: string | null;
}

/** An audit entry as the export shows it (the chain's hashes are not the person's data). */
export type PersonAuditEntry = Omit<AuditRow, 'prevHash' | 'hash'>;

/** Everything an erasure destroys, by id: what the preview's confirmation is computed over. */
export interface ErasePlan {
  /** Shares deleted whole: sent by the person, or sent to nobody else. */
  readonly shareIds: readonly Id[];
  /** The person's recipient rows in shares that stay (other recipients keep them). */
  readonly recipientIds: readonly Id[];
  /** Drops deleted whole: owned by, bound to, or the personal drop of the person. */
  readonly dropIds: readonly Id[];
  /** Drop uploads the person made in drops that stay. */
  readonly dropUploadIds: readonly Id[];
  /** Upload sessions the person started in drops that stay. */
  readonly dropSessionIds: readonly Id[];
  readonly invitationIds: readonly Id[];
  /** The contact at the address in the office's address book. */
  readonly contactIds: readonly Id[];
}

/** What goes on the disk once the rows are gone. */
export interface EraseFiles {
  /** Finished blobs: of share files, drop files and completed uploads. */
  readonly blobIds: readonly Id[];
  /** Upload temp files (an unfinished upload's bytes). */
  readonly uploadIds: readonly Id[];
  /** Ciphertext bytes of all of them. */
  readonly bytes: number;
  /** Upload rows (member and drop-session uploads, finished or not) that go. */
  readonly uploads: number;
}
