// Privacy rights (AVG/GDPR): an admin exports everything Coffer holds about one person, found
// by e-mail address, or erases that person. Admin only. Every route takes the address in a
// POST body, never in a URL (URLs end up in proxy logs and browser history).
//
//   POST /api/v1/admin/privacy/preview  PrivacyRequest      → PrivacyPreview (changes nothing)
//   POST /api/v1/admin/privacy/export   PrivacyRequest      → PrivacyExport, as an attachment;
//        audited 'privacy.exported'
//   POST /api/v1/admin/privacy/erase    PrivacyEraseRequest → PrivacyEraseResponse; audited
//        'privacy.erased'. 409 `wrong_state` when what would be erased is no longer what the
//        preview showed (preview again), 409 `last_admin` for the last active admin, 403
//        `forbidden` for the caller's own address.
// An address Coffer holds nothing about answers 404 `not_found` on all three: there is nothing
// to export or erase, and answering with an empty export would mean recording the address.
import { z } from 'zod';
import { bytes, Email, WireId, Role, Time } from './common.js';
import { ShareState } from './shares.js';
import { DropState } from './drops.js';

/** POST /api/v1/admin/privacy/preview and /export. */
export const PrivacyRequest = z.object({ email: Email }).strict();
export type PrivacyRequest = z.infer<typeof PrivacyRequest>;

/**
 * What erasing the person would destroy (and what stays). Drops and shares owned by the person
 * go whole, with whatever other people uploaded to them or received through them.
 */
export const PrivacyCounts = z.object({
  /** 1 if the address has an account, else 0. */
  accounts: z.number().int().min(0),
  /** Invitations and reset links to the address. */
  invitations: z.number().int().min(0),
  /** Open sessions of the account. */
  sessions: z.number().int().min(0),
  /** Shares the person sent: deleted with their files. */
  sharesSent: z.number().int().min(0),
  /** Shares sent only to the person: deleted with their files. */
  sharesReceivedOnly: z.number().int().min(0),
  /** Shares also sent to others: only the person's access (recipient entry, keys, codes) goes. */
  sharesReceivedShared: z.number().int().min(0),
  /** Drop links the person owns: deleted with every upload received in them. */
  dropsOwned: z.number().int().min(0),
  /** Drop links of colleagues bound to the person's address, and a client's personal drop: deleted with their uploads. */
  dropsBound: z.number().int().min(0),
  /** Drop uploads deleted: those in the drops above, and those the person made elsewhere. */
  dropUploads: z.number().int().min(0),
  /** Unfinished (or unused) uploads of the person. */
  uploads: z.number().int().min(0),
  /** Encrypted files deleted from the disk, and their size in bytes. */
  files: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** Audit entries the person acted in or was the object of: they stay, chained, under a pseudonym. */
  auditEntries: z.number().int().min(0),
  /** Pseudonyms whose name and address are cleared. */
  pseudonyms: z.number().int().min(0),
  /** The contact at the address in the office's address book (with its sealed standing access code): deleted. */
  contacts: z.number().int().min(0),
});
export type PrivacyCounts = z.infer<typeof PrivacyCounts>;

/** Why this admin may not erase this person. */
export const EraseRefusal = z.enum(['self', 'last_admin']);
export type EraseRefusal = z.infer<typeof EraseRefusal>;

export const PrivacyPreview = z.object({
  email: z.string(),
  /** The account at this address, so the admin sees whom they are about to act on. */
  account: z.object({ name: z.string(), role: Role, status: z.enum(['active', 'disabled']) }).nullable(),
  counts: PrivacyCounts,
  /** Erasing is refused for this person (the admin's own account, the last active admin); null if allowed. */
  eraseRefused: EraseRefusal.nullable(),
  /**
   * Names exactly what this preview showed; the erase request must carry it back. If anything
   * was added or removed since (a new share, a new upload), erasing answers 409 wrong_state.
   */
  confirmation: bytes(32),
});
export type PrivacyPreview = z.infer<typeof PrivacyPreview>;

/** POST /api/v1/admin/privacy/erase: the address (typed again by the admin) and the preview's confirmation. */
export const PrivacyEraseRequest = z.object({ email: Email, confirmation: bytes(32) }).strict();
export type PrivacyEraseRequest = z.infer<typeof PrivacyEraseRequest>;

export const PrivacyEraseResponse = z.object({
  erasedAt: Time,
  /** What was destroyed (the audit entries and pseudonyms stay, cleared of name and address). */
  counts: PrivacyCounts,
});
export type PrivacyEraseResponse = z.infer<typeof PrivacyEraseResponse>;

// ---- the export document

export const PRIVACY_EXPORT_FORMAT = 'coffer/v1/privacy-export';

const Count = z.number().int().min(0);

/** A person in an audit entry: the subject (with their pseudonym), someone else (no pseudonym), or nobody. */
const ExportActor = z.discriminatedUnion('who', [
  z.object({ who: z.literal('subject'), ref: z.string() }),
  z.object({ who: z.literal('someone-else') }),
]);

export const PrivacyExport = z.object({
  format: z.literal(PRIVACY_EXPORT_FORMAT),
  exportedAt: Time,
  /** The office that holds the data (the controller). */
  office: z.string(),
  email: z.string(),
  /** The account without any secret (no keys, verifiers, bundles or token hashes). */
  account: z
    .object({
      userId: WireId,
      name: z.string(),
      email: z.string(),
      role: Role,
      status: z.enum(['active', 'disabled']),
      approval: z.enum(['pending', 'approved', 'reset']),
      twoFactor: z.boolean(),
      createdAt: Time,
      lastSignInAt: Time.nullable(),
      certificateVersion: Count,
      sessions: z.array(
        z.object({ sessionId: WireId, device: z.string(), createdAt: Time, lastSeenAt: Time, expiresAt: Time }),
      ),
      /** Machines enrolled to act for the account (docs/protocol.md §30), removed ones too, and how many tokens each had. */
      devices: z.array(
        z.object({
          deviceId: WireId,
          name: z.string(),
          scopes: z.array(z.string()),
          enrolledAt: Time,
          lastUsedAt: Time.nullable(),
          removedAt: Time.nullable(),
          tokens: Count,
        }),
      ),
      backupCodes: z.object({ total: Count, unused: Count }),
      /** Keys of the office and of colleagues this person's browser pinned (the pins themselves are MAC'd by the person's key). */
      pins: Count,
    })
    .nullable(),
  invitations: z.array(
    z.object({
      invitationId: WireId,
      kind: z.enum(['invitation', 'reset']),
      role: Role,
      /** The name the office gave when inviting a client. */
      name: z.string().nullable(),
      createdAt: Time,
      expiresAt: Time,
      acceptedAt: Time.nullable(),
      withdrawnAt: Time.nullable(),
      deliveryFailed: z.boolean(),
    }),
  ),
  /** Shares the person sent: no recipient's address or name, only how many there were. */
  sharesSent: z.array(
    z.object({
      shareId: WireId,
      createdAt: Time,
      expiresAt: Time,
      revokedAt: Time.nullable(),
      state: ShareState,
      downloadLimit: z.number().int().nullable(),
      downloadsUsed: Count,
      fileCount: Count,
      bytes: Count,
      recipientCount: Count,
      /** When the files and keys were destroyed (expiry, revocation); null while they exist. */
      sweptAt: Time.nullable(),
    }),
  ),
  /** Shares sent to the person's address or account. */
  sharesReceived: z.array(
    z.object({
      shareId: WireId,
      senderName: z.string(),
      kind: z.enum(['account', 'guest']),
      createdAt: Time,
      expiresAt: Time,
      state: ShareState,
      fileCount: Count,
      bytes: Count,
      accessCode: z.boolean(),
      codeRequestedAt: Time.nullable(),
      codeConfirmedAt: Time.nullable(),
      firstDownloadAt: Time.nullable(),
      wrongCodes: Count,
      lockedAt: Time.nullable(),
      deliveryFailed: z.boolean(),
    }),
  ),
  /**
   * Drop links the person owns (`owner`) or that are bound to them (`bound`: their address, or
   * their personal drop). Title and instructions only for the bound ones (what the person was
   * shown); an owner's drops name only counts, since their texts may name the client.
   */
  drops: z.array(
    z.object({
      dropId: WireId,
      relation: z.enum(['owner', 'bound']),
      /** The colleague who made a drop bound to the person. */
      ownerName: z.string().nullable(),
      title: z.string().nullable(),
      instructions: z.string().nullable(),
      personal: z.boolean(),
      singleUse: z.boolean(),
      createdAt: Time,
      expiresAt: Time,
      closedAt: Time.nullable(),
      state: DropState,
      maxFiles: Count,
      maxTotalBytes: Count,
      /** Uploads received; for an owner's drop these are other people's, so only their number. */
      uploadCount: Count,
      sweptAt: Time.nullable(),
    }),
  ),
  /** Uploads the person made to drop links (bound to their address, or from their portal). */
  dropUploads: z.array(
    z.object({
      dropUploadId: WireId,
      dropId: WireId,
      receivedAt: Time,
      rejectedAt: Time.nullable(),
      receiptMailed: z.boolean(),
      fileCount: Count,
      bytes: Count,
      /** A portal upload's names record is stored: sealed to the person, so only their own browser reads it (never exported). */
      namesRecord: z.boolean(),
    }),
  ),
  /** Uploads not (yet) part of a share or drop upload: in progress, or finished and waiting. */
  uploads: z.array(
    z.object({ uploadId: WireId, size: Count, createdAt: Time, expiresAt: Time, completedAt: Time.nullable() }),
  ),
  /** The office's address-book entry at the address: whether it has a standing access code, never the code. */
  contacts: z.array(
    z.object({
      contactId: WireId,
      name: z.string(),
      lang: z.string(),
      organisation: z.string().nullable(),
      standingCode: z.boolean(),
      createdAt: Time,
    }),
  ),
  /**
   * Batch items at the person's address or account: which batch, its item number, how it was
   * delivered and how far it got. Which file it was is only in the sender's sealed batch plan.
   */
  batchItems: z.array(
    z.object({
      batchId: WireId,
      itemNo: Count,
      delivery: z.enum(['account', 'mail', 'export']),
      state: z.enum(['pending', 'created', 'delivered', 'cancelled']),
      deliveredAt: Time.nullable(),
    }),
  ),
  /** The batches the person sent, as a member (their items are in the sender's sealed plan and the report). */
  batchesSent: z.array(
    z.object({
      batchId: WireId,
      createdAt: Time,
      expiresAt: Time,
      itemCount: Count,
      state: z.enum(['running', 'done', 'cancelled']),
    }),
  ),
  /** The person's pseudonyms in the audit log, with what is recorded behind each. */
  pseudonyms: z.array(
    z.object({ ref: z.string(), kind: z.string(), name: z.string().nullable(), email: z.string().nullable() }),
  ),
  /**
   * Audit entries where one of the person's pseudonyms acted or was the object. Other people
   * appear as `someone-else`; detail values that name another pseudonym are left out (null).
   */
  auditEntries: z.array(
    z.object({
      seq: z.number().int().min(1),
      at: Time,
      action: z.string(),
      actor: ExportActor.nullable(),
      object: z
        .object({
          type: z.string(),
          /** The object's id or pseudonym: the subject's own, or an object that is not a person (a share, a drop). */
          ref: z.string().nullable(),
          subject: z.boolean(),
        })
        .nullable(),
      details: z.record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string().nullable())]),
      ),
    }),
  ),
});
export type PrivacyExport = z.infer<typeof PrivacyExport>;
