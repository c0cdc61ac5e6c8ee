// /app/sent: the shares this user sent, or (a switch) every share of the office, so a
// colleague can take over. Per recipient: code requested, code confirmed, first download,
// locked, delivery failed. File names are not here: they are decrypted on a share's page.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { listShares, type RecipientStatus } from '../../api/sharing';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatDateTime } from '../../ui/labels';
import { ListTable } from '../../ui/ListTable';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { ScopeSwitch, type Scope } from '../../ui/ScopeSwitch';
import { STATE_LABELS, STATE_TONES } from '../share/labels';

export function SentListPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const [scope, setScope] = useState<Scope>('mine');
  const shares = useLoad((signal) => listShares(scope, { signal }), [scope]);
  const problem = shares.error === null ? null : errorMessage(t, shares.error);
  const current = shares.data?.shares ?? null;
  return (
    <section data-testid="sent-page" data-scope={scope} data-state={current === null ? 'loading' : 'loaded'}>
      <PageHeading>{t('sentList.title')}</PageHeading>
      <p class="lead">
        {t(scope === 'mine' ? 'sentList.intro.mine' : 'sentList.intro.office', { office: info.office.name })}
      </p>
      <ScopeSwitch
        scope={scope}
        onScope={setScope}
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
      <ListTable
        items={current}
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
          t('sentList.recipients'),
          t('sentList.files'),
          t('sentList.expires'),
          t('sentList.state'),
        ]}
        row={(share) => (
          <tr key={share.shareId} data-testid="sent-row" data-share-id={share.shareId} data-state={share.state}>
            <th scope="row" data-label={t('sentList.sent')}>
              <Link href={`/app/sent/${share.shareId}`} class="cell-main" testid="sent-open">
                {formatDateTime(locale, share.createdAt)}
              </Link>
              {share.senderId !== info.me.userId && (
                <span class="cell-sub">{t('sentList.by', { name: share.senderName })}</span>
              )}
            </th>
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
            <td data-label={t('sentList.files')}>{share.fileCount}</td>
            <td data-label={t('sentList.expires')}>{formatDateTime(locale, share.expiresAt)}</td>
            <td data-label={t('sentList.state')}>
              <span class={`badge badge--${STATE_TONES[share.state]}`}>{t(STATE_LABELS[share.state])}</span>
            </td>
          </tr>
        )}
      />
    </section>
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
