// What a drop is, in the words several capabilities share: its record as the drops repo reads
// it, the state rule, a new drop's input and its parse from the wire, and the grant a link
// holder's upload session runs on. The drops capability owns the SQL and the rules of change;
// clients (a client's personal drop), privacy (the export) and the sweeper read these shapes.
import { idToWire, toBase64Url, type Id } from '../../../shared/crypto/index.js';
import type { DropCreateRequest, DropDetail, Language } from '../../../shared/wire/index.js';
import { bytesIn } from '../http/validation.js';
import { idFromWireField } from '../wire.js';

export type DropState = 'active' | 'closed' | 'expired';

/** What a drop's row holds once made; the sealed secrets and labels are null once swept. */
export interface DropFields {
  readonly id: Id;
  readonly ownerId: Id;
  readonly auditRef: Uint8Array;
  readonly linkRef: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly personal: boolean;
  readonly title: string;
  readonly instructions: string;
  /** The bound address; null for an open drop. */
  readonly email: string | null;
  readonly maxFiles: number;
  /** Plaintext bytes per submission. */
  readonly maxBytes: number;
  readonly singleUse: boolean;
  readonly publicKey: Uint8Array;
  readonly secretsOwner: Uint8Array | null;
  readonly secretsOffice: Uint8Array | null;
  readonly labelOwner: Uint8Array | null;
  readonly labelOffice: Uint8Array | null;
  /** A client's personal drop: the client account; null for any other drop. */
  readonly clientId: Id | null;
  /** The link fragment sealed to that client (protocol §13); null otherwise, and once swept. */
  readonly clientLink: Uint8Array | null;
  /** The drop record its creator signed (protocol §13, migrations/0009_drop_records.sql); null for a drop made before records. */
  readonly signedRecord: Uint8Array | null;
}

export interface DropRecord extends DropFields {
  readonly ownerName: string;
  readonly ownerEmail: string;
  /** The language of the owner's mails. */
  readonly ownerLang: Language;
  /** The owner's account is active (mails about the drop go to the owner only then). */
  readonly ownerActive: boolean;
  /** The owner's certificate and encryption-key signature, for readers to check the record's signer; null while not certified. */
  readonly ownerCertificate: Uint8Array | null;
  readonly ownerEncryptionKeySignature: Uint8Array | null;
  /** The certificate the owner held when the record was stored (a reset gives them another); null for older drops. */
  readonly recordCertificate: Uint8Array | null;
  readonly closedAt: number | null;
  readonly codeRequestedAt: number | null;
  readonly codeConfirmedAt: number | null;
  readonly wrongCodes: number;
  readonly lockedAt: number | null;
  /** When a member last unlocked the drop (the upload page says so until the next code). */
  readonly unlockedAt: number | null;
  readonly deliveryFailed: boolean;
  readonly sweptAt: number | null;
  readonly uploadCount: number;
  readonly lastUploadAt: number | null;
  /** A personal drop's client's advisor (migrations/0016_advisors_alerts.sql): its arrivals are theirs; null otherwise. */
  readonly advisorId: Id | null;
}

/** The state a drop is in at `now`; closed wins over expired. */

export function dropState(drop: Pick<DropRecord, 'closedAt' | 'expiresAt'>, now: number): DropState {
  if (drop.closedAt !== null) return 'closed';
  if (drop.expiresAt <= now) return 'expired';
  return 'active';
}
export interface NewDropInput {
  readonly dropId: Id;
  readonly title: string;
  readonly instructions: string;
  readonly email: string | null;
  readonly personal: boolean;
  readonly singleUse: boolean;
  readonly maxFiles: number;
  readonly maxBytes: number;
  readonly expiresAt: number;
  readonly publicKey: Uint8Array;
  readonly secretsOwner: Uint8Array;
  readonly secretsOffice: Uint8Array;
  readonly labelOwner: Uint8Array;
  readonly labelOffice: Uint8Array;
  /** The drop record the caller's browser signed (protocol §13); stored as it is, checked by every reader. */
  readonly signedRecord: Uint8Array;
}

/** A client's personal drop: what the approving member's browser made; always personal, bound to the client, reusable. */
export type ClientDropInput = Omit<NewDropInput, 'email' | 'personal' | 'singleUse'>;

/** Whose personal drop a new drop is (server/clients/): the client, and the link fragment sealed to them. */
export interface DropClient {
  readonly clientId: Id;
  readonly email: string;
  readonly clientLink: Uint8Array;
}

/** A signed grant for a drop upload session, and when it ends. */
export interface DropGrant {
  readonly grant: string;
  readonly expiresAt: number;
}

export function dropInputIn(body: DropCreateRequest): NewDropInput {
  return {
    dropId: idFromWireField(body.dropId, 'dropId'),
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
export function recordOut(drop: DropRecord): Pick<DropDetail, 'record' | 'creator' | 'recordCertificate'> {
  const { ownerCertificate, ownerEncryptionKeySignature } = drop;
  return {
    record: drop.signedRecord === null ? null : toBase64Url(drop.signedRecord),
    recordCertificate: drop.recordCertificate === null ? null : toBase64Url(drop.recordCertificate),
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
