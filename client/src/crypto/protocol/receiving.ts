// Worker protocol, receiving (docs/protocol.md §4–§6, §10, §11, §15): opening a share as an
// account recipient, as a guest (link fragment, server half, access code) or as its sender (or
// the office, for a colleague's share), then downloading and decrypting its files into a Blob,
// the download service worker or a file the user chose. File keys stay in the worker under the
// share id; the page gets names, sizes, the message and the sender's fingerprint.
import { z } from 'zod';
import { WireId, Key32, Signature } from '../../../../shared/wire/common.js';
import { SignedEnvelope } from '../../../../shared/wire/accounts.js';
import { Grant, ShareDetail, ShareForRecipient } from '../../../../shared/wire/shares.js';
import type { OpenedShare } from './common.js';

/** Where the worker may fetch a container: a same-origin API path, never a full URL. */
const ApiPath = z
  .string()
  .max(300)
  .regex(/^\/api\/v1\/[A-Za-z0-9_/-]+$/);

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

export const RECEIVING_REQUESTS = {
  /** An account recipient's share: sender's certificate, manifest, own entry, each file key, commitment and metadata. */
  openReceived: z.object({ share: ShareForRecipient }),
  /**
   * A guest's share: the office key the server names must have the link's fingerprint; then
   * the sender, the manifest, the link key (with the access code, if any) and each file key.
   */
  openGuest: z.object({
    /** The id in the link's path: the link id (v2), or the recipient id (a v1 link). */
    linkId: WireId,
    fragment: z.string().max(200),
    /** The highest manifest version this browser verified for this share before (replay memory). */
    minimumVersion: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
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
  /**
   * As `openSent`, for the Sent list: the file names and the message of one share, checked the
   * same way, and no file key kept (nothing to forget afterwards).
   */
  sentNames: z.object({
    share: ShareDetail,
    sender: z.object({ certificate: SignedEnvelope, encryptionKeySignature: Signature }).optional(),
  }),
  /**
   * Downloads a file of an opened share and decrypts it into `sink`. The container hash from
   * the manifest is checked before the download counts as done; any failure aborts the sink.
   */
  downloadFile: z.object({
    shareId: WireId,
    fileId: WireId,
    url: ApiPath,
    grant: Grant.optional(),
    /** The container's length as the server lists it (progress only; the hash decides). */
    containerSize: z.number().int().min(0),
    sink: DownloadSink,
  }),
  /** Forgets the file keys of an opened share (or drop upload). */
  forgetShare: z.object({ shareId: WireId }),
} as const;

export interface ReceivingAnswers {
  openReceived: OpenedShare;
  openGuest: OpenedShare & {
    /** The verified manifest's version, for the page to remember (protocol §21). */
    readonly manifestVersion: number;
  };
  openSent: OpenedShare & {
    /** False when a colleague's manifest could not be checked against their certificate. */
    readonly senderVerified: boolean;
    /** Whose copy of the keys opened it. */
    readonly holder: 'sender' | 'office';
  };
  sentNames: {
    readonly shareId: string;
    readonly names: readonly string[];
    readonly message?: string;
    /** Files the manifest names whose keys are gone (the share was swept) or were not listed. */
    readonly missingFiles: number;
    readonly senderVerified: boolean;
  };
  downloadFile: { readonly blob?: Blob; readonly size: number };
  forgetShare: Record<string, never>;
}
