// /app/drops: this advisor's drop links, or (a switch) every drop of the office, so a colleague
// can take one over. Labels are sealed: the crypto worker opens them (the advisor's own copy, or
// the office's) and nothing else of the drops' contents is here; uploads are opened on a
// drop's page.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { listDrops } from '../../api/drops';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatDateTime } from '../../ui/labels';
import { ListTable } from '../../ui/ListTable';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { ScopeSwitch, type Scope } from '../../ui/ScopeSwitch';
import { DROP_STATE_LABELS, DROP_STATE_TONES } from './labels';

export function DropsListPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [scope, setScope] = useState<Scope>('mine');
  const listed = useLoad(
    async (signal) => {
      const { drops } = await listDrops(scope, { signal });
      const { labels } = await engine.call('openDropLabels', {
        drops: drops.map((drop) => ({ dropId: drop.dropId, ownerId: drop.ownerId, label: drop.label })),
      });
      // Opened labels by drop id (null: it did not open).
      return { drops, labels: new Map(labels.map((entry) => [entry.dropId, entry.label])) };
    },
    [scope, engine],
  );
  const problem = listed.error === null ? null : errorMessage(t, listed.error);
  const current = listed.data;
  return (
    <section data-testid="drops-page" data-scope={scope} data-state={current === null ? 'loading' : 'loaded'}>
      <PageHeading>{t('drops.title')}</PageHeading>
      <p class="lead">
        {t(scope === 'mine' ? 'drops.intro.mine' : 'drops.intro.office', { office: info.office.name })}
      </p>
      <p>
        <Link href="/app/drops/new" class="button" testid="drops-new">
          {t('drops.new')}
        </Link>
      </p>
      <ScopeSwitch
        scope={scope}
        onScope={setScope}
        label={t('drops.scope')}
        mine={t('sentList.mine')}
        office={t('sentList.office')}
        prefix="drops-scope"
      />
      {problem && (
        <ErrorAlert testid="drops-error">
          <p>{problem}</p>
        </ErrorAlert>
      )}
      <ListTable
        items={current?.drops ?? null}
        failed={problem !== null}
        testid="drops-table"
        loadingTestid="drops-loading"
        empty={
          <Notice testid="drops-empty">
            <p>{t('drops.none')}</p>
          </Notice>
        }
        caption={t('drops.title')}
        columns={[t('drops.label'), t('drops.for'), t('drops.uploads'), t('drops.expires'), t('drops.state')]}
        row={(drop) => {
          const label = current?.labels.get(drop.dropId) ?? null;
          return (
            <tr
              key={drop.dropId}
              data-testid="drop-row"
              data-drop-id={drop.dropId}
              data-state={drop.state}
              data-label={label ?? ''}
            >
              <th scope="row" data-label={t('drops.label')}>
                <Link href={`/app/drops/${drop.dropId}`} class="cell-main" testid="drop-open">
                  {label ?? t('drops.labelUnavailable')}
                </Link>
                <span class="cell-sub">{drop.title}</span>
                {drop.ownerId !== info.me.userId && (
                  <span class="cell-sub">{t('sentList.by', { name: drop.ownerName })}</span>
                )}
              </th>
              <td data-label={t('drops.for')}>
                <span translate={false}>{drop.email ?? t('drops.open')}</span>
                {drop.locked && <span class="badge badge--danger">{t('recipient.locked')}</span>}
              </td>
              <td data-label={t('drops.uploads')} data-testid="drop-row-uploads">
                {drop.uploadCount}
                {drop.lastUploadAt !== null && (
                  <span class="cell-sub">
                    {t('drops.lastUpload', { date: formatDateTime(locale, drop.lastUploadAt) })}
                  </span>
                )}
              </td>
              <td data-label={t('drops.expires')}>{formatDateTime(locale, drop.expiresAt)}</td>
              <td data-label={t('drops.state')}>
                <span class={`badge badge--${DROP_STATE_TONES[drop.state]}`}>{t(DROP_STATE_LABELS[drop.state])}</span>
              </td>
            </tr>
          );
        }}
      />
    </section>
  );
}
