// The messages between the page and the crypto worker (client/src/crypto/worker.ts).
//
// The page sends passwords and public material in; the worker answers only what goes on the
// wire (public keys, sealed bundles, signatures, certificates, auth keys) and what a person
// must read (fingerprints, a new recovery key's text). Private keys, key-encryption keys and
// the office secret keys are made, opened and kept inside the worker and never cross this
// boundary. Bytes cross it already in their wire form (base64url), since the page's only
// use for them is to send them; the worker is the one place that turns them back into bytes.
//
// Every request carries an id that its progress reports and its answer repeat. The worker
// checks each request with its schema below (a structured clone carries no types).
//
// Sending and receiving files (DESIGN §4, §6): the worker encrypts and uploads a File the page
// hands it, and downloads and decrypts into a Blob, a MessagePort (to the download service
// worker) or a file the user chose. File keys, link secrets and the keys that open them stay
// in the worker behind handles (file ids, share ids); the page gets what it must show (names,
// fingerprints, a guest's link and access code) and what it must send (the share request).
// Long transfers report `transfer` progress and stop on `cancel`.
//
// Drops (DESIGN §4, shared/wire/drops.ts): the office's side makes a drop's keys and D, sealed
// to the advisor and the office, and opens them again to show the link and check each upload's
// MAC; the uploader's side checks the drop key against the link's fingerprint before anything
// is encrypted, uploads with the drop's grant, and seals and MACs the submission. D and the
// drop's secret key stay in the worker; the page gets the link fragment (it must show the link)
// and receipt codes.
//
// Clients (issue 6): a client holds no office keys, so the office signing key the session names
// is trusted only once it matches the fingerprint in the invitation link (at activation) or the
// client's own pin of it (`pinOffice`); until then no received share opens. An approving member
// certifies a client (role client, no office keys) and makes the client's personal drop, whose
// link fragment is sealed to the client; the client's portal opens it (`openClientDrop`) and
// then uploads like a link holder.
import { z } from 'zod';
import { Email, WireId as Id, Key32, KdfParams, Role, Signature, Time } from '../../../shared/wire/common.js';
import {
  KeyBundle,
  SealedBox,
  SignedEnvelope,
  type NewAccountKeys,
  type SetupCompleteRequest,
} from '../../../shared/wire/accounts.js';
import {
  Grant,
  MAX_SHARE_FILES,
  MAX_SHARE_RECIPIENTS,
  PinSubject,
  ShareDetail,
  ShareForRecipient,
  type ShareCreateRequest,
} from '../../../shared/wire/shares.js';
import {
  DropDetail,
  MAX_DROP_FILES,
  SealedDropLabel,
  type DropCreateRequest,
  type DropSubmitRequest,
} from '../../../shared/wire/drops.js';
import type { TransferFigures } from './rate.js';

/** A password as typed; Argon2id normalises it (NFC) in the worker. */
const Password = z.string().min(1).max(4096);

/** The office as the signed-in session names it: the key every certificate is checked against. */
const OfficeRef = z.object({ officeId: Id, signingPublicKey: Key32 });

const PublishedKeys = z.object({
  userId: Id,
  kdf: KdfParams,
  passwordBundle: KeyBundle,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  certificate: SignedEnvelope.optional(),
  sealedOfficeKeys: SealedBox.optional(),
});

/** A member as the server lists them: the keys to check and certify. */
const MemberKeys = z.object({
  userId: Id,
  email: Email,
  role: Role,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
});

const DirectoryMember = MemberKeys.extend({ certificate: SignedEnvelope.optional() });

/**
 * Files up to this size are decrypted into memory and saved from a Blob; larger ones are
 * streamed to disk (service worker or File System Access), or refused where the browser
 * cannot stream (DESIGN §6).
 */
export const BLOB_LIMIT_BYTES = 100 * 1024 * 1024;

/** The longest message a sender may add (it is sealed in the metadata, at most 8 KiB). */
export const MAX_MESSAGE_CHARACTERS = 2000;
/** Longest file name kept in the metadata (protocol §5). */
export const MAX_FILE_NAME_CHARACTERS = 1024;

/** Longest label of a drop (shared/crypto MAX_DROP_LABEL_LENGTH: the worker checks it again). */
export const MAX_DROP_LABEL_CHARACTERS = 200;

/** A file of a share or a drop upload to seal: an upload in this worker, and what its metadata says. */
const FileToSeal = z.object({
  fileId: Id,
  name: z.string().min(1).max(MAX_FILE_NAME_CHARACTERS),
  type: z.string().max(255),
  lastModified: z.number().int().min(0),
});

/** Where the worker may fetch a container: a same-origin API path, never a full URL. */
const ApiPath = z
  .string()
  .max(300)
  .regex(/^\/api\/v1\/[A-Za-z0-9_\/-]+$/);

/** A file the user chose for saving (File System Access API): the worker writes to it. */
export interface SaveFileHandle {
  createWritable(): Promise<{
    write(data: Uint8Array): Promise<void>;
    close(): Promise<void>;
    abort(reason?: unknown): Promise<void>;
  }>;
}

/** Where a download's plaintext goes. */
const DownloadSink = z.discriminatedUnion('kind', [
  /** Collected in the worker and answered as one application/octet-stream Blob (small files). */
  z.object({ kind: z.literal('blob') }),
  /** Streamed to the download service worker through this port (client/src/sw/messages.ts). */
  z.object({
    kind: z.literal('port'),
    port: z.custom<MessagePort>((value) => typeof MessagePort !== 'undefined' && value instanceof MessagePort),
  }),
  /** Written to a file the user chose with showSaveFilePicker. */
  z.object({
    kind: z.literal('file'),
    handle: z.custom<SaveFileHandle>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as { createWritable?: unknown }).createWritable === 'function',
    ),
  }),
]);
export type DownloadSink = z.input<typeof DownloadSink>;

/** An account as the recipient lookup returns it, with the address it was looked up by. */
const AccountToCheck = z.object({
  email: Email,
  userId: Id,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
  certificate: SignedEnvelope.optional(),
});

/**
 * Every operation: its request schema and its answer type. `OPERATIONS` drives the worker's
 * validation; the types drive `CryptoEngine.call` on the page.
 */
export const REQUESTS = {
  /**
   * First run: the admin's account keys and Argon2id keys, a recovery key, the office key pairs,
   * the office's statement about its encryption key, the admin's certificate (role admin,
   * version 1) and the office keys sealed to the admin. Keeps the key-encryption key for `unlock`.
   */
  createOffice: z.object({
    officeName: z.string().min(1).max(100),
    adminName: z.string().min(1).max(100),
    email: Email,
    password: Password,
  }),
  /** A new account for an invitation or an admin's reset, bound to the invitation's user id. Keeps the key-encryption key. */
  createAccount: z.object({ userId: Id, password: Password }),
  /** Sign-in: checks the server's Argon2id parameters, derives the auth key, keeps the key-encryption key for `unlock`. */
  deriveSignIn: z.object({ password: Password, kdf: KdfParams }),
  /** An auth key alone (to confirm the password, e.g. turning off two-factor sign-in); keeps nothing. */
  deriveAuthKey: z.object({ password: Password, kdf: KdfParams }),
  /**
   * Opens the password bundle with the kept key-encryption key, checks it against the published
   * public keys, checks the member's own certificate, and opens the office keys sealed to them.
   */
  unlock: z.object({ keys: PublishedKeys, office: OfficeRef }),
  /**
   * After an admin approved this member while they were signed in: opens the office keys now
   * sealed to them, with the keys already unlocked (no password needed).
   */
  openOffice: z.object({ keys: PublishedKeys, office: OfficeRef }),
  /** A fingerprint of an identity key (a person) or an office signing key, for people to compare. */
  fingerprint: z.object({ kind: z.enum(['identity', 'office']), publicKey: Key32 }),
  /** Checks a member's own signature over their encryption key and gives their fingerprint (approval dialog). */
  inspectMember: MemberKeys,
  /** Approval: certifies the member with the office key (version above the current) and seals the office keys to them. */
  certifyMember: z.object({ member: MemberKeys, currentVersion: z.number().int().min(0) }),
  /** A role change: a new certificate for the keys the office already certified. */
  recertifyMember: z.object({
    member: MemberKeys.extend({ certificate: SignedEnvelope }),
    role: Role,
    currentVersion: z.number().int().min(1),
  }),
  /** Colleagues: each member's certificate chain checked against the office key. */
  verifyMembers: z.object({ members: z.array(DirectoryMember).max(10_000) }),
  /** Password change: the current auth key, and the private keys sealed under a new password. */
  changePassword: z.object({ currentPassword: Password, currentKdf: KdfParams, newPassword: Password }),
  /** Recovery, first step: the recovery key's auth key; keeps the recovery key-encryption key. */
  recoveryBegin: z.object({ recoveryKey: z.string().min(1).max(200) }),
  /** Recovery, second step: opens the recovery bundle, seals it under a new password and a new recovery key. */
  recoveryComplete: z.object({
    userId: Id,
    recoveryBundle: KeyBundle,
    identityPublicKey: Key32,
    encryptionPublicKey: Key32,
    newPassword: Password,
  }),
  /** Forgets every key (sign-out, session ended elsewhere). Stops every running transfer. */
  lock: z.object({}),

  // ---- sending

  /**
   * Before sealing: each account's certificate chain against the office key, its address, and
   * its identity key against the user's pins (opened with the personal key); the office key
   * against its pin, and the office encryption key against the office's statement. Keys seen
   * for the first time come back as pins to store; a changed key stops the send (`changed`)
   * until `confirmPin`. Only accounts checked here can be sealed to by `sealShare`.
   */
  checkKeys: z.object({
    accounts: z.array(AccountToCheck).max(MAX_SHARE_RECIPIENTS),
    pins: z.array(z.object({ subject: PinSubject, subjectId: Id, envelope: z.string() })).max(10_000),
    office: z.object({
      officeId: Id,
      signingPublicKey: Key32,
      encryptionPublicKey: Key32,
      encryptionKeyStatement: SignedEnvelope,
    }),
  }),
  /** The user compared fingerprints and accepts a changed key: a new pin to store, and the key may be sealed to. */
  confirmPin: z.object({ subject: PinSubject, subjectId: Id }),
  /**
   * Encrypts a file with a new file key and uploads it in parts (streaming; memory stays flat).
   * The key stays here under the returned file id until `sealShare` or `forgetFiles`.
   */
  uploadFile: z.object({ file: z.custom<Blob>((value) => value instanceof Blob) }),
  /**
   * Seals the metadata, signs the manifest, seals each file key to each account, the sender
   * and the office, and makes each guest's link secret, server half, access code and wraps.
   */
  sealShare: z.object({
    files: z.array(FileToSeal).min(1).max(MAX_SHARE_FILES),
    message: z.string().max(MAX_MESSAGE_CHARACTERS).optional(),
    accounts: z.array(z.object({ userId: Id })).max(MAX_SHARE_RECIPIENTS),
    guests: z.array(z.object({ email: Email, accessCode: z.boolean() })).max(MAX_SHARE_RECIPIENTS),
    expiresAt: Time,
    downloadLimit: z.number().int().min(1).max(1000).optional(),
    receiptMail: z.boolean(),
  }),
  /** Forgets the keys of uploaded files (after the share was created, or when the user gives up). */
  forgetFiles: z.object({ fileIds: z.array(Id).max(MAX_SHARE_FILES) }),

  // ---- opening shares

  /** An account recipient's share: sender's certificate, manifest, own entry, each file key, commitment and metadata. */
  openReceived: z.object({ share: ShareForRecipient }),
  /**
   * A guest's share: the office key the server names must have the link's fingerprint; then
   * the sender, the manifest, the link key (with the access code, if any) and each file key.
   */
  openGuest: z.object({
    recipientId: Id,
    fragment: z.string().max(200),
    accessCode: z.string().max(100).optional(),
    serverHalf: Key32,
    share: ShareForRecipient,
  }),
  /**
   * The sender's (or, for a colleague's share, the office's) view: file names from the
   * sender's or office copy of each file key. `sender` is the colleague's certificate from
   * the directory, to verify their manifest; without it the manifest is checked only against
   * the key it names itself, and the answer says so.
   */
  openSent: z.object({
    share: ShareDetail,
    sender: z.object({ certificate: SignedEnvelope, encryptionKeySignature: Signature }).optional(),
  }),
  /** A guest's link (and access code) again, from S sealed to the sender or the office. */
  showLink: z.object({
    shareId: Id,
    senderId: Id,
    recipientId: Id,
    sealed: z.object({ sender: SealedBox, office: SealedBox }),
  }),
  /**
   * Downloads a file of an opened share and decrypts it into `sink`. The container hash from
   * the manifest is checked before the download counts as done; any failure aborts the sink.
   */
  downloadFile: z.object({
    shareId: Id,
    fileId: Id,
    url: ApiPath,
    grant: Grant.optional(),
    /** The container's length as the server lists it (progress only; the hash decides). */
    containerSize: z.number().int().min(0),
    sink: DownloadSink,
  }),
  /** Forgets the file keys of an opened share (or drop upload). */
  forgetShare: z.object({ shareId: Id }),

  // ---- drops, the office's side

  /**
   * A new drop: its id, key pair and D, with both secrets and the label sealed to the advisor
   * and to the office key that `checkKeys` verified (and whose pin holds). The page adds the
   * public fields (title, limits, expiry) to the answer's parts to make the create request.
   */
  createDrop: z.object({ label: z.string().min(1).max(MAX_DROP_LABEL_CHARACTERS) }),
  /** The labels of listed drops: the owner's copy for one's own, else the office's. A label that does not open is null. */
  openDropLabels: z.object({
    drops: z
      .array(
        z.object({
          dropId: Id,
          ownerId: Id,
          label: z.object({ owner: SealedDropLabel, office: SealedDropLabel }).nullable(),
        }),
      )
      .max(10_000),
  }),
  /**
   * One drop: opens its secrets (own copy, or the office's), derives the link's fingerprint from
   * the opened key, and checks each upload's manifest MAC with D, then each file's key,
   * commitment and metadata. Uploads that fail are `rejected` and cannot be opened; the others'
   * file keys stay here under their drop upload id for `downloadFile` until `forgetShare`.
   */
  openDrop: z.object({ drop: DropDetail }),

  // ---- drops, the uploader's side (no account)

  /**
   * The drop key the server names must have the fingerprint in the link; then D stays here for
   * this drop. Nothing is encrypted for a drop before this succeeded.
   */
  openDropLink: z.object({ dropId: Id, fragment: z.string().max(200), publicKey: Key32 }),
  /** Encrypts and uploads a file to the drop's upload session (its grant); the key stays here as `uploadFile`'s. */
  uploadDropFile: z.object({ dropId: Id, grant: Grant, file: z.custom<Blob>((value) => value instanceof Blob) }),
  /**
   * Seals each file's metadata (the message with the first) and its key to the drop key, and
   * MACs the upload manifest with D: the submit request and the receipt code.
   */
  sealDropUpload: z.object({
    dropId: Id,
    files: z.array(FileToSeal).min(1).max(MAX_DROP_FILES),
    message: z.string().max(MAX_MESSAGE_CHARACTERS).optional(),
    receiptMail: z.boolean(),
  }),
  /** Forgets D of a drop link (and nothing else). */
  forgetDropLink: z.object({ dropId: Id }),

  // ---- clients (issue 6)

  /**
   * An invitation link's office fingerprint against the office signing key the server names,
   * before any key is made (no account needed): `office_key_mismatch` when they differ.
   */
  checkOfficeFingerprint: z.object({ signingPublicKey: Key32, fingerprint: z.string().max(100) }),
  /**
   * A client's trust in the office key the session names: it must match the client's pin of the
   * office (opened with the personal key), or, with no pin yet, the invitation link's fingerprint
   * if given; then it is pinned (first seen). Until this succeeds in this worker, no received
   * share opens for an account without office keys. `office_key_changed` / `office_key_mismatch`.
   */
  pinOffice: z.object({
    pins: z.array(z.object({ subject: PinSubject, subjectId: Id, envelope: z.string() })).max(10_000),
    fingerprint: z.string().max(100).optional(),
  }),
  /**
   * An approving member: certifies a client (role client, version above the current; no office
   * keys) and makes the client's personal drop: key pair and D sealed to this member and the office,
   * the label sealed likewise, and the link fragment sealed to the client.
   */
  certifyClient: z.object({
    client: MemberKeys,
    currentVersion: z.number().int().min(0),
    label: z.string().min(1).max(MAX_DROP_LABEL_CHARACTERS),
  }),
  /** The portal: opens the personal drop's sealed link with the client's own key and checks the drop key against it (as openDropLink). */
  openClientDrop: z.object({ dropId: Id, publicKey: Key32, clientLink: SealedBox }),
} as const;

export type Operation = keyof typeof REQUESTS;
export type RequestOf<K extends Operation> = z.input<(typeof REQUESTS)[K]>;

/** What every new account's keys look like on the wire, plus the recovery key to show once. */
export interface CreatedAccount {
  readonly keys: NewAccountKeys;
  /** The recovery key as text (14 groups of 4). Shown once; the worker keeps no copy. */
  readonly recoveryKey: string;
  readonly fingerprint: string;
}

export type MemberCheck =
  /** The office certified these keys for this person, role and address, and their own signature holds. */
  | 'verified'
  /** Not approved yet: no certificate, so the keys are only what the server says. */
  | 'unverified'
  /** A certificate that does not verify, or names other keys, role or address: warn. */
  | 'failed';

export interface Answers {
  createOffice: {
    readonly request: Omit<SetupCompleteRequest, 'token'>;
    readonly recoveryKey: string;
    readonly fingerprint: string;
    readonly officeFingerprint: string;
  };
  createAccount: CreatedAccount;
  deriveSignIn: { readonly authKey: string };
  deriveAuthKey: { readonly authKey: string };
  unlock: {
    readonly fingerprint: string;
    readonly officeFingerprint: string;
    /** The office keys opened: the member is approved and can work with office material. */
    readonly officeKeys: boolean;
  };
  openOffice: Answers['unlock'];
  fingerprint: { readonly fingerprint: string };
  inspectMember: { readonly fingerprint: string; readonly signatureValid: boolean };
  certifyMember: { readonly certificate: string; readonly sealedOfficeKeys: string };
  recertifyMember: { readonly certificate: string };
  verifyMembers: {
    readonly members: readonly { readonly userId: string; readonly fingerprint: string; readonly check: MemberCheck }[];
  };
  changePassword: {
    readonly authKey: string;
    readonly kdf: KdfParams;
    readonly newAuthKey: string;
    readonly passwordBundle: string;
  };
  recoveryBegin: { readonly recoveryAuthKey: string };
  recoveryComplete: {
    readonly kdf: KdfParams;
    readonly authKey: string;
    readonly passwordBundle: string;
    readonly recoveryAuthKey: string;
    readonly recoveryBundle: string;
    readonly recoveryKey: string;
  };
  lock: Record<string, never>;

  checkKeys: {
    readonly office: KeyCheck;
    readonly accounts: readonly (KeyCheck & {
      readonly userId: string;
      readonly check: 'verified' | 'unapproved' | 'failed';
    })[];
  };
  confirmPin: { readonly envelope: string };
  uploadFile: { readonly fileId: string; readonly uploadId: string; readonly size: number };
  sealShare: {
    readonly request: ShareCreateRequest;
    readonly guests: readonly GuestLink[];
    readonly accounts: readonly { readonly recipientId: string; readonly userId: string }[];
  };
  forgetFiles: Record<string, never>;
  openReceived: OpenedShare;
  openGuest: OpenedShare;
  openSent: OpenedShare & {
    /** False when a colleague's manifest could not be checked against their certificate. */
    readonly senderVerified: boolean;
    /** Whose copy of the keys opened it. */
    readonly holder: 'sender' | 'office';
  };
  showLink: { readonly fragment: string; readonly accessCode?: string };
  downloadFile: { readonly blob?: Blob; readonly size: number };
  forgetShare: Record<string, never>;

  createDrop: {
    /** The sealed parts of the create request (DropCreateRequest without the public fields). */
    readonly parts: Pick<DropCreateRequest, 'dropId' | 'publicKey' | 'secrets' | 'label'>;
    /** `<drop fingerprint>.<D>`, for the link `/d/<dropId>#<fragment>`. */
    readonly fragment: string;
  };
  openDropLabels: { readonly labels: readonly { readonly dropId: string; readonly label: string | null }[] };
  openDrop: OpenedDrop;
  openDropLink: { readonly fingerprint: string };
  uploadDropFile: Answers['uploadFile'];
  sealDropUpload: {
    readonly request: DropSubmitRequest;
    /** receiptCode of the MAC'd manifest: the code both sides show. */
    readonly receiptCode: string;
  };
  forgetDropLink: Record<string, never>;

  checkOfficeFingerprint: { readonly fingerprint: string };
  pinOffice: KeyCheck;
  certifyClient: {
    readonly certificate: string;
    readonly drop: Pick<DropCreateRequest, 'dropId' | 'publicKey' | 'secrets' | 'label'> & {
      readonly clientLink: string;
    };
  };
  openClientDrop: { readonly fingerprint: string };
}

export interface OpenedDrop {
  readonly dropId: string;
  /** Null when it did not open (or was swept). */
  readonly label: string | null;
  /** Whose copy of the secrets opened it. */
  readonly holder: 'owner' | 'office';
  /**
   * `<drop fingerprint>.<D>` from the opened secrets (the fingerprint made here, from the opened
   * key): the link can be shown again. Null once the drop's secrets were swept.
   */
  readonly fragment: string | null;
  /** False when the public key the server lists is not the drop's own: uploads since may be sealed to another key. */
  readonly keyMatches: boolean;
  readonly uploads: readonly OpenedDropUpload[];
}

export type OpenedDropUpload =
  | {
      readonly dropUploadId: string;
      /** The MAC with D and every file checked out: the files can be downloaded (shareId = dropUploadId). */
      readonly state: 'opened';
      readonly receiptCode: string;
      /** When the uploader's browser made the manifest (ms since 1970). */
      readonly createdAt: number;
      readonly files: readonly OpenedFile[];
      readonly message?: string;
      readonly missingFiles: number;
    }
  | {
      readonly dropUploadId: string;
      /** `rejected`: not made with this drop's D, or its files do not match its manifest (injected or changed by the server). `unavailable`: the drop's keys were swept. */
      readonly state: 'rejected' | 'unavailable';
    };

/** A pin check: the key's fingerprint, and how it compares with the pin. */
export interface KeyCheck {
  readonly fingerprint: string;
  /** `new`: never seen (pinned now, `envelope` to store); `same`; `changed`: stop until the user confirms. */
  readonly pin: 'new' | 'same' | 'changed';
  /** For `changed`: the fingerprint pinned before. */
  readonly pinnedFingerprint?: string;
  /** For `new`: the pin to store (PUT /api/v1/me/pins/…). */
  readonly envelope?: string;
}

export interface GuestLink {
  readonly recipientId: string;
  readonly email: string;
  /** `<office fingerprint>.<S>`, for the link `/s/<recipientId>#<fragment>`. */
  readonly fragment: string;
  /** XXXX-XXXX-XXXX, to tell by phone; absent without an access code. */
  readonly accessCode?: string;
}

export interface OpenedFile {
  readonly fileId: string;
  readonly name: string;
  readonly type: string;
  /** Plaintext bytes, from the signed metadata. */
  readonly size: number;
  readonly lastModified: number;
  /** The container's length as the server lists it (for the download's progress). */
  readonly containerSize: number;
}

export interface OpenedShare {
  readonly shareId: string;
  readonly files: readonly OpenedFile[];
  readonly message?: string;
  /** The sender's fingerprint, as certified by the office. */
  readonly senderFingerprint: string;
  /** Files the manifest names but the server did not list (or whose keys are gone). */
  readonly missingFiles: number;
}

export type AnswerOf<K extends Operation> = Answers[K];

/** Why an operation failed, in words the page can translate. Never carries key material. */
export const WORKER_ERRORS = [
  /** The server's Argon2id parameters are outside the floor and ceiling of format v1: nothing was derived or sent. */
  'kdf_refused',
  /** The password bundle did not open: the password is wrong. */
  'wrong_password',
  /** The bundle opened but holds other keys than the server publishes for this user: refuse. */
  'keys_mismatch',
  /** The office keys sealed to this member, or the member's own certificate, do not check out. */
  'office_keys_invalid',
  /** There is nothing to unlock with: sign in again (the worker was restarted or locked). */
  'no_pending_key',
  /** The operation needs unlocked keys (or the office keys) and they are not there. */
  'locked',
  /** The recovery key text is not a valid recovery key (typo: its check failed). */
  'invalid_recovery_key',
  /** The recovery bundle did not open with this recovery key, or holds other keys than published. */
  'recovery_failed',
  /** A member's keys or certificate do not verify: do not certify them. */
  'invalid_member',
  /** A malformed request (a programming error on the page). */
  'bad_request',
  // ---- sending and receiving
  /** The user cancelled (or the page went away): everything started was stopped and removed. */
  'cancelled',
  /** The server could not be reached, also after retrying for minutes. */
  'network',
  /** The server kept failing (5xx), also after retrying. */
  'server',
  /** The session ended: sign in again. */
  'signed_out',
  /** The file is larger than the office allows, or the storage quota is full. */
  'quota_exceeded',
  /** The server lost parts it had confirmed, or reports another hash than this browser made: start again. */
  'upload_failed',
  /** The file could not be read (moved, changed or deleted while it was being sent). */
  'file_unreadable',
  /** The message does not fit (with the file name) in the sealed metadata. */
  'message_too_long',
  /** A recipient's keys are not certified by the office, or the office keys do not check out. */
  'keys_untrusted',
  /** A recipient's key changed since it was pinned and the user has not confirmed it. */
  'key_changed',
  /** A file of the share was never uploaded here (or was forgotten). */
  'unknown_file',
  /** The link is not well-formed (copied incompletely). */
  'bad_link',
  /** The office key, the sender's certificate or the manifest do not check out: do not trust these files. */
  'untrusted',
  /** The file keys did not open with this access code. */
  'wrong_access_code',
  /** The access code is not 12 letters and digits. */
  'bad_access_code',
  /** The file's content failed its integrity check: it was changed or damaged. */
  'tampered',
  /** The share expired, was revoked, or all downloads were used (410). */
  'share_expired',
  'share_revoked',
  'share_used_up',
  /** The download grant expired: ask again (a guest needs a new code). */
  'grant_invalid',
  /** 404 from the server. */
  'not_found',
  /** The download could not be streamed to disk in this browser. */
  'stream_unavailable',
  /** The file could not be written where the user chose. */
  'write_failed',
  // ---- drops
  /** The drop key the server names does not have the link's fingerprint: nothing was encrypted. */
  'drop_key_mismatch',
  /** The drop's link was not checked in this worker (openDropLink) before uploading or sealing. */
  'drop_unchecked',
  /** The drop was closed, or expired, meanwhile (410). */
  'drop_closed',
  'drop_expired',
  /** The files would pass the drop's limits: one file more than allowed, or too many bytes (413). */
  'drop_too_many_files',
  'drop_too_large',
  /** The office rejected this drop upload: its files are not served. */
  'upload_rejected',
  // ---- clients
  /** The office key the server names is not the one whose fingerprint the invitation link carries. */
  'office_key_mismatch',
  /** The office key the server names is not the one this client pinned: show nothing. */
  'office_key_changed',
  'internal',
] as const;
export type WorkerErrorCode = (typeof WORKER_ERRORS)[number];

/** What the worker is doing in a long operation, for a live progress line. */
export type ProgressStage = 'password' | 'keys' | 'office' | 'sealing';

/** Page → worker. */
export type PageMessage =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'call'; readonly id: number; readonly op: Operation; readonly request: unknown }
  /** Stop the call with this id (a transfer): it ends with the error `cancelled`. */
  | { readonly type: 'cancel'; readonly id: number };

/** Worker → page. */
export type WorkerMessage =
  /** libsodium loaded and its constants match format v1. Sent once, unprompted. */
  | { readonly type: 'ready'; readonly libsodium: string }
  /** The engine cannot work in this browser. Deliberately carries no error details. */
  | { readonly type: 'failed' }
  /** Answer to `ping`: the worker is alive and its library loaded. */
  | { readonly type: 'pong'; readonly id: number }
  /** A long operation reached a new stage. */
  | { readonly type: 'progress'; readonly id: number; readonly stage: ProgressStage }
  /** The answer to a call. */
  | { readonly type: 'done'; readonly id: number; readonly answer: unknown }
  /** A transfer moved on: bytes done, percent, speed and time left. */
  | { readonly type: 'transfer'; readonly id: number; readonly progress: TransferProgress }
  /** The call failed. */
  | { readonly type: 'error'; readonly id: number; readonly code: WorkerErrorCode };

/** What a running transfer is doing, with its figures. */
export interface TransferProgress extends TransferFigures {
  /**
   * `uploading` / `downloading`: bytes are moving. `retrying`: the connection or the server
   * failed and the worker tries again (for minutes). `verifying`: the last bytes are in and the
   * worker checks the whole (the server's hash of an upload, the container hash of a download).
   * `waiting`: a streamed download waits for the browser to start saving.
   */
  readonly phase: 'uploading' | 'downloading' | 'retrying' | 'verifying' | 'waiting';
}

const TRANSFER_PHASES: readonly string[] = ['uploading', 'downloading', 'retrying', 'verifying', 'waiting'];

const STAGES: readonly string[] = ['password', 'keys', 'office', 'sealing'];

export function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && Object.hasOwn(REQUESTS, value);
}

export function isPageMessage(data: unknown): data is PageMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  if (!Number.isSafeInteger(message['id'])) return false;
  if (message['type'] === 'ping' || message['type'] === 'cancel') return true;
  return message['type'] === 'call' && isOperation(message['op']);
}

export function isWorkerMessage(data: unknown): data is WorkerMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  switch (message['type']) {
    case 'ready':
      return typeof message['libsodium'] === 'string';
    case 'failed':
      return true;
    case 'pong':
    case 'done':
      return Number.isSafeInteger(message['id']);
    case 'progress':
      return Number.isSafeInteger(message['id']) && STAGES.includes(message['stage'] as string);
    case 'transfer': {
      const progress = message['progress'] as Record<string, unknown> | null;
      return (
        Number.isSafeInteger(message['id']) &&
        typeof progress === 'object' &&
        progress !== null &&
        TRANSFER_PHASES.includes(progress['phase'] as string)
      );
    }
    case 'error':
      return Number.isSafeInteger(message['id']) && (WORKER_ERRORS as readonly unknown[]).includes(message['code']);
    default:
      return false;
  }
}
