// /app/sent: the shares this user sent, or (a switch) every share of the office, so a
// colleague can take over. Per share: the file names and the message, decrypted in this
// browser (sent-names.ts) for the rows on screen; per recipient: code requested, code
// confirmed, first download, locked, delivery failed. A search over names, recipients and
// messages, and filters (status, month, kind of recipient), run here over what the list route
// returned and what was decrypted: nothing typed is sent to the server. A page shows PAGE_SIZE
// shares, so a long history (thousands of shares) decrypts only what is looked at; a search
// decrypts the rest in the background and shows matches as they appear.
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { listBatches, type BatchSummary } from '../../api/batches';
import { listShares, type RecipientStatus, type ShareState, type ShareSummary } from '../../api/sharing';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatDateTime } from '../../ui/labels';
import { ListTable } from '../../ui/ListTable';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { ScopeSwitch, type Scope } from '../../ui/ScopeSwitch';
import { STATE_LABELS, STATE_TONES } from '../share/labels';
import { useSentNames, type SentNames } from './sent-names';

/** Shares on one page of the list. */
const PAGE_SIZE = 25;
/** File names shown in a row before "+n more". */
const NAMES_SHOWN = 3;
/** Characters of the message shown in a row. */
const MESSAGE_SHOWN = 120;

/** `waiting`: still open, and some recipient has not downloaded yet. */
type StateFilter = '' | ShareState | 'waiting';
type KindFilter = '' | RecipientStatus['kind'];

interface Filters {
  readonly query: string;
  readonly state: StateFilter;
  /** `YYYY-MM` in this browser's time zone, or empty for any month. */
  readonly month: string;
  readonly kind: KindFilter;
}

const NO_FILTERS: Filters = { query: '', state: '', month: '', kind: '' };

/** A row of the list: one share, or one batch (its shares, one per file and recipient, as one row). */
type SentEntry =
  | { readonly kind: 'share'; readonly share: ShareSummary }
  | { readonly kind: 'batch'; readonly batchId: string; readonly shares: readonly ShareSummary[] };

/** The shares as rows, newest first, each batch's shares gathered into one row where its newest share stands. */
function groupBatches(shares: readonly ShareSummary[]): SentEntry[] {
  const entries: SentEntry[] = [];
  const batches = new Map<string, ShareSummary[]>();
  for (const share of shares) {
    if (share.batchId === undefined) {
      entries.push({ kind: 'share', share });
      continue;
    }
    const members = batches.get(share.batchId);
    if (members) members.push(share);
    else {
      const list = [share];
      batches.set(share.batchId, list);
      entries.push({ kind: 'batch', batchId: share.batchId, shares: list });
    }
  }
  return entries;
}

function sharesOf(entry: SentEntry): readonly ShareSummary[] {
  return entry.kind === 'share' ? [entry.share] : entry.shares;
}

function monthOf(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

function matchesFilters(share: ShareSummary, filters: Filters): boolean {
  if (filters.state === 'waiting') {
    if (share.state !== 'active' || share.recipients.every((r) => r.firstDownloadAt !== null)) return false;
  } else if (filters.state !== '' && share.state !== filters.state) return false;
  if (filters.month !== '' && monthOf(share.createdAt) !== filters.month) return false;
  if (filters.kind !== '' && !share.recipients.some((r) => r.kind === filters.kind)) return false;
  return true;
}

/** Every word typed must appear in a recipient, a file name or the message (names once decrypted). */
function matchesQuery(share: ShareSummary, named: SentNames | undefined, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack = [
    ...share.recipients.flatMap((r) => [r.email, r.name ?? '']),
    ...(named?.kind === 'named' ? [...named.names, named.message ?? ''] : []),
  ]
    .join('\n')
    .toLocaleLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function SentListPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [scope, setScope] = useState<Scope>('mine');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(0);
  /** The filters beyond the search are folded away until asked for (a phone shows the list sooner). */
  const [moreFilters, setMoreFilters] = useState(false);
  const shares = useLoad((signal) => listShares(scope, { signal }), [scope]);
  // The user's own batches, for their rows' counts (a colleague's batch opens only for its sender).
  const batches = useLoad((signal) => listBatches({ signal }), []);
  const batchSummaries = useMemo(
    () => new Map((batches.data?.batches ?? []).map((b) => [b.batchId, b])),
    [batches.data],
  );
  const problem = shares.error === null ? null : errorMessage(t, shares.error);
  const all = useMemo(() => (shares.data ? groupBatches(shares.data.shares) : null), [shares.data]);

  const words = filters.query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const filtered = useMemo(
    () => (all ?? []).filter((entry) => sharesOf(entry).some((share) => matchesFilters(share, filters))),
    [all, filters],
  );
  // While a search runs every filtered share is wanted (its names may match); otherwise the page on screen.
  const pageOf = (list: readonly SentEntry[]): readonly SentEntry[] =>
    list.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const decryptingAll = words.length > 0;
  // A batch row shows no file names: only single shares are decrypted for the list.
  const toName = (decryptingAll ? filtered : pageOf(filtered)).flatMap((entry) =>
    entry.kind === 'share' ? [entry.share] : [],
  );
  const { names, pending } = useSentNames(engine, info, toName);
  const found = filtered.filter((entry) =>
    entry.kind === 'share'
      ? matchesQuery(entry.share, names.get(entry.share.shareId), words)
      : entry.shares.some((share) => matchesQuery(share, undefined, words)),
  );
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  const shown = all === null ? null : pageOf(found);
  const months = useMemo(
    () => [...new Set((shares.data?.shares ?? []).map((share) => monthOf(share.createdAt)))],
    [shares.data],
  );
  const monthLabel = (month: string): string =>
    new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(new Date(`${month}-15T12:00:00`));
  const filter = (change: Partial<Filters>): void => {
    setFilters((previous) => ({ ...previous, ...change }));
    setPage(0);
  };
  const filtering = Object.values(filters).some((value) => value !== '');

  return (
    <section
      data-testid="sent-page"
      data-scope={scope}
      data-state={all === null ? 'loading' : 'loaded'}
      data-names={pending > 0 ? 'decrypting' : 'done'}
    >
      <PageHeading>{t('sentList.title')}</PageHeading>
      <p class="lead">
        {t(scope === 'mine' ? 'sentList.intro.mine' : 'sentList.intro.office', { office: info.office.name })}
      </p>
      <ScopeSwitch
        scope={scope}
        onScope={(next) => {
          setScope(next);
          setPage(0);
        }}
        label={t('sentList.scope')}
        mine={t('sentList.mine')}
        office={t('sentList.office')}
        prefix="sent-scope"
      />
      {problem && (
        <ErrorAlert testid="sent-error">
          <p>{problem}</p>
        </ErrorAlert>
      )}
      {all !== null && all.length > 0 && (
        <form
          class="panel panel--wide form"
          role="search"
          aria-label={t('sentList.find')}
          onSubmit={(event) => event.preventDefault()}
          noValidate
          data-testid="sent-filters"
        >
          <Field
            id="sent-search"
            label={t('sentList.search.label')}
            hint={t('sentList.search.hint')}
            value={filters.query}
            onValue={(query) => filter({ query })}
            autoComplete="off"
            spellcheck={false}
            autoCapitalize="off"
            maxLength={200}
            testid="sent-search"
          />
          <details
            class="list-filters"
            open={moreFilters}
            onToggle={(event) => setMoreFilters(event.currentTarget.open)}
            data-testid="sent-filters-more"
          >
            <summary>{t('sentList.filter.more')}</summary>
            <div class="form-grid">
              <div class="field">
                <label class="field__label" for="sent-state">
                  {t('sentList.state')}
                </label>
                <select
                  id="sent-state"
                  class="field__input field__select"
                  value={filters.state}
                  onChange={(event) => filter({ state: event.currentTarget.value as StateFilter })}
                  data-testid="sent-filter-state"
                >
                  <option value="">{t('sentList.filter.anyState')}</option>
                  <option value="waiting">{t('sentList.filter.waiting')}</option>
                  {(Object.keys(STATE_LABELS) as ShareState[]).map((state) => (
                    <option key={state} value={state}>
                      {t(STATE_LABELS[state])}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label class="field__label" for="sent-month">
                  {t('sentList.filter.month')}
                </label>
                <select
                  id="sent-month"
                  class="field__input field__select"
                  value={filters.month}
                  onChange={(event) => filter({ month: event.currentTarget.value })}
                  data-testid="sent-filter-month"
                >
                  <option value="">{t('sentList.filter.anyMonth')}</option>
                  {months.map((month) => (
                    <option key={month} value={month}>
                      {monthLabel(month)}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label class="field__label" for="sent-kind">
                  {t('sentList.recipients')}
                </label>
                <select
                  id="sent-kind"
                  class="field__input field__select"
                  value={filters.kind}
                  onChange={(event) => filter({ kind: event.currentTarget.value as KindFilter })}
                  data-testid="sent-filter-kind"
                >
                  <option value="">{t('sentList.filter.anyKind')}</option>
                  <option value="guest">{t('sentList.filter.guest')}</option>
                  <option value="account">{t('sentList.filter.account')}</option>
                </select>
              </div>
            </div>
          </details>
          {filtering && (
            <div class="button-row">
              <button
                type="button"
                class="button button--secondary"
                onClick={() => filter(NO_FILTERS)}
                data-testid="sent-filter-clear"
              >
                {t('audit.clear')}
              </button>
            </div>
          )}
        </form>
      )}
      {all !== null && pending > 0 && (
        <Progress
          text={
            decryptingAll
              ? t('sentList.decryptingAll', { done: filtered.length - pending, total: filtered.length })
              : t('sentList.decrypting')
          }
          testid="sent-decrypting"
        />
      )}
      {all !== null && all.length > 0 && (
        <p role="status" data-testid="sent-count" data-found={found.length}>
          {found.length === 0
            ? t('sentList.noMatch')
            : t('sentList.count', {
                from: page * PAGE_SIZE + 1,
                to: Math.min(found.length, (page + 1) * PAGE_SIZE),
                total: found.length,
              })}
        </p>
      )}
      {(all === null || all.length === 0 || found.length > 0) && (
        <ListTable
          items={shown}
          failed={problem !== null}
          testid="sent-table"
          loadingTestid="sent-loading"
          empty={
            <Notice testid="sent-empty">
              <p>{t('sentList.none')}</p>
              <p>
                <Link href="/app/send">{t('sentList.sendNow')}</Link>
              </p>
            </Notice>
          }
          caption={t('sentList.title')}
          columns={[
            t('sentList.sent'),
            t('sentList.files'),
            t('sentList.recipients'),
            t('sentList.expires'),
            t('sentList.state'),
          ]}
          row={(entry) =>
            entry.kind === 'share' ? (
              <SentShareRow
                key={entry.share.shareId}
                share={entry.share}
                named={names.get(entry.share.shareId)}
                info={info}
              />
            ) : (
              <SentBatchRow
                key={entry.batchId}
                batchId={entry.batchId}
                shares={entry.shares}
                summary={batchSummaries.get(entry.batchId)}
                mine={entry.shares[0]?.senderId === info.me.userId}
              />
            )
          }
        />
      )}
      {found.length > PAGE_SIZE && (
        <nav class="button-row" aria-label={t('sentList.pages')} data-testid="sent-pager">
          <button
            type="button"
            class="button button--secondary"
            disabled={page === 0}
            onClick={() => setPage(page - 1)}
            data-testid="sent-previous"
          >
            {t('sentList.previous')}
          </button>
          <span>{t('sentList.page', { page: page + 1, pages })}</span>
          <button
            type="button"
            class="button button--secondary"
            disabled={page + 1 >= pages}
            onClick={() => setPage(page + 1)}
            data-testid="sent-next"
          >
            {t('sentList.next')}
          </button>
        </nav>
      )}
    </section>
  );
}

/**
 * One batch as a row ("Batch · 50 files · 48 delivered"), opening the batch's page with its
 * report; the counts come from the user's own batch list. A colleague's batch (the office view)
 * shows how many shares it holds and who sent it: only its sender opens its page.
 */
function SentBatchRow({
  batchId,
  shares,
  summary,
  mine,
}: {
  readonly batchId: string;
  readonly shares: readonly ShareSummary[];
  readonly summary: BatchSummary | undefined;
  /** The user's own batch (its page opens); its counts arrive with their batch list. */
  readonly mine: boolean;
}): JSX.Element {
  const { t, locale } = useI18n();
  const newest = shares[0] as ShareSummary;
  const label = summary
    ? t('sent.batch.row', { n: summary.itemCount, delivered: summary.delivered })
    : t('sent.batch.rowOther', { n: shares.length });
  return (
    <tr data-testid="sent-batch-row" data-batch-id={batchId} data-state={newest.state}>
      <th scope="row" data-label={t('sentList.sent')}>
        {mine ? (
          <Link href={`/app/batches/${batchId}`} class="cell-main" testid="sent-batch-open">
            {formatDateTime(locale, newest.createdAt)}
          </Link>
        ) : (
          <span class="cell-main">{formatDateTime(locale, newest.createdAt)}</span>
        )}
        {!mine && <span class="cell-sub">{t('sentList.by', { name: newest.senderName })}</span>}
      </th>
      <td data-label={t('sentList.files')} data-testid="sent-batch-label">
        {label}
      </td>
      <td data-label={t('sentList.recipients')}>
        {summary ? t('sent.batch.downloaded', { n: summary.downloaded }) : '—'}
      </td>
      <td data-label={t('sentList.expires')}>{formatDateTime(locale, newest.expiresAt)}</td>
      <td data-label={t('sentList.state')}>
        <span class={`badge badge--${STATE_TONES[newest.state]}`}>{t(STATE_LABELS[newest.state])}</span>
      </td>
    </tr>
  );
}

/** One share as a row. */
function SentShareRow({
  share,
  named,
  info,
}: {
  readonly share: ShareSummary;
  readonly named: SentNames | undefined;
  readonly info: SessionInfo;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <tr data-testid="sent-row" data-share-id={share.shareId} data-state={share.state}>
      <th scope="row" data-label={t('sentList.sent')}>
        <Link href={`/app/sent/${share.shareId}`} class="cell-main" testid="sent-open">
          {formatDateTime(locale, share.createdAt)}
        </Link>
        {share.senderId !== info.me.userId && (
          <span class="cell-sub">{t('sentList.by', { name: share.senderName })}</span>
        )}
      </th>
      <td data-label={t('sentList.files')} data-testid="sent-row-files">
        <SentContents share={share} named={named} />
      </td>
      <td data-label={t('sentList.recipients')}>
        <ul class="plain-list">
          {share.recipients.map((recipient) => (
            <li key={recipient.recipientId}>
              <span translate={false}>{recipient.name ?? recipient.email}</span>{' '}
              <RecipientBadges recipient={recipient} />
            </li>
          ))}
        </ul>
      </td>
      <td data-label={t('sentList.expires')}>{formatDateTime(locale, share.expiresAt)}</td>
      <td data-label={t('sentList.state')}>
        <span class={`badge badge--${STATE_TONES[share.state]}`}>{t(STATE_LABELS[share.state])}</span>
      </td>
    </tr>
  );
}

/** A row's files (names once decrypted) and the start of the message. */
function SentContents({
  share,
  named,
}: {
  readonly share: ShareSummary;
  readonly named: SentNames | undefined;
}): JSX.Element {
  const { t } = useI18n();
  if (named === undefined) return <span class="cell-sub">{t('sentList.namesPending', { n: share.fileCount })}</span>;
  if (named.kind === 'failed')
    return (
      <span class={named.untrusted ? 'badge badge--danger' : 'cell-sub'} data-testid="sent-names-failed">
        {t(named.untrusted ? 'sentList.namesUntrusted' : 'sentList.namesFailed', { n: share.fileCount })}
      </span>
    );
  const more = named.names.length - NAMES_SHOWN;
  const message = named.message;
  return (
    <>
      {named.names.length > 0 && (
        <ul class="plain-list" data-testid="sent-names">
          {named.names.slice(0, NAMES_SHOWN).map((name, index) => (
            <li key={index} translate={false}>
              {name}
            </li>
          ))}
          {more > 0 && <li class="cell-sub">{t('sentList.moreFiles', { n: more })}</li>}
        </ul>
      )}
      {named.missingFiles > 0 && <span class="cell-sub">{t('sentList.filesGone', { n: named.missingFiles })}</span>}
      {message !== undefined && (
        <span class="cell-sub" translate={false} data-testid="sent-message">
          {message.length > MESSAGE_SHOWN ? `${message.slice(0, MESSAGE_SHOWN)}…` : message}
        </span>
      )}
    </>
  );
}

/** The most telling step a recipient reached, and any trouble. */
export function RecipientBadges({ recipient }: { readonly recipient: RecipientStatus }): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      {recipient.firstDownloadAt !== null ? (
        <span class="badge badge--ok">{t('recipient.downloaded')}</span>
      ) : recipient.codeConfirmedAt !== null ? (
        <span class="badge badge--muted">{t('recipient.codeConfirmed')}</span>
      ) : recipient.codeRequestedAt !== null ? (
        <span class="badge badge--muted">{t('recipient.codeRequested')}</span>
      ) : (
        <span class="badge badge--muted">{t('recipient.waiting')}</span>
      )}
      {recipient.locked && <span class="badge badge--danger">{t('recipient.locked')}</span>}
      {recipient.deliveryFailed && <span class="badge badge--danger">{t('recipient.deliveryFailed')}</span>}
      {recipient.deliverySending === true && <span class="badge badge--muted">{t('recipient.deliverySending')}</span>}
    </>
  );
}
