// The shapes every area of the worker's operations shares: what a handler gets besides its
// request (progress reports, the call's signal and transfer progress), what it needs from the
// outside world (the transport and a clock), and the handler table the dispatcher runs.
import type { AnswerOf, CheckedRequestOf, Operation, ProgressStage, TransferProgress } from '../protocol';
import type { KeepStore } from '../keep-store';
import type { HashThread } from '../off-thread-hash';
import type { Clock, Transport, UploadTarget } from '../transport';

/** Reports that a long operation reached a new stage. */
export type Report = (stage: ProgressStage) => void;

export interface CallContext {
  /** Fires when the page cancels the call, or on `lock`. */
  readonly signal: AbortSignal;
  readonly transfer: (progress: TransferProgress) => void;
}

/** Transfers go through `transport` (the browser's fetch and XHR in the worker; a fake in tests). */
export interface WorkerDeps {
  readonly transport: Transport;
  /** Uploads to another target than the member's own (a drop's upload session). */
  readonly transportFor?: (target: UploadTarget) => Transport;
  readonly clock: Clock;
  /** Where the session's kept keys live (IndexedDB in the worker); without it nothing is kept. */
  readonly keep?: KeepStore;
  /** Shorter in tests. */
  readonly retryWindowMs?: number;
  readonly streamStartTimeoutMs?: number;
  /** Another thread for a large download's container hash (the browser's hash worker). */
  readonly hashThread?: () => Promise<HashThread | null>;
}

type Handler<K extends Operation> = (
  request: CheckedRequestOf<K>,
  report: Report,
  context: CallContext,
) => AnswerOf<K> | Promise<AnswerOf<K>>;

/** The handlers of one area: exactly the operations that area's protocol file lists. */
export type HandlersOf<Ops extends Operation> = { [K in Ops]: Handler<K> };

/** Every operation's handler. */
export type Handlers = HandlersOf<Operation>;
