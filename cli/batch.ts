// `coffer batch --csv LIST.csv`: the browser's batch (client/src/features/batch, docs/protocol.md
// §14a and §27) from the same list, with the worker's operations in this process:
//
//   1. the list and its files (batch-list.ts), then the preview the browser shows, built by the
//      same code (shared/batch/preview.ts): per item how its recipient gets it, and every flag.
//      A blocking flag stops here, nothing made (exit 1; 3 for an account not approved yet);
//   2. a confirmation (--yes, or y/j at a terminal; without a terminal and --yes: exit 1);
//   3. the accounts' keys checked as `coffer send` checks them (send.ts checkAccounts): a changed
//      key stops everything (exit 3) before the batch is made or anything uploaded;
//   4. the plan sealed to the user's own key (worker operation sealBatchPlan) and the batch made
//      with its items (addresses and deliveries only);
//   5. four items at a time, each its own share to its one recipient with `batch: {batchId,
//      itemNo}`; network failures and 5xx answers are retried with backoff for up to ten minutes;
//      an item that has its share already is done (shared/batch/item-share.ts: after a lost
//      answer the retry first asks the server's item, so our own create that landed counts as ours);
//   6. a 'mail' item's link is mailed by Coffer (a contact with a standing access code); an
//      'export' item's link goes to --links FILE.csv (made 0600, never overwritten) or stdout, and
//      the items are then marked exported, as the browser marks them when its export is saved;
//   7. the report, from the server's items.
//
// `--resume BATCH` continues a batch that stopped: the sealed plan is opened and must be exactly
// the server's items (shared/batch/resume.ts; an address or delivery that differs stops
// everything, exit 3), the list's files are matched to the plan by name and size, a share made
// but never delivered is withdrawn and made again (this run does not hold its link), the rest
// is sent as above.
import { openAsBlob } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { idToWire, newId } from '../shared/crypto/index.js';
import { toCsv } from '../shared/batch/csv.js';
import { itemRedoStep, itemShareStep } from '../shared/batch/item-share.js';
import {
  addresseesOf,
  assignFromList,
  buildPreview,
  isBlocking,
  lookedUpAccounts,
  type Preview,
  type PreviewFlag,
} from '../shared/batch/preview.js';
import { matchFiles, planMatchesServer } from '../shared/batch/resume.js';
import { BatchCreateResponse, BatchDetail, type BatchDelivery } from '../shared/wire/batches.js';
import { ClientList } from '../shared/wire/clients.js';
import { ContactList, type Contact } from '../shared/wire/contacts.js';
import { MAX_SHARE_RECIPIENTS, RecipientLookupResponse, ShareCreateResponse } from '../shared/wire/shares.js';
import { MAX_MESSAGE_CHARACTERS } from '../client/src/crypto/protocol.js';
import { batchItemShare } from '../client/src/crypto/protocol/batches.js';
import { WorkerError } from '../client/src/crypto/operations/errors.js';
import { RateWindow } from '../client/src/crypto/rate.js';
import { HttpFailure, isRetryable, retryWithin } from '../client/src/crypto/transport.js';
import type { BatchList, ListedFile } from './batch-list.js';
import { asCliError, CliError, EXIT, type ExitCode } from './errors.js';
import type { Io } from './io.js';
import type { Messages } from './messages.js';
import { checkAccounts, guestLink, mailLink, type FoundAccount } from './send.js';
import type { Session } from './session.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Items in flight at once, as the browser's runner (measured there with scripts/bench-batch.ts). */
const CONCURRENCY = 4;
/** How long one step is retried while the server is away, as in the browser. */
const RETRY_WINDOW_MS = 10 * 60 * 1000;

export interface BatchOptions {
  readonly resume: string | null;
  readonly expiresDays: number;
  readonly message: string;
  readonly remindDays: number | null;
  readonly links: string | null;
  readonly yes: boolean;
}

interface RunItem {
  readonly itemNo: number;
  readonly file: ListedFile;
  readonly email: string;
  readonly delivery: BatchDelivery;
  readonly name: string;
  readonly message: string;
}

interface ReportedItem {
  readonly itemNo: number;
  /** The list's line (a new batch). */
  readonly line?: number;
  readonly file: string;
  readonly email: string;
  readonly delivery: BatchDelivery;
  readonly state: BatchDetail['items'][number]['state'];
  readonly shareId?: string;
  /** An 'export' item's link, when no --links file holds it. */
  readonly link?: string;
}

export interface BatchOutcome {
  readonly batchId: string;
  readonly expiresAt: string;
  readonly preview?: readonly {
    readonly line: number;
    readonly file: string;
    readonly email: string;
    readonly delivery: BatchDelivery;
    readonly flags: readonly PreviewFlag[];
  }[];
  readonly items: readonly ReportedItem[];
  readonly linksFile: string | null;
  /** 'mail' items whose link Coffer could not mail (their share exists; resume to mail it). */
  readonly mailFailed: readonly number[];
}

const FLAG_TEXT = {
  unknownAddress: 'flagUnknownAddress',
  duplicateAddress: 'flagDuplicateAddress',
  copiedLink: 'flagCopiedLink',
  fileTwice: 'flagFileTwice',
  notReady: 'flagNotReady',
  missingFile: 'flagMissingFile',
  sameName: 'flagSameName',
  ambiguous: 'flagAmbiguous',
} as const satisfies Record<PreviewFlag, keyof Messages>;

function deliveryText(m: Messages, delivery: BatchDelivery): string {
  return delivery === 'account' ? m.deliveryAccount : delivery === 'mail' ? m.deliveryMail : m.deliveryExport;
}

/** Worth another try: no answer or a failing server (transport.ts isRetryable), or the same from the worker. */
function retryable(error: unknown): boolean {
  return isRetryable(error) || (error instanceof WorkerError && (error.code === 'network' || error.code === 'server'));
}

/** An upload a restarting server lost or could not finish is in no share yet: a fresh one is made. */
function retryableUpload(error: unknown): boolean {
  return (
    retryable(error) || (error instanceof WorkerError && (error.code === 'upload_failed' || error.code === 'not_found'))
  );
}

/** Runs `step`, retrying with the transfer engines' backoff while `again` says so, for up to ten minutes. */
async function retried<T>(step: () => Promise<T>, signal: AbortSignal, again = retryable): Promise<T> {
  return (await retryWithin(step, { signal, windowMs: RETRY_WINDOW_MS, again })).value;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function lookUp(session: Session, emails: readonly string[]): Promise<RecipientLookupResponse['recipients']> {
  const found: RecipientLookupResponse['recipients'] = [];
  for (const chunk of chunks(emails, MAX_SHARE_RECIPIENTS)) {
    const { recipients } = await session.api.post(
      '/api/v1/recipients/lookup',
      { emails: chunk },
      RecipientLookupResponse,
    );
    found.push(...recipients);
  }
  return found;
}

/** The accounts the items go to, approved and with their keys checked (nothing is made otherwise). */
async function checkedAccounts(
  session: Session,
  io: Io,
  items: readonly { readonly email: string; readonly delivery: BatchDelivery }[],
): Promise<Map<string, FoundAccount>> {
  const emails = [...new Set(items.filter((i) => i.delivery === 'account').map((i) => i.email))];
  const found = (await lookUp(session, emails)).flatMap((r) => (r.account ? [{ ...r.account, email: r.email }] : []));
  const unready = [
    ...found.filter((a) => a.certificate === undefined).map((a) => a.email),
    ...emails.filter((email) => !found.some((a) => a.email === email)),
  ];
  if (unready.length > 0) throw new CliError(EXIT.refused, 'unapproved', io.m.unapproved(unready.join(', ')));
  // With no account at all the office key is still checked against the pins: guests' copies go to it too.
  await checkAccounts(session, io, found);
  return new Map(found.map((a) => [a.email, a]));
}

async function confirmed(io: Io, options: BatchOptions, count: number): Promise<void> {
  if (options.yes) return;
  const yes = await io.confirm(io.m.batchConfirm(count)).catch(() => {
    throw new CliError(EXIT.usage, 'not_confirmed', io.m.batchNeedsYes);
  });
  if (!yes) throw new CliError(EXIT.usage, 'not_confirmed', io.m.batchNotConfirmed);
}

/** The preview as --json gives it: per item its line in the list, file, address, delivery and flags. */
function previewRows(list: BatchList, preview: Preview): NonNullable<BatchOutcome['preview']> {
  return preview.items.map((item, index) => ({
    line: list.rows[index]?.line ?? 0,
    file: item.fileName,
    email: item.email,
    delivery: item.delivery,
    flags: item.flags,
  }));
}

/** The preview on stderr (in --json it goes into the answer, also when blocked); a blocking flag stops here. */
function showPreview(io: Io, list: BatchList, preview: Preview): void {
  const { m } = io;
  const lineOf = (index: number): number => list.rows[index]?.line ?? 0;
  if (!io.json) {
    const count = (delivery: BatchDelivery): number => preview.items.filter((i) => i.delivery === delivery).length;
    io.warn(m.batchPreview(preview.items.length, count('account'), count('mail'), count('export')));
    for (const [index, item] of preview.items.entries()) {
      const to = item.name !== '' ? `${item.name} <${item.email}>` : item.email;
      const notes = item.flags.map((flag) => m[FLAG_TEXT[flag]]);
      io.warn(
        m.batchPreviewItem(lineOf(index), item.fileName, to, [deliveryText(m, item.delivery), ...notes].join('; ')),
      );
    }
  }
  if (!preview.blocked) return;
  const lines = preview.items.flatMap((item, index) => (item.flags.some(isBlocking) ? [lineOf(index)] : []));
  const unready = preview.items.some((item) => item.flags.includes('notReady'));
  throw new CliError(
    unready ? EXIT.refused : EXIT.usage,
    unready ? 'unapproved' : 'batch_blocked',
    m.batchBlocked(lines.join(', ')),
    { preview: previewRows(list, preview) },
  );
}

interface Made {
  readonly batchId: string;
  readonly expiresAt: string;
  readonly items: readonly RunItem[];
  readonly accounts: ReadonlyMap<string, FoundAccount>;
  readonly lines: ReadonlyMap<number, number>;
  /** Every item's file name (the plan's, on resume), for the report. */
  readonly fileNames: ReadonlyMap<number, string>;
  readonly preview?: BatchOutcome['preview'];
}

/** A new batch: preview, confirmation, keys, plan and batch. */
async function makeBatch(session: Session, io: Io, list: BatchList, options: BatchOptions): Promise<Made> {
  const [contacts, clients] = await Promise.all([
    session.api.get('/api/v1/contacts', ContactList),
    session.api.get('/api/v1/clients', ClientList),
  ]);
  const people = addresseesOf(contacts.contacts, clients.clients);
  const known = new Set(people.map((p) => p.email));
  const unknown = [...new Set(list.rows.map((r) => r.email))].filter((email) => !known.has(email));
  people.push(...lookedUpAccounts(unknown.length === 0 ? [] : await lookUp(session, unknown)));

  const listed = [...list.files.entries()];
  const chosen = listed.map(([name, file]) => ({ name, size: file.size }));
  const preview = buildPreview(chosen, assignFromList(list.rows, chosen), people);
  showPreview(io, list, preview);
  await confirmed(io, options, preview.items.length);

  const items = preview.items.map((item, itemNo): RunItem => {
    const [, file] = listed[item.fileIndex ?? -1] as [string, ListedFile];
    return {
      itemNo,
      file,
      email: item.email,
      delivery: item.delivery,
      name: item.name.slice(0, 200),
      message: (item.message !== '' ? item.message : options.message.trim()).slice(0, MAX_MESSAGE_CHARACTERS),
    };
  });
  const accounts = await checkedAccounts(session, io, items);

  const batchId = idToWire(newId());
  const expiresAt = new Date(Date.now() + options.expiresDays * DAY_MS).toISOString();
  const { sealedPlan } = await session.call('sealBatchPlan', {
    batchId,
    items: items.map((item) => ({
      itemNo: item.itemNo,
      fileName: item.file.name,
      size: item.file.size,
      lastModified: item.file.lastModified,
      email: item.email,
      delivery: item.delivery,
      name: item.name,
      message: item.message,
    })),
  });
  await session.api.post(
    '/api/v1/batches',
    {
      batchId,
      expiresAt,
      ...(options.remindDays !== null ? { reminderDays: options.remindDays } : {}),
      sealedPlan,
      items: items.map((item) => ({ itemNo: item.itemNo, email: item.email, delivery: item.delivery })),
    },
    BatchCreateResponse,
  );
  io.say(io.m.batchCreated(batchId));
  return {
    batchId,
    expiresAt,
    items,
    accounts,
    lines: new Map(preview.items.map((_, index) => [index, list.rows[index]?.line ?? 0])),
    fileNames: new Map(items.map((item) => [item.itemNo, item.file.name])),
    preview: previewRows(list, preview),
  };
}

const batchPath = (batchId: string): string => `/api/v1/batches/${encodeURIComponent(batchId)}`;

/** A batch that stopped: its plan checked against the server's items before anything is sent. */
async function resumeBatch(
  session: Session,
  io: Io,
  list: BatchList,
  options: BatchOptions,
  batchId: string,
): Promise<Made> {
  const { m } = io;
  const detail = await session.api.get(batchPath(batchId), BatchDetail);
  const { items: plan } = await session.call('openBatchPlan', { batchId, sealedPlan: detail.sealedPlan });
  if (!planMatchesServer(plan, detail.items)) throw new CliError(EXIT.refused, 'plan_mismatch', m.planMismatch);
  if (detail.state !== 'running') throw new CliError(EXIT.usage, 'batch_not_running', m.batchNotRunning);

  const open = new Set(detail.items.filter((i) => i.state === 'pending' || i.state === 'created').map((i) => i.itemNo));
  const { found, missing } = matchFiles(
    plan.filter((entry) => open.has(entry.itemNo)),
    [...list.files.values()],
  );
  if (missing.length > 0)
    throw new CliError(EXIT.usage, 'files_missing', m.resumeMissing(missing.map((e) => e.fileName).join(', ')));
  const items = plan.flatMap((entry): RunItem[] => {
    const file = found.get(entry.itemNo);
    return file ? [{ ...entry, file }] : [];
  });
  await confirmed(io, options, items.length);
  const accounts = await checkedAccounts(session, io, items);

  // A made-but-undelivered share's link is not held here: withdraw it and make it again.
  const signal = new AbortController().signal;
  for (const item of detail.items.filter((i) => i.state === 'created'))
    await retried(
      itemRedoStep({
        redo: () => session.api.act(`${batchPath(batchId)}/items/${item.itemNo}/redo`, {}),
        itemState: async () =>
          (await session.api.get(batchPath(batchId), BatchDetail)).items.find((i) => i.itemNo === item.itemNo)?.state,
      }),
      signal,
    );
  return {
    batchId,
    expiresAt: detail.expiresAt,
    items,
    accounts,
    lines: new Map(),
    fileNames: new Map(plan.map((entry) => [entry.itemNo, entry.fileName])),
  };
}

interface ExportLink {
  readonly itemNo: number;
  readonly email: string;
  readonly name: string;
  readonly fileName: string;
  readonly link: string;
}

/** Every item's share, CONCURRENCY at a time; the first failure that is not retried stops the rest. */
async function runItems(
  session: Session,
  io: Io,
  made: Made,
): Promise<{ readonly links: ExportLink[]; readonly mailFailed: number[] }> {
  const { m } = io;
  const controller = new AbortController();
  const { signal } = controller;
  const contacts = new Map<string, Contact>(
    made.items.some((i) => i.delivery !== 'account')
      ? (await session.api.get('/api/v1/contacts', ContactList)).contacts.map((c) => [c.email.toLowerCase(), c])
      : [],
  );

  const rate = new RateWindow(10_000);
  let done = 0;
  let bytesFinished = 0;
  const inFlight = new Map<number, number>();
  const report = (): void => {
    const moving = [...inFlight.values()].reduce((sum, n) => sum + n, 0);
    rate.add(Date.now(), bytesFinished + moving);
    const speed = ((rate.rate() ?? 0) / (1024 * 1024)).toFixed(1);
    io.progress(m.batchProgress(done, made.items.length, speed));
  };

  const links: ExportLink[] = [];
  const mailFailed: number[] = [];

  async function sendItem(item: RunItem): Promise<void> {
    inFlight.set(item.itemNo, 0);
    const uploaded = await retried(
      async () =>
        session.call('uploadFile', { file: await openAsBlob(item.file.path) }, (progress) => {
          inFlight.set(
            item.itemNo,
            progress.total > 0 ? Math.floor((item.file.size * progress.done) / progress.total) : 0,
          );
          report();
        }),
      signal,
      retryableUpload,
    );
    let shareMade = false;
    try {
      const contact = contacts.get(item.email);
      const code = contact?.code;
      const account = made.accounts.get(item.email);
      if (item.delivery === 'account' && !account)
        throw new CliError(EXIT.refused, 'unapproved', m.unapproved(item.email));
      if (item.delivery === 'mail' && !(contact && code))
        throw new CliError(EXIT.refused, 'no_standing_code', m.batchNoStandingCode(item.email));
      const sealed = await session.call(
        'sealShare',
        batchItemShare(
          item,
          { fileId: uploaded.fileId, name: item.file.name, type: '', lastModified: item.file.lastModified },
          { account, contact, lang: io.lang },
          made.expiresAt,
        ),
      );
      const shareId = sealed.request.shareId;
      const ours =
        (await retried(
          itemShareStep({
            shareId,
            create: () =>
              session.api.post(
                '/api/v1/shares',
                { ...sealed.request, batch: { batchId: made.batchId, itemNo: item.itemNo } },
                ShareCreateResponse,
              ),
            itemShare: async () =>
              (await session.api.get(batchPath(made.batchId), BatchDetail)).items.find((i) => i.itemNo === item.itemNo)
                ?.shareId,
            taken: (error) => error instanceof HttpFailure && error.code === 'batch_item_taken',
          }),
          signal,
        )) === 'ours';
      shareMade = true;
      await session.call('forgetFiles', { fileIds: [uploaded.fileId] });
      if (!ours) {
        await session.api.transport.deleteUpload(uploaded.uploadId);
        return;
      }
      const guest = sealed.guests[0];
      if (item.delivery === 'mail' && guest) {
        await retried(() => mailLink(session, shareId, guest.recipientId, guest.fragment), signal).catch(
          (error: unknown) => {
            // Recorded only once the mail server has it, so this answer to a retry means it went out.
            if (error instanceof HttpFailure && error.code === 'link_already_mailed') return;
            mailFailed.push(item.itemNo);
          },
        );
      } else if (item.delivery === 'export' && guest) {
        links.push({
          itemNo: item.itemNo,
          email: item.email,
          name: item.name,
          fileName: item.file.name,
          link: guestLink(session, guest.linkId, guest.fragment),
        });
      }
    } catch (error) {
      if (!shareMade) {
        await session.call('forgetFiles', { fileIds: [uploaded.fileId] }).catch(() => undefined);
        await session.api.transport.deleteUpload(uploaded.uploadId);
      }
      throw error;
    } finally {
      inFlight.delete(item.itemNo);
      bytesFinished += item.file.size;
      done += 1;
      report();
    }
  }

  report();
  const queue = [...made.items];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      try {
        await sendItem(next);
      } catch (error) {
        queue.length = 0;
        throw error;
      }
    }
  });
  const failed = (await Promise.allSettled(workers)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  controller.abort();
  if (failed) throw failed.reason;
  links.sort((a, b) => a.itemNo - b.itemNo);
  return { links, mailFailed };
}

/** The export links: into the --links file (0600, never over an existing file) or on stdout; then marked exported. */
async function handOver(
  session: Session,
  io: Io,
  made: Made,
  links: readonly ExportLink[],
  linksFile: string | null,
): Promise<void> {
  const { m } = io;
  if (links.length === 0) return;
  if (linksFile !== null) {
    const header = [m.batchCsvEmail, m.batchCsvName, m.batchCsvFile, m.batchCsvLink];
    const rows = links.map((l) => [l.email, l.name, l.fileName, l.link]);
    await writeFile(linksFile, toCsv([header, ...rows], io.lang), { flag: 'wx', mode: 0o600 }).catch(
      (error: unknown) => {
        throw (error as { code?: string }).code === 'EEXIST'
          ? new CliError(EXIT.usage, 'links_file_exists', m.linksFileExists(linksFile))
          : new CliError(EXIT.usage, 'links_file_unwritable', m.notWritable(linksFile));
      },
    );
    io.say(m.batchLinksWritten(links.length, linksFile));
  } else {
    io.say(m.batchLinksPrinted(links.length));
    for (const l of links) io.say(`  ${l.email}\t${l.fileName}\t${l.link}`);
  }
  await retried(
    () => session.api.act(`${batchPath(made.batchId)}/exported`, { itemNos: links.map((l) => l.itemNo) }),
    new AbortController().signal,
  );
}

export async function batch(
  session: Session,
  io: Io,
  list: BatchList,
  options: BatchOptions,
): Promise<{ readonly outcome: BatchOutcome; readonly exit: ExitCode }> {
  const { m } = io;
  const made =
    options.resume === null
      ? await makeBatch(session, io, list, options)
      : await resumeBatch(session, io, list, options, options.resume);
  let ran: Awaited<ReturnType<typeof runItems>>;
  let detail: BatchDetail;
  try {
    ran = await runItems(session, io, made);
    await handOver(session, io, made, ran.links, options.links);
    detail = await session.api.get(batchPath(made.batchId), BatchDetail);
  } catch (error) {
    // The batch exists: whatever stopped it, say how to finish it (also in --json, for scripts).
    const failure = asCliError(error, m);
    throw new CliError(failure.exit, failure.code, `${failure.text} ${m.batchResume(made.batchId)}`);
  }
  const { links, mailFailed } = ran;
  const linkOf = new Map(links.map((l) => [l.itemNo, l.link]));
  const items = detail.items.map((item): ReportedItem => {
    const line = made.lines.get(item.itemNo);
    const link = options.links === null ? linkOf.get(item.itemNo) : undefined;
    return {
      itemNo: item.itemNo,
      ...(line !== undefined ? { line } : {}),
      file: made.fileNames.get(item.itemNo) ?? '',
      email: item.email,
      delivery: item.delivery,
      state: item.state,
      ...(item.shareId !== undefined ? { shareId: item.shareId } : {}),
      ...(link !== undefined ? { link } : {}),
    };
  });
  for (const item of items) {
    if (item.state === 'delivered') io.say(`${item.email}: ${item.file}: ${deliveryText(m, item.delivery)}`);
    else if (mailFailed.includes(item.itemNo)) io.warn(m.batchMailFailed(item.email));
    else io.warn(`${item.email}: ${item.file}: ${m.batchItemOpen}`);
  }
  const delivered = items.filter((i) => i.state === 'delivered').length;
  io.say(m.batchReport(delivered, items.length));
  return {
    outcome: {
      batchId: made.batchId,
      expiresAt: made.expiresAt,
      ...(made.preview ? { preview: made.preview } : {}),
      items,
      linksFile: options.links,
      mailFailed,
    },
    exit: delivered === items.length ? EXIT.ok : EXIT.network,
  };
}
