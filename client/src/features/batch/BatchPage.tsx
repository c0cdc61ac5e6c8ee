// /app/send/batch: send many files at once, each to its own recipient (a month of payslips).
// The person chooses the files (or a folder), says who gets which — a list exported from their
// payroll or client system, or the reference numbers and addresses in the file names — and
// checks the preview: per file its recipient and how they get it, with anything to look at
// flagged. On Send the plan is sealed in the worker to the sender's own key, the batch is made
// on the server with its items (addresses and deliveries only, never a file name), and the run
// starts (BatchView.tsx), which also makes the export and the report.
import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { createBatch } from '../../api/batches';
import { listClients } from '../../api/clients';
import { listContacts } from '../../api/contacts';
import { lookupRecipients } from '../../api/sharing';
import { useEngine } from '../../crypto/context';
import { MAX_MESSAGE_CHARACTERS } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { Checkbox, Field } from '../../ui/Field';
import { formatBytes } from '../../ui/format';
import { formatDate } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { DEFAULT_MAX_EXPIRY_DAYS, defaultExpiryDays, expiryFrom, expiryPresets } from '../share/links';
import { metadataName } from '../send/send-flow';
import { BatchView } from './BatchView';
import { BatchListError, parseBatchList, type BatchListRow } from '../../../../shared/batch/csv.js';
import {
  addresseesOf,
  assignByName,
  assignFromList,
  buildPreview,
  isBlocking,
  lookedUpAccounts,
  type Addressee,
  type PreviewFlag,
  type PreviewItem,
} from '../../../../shared/batch/preview.js';

const LOOKUP_CHUNK = 50;

const FLAG_KEYS: Record<PreviewFlag, MessageKey> = {
  unknownAddress: 'batch.flag.unknownAddress',
  duplicateAddress: 'batch.flag.duplicateAddress',
  copiedLink: 'batch.flag.copiedLink',
  fileTwice: 'batch.flag.fileTwice',
  notReady: 'batch.flag.notReady',
  missingFile: 'batch.flag.missingFile',
  sameName: 'batch.flag.sameName',
  ambiguous: 'batch.flag.ambiguous',
};

const DELIVERY_KEYS: Record<PreviewItem['delivery'], MessageKey> = {
  account: 'batch.delivery.account',
  mail: 'batch.delivery.mail',
  export: 'batch.delivery.export',
};

function newBatchId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

interface Directory {
  readonly people: readonly Addressee[];
  readonly organisations: readonly string[];
}

/** Contacts and client accounts, as the preview and the file-name rule need them. */
async function loadDirectory(signal: AbortSignal): Promise<Directory> {
  const [contacts, clients] = await Promise.all([
    listContacts({ q: '', organisation: null }, { signal }),
    listClients({ signal }),
  ]);
  const people = addresseesOf(contacts.contacts, clients.clients);
  return { people, organisations: contacts.organisations };
}

export function BatchPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const maxDays = info.office.maxExpiryDays ?? DEFAULT_MAX_EXPIRY_DAYS;
  const [files, setFiles] = useState<readonly File[]>([]);
  const [mode, setMode] = useState<'list' | 'names'>('list');
  const [rows, setRows] = useState<readonly BatchListRow[] | null>(null);
  const [listProblem, setListProblem] = useState<string | null>(null);
  const [organisation, setOrganisation] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [expiryDays, setExpiryDays] = useState(defaultExpiryDays(maxDays));
  const [remind, setRemind] = useState(false);
  const [reminderDays, setReminderDays] = useState('5');
  const [accounts, setAccounts] = useState<readonly Addressee[]>([]);
  // Until the list's other addresses are checked, a colleague would show as an unknown address
  // (a guest link instead of their account): nothing is sent while that is checking or failed.
  const [lookup, setLookup] = useState<'checking' | 'failed' | 'done'>('done');
  // The list the last finished check was for: a list just read is unchecked until its check
  // ran, even in the moment before the check starts.
  const [checkedRows, setCheckedRows] = useState<readonly BatchListRow[] | null>(null);
  const [lookupTry, setLookupTry] = useState(0);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<{ readonly batchId: string; readonly files: Map<number, File> } | null>(null);
  const fail = (text: string): void => setProblem((p) => ({ text, n: (p?.n ?? 0) + 1 }));

  // A folder picker: the attribute has no JSX name. Set as the input mounts (a ref, not an
  // effect, which runs only after the page is painted and could be clicked).
  const folderPicker = useCallback((input: HTMLInputElement | null) => {
    input?.setAttribute('webkitdirectory', '');
  }, []);

  const directory = useLoad(loadDirectory, []);

  // Addresses in the list that are not contacts or clients may still be accounts (colleagues).
  useEffect(() => {
    if (!rows || !directory.data) return;
    const known = new Set(directory.data.people.map((p) => p.email));
    const unknown = [...new Set(rows.map((r) => r.email))].filter((email) => !known.has(email));
    if (unknown.length === 0) {
      setAccounts([]);
      setLookup('done');
      setCheckedRows(rows);
      return;
    }
    const controller = new AbortController();
    setLookup('checking');
    void (async () => {
      const found: Addressee[] = [];
      for (let i = 0; i < unknown.length; i += LOOKUP_CHUNK) {
        const { recipients } = await lookupRecipients(unknown.slice(i, i + LOOKUP_CHUNK), {
          signal: controller.signal,
        });
        found.push(...lookedUpAccounts(recipients));
      }
      if (controller.signal.aborted) return;
      setAccounts(found);
      setLookup('done');
      setCheckedRows(rows);
    })().catch(() => {
      if (!controller.signal.aborted) setLookup('failed');
    });
    return () => controller.abort();
  }, [rows, directory.data, lookupTry]);
  const checked = mode === 'names' || (lookup === 'done' && checkedRows === rows);

  // A file from a chosen folder keeps its path there, so the list can name `januari/loonstrook.pdf`.
  const chosen = useMemo(
    () =>
      files.map((file) => ({
        name: file.name,
        size: file.size,
        ...(file.webkitRelativePath !== '' ? { path: file.webkitRelativePath } : {}),
      })),
    [files],
  );

  const preview = useMemo(() => {
    if (!directory.data || files.length === 0) return null;
    const people = [...directory.data.people, ...accounts];
    if (mode === 'list') return rows ? buildPreview(chosen, assignFromList(rows, chosen), people) : null;
    const byName = assignByName(files, people, { organisation }, message.trim());
    return buildPreview(files, byName.assignments, people, byName.unmatched);
  }, [files, chosen, mode, rows, organisation, message, directory.data, accounts]);

  const readList = async (list: FileList | null): Promise<void> => {
    const file = list?.[0];
    if (!file) return;
    try {
      setRows(parseBatchList(await file.text()));
      setListProblem(null);
    } catch (error) {
      setRows(null);
      setListProblem(
        error instanceof BatchListError
          ? t(`batch.list.${error.problem}` as MessageKey, { line: error.line })
          : errorMessage(t, error),
      );
    }
  };

  const send = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy || !preview || preview.blocked || preview.items.length === 0 || !checked) return;
    const days = Number(reminderDays);
    if (remind && !(Number.isInteger(days) && days >= 1 && days <= 60)) {
      fail(t('batch.reminder.invalid'));
      return;
    }
    setBusy(true);
    setProblem(null);
    const batchId = newBatchId();
    const expiresAt = expiryFrom(Date.now(), expiryDays);
    const planned = preview.items.map((item, itemNo) => {
      const file = files[item.fileIndex ?? -1] as File;
      return { item, itemNo, file };
    });
    try {
      const { sealedPlan } = await engine.call('sealBatchPlan', {
        batchId,
        items: planned.map(({ item, itemNo, file }) => ({
          itemNo,
          fileName: metadataName(file.name),
          size: file.size,
          lastModified: Math.max(0, Math.floor(file.lastModified || 0)),
          email: item.email,
          delivery: item.delivery,
          name: item.name.slice(0, 200),
          message: item.message.slice(0, MAX_MESSAGE_CHARACTERS),
        })),
      });
      await createBatch({
        batchId,
        expiresAt,
        ...(remind ? { reminderDays: days } : {}),
        sealedPlan,
        items: planned.map(({ item, itemNo }) => ({ itemNo, email: item.email, delivery: item.delivery })),
      });
      history.replaceState(null, '', `/app/batches/${batchId}`);
      setStarted({ batchId, files: new Map(planned.map(({ itemNo, file }) => [itemNo, file])) });
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  if (started) return <BatchView info={info} batchId={started.batchId} handoff={started.files} />;

  const counts = preview
    ? {
        account: preview.items.filter((i) => i.delivery === 'account').length,
        mail: preview.items.filter((i) => i.delivery === 'mail').length,
        export: preview.items.filter((i) => i.delivery === 'export').length,
      }
    : null;
  const size = files.reduce((sum, f) => sum + f.size, 0);

  return (
    <section data-testid="batch-page" data-state={busy ? 'starting' : 'compose'}>
      <PageHeading>{t('batch.title')}</PageHeading>
      <p class="lead">{t('batch.intro')}</p>
      {problem && (
        <ErrorAlert testid="batch-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      {directory.error !== null && (
        <ErrorAlert testid="batch-load-error">
          <p>{errorMessage(t, directory.error)}</p>
        </ErrorAlert>
      )}
      <form class="panel form panel--wide" onSubmit={(event) => void send(event)} noValidate aria-busy={busy}>
        <fieldset class="fieldset">
          <legend class="field__label">{t('batch.files.heading')}</legend>
          <div class="field">
            <label class="field__label" for="batch-files">
              {t('batch.files.choose')}
            </label>
            <input
              id="batch-files"
              type="file"
              multiple
              class="field__input"
              disabled={busy}
              onChange={(event) => setFiles([...(event.currentTarget.files ?? [])])}
              data-testid="batch-files"
            />
          </div>
          <div class="field">
            <label class="field__label" for="batch-folder">
              {t('batch.files.folder')}
            </label>
            <input
              id="batch-folder"
              ref={folderPicker}
              type="file"
              class="field__input"
              disabled={busy}
              onChange={(event) => setFiles([...(event.currentTarget.files ?? [])])}
              data-testid="batch-folder"
            />
          </div>
          <p data-testid="batch-files-total">
            {files.length === 0
              ? t('batch.files.none')
              : t('batch.files.total', { n: files.length, size: formatBytes(locale, size) })}
          </p>
        </fieldset>

        <fieldset class="fieldset">
          <legend class="field__label">{t('batch.who.heading')}</legend>
          <div class="radio">
            <input
              type="radio"
              id="batch-mode-list"
              name="batch-mode"
              checked={mode === 'list'}
              onChange={() => setMode('list')}
              disabled={busy}
              data-testid="batch-mode-list"
            />
            <label for="batch-mode-list">{t('batch.who.list')}</label>
          </div>
          <div class="radio">
            <input
              type="radio"
              id="batch-mode-names"
              name="batch-mode"
              checked={mode === 'names'}
              onChange={() => setMode('names')}
              disabled={busy}
              data-testid="batch-mode-names"
            />
            <label for="batch-mode-names">{t('batch.who.names')}</label>
          </div>
          {mode === 'list' ? (
            <div class="field">
              <label class="field__label" for="batch-list">
                {t('batch.list.choose')}
              </label>
              <p class="field__hint" id="batch-list-hint">
                {t('batch.list.hint')}
              </p>
              <input
                id="batch-list"
                type="file"
                accept=".csv,text/csv"
                class="field__input"
                aria-describedby="batch-list-hint"
                disabled={busy}
                onChange={(event) => void readList(event.currentTarget.files)}
                data-testid="batch-list"
              />
              {listProblem && (
                <p class="field__error" role="alert" data-testid="batch-list-error">
                  {listProblem}
                </p>
              )}
            </div>
          ) : (
            <>
              <p class="field__hint">{t('batch.names.hint')}</p>
              <div class="field">
                <label class="field__label" for="batch-organisation">
                  {t('batch.names.organisation')}
                </label>
                <select
                  id="batch-organisation"
                  class="field__input field__select"
                  value={organisation ?? ''}
                  onChange={(event) =>
                    setOrganisation(event.currentTarget.value === '' ? null : event.currentTarget.value)
                  }
                  disabled={busy}
                  data-testid="batch-organisation"
                >
                  <option value="">{t('batch.names.everyone')}</option>
                  {(directory.data?.organisations ?? []).map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <Field
                id="batch-message"
                label={t('send.message.label')}
                hint={t('send.message.hint', { max: MAX_MESSAGE_CHARACTERS })}
                value={message}
                onValue={setMessage}
                rows={3}
                maxLength={MAX_MESSAGE_CHARACTERS}
                disabled={busy}
                testid="batch-message"
              />
            </>
          )}
        </fieldset>

        {directory.loading && <Progress text={t('app.loading')} testid="batch-directory-loading" />}
        {mode === 'list' && preview && lookup === 'checking' && (
          <Progress text={t('batch.preview.checking')} testid="batch-lookup-checking" />
        )}
        {mode === 'list' && preview && lookup === 'failed' && (
          <Notice tone="warning" testid="batch-lookup-failed">
            <p role="alert">{t('batch.preview.lookupFailed')}</p>
            <button
              type="button"
              class="button button--secondary"
              onClick={() => setLookupTry((n) => n + 1)}
              data-testid="batch-lookup-retry"
            >
              {t('batch.preview.lookupRetry')}
            </button>
          </Notice>
        )}
        {preview && counts && (
          <div data-testid="batch-preview" data-blocked={preview.blocked}>
            <h2 class="section-heading">{t('batch.preview.heading')}</h2>
            <p data-testid="batch-preview-summary">
              {t('batch.preview.summary', {
                n: preview.items.length,
                account: counts.account,
                mail: counts.mail,
                export: counts.export,
              })}
            </p>
            {counts.export > 0 && (
              <Notice tone="info" testid="batch-preview-export">
                <p>{t('batch.preview.exportNote', { n: counts.export })}</p>
              </Notice>
            )}
            {preview.blocked && (
              <Notice tone="warning" testid="batch-preview-blocked">
                <p>{t('batch.preview.blocked')}</p>
              </Notice>
            )}
            {preview.unmatched.length > 0 && (
              <Notice tone="warning" testid="batch-preview-unmatched">
                <p>{t('batch.preview.unmatched', { n: preview.unmatched.length })}</p>
                <ul>
                  {preview.unmatched.slice(0, 20).map((index) => (
                    <li key={index} translate={false}>
                      {chosen[index]?.path ?? chosen[index]?.name}
                    </li>
                  ))}
                </ul>
              </Notice>
            )}
            <table class="table table--stack" data-testid="batch-preview-table">
              <caption class="visually-hidden">{t('batch.preview.heading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('batch.col.file')}</th>
                  <th scope="col">{t('batch.col.recipient')}</th>
                  <th scope="col">{t('batch.col.how')}</th>
                  <th scope="col">{t('batch.col.notes')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.items.map((item, index) => (
                  <tr
                    key={index}
                    data-testid="batch-preview-row"
                    data-email={item.email}
                    data-delivery={item.delivery}
                    data-flags={item.flags.join(' ')}
                  >
                    <td data-label={t('batch.col.file')} translate={false}>
                      {item.fileName}
                    </td>
                    <td data-label={t('batch.col.recipient')}>
                      {item.name} <span class="address-note">{item.email}</span>
                    </td>
                    <td data-label={t('batch.col.how')}>{t(DELIVERY_KEYS[item.delivery])}</td>
                    <td data-label={t('batch.col.notes')}>
                      {item.flags.length === 0
                        ? '—'
                        : item.flags.map((flag) => (
                            <span
                              key={flag}
                              class={`badge badge--wrap badge--${isBlocking(flag) ? 'danger' : 'warning'}`}
                              data-flag={flag}
                            >
                              {t(FLAG_KEYS[flag])}
                            </span>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}

        <div class="field">
          <label class="field__label" for="batch-expiry">
            {t('send.expiry.label')}
          </label>
          <select
            id="batch-expiry"
            class="field__input field__select"
            value={String(expiryDays)}
            onChange={(event) => setExpiryDays(Number(event.currentTarget.value))}
            disabled={busy}
            data-testid="batch-expiry"
          >
            {expiryPresets(maxDays).map((days) => (
              <option key={days} value={String(days)}>
                {t('send.expiry.days', { n: days, date: formatDate(locale, expiryFrom(Date.now(), days)) })}
              </option>
            ))}
          </select>
        </div>
        <Checkbox
          id="batch-remind"
          label={t('batch.reminder.label')}
          hint={t('batch.reminder.hint')}
          checked={remind}
          onChange={setRemind}
          disabled={busy}
          testid="batch-remind"
        />
        {remind && (
          <Field
            id="batch-reminder-days"
            label={t('batch.reminder.days')}
            type="number"
            inputMode="numeric"
            min={1}
            max={60}
            value={reminderDays}
            onValue={setReminderDays}
            disabled={busy}
            testid="batch-reminder-days"
          />
        )}
        <div class="button-row">
          <button
            type="submit"
            class="button"
            disabled={busy || !preview || preview.blocked || preview.items.length === 0 || !checked}
            data-testid="batch-send"
          >
            {preview ? t('batch.send', { n: preview.items.length }) : t('batch.sendNone')}
          </button>
        </div>
      </form>
    </section>
  );
}
