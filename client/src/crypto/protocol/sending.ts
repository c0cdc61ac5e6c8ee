// Worker protocol, sending (docs/protocol.md §4–§6, §10, §11): the worker encrypts and uploads
// each File the page hands it, keeping its file key under the returned file id; then seals the
// metadata, signs the manifest and seals or wraps each file key for every recipient, the
// sender and the office. The page gets the share request to send and, for each guest, the link
// fragment and access code the sender must pass on; a guest's link can be shown again later.
import { z } from 'zod';
import { Email, Language, WireId, Time, Signature } from '../../../../shared/wire/common.js';
import { SignedEnvelope } from '../../../../shared/wire/accounts.js';
import {
  MAX_SHARE_FILES,
  MAX_SHARE_RECIPIENTS,
  ShareDetail,
  type ShareCreateRequest,
} from '../../../../shared/wire/shares.js';
import { FileToSeal, FileToUpload, MAX_MESSAGE_CHARACTERS, type UploadedFileAnswer } from './common.js';

export const SENDING_REQUESTS = {
  /**
   * Encrypts a file with a new file key and uploads it in parts (streaming; memory stays flat).
   * The key stays here under the returned file id until `sealShare` or `forgetFiles`.
   */
  uploadFile: z.object({ file: FileToUpload }),
  /**
   * Seals the metadata, signs the manifest, seals each file key to each account, the sender
   * and the office, and makes each guest's link secret, server half, access code and wraps.
   */
  sealShare: z.object({
    files: z.array(FileToSeal).min(1).max(MAX_SHARE_FILES),
    message: z.string().max(MAX_MESSAGE_CHARACTERS).optional(),
    accounts: z.array(z.object({ userId: WireId })).max(MAX_SHARE_RECIPIENTS),
    guests: z
      .array(
        z.object({
          email: Email,
          accessCode: z.boolean(),
          /**
           * A contact's standing access code (sealed to the office, as the server keeps it), used
           * instead of a new code: opened and checked here, never answered to the page.
           */
          standingCode: z.object({ contactId: WireId, sealed: z.string().max(400), sealedBy: WireId }).optional(),
          /** The guest's language (a contact's), for their mails; the sender's own when left out. */
          lang: Language.optional(),
        }),
      )
      .max(MAX_SHARE_RECIPIENTS),
    expiresAt: Time,
    downloadLimit: z.number().int().min(1).max(1000).optional(),
    receiptMail: z.boolean(),
  }),
  /** Forgets the keys of uploaded files (after the share was created, or when the user gives up). */
  forgetFiles: z.object({ fileIds: z.array(WireId).max(MAX_SHARE_FILES) }),
  /**
   * A guest's link (and access code) again, from S sealed to the sender or the office, after
   * the share's manifest checked out (as `openSent`) and S matched the guest's link commitment.
   */
  showLink: z.object({
    share: ShareDetail,
    sender: z.object({ certificate: SignedEnvelope, encryptionKeySignature: Signature }).optional(),
    recipientId: WireId,
  }),
} as const;

export interface GuestLink {
  readonly recipientId: string;
  /** The id in the link's path, `/s/<linkId>`: never in the manifest, so no co-recipient learns it. */
  readonly linkId: string;
  readonly email: string;
  /** `<office fingerprint>.<sender fingerprint>.<S>`, for the link `/s/<linkId>#<fragment>`. */
  readonly fragment: string;
  /** XXXX-XXXX-XXXX, to tell by phone; absent without an access code, or with a contact's standing code. */
  readonly accessCode?: string;
  /** The guest uses their contact's standing access code, which they already have (not shown again). */
  readonly standingCode?: true;
}

export interface SendingAnswers {
  uploadFile: UploadedFileAnswer;
  sealShare: {
    readonly request: ShareCreateRequest;
    readonly guests: readonly GuestLink[];
    readonly accounts: readonly { readonly recipientId: string; readonly userId: string }[];
  };
  forgetFiles: Record<string, never>;
  showLink: {
    readonly fragment: string;
    readonly accessCode?: string;
    /**
     * False when S could not be checked against the manifest: a share made before link
     * commitments, or a colleague's share whose sender is no longer certified in the directory.
     */
    readonly checked: boolean;
  };
}
