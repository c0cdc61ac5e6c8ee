// /app/received, the inbox: everything that came in for this account, newest first. For anyone,
// the shares sent to them; for the office (approved staff and admins) also each upload through
// a drop link — their own drops', or (a switch) the whole office's — an upload to a client's
// personal drop shown as a portal upload under the client's name. It composes the existing lists: the drop
// labels are opened by the crypto worker here, as on the drops page, and the filters run over
// what the browser opened; nothing of it goes back to the server. A row opens the share's or
// the drop's own page. A client's own uploads are their upload history on the portal, not here.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { listClients } from '../../api/clients';
import { listDrops } from '../../api/drops';
import type { Scope } from '../../api/http';
import { listReceived } from '../../api/sharing';
import { useEngine } from '../../crypto/context';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice, StatusLine } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { Checkbox, Field } from '../../ui/Field';
import { formatDateTime } from '../../ui/labels';
import { ListTable } from '../../ui/ListTable';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { ScopeSwitch } from '../../ui/ScopeSwitch';
import {
  filterInbox,
  isUnread,
  newestFirst,
  NO_FILTER,
  shareEntries,
  uploadEntries,
  type InboxEntry,
  type InboxFilter,
  type InboxKind,
} from './inbox';
import { markSeen, readSeen } from './seen';

const KIND_LABELS: Record<InboxKind, MessageKey> = {
  share: 'received.kind.share',
  drop: 'received.kind.drop',
  portal: 'received.kind.portal',
};

export function InboxPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const userId = info.me.userId;
  // Clients get what was shared with them; drops belong to the office.
  const office = info.me.role !== 'client';
  const [scope, setScope] = useState<Scope>('mine');
  const [filter, setFilter] = useState<InboxFilter>(NO_FILTER);
  const [seen, setSeen] = useState(() => readSeen(userId));
  const listed = useLoad(
    async (signal) => {
      const received = listReceived({ signal });
      if (!office) return newestFirst(shareEntries((await received).shares));
      const [{ shares }, { drops, uploads }, { clients }] = await Promise.all([
        received,
        listDrops(scope, { signal }),
        listClients({ signal }),
      ]);
      const uploadedTo = new Set(uploads.map((upload) => upload.dropId));
      const withUploads = drops.filter((drop) => uploadedTo.has(drop.dropId));
      const { labels } = await engine.call('openDropLabels', {
        drops: withUploads.map((drop) => ({ dropId: drop.dropId, ownerId: drop.ownerId, label: drop.label })),
      });
      const opened = new Map(labels.map((entry) => [entry.dropId, entry.label]));
      const colleague = (drop: (typeof drops)[number]): string | null =>
        drop.ownerId === userId ? null : t('sentList.by', { name: drop.ownerName });
      return newestFirst([...shareEntries(shares), ...uploadEntries(withUploads, uploads, opened, clients, colleague)]);
    },
    [scope, engine, office, userId, t],
  );
  const problem = listed.error === null ? null : errorMessage(t, listed.error);
  const entries = listed.data;
  const shown = entries === null ? null : filterInbox(entries, filter, seen, locale);
  const filtered = filter.kind !== 'all' || filter.text.trim() !== '' || filter.unreadOnly;
  const open = (entry: InboxEntry): void => setSeen(markSeen(userId, entry.id, entry.at));

  return (
    <section data-testid="received-page" data-state={entries === null ? 'loading' : 'loaded'} data-scope={scope}>
      <PageHeading>{t('received.title')}</PageHeading>
      <p class="lead">{t(office ? 'received.intro.office' : 'received.intro')}</p>
      {office && (
        <ScopeSwitch
          scope={scope}
          onScope={setScope}
          label={t('received.scope')}
          mine={t('received.scope.mine')}
          office={t('received.scope.office')}
          prefix="received-scope"
        />
      )}
      {entries !== null && entries.length > 0 && <InboxFilters filter={filter} onFilter={setFilter} kinds={office} />}
      {problem && (
        <ErrorAlert testid="received-error">
          <p>{problem}</p>
        </ErrorAlert>
      )}
      {shown !== null && entries !== null && entries.length > 0 && (
        <StatusLine
          text={filtered ? t('received.filter.count', { shown: shown.length, total: entries.length }) : ''}
          testid="received-count"
        />
      )}
      <ListTable
        items={shown}
        failed={problem !== null}
        testid="received-table"
        loadingTestid="received-loading"
        empty={
          <Notice testid={filtered ? 'received-no-match' : 'received-empty'}>
            <p>{t(filtered ? 'received.filter.none' : office ? 'received.none.office' : 'received.none')}</p>
          </Notice>
        }
        caption={t('received.title')}
        columns={[t('received.from'), t('received.kind'), t('received.when'), t('sentList.files'), t('sentList.state')]}
        row={(entry) => (
          <InboxRow key={`${entry.kind}-${entry.id}`} entry={entry} unread={isUnread(entry, seen)} onOpen={open} />
        )}
      />
      {entries !== null && entries.length > 0 && <p class="field__hint">{t('received.newHint')}</p>}
    </section>
  );
}

function InboxFilters({
  filter,
  onFilter,
  kinds,
}: {
  readonly filter: InboxFilter;
  readonly onFilter: (filter: InboxFilter) => void;
  /** Offer the choice of kind (the office's inbox holds three). */
  readonly kinds: boolean;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <form
      class="panel panel--wide form"
      role="search"
      aria-labelledby="received-filter-heading"
      onSubmit={(event) => event.preventDefault()}
      data-testid="received-filters"
    >
      <h2 id="received-filter-heading" class="section-heading">
        {t('received.filter.heading')}
      </h2>
      <div class="form-grid">
        <Field
          id="received-search"
          label={t('received.filter.text')}
          hint={t('received.filter.text.hint')}
          value={filter.text}
          onValue={(text) => onFilter({ ...filter, text })}
          autoComplete="off"
          maxLength={200}
          testid="received-search"
        />
        {kinds && (
          <div class="field">
            <label class="field__label" for="received-kind">
              {t('received.kind')}
            </label>
            <select
              id="received-kind"
              class="field__input field__select"
              value={filter.kind}
              onChange={(event) => onFilter({ ...filter, kind: event.currentTarget.value as InboxFilter['kind'] })}
              data-testid="received-kind"
            >
              <option value="all">{t('received.kind.all')}</option>
              {(Object.keys(KIND_LABELS) as InboxKind[]).map((kind) => (
                <option key={kind} value={kind}>
                  {t(KIND_LABELS[kind])}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <Checkbox
        id="received-unread"
        label={t('received.filter.unread')}
        checked={filter.unreadOnly}
        onChange={(unreadOnly) => onFilter({ ...filter, unreadOnly })}
        testid="received-unread"
      />
    </form>
  );
}

function InboxRow({
  entry,
  unread,
  onOpen,
}: {
  readonly entry: InboxEntry;
  readonly unread: boolean;
  readonly onOpen: (entry: InboxEntry) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const from = entry.from ?? t('drops.labelUnavailable');
  return (
    <tr
      data-testid="received-row"
      data-kind={entry.kind}
      data-share-id={entry.kind === 'share' ? entry.id : undefined}
      data-upload-id={entry.kind === 'share' ? undefined : entry.id}
      data-drop-id={entry.dropId ?? undefined}
      data-unread={unread ? 'true' : 'false'}
    >
      {/* The click bubbles up from the link: opening a row marks it seen. */}
      <th scope="row" data-label={t('received.from')} onClick={() => onOpen(entry)}>
        {entry.href === null ? (
          <span class="cell-main">{from}</span>
        ) : (
          <Link href={entry.href} class="cell-main" testid="received-open">
            {from}
          </Link>
        )}
        {entry.details.map((detail) => (
          <span key={detail} class="cell-sub">
            {detail}
          </span>
        ))}
      </th>
      <td data-label={t('received.kind')} data-testid="received-kind-cell">
        {t(KIND_LABELS[entry.kind])}
      </td>
      <td data-label={t('received.when')}>{formatDateTime(locale, entry.at)}</td>
      <td data-label={t('sentList.files')}>{t('received.files', { n: entry.fileCount })}</td>
      <td data-label={t('sentList.state')}>
        {unread ? (
          <span class="badge badge--warning">{t('received.state.new')}</span>
        ) : (
          <span class="badge badge--muted">{t('received.state.seen')}</span>
        )}
        {entry.ended !== null && <span class="badge badge--muted">{t(entry.ended)}</span>}
      </td>
    </tr>
  );
}
