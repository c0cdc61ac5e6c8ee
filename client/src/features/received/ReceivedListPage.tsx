// /app/received: shares sent to this account. The files' names are decrypted on a share's
// page, with this account's own key. The client portal shows the same table (ReceivedTable).
import type { JSX } from 'preact';
import { listReceived, type ReceivedList } from '../../api/sharing';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatDateTime } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { STATE_LABELS, STATE_TONES } from '../share/labels';

export function ReceivedListPage(): JSX.Element {
  const { t } = useI18n();
  const received = useLoad(async (signal) => (await listReceived({ signal })).shares, []);
  const shares = received.data;
  const problem = received.error === null ? null : errorMessage(t, received.error);
  return (
    <section data-testid="received-page" data-state={shares === null ? 'loading' : 'loaded'}>
      <PageHeading>{t('received.title')}</PageHeading>
      <p class="lead">{t('received.intro')}</p>
      {problem && (
        <ErrorAlert testid="received-error">
          <p>{problem}</p>
        </ErrorAlert>
      )}
      {shares === null && !problem && <Progress text={t('app.loading')} testid="received-loading" />}
      {shares !== null && shares.length === 0 && (
        <Notice testid="received-empty">
          <p>{t('received.none')}</p>
        </Notice>
      )}
      {shares !== null && shares.length > 0 && <ReceivedTable shares={shares} caption={t('received.title')} />}
    </section>
  );
}

/** The shares sent to this account, each linking to its page while active. */
export function ReceivedTable({
  shares,
  caption,
}: {
  readonly shares: ReceivedList['shares'];
  readonly caption: string;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <table class="table table--stack" data-testid="received-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('received.from')}</th>
          <th scope="col">{t('sentList.sent')}</th>
          <th scope="col">{t('sentList.files')}</th>
          <th scope="col">{t('sentList.expires')}</th>
          <th scope="col">{t('sentList.state')}</th>
        </tr>
      </thead>
      <tbody>
        {shares.map((share) => (
          <tr key={share.shareId} data-testid="received-row" data-share-id={share.shareId} data-state={share.state}>
            <th scope="row" data-label={t('received.from')}>
              {share.state === 'active' ? (
                <Link href={`/app/received/${share.shareId}`} class="cell-main" testid="received-open">
                  {share.senderName}
                </Link>
              ) : (
                <span class="cell-main">{share.senderName}</span>
              )}
            </th>
            <td data-label={t('sentList.sent')}>{formatDateTime(locale, share.createdAt)}</td>
            <td data-label={t('sentList.files')}>{share.fileCount}</td>
            <td data-label={t('sentList.expires')}>{formatDateTime(locale, share.expiresAt)}</td>
            <td data-label={t('sentList.state')}>
              <span class={`badge badge--${STATE_TONES[share.state]}`}>{t(STATE_LABELS[share.state])}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
