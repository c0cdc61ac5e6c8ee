// Running a batch (docs/protocol.md "Batches"): each item's file becomes its own share to its
// own single recipient, in the existing share format, with `batch: {batchId, itemNo}` so the
// server ties it to the item in the same transaction. Four items at a time; each one:
//
//   1. the worker encrypts and uploads the file (it retries a failing connection itself);
//   2. the worker seals the share for the one recipient (account key, or a guest link — with
//      the contact's standing access code for a 'mail' item);
//   3. the share is created; an item that already has its share is done, never sent twice
//      (shared/batch/item-share.ts: after a lost answer the retry first asks the server's item,
//      so our own create that landed counts as ours);
//   4. a 'mail' item's link is mailed by Coffer; an 'export' item's link stays in this tab for
//      the export the sender saves (never sent to the server).
//
// The recipients' keys are checked once up front, as for any share (send-flow.ts). Network
// failures and 5xx answers (the server restarting) are retried with backoff for minutes, so a
// run survives the server being down for a while.
import { ApiError } from '../../api/http';
import { getBatch, type BatchDelivery } from '../../api/batches';
import { listContacts } from '../../api/contacts';
import { createShare, deleteUpload, lookupRecipients, mailGuestLink } from '../../api/sharing';
import type { CryptoEngine } from '../../crypto/engine';
import { EngineError } from '../../crypto/engine';
import { batchItemShare } from '../../crypto/protocol/batches';
import { figures, RateWindow } from '../../crypto/rate';
import { Cancelled, retryWithin } from '../../crypto/transport';
import { itemShareStep } from '../../../../shared/batch/item-share.js';
import { guestLink } from '../share/links';
import { checkKeysAndPins, metadataName, SendStopped, type SendHooks } from '../send/send-flow';

/** One item to send: its number in the batch, its file and its one recipient. */
export interface BatchRunItem {
  readonly itemNo: number;
  readonly file: File;
  readonly email: string;
  readonly delivery: BatchDelivery;
  readonly name: string;
  readonly message: string;
}

/** A guest link for the office's own mail merge: made here, kept in this tab, saved as a file. */
export interface ExportLink {
  readonly itemNo: number;
  readonly email: string;
  readonly name: string;
  readonly fileName: string;
  readonly link: string;
}

export interface RunProgress {
  readonly done: number;
  readonly total: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Bytes per second over the last seconds; null until measurable. */
  readonly bytesPerSecond: number | null;
  readonly secondsLeft: number | null;
  /** The server or the connection failed and the runner is waiting to try again. */
  readonly retrying: boolean;
}

export interface RunHooks extends Pick<SendHooks, 'signal' | 'confirmKeyChange'> {
  readonly progress: (progress: RunProgress) => void;
}

export interface RunOutcome {
  readonly links: readonly ExportLink[];
  /** 'mail' items whose link Coffer could not mail (the share exists; the report shows them undelivered). */
  readonly mailFailed: readonly number[];
}

/**
 * Items in flight at once. Measured with scripts/bench-batch.ts (200 files of 150 KiB, a loaded
 * 2-core machine): 2 at once took 12.8 s (server peak RSS 110 MiB), 4 at once 10.0 s (129 MiB);
 * small files spend most of their time in round trips, which overlap. Large files stream, so
 * four of them do not hold more than four upload buffers.
 */
const CONCURRENCY = 4;
/** How long the runner keeps retrying one step while the server is away. */
const RETRY_WINDOW_MS = 10 * 60 * 1000;
const LOOKUP_CHUNK = 50;

/** A failure worth trying again: no answer, or the server (or a proxy before it) failing. */
function isRetryableFailure(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 0 || error.status >= 500 || error.status === 429;
  if (error instanceof EngineError) return error.code === 'network' || error.code === 'server';
  return error instanceof TypeError;
}

/**
 * An upload may also be lost or left unfinishable by a server restart in its middle (the part or
 * the completion it was sending never landed): it is ours and not yet in any share, so a fresh
 * upload of the same file is made instead.
 */
function isRetryableUpload(error: unknown): boolean {
  return (
    isRetryableFailure(error) ||
    (error instanceof EngineError && (error.code === 'upload_failed' || error.code === 'not_found'))
  );
}

/** Runs `step`, retrying retryable failures with backoff (0.5 s doubling to 10 s) for up to ten minutes. */
export function withRetry<T>(
  step: () => Promise<T>,
  signal: AbortSignal,
  onRetry: (retrying: boolean) => void = () => {},
  windowMs = RETRY_WINDOW_MS,
  retryable: (error: unknown) => boolean = isRetryableFailure,
): Promise<{ readonly value: T; readonly retried: boolean }> {
  return retryWithin(step, {
    signal,
    windowMs,
    again: retryable,
    onRetry,
    retryAfter: (error) => (error instanceof ApiError ? error.retryAfter : null),
  });
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export async function runBatch(
  engine: CryptoEngine,
  batch: { readonly batchId: string; readonly expiresAt: string },
  items: readonly BatchRunItem[],
  hooks: RunHooks,
): Promise<RunOutcome> {
  const { signal } = hooks;
  let retryingSteps = 0;
  const onRetry = (retrying: boolean): void => {
    retryingSteps += retrying ? 1 : -1;
    report();
  };
  const retry = <T>(step: () => Promise<T>): Promise<{ readonly value: T; readonly retried: boolean }> =>
    withRetry(step, signal, onRetry);

  // ---- the recipients: accounts with checked keys, contacts with their codes and languages
  const accountEmails = [...new Set(items.filter((i) => i.delivery === 'account').map((i) => i.email))];
  const accounts = new Map<string, { readonly userId: string }>();
  for (const chunk of chunks(accountEmails, LOOKUP_CHUNK)) {
    const { value } = await retry(() => lookupRecipients(chunk, { signal }));
    const found = value.recipients.flatMap((r) => (r.account ? [{ ...r.account, email: r.email }] : []));
    const unready = [
      ...found.filter((a) => a.certificate === undefined).map((a) => a.name || a.email),
      ...chunk.filter((email) => !found.some((a) => a.email === email)),
    ];
    if (unready.length > 0) throw new SendStopped('unapproved', unready);
    await checkKeysAndPins(engine, found, hooks);
    for (const a of found) accounts.set(a.email, { userId: a.userId });
  }
  // The office key is checked against the pins even with no account to seal to: guests' copies go to it too.
  if (accountEmails.length === 0) await checkKeysAndPins(engine, [], hooks);
  const { value: contactList } = await retry(() => listContacts({ q: '', organisation: null }, { signal }));
  const contacts = new Map(contactList.contacts.map((c) => [c.email.toLowerCase(), c]));

  // ---- progress
  const bytesTotal = items.reduce((sum, i) => sum + i.file.size, 0);
  let done = 0;
  let bytesFinished = 0;
  const inFlight = new Map<number, number>();
  const rate = new RateWindow(10_000);
  function report(): void {
    const moving = [...inFlight.values()].reduce((sum, n) => sum + n, 0);
    rate.add(Date.now(), bytesFinished + moving);
    const measured = figures(bytesFinished + moving, bytesTotal, rate.rate());
    hooks.progress({
      done,
      total: items.length,
      bytesDone: measured.done,
      bytesTotal,
      bytesPerSecond: measured.bytesPerSecond,
      secondsLeft: measured.secondsLeft,
      retrying: retryingSteps > 0,
    });
  }
  report();

  const links: ExportLink[] = [];
  const mailFailed: number[] = [];

  async function sendItem(item: BatchRunItem): Promise<void> {
    inFlight.set(item.itemNo, 0);
    const { value: uploaded } = await withRetry(
      () =>
        engine.call(
          'uploadFile',
          { file: item.file },
          {
            signal,
            onTransfer: (p) => {
              inFlight.set(item.itemNo, p.total > 0 ? Math.floor((item.file.size * p.done) / p.total) : 0);
              report();
            },
          },
        ),
      signal,
      onRetry,
      RETRY_WINDOW_MS,
      isRetryableUpload,
    );
    const forget = (): void => {
      void engine.call('forgetFiles', { fileIds: [uploaded.fileId] }).catch(() => undefined);
    };
    let shareMade = false;
    try {
      const contact = contacts.get(item.email);
      const account = accounts.get(item.email);
      const code = contact?.code;
      if (item.delivery === 'account' && !account) throw new SendStopped('unapproved', [item.name || item.email]);
      if (item.delivery === 'mail' && !(contact && code)) throw new SendStopped('untrusted', [item.name || item.email]);
      const sealed = await engine.call(
        'sealShare',
        batchItemShare(
          item,
          {
            fileId: uploaded.fileId,
            name: metadataName(item.file.name),
            type: item.file.type.slice(0, 255),
            lastModified: Math.max(0, Math.floor(item.file.lastModified || 0)),
          },
          { account, contact },
          batch.expiresAt,
        ),
      );
      const shareId = sealed.request.shareId;
      const { value: outcome } = await retry(
        itemShareStep({
          shareId,
          create: () => createShare({ ...sealed.request, batch: { batchId: batch.batchId, itemNo: item.itemNo } }),
          itemShare: async () =>
            (await getBatch(batch.batchId, { signal })).items.find((i) => i.itemNo === item.itemNo)?.shareId,
          taken: (error) => error instanceof ApiError && error.code === 'batch_item_taken',
        }),
      );
      shareMade = true;
      forget();
      if (outcome === 'taken') {
        void deleteUpload(uploaded.uploadId).catch(() => undefined);
        return;
      }
      const guest = sealed.guests[0];
      if (item.delivery === 'mail' && guest) {
        await retry(() => mailGuestLink(shareId, guest.recipientId, guest.fragment)).catch((error: unknown) => {
          if (signal.aborted) throw error;
          // The server records a link mail only once the mail server has it: an attempt cut off by a
          // restart that got that far answers `link_already_mailed` when tried again.
          if (error instanceof ApiError && error.code === 'link_already_mailed') return;
          mailFailed.push(item.itemNo);
        });
      } else if (item.delivery === 'export' && guest) {
        links.push({
          itemNo: item.itemNo,
          email: item.email,
          name: item.name,
          fileName: item.file.name,
          link: guestLink(location.origin, guest.linkId, guest.fragment),
        });
      }
    } catch (error) {
      if (!shareMade) {
        forget();
        void deleteUpload(uploaded.uploadId).catch(() => undefined);
      }
      throw error;
    } finally {
      inFlight.delete(item.itemNo);
      bytesFinished += item.file.size;
      done += 1;
      report();
    }
  }

  // ---- CONCURRENCY at a time; the first failure that is not retried stops the others
  const queue = [...items];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (;;) {
      if (signal.aborted) throw new Cancelled('cancelled');
      const next = queue.shift();
      if (!next) return;
      try {
        await sendItem(next);
      } catch (error) {
        queue.length = 0;
        throw error;
      }
    }
  });
  const results = await Promise.allSettled(workers);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  links.sort((a, b) => a.itemNo - b.itemNo);
  return { links, mailFailed };
}
