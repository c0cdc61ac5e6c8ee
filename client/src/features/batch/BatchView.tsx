// One batch, as its sender sees it (/app/batches/:batchId, and the send-many page once the batch
// exists): the sealed plan opened in the worker and checked against the server's items (a server
// that changed an address or a delivery stops everything here), the run with its progress and a
// Cancel, the export of links for the office's own mail merge (made in this tab, never sent to the
// server), and the report with a CSV download. A batch left unfinished (a closed tab, a stopped
// run) is continued here: the person chooses the same files again, items whose undelivered share
// this tab cannot deliver are withdrawn and made again, and the rest are sent. Nothing is sent
// twice: the server refuses a second share for an item.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { cancelBatch, getBatch, markExported, redoItem, type BatchDetail } from '../../api/batches';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import type { BatchPlanEntry } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { useCancellable } from '../../ui/cancel';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatDateTime } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { TransferBar } from '../../ui/TransferBar';
import { useLeaveGuard } from '../send/leave-guard';
import { useKeyChangeConfirm } from '../send/KeyChangedDialog';
import { SendStopped } from '../send/send-flow';
import { saveBlob } from '../transfer/save';
import { runBatch, withRetry, type ExportLink, type RunProgress } from './batch-runner';
import { toCsv } from '../../../../shared/batch/csv.js';
import { itemRedoStep } from '../../../../shared/batch/item-share.js';
import { matchFiles, planMatchesServer } from '../../../../shared/batch/resume.js';

interface Loaded {
  readonly detail: BatchDetail;
  readonly plan: readonly BatchPlanEntry[];
}

const STATE_KEYS: Record<BatchDetail['items'][number]['state'], MessageKey> = {
  pending: 'batch.item.pending',
  created: 'batch.item.created',
  delivered: 'batch.item.delivered',
  cancelled: 'batch.item.cancelled',
};

const DELIVERY_KEYS: Record<BatchPlanEntry['delivery'], MessageKey> = {
  account: 'batch.delivery.account',
  mail: 'batch.delivery.mail',
  export: 'batch.delivery.export',
};

/** The plan is the server's list only if it opens for this batch and matches every item. */
class PlanMismatch extends Error {
  override readonly name = 'PlanMismatch';
}

export function BatchView({
  info,
  batchId,
  handoff,
}: {
  readonly info: SessionInfo;
  readonly batchId: string;
  /** The files of a batch just made on the send-many page: the run starts at once. */
  readonly handoff?: ReadonlyMap<number, File>;
}): JSX.Element {
  const { t, locale, lang } = useI18n();
  const engine = useEngine();
  const keyChange = useKeyChangeConfirm();
  const transfer = useCancellable();
  const [progress, setProgress] = useState<RunProgress | null>(null);
  const [links, setLinks] = useState<readonly ExportLink[]>([]);
  const [exported, setExported] = useState(false);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [missing, setMissing] = useState<readonly BatchPlanEntry[]>([]);
  const handedOver = useRef(false);
  useLeaveGuard(progress !== null || (links.length > 0 && !exported));

  const fail = (text: string): void => setProblem((p) => ({ text, n: (p?.n ?? 0) + 1 }));

  const load = useLoad<Loaded>(
    async (signal) => {
      const detail = await getBatch(batchId, { signal });
      const opened = await engine.call('openBatchPlan', { batchId, sealedPlan: detail.sealedPlan });
      if (!planMatchesServer(opened.items, detail.items)) throw new PlanMismatch();
      return { detail, plan: opened.items };
    },
    [batchId],
    {
      onLoad: (loaded) => {
        if (handoff && !handedOver.current) {
          handedOver.current = true;
          void run(loaded, handoff);
        }
      },
    },
  );

  const run = async (loaded: Loaded, files: ReadonlyMap<number, File>): Promise<void> => {
    const signal = transfer.begin();
    if (!signal) return;
    setProblem(null);
    setStatus('');
    try {
      // A made-but-undelivered share whose link this tab does not hold cannot be delivered: withdraw it, make it again.
      const held = new Set(links.map((l) => l.itemNo));
      const stale = loaded.detail.items.filter((i) => i.state === 'created' && !held.has(i.itemNo));
      for (const item of stale)
        await withRetry(
          itemRedoStep({
            redo: () => redoItem(batchId, item.itemNo),
            itemState: async () =>
              (await getBatch(batchId, { signal })).items.find((i) => i.itemNo === item.itemNo)?.state,
          }),
          signal,
        );
      const todo = new Set([
        ...loaded.detail.items.filter((i) => i.state === 'pending').map((i) => i.itemNo),
        ...stale.map((i) => i.itemNo),
      ]);
      const items = loaded.plan.flatMap((entry) => {
        const file = files.get(entry.itemNo);
        return todo.has(entry.itemNo) && file
          ? [
              {
                itemNo: entry.itemNo,
                file,
                email: entry.email,
                delivery: entry.delivery,
                name: entry.name,
                message: entry.message,
              },
            ]
          : [];
      });
      setProgress({
        done: 0,
        total: items.length,
        bytesDone: 0,
        bytesTotal: 0,
        bytesPerSecond: null,
        secondsLeft: null,
        retrying: false,
      });
      const outcome = await runBatch(engine, { batchId, expiresAt: loaded.detail.expiresAt }, items, {
        signal,
        confirmKeyChange: keyChange.confirm,
        progress: setProgress,
      });
      setLinks((previous) => [...previous.filter((l) => !todo.has(l.itemNo)), ...outcome.links]);
      if (outcome.mailFailed.length > 0) fail(t('batch.run.mailFailed', { n: outcome.mailFailed.length }));
      setStatus(t('batch.run.done'));
    } catch (error) {
      if (signal.aborted || (error instanceof EngineError && error.code === 'cancelled')) {
        setStatus(t('batch.run.stopped'));
      } else if (error instanceof SendStopped) {
        fail(
          t(error.reason === 'refused' ? 'send.error.refused' : 'batch.run.unready', { names: error.names.join(', ') }),
        );
      } else fail(errorMessage(t, error));
    } finally {
      transfer.end();
      setProgress(null);
      void load.reload();
    }
  };

  const chooseAgain = (loaded: Loaded, list: FileList | null): void => {
    if (!list) return;
    const held = new Set(links.map((l) => l.itemNo));
    const needed = loaded.plan.filter((entry) => {
      const state = loaded.detail.items.find((i) => i.itemNo === entry.itemNo)?.state;
      return state === 'pending' || (state === 'created' && !held.has(entry.itemNo));
    });
    const { found, missing: notFound } = matchFiles(needed, [...list]);
    setMissing(notFound);
    if (notFound.length === 0) void run(loaded, found);
  };

  const saveLinks = async (): Promise<void> => {
    const rows = links.map((l) => [l.email, l.name, l.fileName, l.link]);
    saveBlob(
      new Blob([
        toCsv([[t('batch.csv.email'), t('batch.csv.name'), t('batch.csv.file'), t('batch.csv.link')], ...rows], lang),
      ]),
      `coffer-links-${batchId.slice(0, 8)}.csv`,
    );
    try {
      await markExported(
        batchId,
        links.map((l) => l.itemNo),
      );
      setExported(true);
      setStatus(t('batch.export.done', { n: links.length }));
      void load.reload();
    } catch (error) {
      fail(errorMessage(t, error));
    }
  };

  const saveReport = (loaded: Loaded): void => {
    const names = new Map(loaded.plan.map((p) => [p.itemNo, p]));
    const rows = loaded.detail.items.map((item) => [
      item.itemNo + 1,
      names.get(item.itemNo)?.fileName ?? '',
      item.email,
      item.name ?? names.get(item.itemNo)?.name ?? '',
      t(DELIVERY_KEYS[item.delivery]),
      t(STATE_KEYS[item.state]),
      item.deliveredAt ?? '',
      item.codeRequestedAt ?? '',
      item.firstDownloadAt ?? '',
      item.downloads,
    ]);
    const header = [
      t('batch.csv.number'),
      t('batch.csv.file'),
      t('batch.csv.email'),
      t('batch.csv.name'),
      t('batch.csv.delivery'),
      t('batch.csv.state'),
      t('batch.csv.delivered'),
      t('batch.csv.codeRequested'),
      t('batch.csv.downloaded'),
      t('batch.csv.downloads'),
    ];
    saveBlob(new Blob([toCsv([header, ...rows], lang)]), `coffer-report-${batchId.slice(0, 8)}.csv`);
  };

  const cancel = async (): Promise<void> => {
    transfer.cancel();
    try {
      await cancelBatch(batchId);
    } catch (error) {
      // The answer may have been lost after the server cancelled (docs/protocol.md, batches):
      // a batch that now reads as cancelled is, and another click would only be refused.
      const cancelled = await getBatch(batchId).then(
        (detail) => detail.state === 'cancelled',
        () => false,
      );
      if (!cancelled) {
        fail(errorMessage(t, error));
        return;
      }
    }
    setStatus(t('batch.cancel.done'));
    void load.reload();
  };

  const heading = <PageHeading>{t('batch.view.title')}</PageHeading>;
  if (load.error) {
    const text =
      load.error instanceof PlanMismatch
        ? t('batch.view.mismatch')
        : load.error instanceof EngineError && load.error.code === 'plan_invalid'
          ? t('engine.error.planInvalid')
          : errorMessage(t, load.error);
    return (
      <section data-testid="batch-view" data-state="refused">
        {heading}
        <ErrorAlert testid="batch-refused">
          <p>{text}</p>
        </ErrorAlert>
      </section>
    );
  }
  const loaded = load.data;
  if (!loaded)
    return (
      <section data-testid="batch-view" data-state="loading">
        {heading}
        <Progress text={t('app.loading')} testid="batch-loading" />
      </section>
    );

  const { detail, plan } = loaded;
  const delivered = detail.items.filter((i) => i.state === 'delivered').length;
  const downloaded = detail.items.filter((i) => i.firstDownloadAt !== null).length;
  const running = progress !== null;
  // Items still to send from here: pending ones, and made ones whose link this tab does not hold.
  const held = new Set(links.map((l) => l.itemNo));
  const open = detail.items.filter(
    (i) => i.state === 'pending' || (i.state === 'created' && !held.has(i.itemNo)),
  ).length;
  const unsaved = links.length > 0 && !exported;
  const byNo = new Map(plan.map((p) => [p.itemNo, p]));

  return (
    <section
      data-testid="batch-view"
      data-state={detail.state}
      data-run={running ? 'active' : 'idle'}
      data-batch-id={batchId}
    >
      {heading}
      <p class="lead" data-testid="batch-summary">
        {t('batch.view.summary', {
          n: detail.items.length,
          delivered,
          downloaded,
          date: formatDateTime(locale, detail.createdAt),
        })}
      </p>
      {problem && (
        <ErrorAlert testid="batch-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="batch-status" />

      {running && (
        <div class="panel" data-testid="batch-progress">
          <TransferBar
            label={t('batch.run.files', { n: progress.total, done: progress.done })}
            progress={{
              phase: progress.retrying ? 'retrying' : 'uploading',
              done: progress.bytesDone,
              total: progress.bytesTotal,
              percent: progress.bytesTotal > 0 ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100) : 0,
              bytesPerSecond: progress.bytesPerSecond,
              secondsLeft: progress.secondsLeft,
            }}
            onCancel={() => transfer.cancel()}
            testid="batch-overall"
          />
        </div>
      )}

      {unsaved && (
        <Notice tone="warning" testid="batch-export">
          <p>{t('batch.export.intro', { n: links.length, office: info.office.name })}</p>
          <button type="button" class="button" onClick={() => void saveLinks()} data-testid="batch-export-save">
            {t('batch.export.save')}
          </button>
        </Notice>
      )}

      {!running && detail.state === 'running' && open > 0 && (
        <div class="panel form" data-testid="batch-resume">
          <h2 class="section-heading">{t('batch.resume.heading')}</h2>
          <p>{t('batch.resume.intro', { n: open })}</p>
          <label class="field__label" for="batch-resume-files">
            {t('batch.resume.choose')}
          </label>
          <input
            id="batch-resume-files"
            type="file"
            multiple
            class="field__input"
            onChange={(event) => chooseAgain(loaded, event.currentTarget.files)}
            data-testid="batch-resume-files"
          />
          {missing.length > 0 && (
            <Notice tone="warning" testid="batch-resume-missing">
              <p>{t('batch.resume.missing', { n: missing.length })}</p>
              <ul>
                {missing.slice(0, 20).map((m) => (
                  <li key={m.itemNo} translate={false}>
                    {m.fileName}
                  </li>
                ))}
              </ul>
            </Notice>
          )}
          <div class="button-row">
            <button
              type="button"
              class="button button--secondary"
              onClick={() => void cancel()}
              data-testid="batch-cancel"
            >
              {t('batch.cancel')}
            </button>
          </div>
        </div>
      )}

      <h2 class="section-heading">{t('batch.report.heading')}</h2>
      <div class="button-row">
        <button
          type="button"
          class="button button--secondary"
          onClick={() => saveReport(loaded)}
          data-testid="batch-report-save"
        >
          {t('batch.report.save')}
        </button>
      </div>
      <table class="table table--stack" data-testid="batch-report">
        <caption class="visually-hidden">{t('batch.report.heading')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('batch.col.file')}</th>
            <th scope="col">{t('batch.col.recipient')}</th>
            <th scope="col">{t('batch.col.how')}</th>
            <th scope="col">{t('batch.col.state')}</th>
            <th scope="col">{t('batch.col.downloaded')}</th>
          </tr>
        </thead>
        <tbody>
          {detail.items.map((item) => {
            const entry = byNo.get(item.itemNo);
            return (
              <tr
                key={item.itemNo}
                data-testid="batch-report-row"
                data-item={item.itemNo}
                data-state={item.state}
                data-email={item.email}
              >
                <td data-label={t('batch.col.file')} translate={false}>
                  {entry?.fileName}
                </td>
                <td data-label={t('batch.col.recipient')}>
                  {item.name ?? entry?.name ?? ''} <span class="address-note">{item.email}</span>
                </td>
                <td data-label={t('batch.col.how')}>{t(DELIVERY_KEYS[item.delivery])}</td>
                <td data-label={t('batch.col.state')}>
                  {t(STATE_KEYS[item.state])}
                  {item.codeRequestedAt !== null && ` · ${t('batch.item.codeRequested')}`}
                </td>
                <td data-label={t('batch.col.downloaded')}>
                  {item.firstDownloadAt !== null ? formatDateTime(locale, item.firstDownloadAt) : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {keyChange.dialog}
    </section>
  );
}
