// The shares sent to a client's account, as the client portal lists them. The files' names are
// decrypted on a share's page, with the account's own key. (/app/received is the inbox, InboxPage.)
import type { JSX } from 'preact';
import type { ReceivedList } from '../../api/sharing';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { formatDateTime } from '../../ui/labels';
import { STATE_LABELS, STATE_TONES } from '../share/labels';

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
