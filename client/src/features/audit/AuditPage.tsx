// /app/admin/audit: the office's audit log for an admin, newest first. Filters: who (part of a
// name or address), what (one action or a group of them), when (from and to, whole days in the
// browser's time zone). Older entries load page by page; "Download CSV" exports the filtered
// view as shown, with its raw values. The page says it in words: times in the office's time
// zone, people by name, a share by its date, recipients and file count, kinds and details in
// plain words; the raw ids and values of an entry are one click away. Reading the log changes
// nothing on the server.
import { Fragment, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { auditExportHref, getAuditPage, NO_FILTERS, type AuditFilters, type AuditTrailEntry } from '../../api/audit';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress, StatusLine } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { errorMessage } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import {
  actionGroups,
  actionLabel,
  actorText,
  detailLabel,
  detailText,
  groupLabel,
  objectTypeLabel,
  placeOf,
} from './labels';

/** The filter form's fields: dates as the date inputs give them (YYYY-MM-DD, local). */
interface Form {
  readonly who: string;
  readonly action: string;
  readonly fromDay: string;
  readonly toDay: string;
}

const EMPTY_FORM: Form = { who: '', action: '', fromDay: '', toDay: '' };
/** The problem of an end date before the start date (checked here, before asking the server). */
const DATES_WRONG = Symbol('dates');

/** Local midnight of a YYYY-MM-DD day, `plusDays` later, as an ISO time. */
function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** The form as the API takes it: `to` is the start of the day after the last day chosen. */
function filtersOf(form: Form): AuditFilters {
  return {
    who: form.who.trim(),
    action: form.action,
    from: form.fromDay === '' ? '' : dayStart(form.fromDay),
    to: form.toDay === '' ? '' : dayStart(form.toDay, 1),
  };
}

interface Loaded {
  readonly entries: readonly AuditTrailEntry[];
  readonly next: number | null;
}

export function AuditPage(): JSX.Element {
  const { t, locale } = useI18n();
  const [form, setForm] = useState<Form>(EMPTY_FORM);
  const [applied, setApplied] = useState<AuditFilters>(NO_FILTERS);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [actions, setActions] = useState<readonly string[]>([]);
  /** The office's time zone, from the server with the first page. */
  const [timeZone, setTimeZone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** What went wrong (told in the current language when shown); `n` moves focus again on a repeat. */
  const [problem, setProblem] = useState<{ readonly error: unknown; readonly n: number } | null>(null);
  const [datesWrong, setDatesWrong] = useState(false);
  /** What the list shows, said in the current language (so a language switch re-words it). */
  const [summary, setSummary] = useState<{ readonly key: MessageKey; readonly n: number } | null>(null);
  /** The first row of the page just loaded with "Load older entries", which then takes focus. */
  const [focusSeq, setFocusSeq] = useState<number | null>(null);
  const table = useRef<HTMLTableElement>(null);
  const request = useRef(0);

  const fail = (error: unknown): void => setProblem((previous) => ({ error, n: (previous?.n ?? 0) + 1 }));

  // A new set of filters: the first page again.
  useLoad(
    (signal) => {
      ++request.current;
      setBusy(true);
      setProblem(null);
      return getAuditPage(applied, null, { signal });
    },
    [applied],
    {
      onLoad: (page) => {
        setLoaded({ entries: page.entries, next: page.next });
        setActions(page.actions);
        setTimeZone(page.timeZone);
        setSummary({
          key:
            page.entries.length === 0
              ? 'audit.status.none'
              : page.next === null
                ? 'audit.status.all'
                : 'audit.status.some',
          n: page.entries.length,
        });
        setBusy(false);
      },
      onError: (error) => {
        fail(error);
        setBusy(false);
      },
    },
  );

  useEffect(() => {
    if (focusSeq === null) return;
    table.current?.querySelector<HTMLElement>(`[data-seq="${focusSeq}"] th`)?.focus();
  }, [focusSeq]);

  const apply = (event: Event): void => {
    event.preventDefault();
    if (form.fromDay !== '' && form.toDay !== '' && form.toDay < form.fromDay) {
      setDatesWrong(true);
      fail(DATES_WRONG);
      return;
    }
    setDatesWrong(false);
    setFocusSeq(null);
    setApplied(filtersOf(form));
  };

  const clear = (): void => {
    setForm(EMPTY_FORM);
    setDatesWrong(false);
    setProblem(null);
    setFocusSeq(null);
    setApplied(NO_FILTERS);
  };

  const loadOlder = async (): Promise<void> => {
    if (loaded === null || loaded.next === null) return;
    const mine = ++request.current;
    setBusy(true);
    setProblem(null);
    try {
      const page = await getAuditPage(applied, loaded.next);
      if (mine !== request.current) return;
      const entries = [...loaded.entries, ...page.entries];
      setLoaded({ entries, next: page.next });
      setSummary({ key: page.next === null ? 'audit.status.all' : 'audit.status.some', n: entries.length });
      setFocusSeq(page.entries[0]?.seq ?? null);
    } catch (error) {
      if (mine === request.current) fail(error);
    } finally {
      if (mine === request.current) setBusy(false);
    }
  };

  const set = (patch: Partial<Form>): void => setForm((previous) => ({ ...previous, ...patch }));
  const groups = actionGroups(actions);

  return (
    <>
      <PageHeading>{t('audit.title')}</PageHeading>
      <p class="lead">{t('audit.intro')}</p>

      <form
        class="panel panel--wide form"
        role="search"
        aria-labelledby="audit-filter-heading"
        onSubmit={apply}
        noValidate
        data-testid="audit-filters"
      >
        <h2 id="audit-filter-heading" class="section-heading">
          {t('audit.filter.heading')}
        </h2>
        {problem && (
          <ErrorAlert testid="audit-error" focusKey={problem.n}>
            <p>{problem.error === DATES_WRONG ? t('audit.when.order') : errorMessage(t, problem.error)}</p>
          </ErrorAlert>
        )}
        <div class="form-grid">
          <Field
            id="audit-who"
            label={t('audit.who.label')}
            hint={t('audit.who.hint')}
            value={form.who}
            onValue={(who) => set({ who })}
            autoComplete="off"
            spellcheck={false}
            autoCapitalize="off"
            maxLength={254}
            testid="audit-who"
          />
          <div class="field">
            <label class="field__label" for="audit-action">
              {t('audit.what.label')}
            </label>
            <select
              id="audit-action"
              class="field__input field__select"
              value={form.action}
              onChange={(event) => set({ action: event.currentTarget.value })}
              data-testid="audit-action"
            >
              <option value="">{t('audit.what.any')}</option>
              {groups.map((group) => (
                <optgroup key={group.prefix} label={groupLabel(t, group.prefix)}>
                  <option value={`${group.prefix}.*`}>
                    {t('audit.what.group', { group: groupLabel(t, group.prefix) })}
                  </option>
                  {group.actions.map((action) => (
                    <option key={action} value={action}>
                      {actionLabel(t, action)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <DateField
            id="audit-from"
            label={t('audit.when.from')}
            value={form.fromDay}
            onValue={(fromDay) => set({ fromDay })}
            testid="audit-from"
          />
          <DateField
            id="audit-to"
            label={t('audit.when.to')}
            value={form.toDay}
            onValue={(toDay) => set({ toDay })}
            error={datesWrong ? t('audit.when.order') : null}
            testid="audit-to"
          />
        </div>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="audit-apply">
            {t('audit.apply')}
          </button>
          <button
            type="button"
            class="button button--secondary"
            onClick={clear}
            disabled={busy}
            data-testid="audit-clear"
          >
            {t('audit.clear')}
          </button>
          <a class="button button--secondary" href={auditExportHref(applied)} download data-testid="audit-export">
            {t('audit.export')}
          </a>
        </div>
        <p class="field__hint">{t('audit.export.hint')}</p>
      </form>

      <section class="panel panel--wide" aria-labelledby="audit-results-heading">
        <h2 id="audit-results-heading" class="section-heading">
          {t('audit.results')}
        </h2>
        <StatusLine text={busy || summary === null ? '' : t(summary.key, { n: summary.n })} testid="audit-status" />
        {busy && loaded === null && <Progress text={t('app.loading')} testid="audit-loading" />}
        {loaded !== null && loaded.entries.length > 0 && (
          <table ref={table} class="table table--stack" data-testid="audit-list">
            <caption class="visually-hidden">{t('audit.results')}</caption>
            <thead>
              <tr>
                <th scope="col">
                  {timeZone === null ? t('audit.col.time') : t('audit.col.timeIn', { place: placeOf(timeZone) })}
                </th>
                <th scope="col">{t('audit.col.who')}</th>
                <th scope="col">{t('audit.col.what')}</th>
                <th scope="col">{t('audit.col.object')}</th>
                <th scope="col">{t('audit.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {loaded.entries.map((entry) => (
                <AuditRow key={entry.seq} entry={entry} locale={locale} timeZone={timeZone ?? undefined} />
              ))}
            </tbody>
          </table>
        )}
        {loaded !== null && loaded.next !== null && (
          <div class="button-row">
            <button
              type="button"
              class="button button--secondary"
              onClick={() => void loadOlder()}
              disabled={busy}
              data-testid="audit-more"
            >
              {t('audit.more')}
            </button>
          </div>
        )}
      </section>
    </>
  );
}

/** A time as the office reads it: in its time zone (the browser's until the page knows it). */
function officeTime(locale: string, timeZone: string | undefined, iso: string, withTime = true): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' as const } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
  }).format(date);
}

function AuditRow({
  entry,
  locale,
  timeZone,
}: {
  readonly entry: AuditTrailEntry;
  readonly locale: string;
  readonly timeZone: string | undefined;
}): JSX.Element {
  const { t } = useI18n();
  const who = actorText(t, entry.actor);
  const details = Object.entries(entry.details);
  const time = (iso: string): string => officeTime(locale, timeZone, iso);
  const share = entry.object?.share;
  return (
    <tr data-testid="audit-row" data-seq={entry.seq} data-action={entry.action}>
      <th scope="row" data-label={t('audit.col.time')} tabIndex={-1}>
        <span class="cell-main" data-testid="audit-time">
          {time(entry.at)}
        </span>
        <span class="cell-sub">{t('audit.seq', { seq: entry.seq })}</span>
      </th>
      <td data-label={t('audit.col.who')} data-testid="audit-who-cell">
        <span class="cell-main">{who.main}</span>
        {who.sub !== null && <span class="cell-sub">{who.sub}</span>}
      </td>
      <td data-label={t('audit.col.what')}>
        <span class="cell-main">{actionLabel(t, entry.action)}</span>
      </td>
      <td data-label={t('audit.col.object')} data-testid="audit-object-cell">
        {entry.object === null ? (
          <span class="cell-sub">{t('audit.object.none')}</span>
        ) : share !== undefined ? (
          <>
            <span class="cell-main">
              {t('audit.share.summary', { date: officeTime(locale, timeZone, share.createdAt, false) })}
            </span>
            <span class="cell-sub">
              {share.recipients.length > 0 && t('audit.share.to', { recipients: share.recipients.join(', ') })}
              {share.recipients.length > 0 && ' · '}
              {t('audit.share.files', { n: share.files })}
            </span>
          </>
        ) : (
          <>
            <span class="cell-main">{entry.object.name ?? objectTypeLabel(t, entry.object.type)}</span>
            {entry.object.name !== null && <span class="cell-sub">{objectTypeLabel(t, entry.object.type)}</span>}
          </>
        )}
      </td>
      <td data-label={t('audit.col.details')} data-testid="audit-details-cell">
        {details.length === 0 ? (
          <span class="cell-sub">{t('audit.details.none')}</span>
        ) : (
          details.map(([key, value]) => (
            <span key={key} class="cell-sub">
              {detailLabel(t, key)}: <DetailValue text={entry.names[key] ?? detailText(t, key, value, time)} />
            </span>
          ))
        )}
        <details class="audit-raw" data-testid="audit-raw">
          <summary>{t('audit.raw')}</summary>
          <dl>
            <dt>{t('audit.raw.at')}</dt>
            <dd>
              <code>{entry.at}</code>
            </dd>
            <dt>{t('audit.raw.action')}</dt>
            <dd>
              <code>{entry.action}</code>
            </dd>
            {entry.actor.state !== 'none' && (
              <>
                <dt>{t('audit.raw.actor')}</dt>
                <dd>
                  <code>{entry.actor.ref}</code>
                </dd>
              </>
            )}
            {entry.object !== null && (
              <>
                <dt>{t('audit.raw.object')}</dt>
                <dd>
                  <code>
                    {entry.object.type}
                    {entry.object.ref !== null && ` ${entry.object.ref}`}
                  </code>
                </dd>
              </>
            )}
            {details.map(([key, value]) => (
              <Fragment key={key}>
                <dt>
                  <code>{key}</code>
                </dt>
                <dd>
                  <code>{JSON.stringify(value)}</code>
                </dd>
              </Fragment>
            ))}
          </dl>
        </details>
      </td>
    </tr>
  );
}

function DateField(props: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly error?: string | null;
  readonly testid: string;
}): JSX.Element {
  const errorId = props.error ? `${props.id}-error` : undefined;
  return (
    <div class={`field${props.error ? ' field--invalid' : ''}`}>
      <label class="field__label" for={props.id}>
        {props.label}
      </label>
      <input
        class="field__input"
        id={props.id}
        name={props.id}
        type="date"
        value={props.value}
        onInput={(event) => props.onValue(event.currentTarget.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={errorId}
        data-testid={props.testid}
      />
      {props.error && (
        <p class="field__error" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A long unbroken value (a hash, a reference) as code, which may wrap anywhere; words as they are. */
function DetailValue({ text }: { readonly text: string }): JSX.Element {
  return /^\S{24,}$/.test(text) ? <code>{text}</code> : <>{text}</>;
}
