// The messages between the page and the crypto worker (client/src/crypto/worker.ts).
//
// The page sends passwords and public material in; the worker answers only what goes on the
// wire (public keys, sealed bundles, signatures, certificates, auth keys, share and drop
// requests) and what a person must read (fingerprints, file names, a new recovery key's text,
// a guest's link). Private keys, key-encryption keys, file keys, link secrets, drop secrets
// and the office secret keys are made, opened and kept inside the worker and never cross this
// boundary; files are held there behind handles (file ids, share ids, drop ids). Bytes cross
// it already in their wire form (base64url), since the page's only use for them is to send
// them; the worker is the one place that turns them back into bytes.
//
// Every request carries an id that its progress reports and its answer repeat. The worker
// checks each request with its schema (a structured clone carries no types). The operations
// are listed by area, one file each under protocol/: accounts, office, pins, sending,
// receiving, drops, keep, batches. This file unions them and defines the messages that carry them.
import type { z } from 'zod';
import { ACCOUNT_REQUESTS, type AccountAnswers } from './protocol/accounts.js';
import { BATCH_REQUESTS, type BatchAnswers } from './protocol/batches.js';
import { DROP_REQUESTS, type DropAnswers } from './protocol/drops.js';
import { KEEP_REQUESTS, type KeepAnswers } from './protocol/keep.js';
import { WORKER_ERRORS, type WorkerErrorCode } from './protocol/errors.js';
import { OFFICE_REQUESTS, type OfficeAnswers } from './protocol/office.js';
import { PIN_REQUESTS, type PinAnswers } from './protocol/pins.js';
import { RECEIVING_REQUESTS, type ReceivingAnswers } from './protocol/receiving.js';
import { SENDING_REQUESTS, type SendingAnswers } from './protocol/sending.js';
import type { TransferFigures } from './rate.js';

// What the page uses of the areas, from the one place it imports.
export {
  BLOB_LIMIT_BYTES,
  MAX_DROP_LABEL_CHARACTERS,
  MAX_FILE_NAME_CHARACTERS,
  MAX_MESSAGE_CHARACTERS,
  type KeyCheck,
  type OpenedFile,
  type OpenedShare,
} from './protocol/common.js';
export type { OpenedDrop, OpenedDropUpload, OpenedUploadNames } from './protocol/drops.js';
export type { MemberCheck } from './protocol/office.js';
export type { SaveFileHandle } from './protocol/receiving.js';
export type { GuestLink } from './protocol/sending.js';
export type { BatchPlanEntry } from './protocol/batches.js';
export type { WorkerErrorCode };

/**
 * Every operation, by name: its request schema. `REQUESTS` drives the worker's validation;
 * with `Answers`, the types drive `CryptoEngine.call` on the page.
 */
export const REQUESTS = {
  ...ACCOUNT_REQUESTS,
  ...KEEP_REQUESTS,
  ...OFFICE_REQUESTS,
  ...PIN_REQUESTS,
  ...SENDING_REQUESTS,
  ...RECEIVING_REQUESTS,
  ...DROP_REQUESTS,
  ...BATCH_REQUESTS,
} as const;

/** Every operation's answer, by name. */
interface Answers
  extends
    AccountAnswers,
    KeepAnswers,
    OfficeAnswers,
    PinAnswers,
    SendingAnswers,
    ReceivingAnswers,
    DropAnswers,
    BatchAnswers {}

export type Operation = keyof typeof REQUESTS;
export type RequestOf<K extends Operation> = z.input<(typeof REQUESTS)[K]>;
/** A request as the worker's handler gets it: checked by its schema. */
export type CheckedRequestOf<K extends Operation> = z.output<(typeof REQUESTS)[K]>;
export type AnswerOf<K extends Operation> = Answers[K];

// An operation named in two areas would silently take one area's schema, and an operation
// without an answer type (or the reverse) would type-check as anything: refuse to compile.
type Areas = [
  typeof ACCOUNT_REQUESTS,
  typeof OFFICE_REQUESTS,
  typeof PIN_REQUESTS,
  typeof SENDING_REQUESTS,
  typeof RECEIVING_REQUESTS,
  typeof DROP_REQUESTS,
  typeof BATCH_REQUESTS,
];
type Overlaps<T extends unknown[]> = T extends [infer Head, ...infer Tail]
  ? { [I in keyof Tail]: keyof Head & keyof Tail[I] }[number] | Overlaps<Tail>
  : never;
type Unanswered = Exclude<Operation, keyof Answers>;
type Unrequested = Exclude<keyof Answers, Operation>;
const protocolIsConsistent: [Overlaps<Areas>, Unanswered, Unrequested] extends [never, never, never] ? true : false =
  true;
void protocolIsConsistent;

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

function isOperation(value: unknown): value is Operation {
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
