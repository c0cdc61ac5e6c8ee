// One recipient on a sent share's page: how far they got (code asked, confirmed, first
// download), trouble (locked, mail not delivered), and while the share is active the sender's
// actions: unlock, or show a guest's link again to pass on another way.
import type { JSX } from 'preact';
import type { RecipientStatus, ShareDetail } from '../../api/sharing';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { formatDateTime } from '../../ui/labels';
import { GuestLinkCard } from '../send/GuestLinkCard';
import { RecipientBadges } from './SentListPage';
import { TrustedDevices } from './TrustedDevices';

/** A guest's link fragment (and access code), decrypted to be shown again. */
export interface ShownLink {
  /** The id in the link's path. */
  readonly linkId: string;
  readonly fragment: string;
  readonly accessCode?: string;
  /** False when the link could not be checked against the signed manifest (an older share, an unverified sender). */
  readonly checked: boolean;
}

export function SentRecipient({
  recipient,
  share,
  link,
  office,
  busy,
  onUnlock,
  onShowLink,
}: {
  readonly recipient: RecipientStatus;
  readonly share: ShareDetail;
  /** The guest's link once shown again; null until then. */
  readonly link: ShownLink | null;
  readonly office: string;
  readonly busy: boolean;
  readonly onUnlock: () => void;
  readonly onShowLink: () => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <li
      class="panel panel--wide recipient-status"
      data-testid="sent-recipient"
      data-recipient-id={recipient.recipientId}
      data-email={recipient.email}
      data-locked={recipient.locked ? 'true' : 'false'}
    >
      <h3 class="recipient-status__name">
        <span translate={false}>{recipient.name ?? recipient.email}</span> <RecipientBadges recipient={recipient} />
      </h3>
      {recipient.name !== undefined && (
        <p class="cell-sub" translate={false}>
          {recipient.email}
        </p>
      )}
      <dl class="facts facts--compact">
        <dt>{t('recipient.kind')}</dt>
        <dd>
          {t(
            recipient.kind === 'guest'
              ? recipient.accessCode
                ? 'recipient.guestWithCode'
                : 'recipient.guest'
              : 'recipient.account',
          )}
        </dd>
        {recipient.kind === 'guest' && (
          <>
            <dt>{t('recipient.codeRequestedAt')}</dt>
            <dd data-testid="sent-recipient-code-requested">
              {recipient.codeRequestedAt ? formatDateTime(locale, recipient.codeRequestedAt) : t('recipient.not')}
            </dd>
            <dt>{t('recipient.codeConfirmedAt')}</dt>
            <dd data-testid="sent-recipient-code-confirmed">
              {recipient.codeConfirmedAt ? formatDateTime(locale, recipient.codeConfirmedAt) : t('recipient.not')}
            </dd>
            {recipient.trustedAt !== undefined && (
              <>
                <dt>{t('recipient.trustedAt')}</dt>
                <dd data-testid="sent-recipient-trusted-at">{formatDateTime(locale, recipient.trustedAt)}</dd>
              </>
            )}
          </>
        )}
        <dt>{t('recipient.firstDownloadAt')}</dt>
        <dd data-testid="sent-recipient-downloaded">
          {recipient.firstDownloadAt ? formatDateTime(locale, recipient.firstDownloadAt) : t('recipient.not')}
        </dd>
        <dt>{t('recipient.downloads')}</dt>
        <dd data-testid="sent-recipient-downloads">
          {share.downloadLimit === null
            ? t('sentShare.downloadsNoLimit', { used: recipient.downloadsUsed })
            : t('sentShare.downloadsOf', { used: recipient.downloadsUsed, limit: share.downloadLimit })}
        </dd>
        {recipient.kind === 'guest' && (
          <>
            <dt>{t('recipient.link')}</dt>
            <dd data-testid="sent-recipient-link-delivery" data-mailed={recipient.linkMailedAt !== null}>
              {recipient.linkMailedAt !== null
                ? t('recipient.linkMailed', { date: formatDateTime(locale, recipient.linkMailedAt) })
                : t('recipient.linkPassedOn')}
            </dd>
          </>
        )}
      </dl>
      {recipient.locked && (
        <Notice tone="warning" testid="sent-recipient-locked">
          <p>{t('recipient.lockedExplain')}</p>
        </Notice>
      )}
      {recipient.deliveryFailed && (
        <Notice tone="warning" testid="sent-recipient-delivery">
          <p>{t('recipient.deliveryExplain', { email: recipient.email })}</p>
        </Notice>
      )}
      {recipient.kind === 'guest' && <TrustedDevices shareId={share.shareId} recipientId={recipient.recipientId} />}
      {share.state === 'active' && (
        <div class="button-row">
          {recipient.locked && (
            <button
              type="button"
              class="button button--small"
              disabled={busy}
              onClick={onUnlock}
              data-testid="sent-recipient-unlock"
            >
              {t('sentShare.unlock')}
            </button>
          )}
          {recipient.kind === 'guest' && !link && (
            <button
              type="button"
              class="button button--small button--secondary"
              onClick={onShowLink}
              data-testid="sent-recipient-show-link"
            >
              {t('sentShare.showLink')}
            </button>
          )}
        </div>
      )}
      {link && share.state === 'active' && !link.checked && (
        <Notice tone="warning" testid="sent-recipient-link-unchecked">
          <p>{t('sentShare.linkNotChecked')}</p>
        </Notice>
      )}
      {link && share.state === 'active' && (
        <GuestLinkCard
          email={recipient.email}
          recipientId={recipient.recipientId}
          linkId={link.linkId}
          fragment={link.fragment}
          accessCode={link.accessCode}
          expiresAt={share.expiresAt}
          office={office}
          sender={share.senderName}
          heading={false}
        />
      )}
    </li>
  );
}
