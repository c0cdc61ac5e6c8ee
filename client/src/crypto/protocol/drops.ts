// Worker protocol, drops (docs/protocol.md §13; shared/wire/drops.ts). The office's side makes
// a drop's key pair and D, sealed to the advisor and the office, and opens them again to show
// the link and to check each upload's MAC. The uploader's side (a link holder, or a client in
// the portal whose personal drop link is sealed to them) checks the drop key against the link's
// fingerprint before anything is encrypted, uploads with the drop's grant, and seals and MACs
// the submission. D and the drop's secret key stay in the worker; the page gets the link
// fragment (it must show the link) and receipt codes.
import { z } from 'zod';
import { WireId, Key32 } from '../../../../shared/wire/common.js';
import { SealedBox, SignedEnvelope } from '../../../../shared/wire/accounts.js';
import { Grant } from '../../../../shared/wire/shares.js';
import {
  DropCreator,
  DropDetail,
  DropRecordEnvelope,
  MAX_DROP_FILES,
  SealedDropLabel,
  UploadNamesRecord,
  type DropCreateRequest,
  type DropSubmitRequest,
} from '../../../../shared/wire/drops.js';
import {
  FileToSeal,
  FileToUpload,
  MAX_DROP_LABEL_CHARACTERS,
  MAX_MESSAGE_CHARACTERS,
  type OpenedFile,
  type UploadedFileAnswer,
} from './common.js';

export const DROP_REQUESTS = {
  // ---- the office's side

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
          dropId: WireId,
          ownerId: WireId,
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

  // ---- the uploader's side (no account, or a client in the portal)

  /**
   * The drop key the server names must have the fingerprint in the link; then D stays here for
   * this drop. Nothing is encrypted for a drop before this succeeded.
   */
  openDropLink: z.object({ dropId: WireId, fragment: z.string().max(200), publicKey: Key32 }),
  /**
   * The portal: checks the drop record (its signer certified by the pinned office key, naming
   * this client), opens the personal drop's sealed link with the client's own key, requires the
   * record's drop key and D commitment to match it, then checks the listed drop key (as
   * openDropLink). No record, or any mismatch: nothing is kept, nothing can be encrypted.
   */
  openClientDrop: z.object({
    dropId: WireId,
    publicKey: Key32,
    clientLink: SealedBox,
    record: DropRecordEnvelope.nullable(),
    creator: DropCreator.nullable(),
    /** The certificate the creator held when the record was stored: tells a reset from a forgery. */
    recordCertificate: SignedEnvelope.nullable().optional(),
  }),
  /** Encrypts and uploads a file to the drop's upload session (its grant); the key stays here as `uploadFile`'s. */
  uploadDropFile: z.object({ dropId: WireId, grant: Grant, file: FileToUpload }),
  /**
   * Seals each file's metadata (the message with the first) and its key to the drop key, and
   * MACs the upload manifest with D: the submit request and the receipt code.
   */
  sealDropUpload: z.object({
    dropId: WireId,
    files: z.array(FileToSeal).min(1).max(MAX_DROP_FILES),
    message: z.string().max(MAX_MESSAGE_CHARACTERS).optional(),
    receiptMail: z.boolean(),
  }),
  /** Forgets D of a drop link (and nothing else). */
  forgetDropLink: z.object({ dropId: WireId }),

  // ---- the client's own history

  /**
   * The portal's upload history: opens each upload's names record with the signed-in client's
   * keys, for the drop and upload the list names it under and this client; a record that fails
   * (moved, made by the server, damaged) is `invalid`, never shown.
   */
  openUploadNames: z.object({
    uploads: z
      .array(z.object({ dropUploadId: WireId, dropId: WireId, names: UploadNamesRecord.nullable() }))
      .max(10_000),
  }),
} as const;

/** One upload's names, as the portal's history shows them. */
export type OpenedUploadNames =
  | {
      readonly dropUploadId: string;
      readonly state: 'opened';
      readonly files: readonly { readonly name: string; readonly size: number }[];
    }
  | {
      readonly dropUploadId: string;
      /** `none`: made before names records; `invalid`: the record failed its check (a warning). */
      readonly state: 'none' | 'invalid';
    };

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
  /**
   * True: the drop's signed record checked out (its creator, key, D and label). False: a drop
   * without a record (made before records, or the server removed it): its keys and label are
   * only what the server sealed; show it and its uploads as unverified.
   */
  readonly verified: boolean;
  /**
   * True when the signed record names a client: the client's personal drop, which has no public
   * link (the client uploads from their portal), so its fragment is never offered as a link.
   */
  readonly forClient: boolean;
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

export interface DropAnswers {
  createDrop: {
    /** The sealed parts of the create request (DropCreateRequest without the public fields). */
    readonly parts: Pick<DropCreateRequest, 'dropId' | 'publicKey' | 'secrets' | 'label' | 'record'>;
    /** `<drop fingerprint>.<D>`, for the link `/d/<dropId>#<fragment>`. */
    readonly fragment: string;
  };
  openDropLabels: { readonly labels: readonly { readonly dropId: string; readonly label: string | null }[] };
  openDrop: OpenedDrop;
  openDropLink: { readonly fingerprint: string };
  openClientDrop: { readonly fingerprint: string };
  uploadDropFile: UploadedFileAnswer;
  sealDropUpload: {
    readonly request: DropSubmitRequest;
    /** receiptCode of the MAC'd manifest: the code both sides show. */
    readonly receiptCode: string;
  };
  forgetDropLink: Record<string, never>;
  openUploadNames: { readonly uploads: readonly OpenedUploadNames[] };
}
