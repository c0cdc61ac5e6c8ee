// Shares (docs/protocol.md §10–§11): one or more files to one or more recipients, signed by the sender.
// Every key here is sealed or wrapped: file keys sealed to accounts (recipients, the sender's
// own copy, the office copy), wrapped for guests under a link key the server cannot make.
// The server holds Ks (a guest's server half) and hands it out only after the guest proves
// the bound address with an e-mail code.
import { z } from 'zod';
import { SealedBox, SignedEnvelope } from './accounts.js';
import { bytes, bytesBetween, Email, Language, WireId, Key32, Role, Signature, Time } from './common.js';

/** Sealed metadata envelope (kind m): 4 + 24 + 256·k + 16 bytes, up to 8 KiB. */
export const SealedMetadata = bytesBetween(300, 8192);
/** A file key wrapped for a guest (kind g): 76 bytes. */
const GuestWrappedKey = bytes(76);
/**
 * A signed share manifest (kind s). Larger than other signed envelopes: a manifest names up to
 * MAX_SHARE_FILES files (132 bytes each) and MAX_SHARE_RECIPIENTS recipients (up to 75 each).
 */
const ManifestEnvelope = bytesBetween(72, 32 * 1024);
/** A capability token (EdDSA JWT) that lets its holder download the files of one share for a short time. */
export const Grant = z
  .string()
  .min(16)
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

export const MAX_SHARE_FILES = 100;
export const MAX_SHARE_RECIPIENTS = 50;
/** The most items in one batch (shared/wire/batches.ts). */
export const MAX_BATCH_ITEMS = 2500;
/** An item's number within its batch: 0 … itemCount − 1. */
export const BatchItemNo = z
  .number()
  .int()
  .min(0)
  .max(MAX_BATCH_ITEMS - 1);

// ---- finding recipients

/** POST /api/v1/recipients/lookup: which addresses are accounts (with keys to check) and which were never used before. */
export const RecipientLookupRequest = z.object({ emails: z.array(Email).min(1).max(MAX_SHARE_RECIPIENTS) });
const RecipientAccount = z.object({
  userId: WireId,
  name: z.string(),
  role: Role,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
  /** The office's certificate for these keys; absent until approved (such an account cannot receive yet). */
  certificate: SignedEnvelope.optional(),
});
export const RecipientLookupResponse = z.object({
  recipients: z.array(
    z.object({
      email: z.string(),
      /** Present when the address belongs to an active account of this office. */
      account: RecipientAccount.optional(),
      /** False when nobody in the office ever sent to this address: the page warns to check it. */
      seenBefore: z.boolean(),
    }),
  ),
});
export type RecipientLookupResponse = z.infer<typeof RecipientLookupResponse>;

// ---- creating a share

const FileKeyCopies = z.object({
  /** The file key sealed to the sender's own encryption key (protocol §11, holder = sender). */
  sender: SealedBox,
  /** The file key sealed to the office encryption key (holder = office id), for takeover. */
  office: SealedBox,
});

const ShareFileInput = z.object({
  fileId: WireId,
  /** A completed upload of the caller's, not yet used in a share. */
  uploadId: WireId,
  sealedMetadata: SealedMetadata,
  keys: FileKeyCopies,
});

const AccountRecipientInput = z.object({
  kind: z.literal('account'),
  recipientId: WireId,
  userId: WireId,
  /** One sealed file key per file of the share (holder = the recipient's user id). */
  keys: z
    .array(z.object({ fileId: WireId, sealed: SealedBox }))
    .min(1)
    .max(MAX_SHARE_FILES),
});

const GuestRecipientInput = z.object({
  kind: z.literal('guest'),
  recipientId: WireId,
  /**
   * The id in the guest's link (/s/<linkId>), made by the sender's browser: the guest's
   * capability. Never in the manifest, never answered to a recipient; unique (409 otherwise).
   */
  linkId: WireId,
  email: Email,
  /** Ks: the server's half of the link key, made by the sender's browser. */
  serverHalf: Key32,
  /** The guest must also type an access code told by phone (mixed into the link key; never sent here). */
  accessCode: z.boolean(),
  /** One wrapped file key per file (protocol §11). */
  keys: z
    .array(z.object({ fileId: WireId, wrapped: GuestWrappedKey }))
    .min(1)
    .max(MAX_SHARE_FILES),
  /** S (and the access code) sealed to the sender and to the office, so the link can be shown again. */
  linkSecret: z.object({ sender: SealedBox, office: SealedBox }),
  /** The language of this guest's code mail; the sender's own when left out. */
  lang: Language.optional(),
});

/** POST /api/v1/shares (body limit 2 MiB) */
export const ShareCreateRequest = z.object({
  shareId: WireId,
  /** At most the office's maximum expiry from now. */
  expiresAt: Time,
  /** Downloads allowed to each recipient (each grant counts once); absent for no limit. */
  downloadLimit: z.number().int().min(1).max(1000).optional(),
  /** Mail the sender when a recipient first downloads. */
  receiptMail: z.boolean(),
  /** The signed manifest (protocol §10), version 1, naming exactly these files and recipients. */
  manifest: ManifestEnvelope,
  files: z.array(ShareFileInput).min(1).max(MAX_SHARE_FILES),
  recipients: z
    .array(z.discriminatedUnion('kind', [AccountRecipientInput, GuestRecipientInput]))
    .min(1)
    .max(MAX_SHARE_RECIPIENTS),
  /**
   * This share is that item of one of the caller's running batches (docs/protocol.md "Batches"):
   * it must have exactly the item's one recipient, and the item must still be pending.
   */
  batch: z.object({ batchId: WireId, itemNo: BatchItemNo }).strict().optional(),
});
export type ShareCreateRequest = z.infer<typeof ShareCreateRequest>;
export const ShareCreateResponse = z.object({
  shareId: WireId,
  /** Account recipients whose notification mail could not be delivered. */
  undelivered: z.array(WireId),
});
export type ShareCreateResponse = z.infer<typeof ShareCreateResponse>;

// ---- the sender's (and the office's) view

export const ShareState = z.enum(['active', 'expired', 'revoked', 'used-up']);
export type ShareState = z.infer<typeof ShareState>;

export const RecipientStatus = z.object({
  recipientId: WireId,
  kind: z.enum(['account', 'guest']),
  /** The id in a guest's link (/s/<linkId>), so the sender can show it again; guests only. */
  linkId: WireId.optional(),
  /** The account's user id, for account recipients. */
  userId: WireId.optional(),
  name: z.string().optional(),
  email: z.string(),
  accessCode: z.boolean(),
  codeRequestedAt: Time.nullable(),
  codeConfirmedAt: Time.nullable(),
  firstDownloadAt: Time.nullable(),
  /** Locked after 10 wrong codes in all, until the sender unlocks. */
  locked: z.boolean(),
  /** Guests: when a trusted device last stood in for a code ("opened (trusted device)"); absent if never. */
  trustedAt: Time.optional(),
  /** The last code (or notification) mail could not be delivered. */
  deliveryFailed: z.boolean(),
  /** Downloads this recipient made (once per grant), against the share's per-recipient limit. */
  downloadsUsed: z.number().int(),
  /** When Coffer mailed this guest the full link (only with an access code); null when the sender passed it on. */
  linkMailedAt: Time.nullable(),
  /** Present (true) while the notification mail waits in the queue or is being retried. */
  deliverySending: z.boolean().optional(),
});
export type RecipientStatus = z.infer<typeof RecipientStatus>;

export const ShareSummary = z.object({
  shareId: WireId,
  senderId: WireId,
  senderName: z.string(),
  createdAt: Time,
  expiresAt: Time,
  state: ShareState,
  /** Per recipient; null for no limit. */
  downloadLimit: z.number().int().nullable(),
  /** Downloads over all recipients (each recipient's own count is in `recipients`). */
  downloadsUsed: z.number().int(),
  fileCount: z.number().int(),
  recipients: z.array(RecipientStatus),
  /** The batch this share is an item of (the Sent list shows a batch as one row); absent otherwise. */
  batchId: WireId.optional(),
});
export type ShareSummary = z.infer<typeof ShareSummary>;

/** GET /api/v1/shares?scope=mine|office: shares the caller sent, or every share of the office (takeover). */
export const ShareList = z.object({ shares: z.array(ShareSummary) });
export type ShareList = z.infer<typeof ShareList>;

/** GET /api/v1/shares/:shareId: everything the sender's or a colleague's browser needs to decrypt names and show links again. */
export const ShareDetail = ShareSummary.extend({
  manifest: ManifestEnvelope,
  files: z.array(
    z.object({
      fileId: WireId,
      size: z.number().int(),
      sealedMetadata: SealedMetadata,
      /** Absent once the share was swept. */
      keys: FileKeyCopies.optional(),
    }),
  ),
  /** Guest link secrets sealed to the sender and to the office, by recipient id. */
  linkSecrets: z.array(z.object({ recipientId: WireId, sender: SealedBox, office: SealedBox })),
});
export type ShareDetail = z.infer<typeof ShareDetail>;

/**
 * How long a client tries a share's create again when its answer was lost (no answer, a 5xx):
 * long enough for a server restart, not an outage. Each try after the first asks for the share
 * first (shared/once.ts).
 */
export const SHARE_CREATE_RETRY_MS = 30_000;

/** The create's answer, as the share the server made describes it (`GET /api/v1/shares/:shareId`). */
export function createAnswerOf(share: Pick<ShareDetail, 'shareId' | 'recipients'>): ShareCreateResponse {
  return {
    shareId: share.shareId,
    undelivered: share.recipients.filter((r) => r.kind === 'account' && r.deliveryFailed).map((r) => r.recipientId),
  };
}

/** POST /api/v1/shares/:shareId/extend: a new expiry within the office's maximum from now. */
export const ShareExtendRequest = z.object({ expiresAt: Time });
// POST /api/v1/shares/:shareId/revoke and POST /api/v1/shares/:shareId/recipients/:recipientId/unlock take `{}`.

/**
 * POST /api/v1/shares/:shareId/recipients/:recipientId/mail-link: Coffer mails the guest their
 * full link, once, and only for a guest with an access code (docs/protocol.md, "Coffer mails the
 * link"). The fragment is `<office fingerprint>.<sender fingerprint>.<S>`; the server puts it
 * behind `<PUBLIC_URL>/s/<linkId>#`, mails it and keeps nothing of it. Answers 204.
 */
export const LinkMailRequest = z.object({
  fragment: z.string().regex(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/),
});

// ---- what a recipient gets

/** The sender as the recipient must check them: certificate chain against the office key. */
const SenderInfo = z.object({
  userId: WireId,
  name: z.string(),
  certificate: SignedEnvelope,
  encryptionKeySignature: Signature,
});

export const ShareForRecipient = z.object({
  shareId: WireId,
  recipientId: WireId,
  manifest: ManifestEnvelope,
  sender: SenderInfo,
  office: z.object({ officeId: WireId, name: z.string(), signingPublicKey: Key32 }),
  expiresAt: Time,
  /** Null without a limit. */
  downloadsLeft: z.number().int().nullable(),
  files: z.array(
    z.object({
      fileId: WireId,
      size: z.number().int(),
      sealedMetadata: SealedMetadata,
      /** For a guest: the wrapped key (kind g). For an account: the sealed key (kind b). */
      key: z.string(),
    }),
  ),
});
export type ShareForRecipient = z.infer<typeof ShareForRecipient>;

// ---- guests: /s/<linkId>#<office fingerprint>.<sender fingerprint>.<S> (two values in links made before link ids)

/** GET /api/v1/links/:linkId: what the page shows before anything is sent. Changes nothing. 410 expired/revoked, 404 unknown. */
export const LinkInfo = z.object({
  office: z.object({ name: z.string(), logoUrl: z.string().optional() }),
  senderName: z.string(),
  /** The address the code goes to, masked: a***@example.nl */
  maskedEmail: z.string(),
  accessCode: z.boolean(),
  locked: z.boolean(),
  /** The office unlocked this link and no code was asked for since: "the office unlocked you; ask for a new code". */
  unlocked: z.boolean(),
  /** This browser is a trusted device for the bound address: POST …/trusted opens it without a code. */
  trusted: z.boolean(),
  /** How long a right code may make this browser a trusted device, in days (the office's setting; 0: not offered). */
  trustedDeviceDays: z.number().int().min(0),
  expiresAt: Time,
});
export type LinkInfo = z.infer<typeof LinkInfo>;

/** POST /api/v1/links/:linkId/code (body `{}`): mail a six-digit code. 429 after 6 codes an hour, 423 `recipient_locked`. */
export const CodeSentResponse = z.object({ sentAt: Time, expiresAt: Time });

/**
 * POST /api/v1/links/:linkId/verify: the code; answers Ks, a grant and the share. A wrong code is
 * 401 `invalid_credentials` with `triesLeft`; a code that can no longer succeed is 401 `code_spent`.
 * `remember`: make this browser a trusted device for the address (a `__Host-coffer-trust` cookie),
 * when the office allows it; the answer's `trustedUntil` says until when.
 */
export const CodeVerifyRequest = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
  remember: z.boolean().optional(),
});
export const CodeVerifyResponse = z.object({
  serverHalf: Key32,
  grant: Grant,
  share: ShareForRecipient,
  /** Present when this browser became (or, for POST …/trusted, is) a trusted device: until when. */
  trustedUntil: Time.optional(),
});
export type CodeVerifyResponse = z.infer<typeof CodeVerifyResponse>;

// POST /api/v1/links/:linkId/trusted ({}) with the trusted-device cookie: the same answer as a
// right code, without one, when the cookie is valid for the recipient's address; 401
// `device_not_trusted` otherwise (none, another address, expired, revoked, or the office turned
// trusted devices off). DELETE /api/v1/trusted-device: this browser forgets its device (204).

/** GET /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices: a guest's trusted browsers (valid ones). */
export const TrustedDeviceList = z.object({
  devices: z.array(z.object({ createdAt: Time, expiresAt: Time, lastUsedAt: Time.nullable() })),
});
export type TrustedDeviceList = z.infer<typeof TrustedDeviceList>;
// POST /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices/revoke ({}) → 204: every
// trusted device of that recipient's address is revoked (for every share and drop of the office).

// GET /api/v1/links/:linkId/files/:fileId with `Authorization: Bearer <grant>`: the
// container, application/octet-stream, attachment, Range supported. The first request under
// a grant counts one download; Range requests and other files under the same grant do not.

// ---- account recipients

/** GET /api/v1/received: shares sent to the caller's account. */
export const ReceivedList = z.object({
  shares: z.array(
    z.object({
      shareId: WireId,
      senderName: z.string(),
      createdAt: Time,
      expiresAt: Time,
      state: ShareState,
      fileCount: z.number().int(),
    }),
  ),
});
export type ReceivedList = z.infer<typeof ReceivedList>;

// GET /api/v1/received/:shareId → ShareForRecipient (keys sealed to the caller).
/** POST /api/v1/received/:shareId/grant (body `{}`) */
export const GrantResponse = z.object({ grant: Grant });
// GET /api/v1/received/:shareId/files/:fileId with the session cookie and `Authorization: Bearer <grant>`.
// GET /api/v1/shares/:shareId/files/:fileId: the sender or a colleague (takeover); counts nothing.

// ---- pins (protocol §14): first-seen keys, MAC'd by their owner; the server only stores them

export const PinSubject = z.enum(['office', 'user']);
/** GET /api/v1/me/pins */
export const PinList = z.object({
  pins: z.array(z.object({ subject: PinSubject, subjectId: WireId, envelope: bytesBetween(100, 1024) })),
});
export type PinList = z.infer<typeof PinList>;
/** PUT /api/v1/me/pins/:subject/:subjectId */
export const PinPutRequest = z.object({ envelope: bytesBetween(100, 1024) });

/** The pin index envelope's bounds: no entries, and the most pins a user may keep (protocol §14). */
const PIN_INDEX_BYTES = { min: 99, max: 700_100 } as const;
const PinIndexCounter = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** A stored pin index: its envelope, and the counter inside it (listed for the compare-and-swap). */
export const StoredPinIndex = z.object({
  counter: PinIndexCounter,
  envelope: bytesBetween(PIN_INDEX_BYTES.min, PIN_INDEX_BYTES.max),
});
/** GET /api/v1/me/pin-index: the caller's own, null while they have none. */
export const PinIndexResponse = z.object({ index: StoredPinIndex.nullable() });
export type PinIndexResponse = z.infer<typeof PinIndexResponse>;
/**
 * PUT /api/v1/me/pin-index: replaces the caller's index only if the stored counter is still
 * `previousCounter` (null: none stored yet), else 409 pin_index_conflict. `counter` must be higher.
 */
export const PinIndexPutRequest = z
  .object({
    previousCounter: PinIndexCounter.nullable(),
    counter: PinIndexCounter,
    envelope: bytesBetween(PIN_INDEX_BYTES.min, PIN_INDEX_BYTES.max),
  })
  .refine((body) => body.counter > (body.previousCounter ?? 0), { path: ['counter'], message: 'must grow' });
export type PinIndexPutRequest = z.infer<typeof PinIndexPutRequest>;
