// /app/sent: the shares this user sent, or (a switch) every share of the office, so a
// colleague can take over. Per recipient: code requested, code confirmed, first download,
// locked, delivery failed. File names are not here: they are decrypted on a share's page.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { listShares, type RecipientStatus, type ShareSummary } from '../../api/sharing';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatDateTime } from '../../ui/labels';
import { PageHeading } from '../../ui/PageHeading';
import { ScopeSwitch } from '../../ui/ScopeSwitch';
import { STATE_LABELS, STATE_TONES } from '../share/labels';

export function SentListPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const [scope, setScope] = useState<'mine' | 'office'>('mine');
  const [problem, setProblem] = useState<string | null>(null);
  const [shares, setShares] = useState<{
    readonly scope: 'mine' | 'office';
    readonly shares: readonly ShareSummary[];
  } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setProblem(null);
    listShares(scope, { signal: controller.signal }).then(
      (list) => setShares({ scope, shares: list.shares }),
      (error: unknown) => {
        if (!controller.signal.aborted) setProblem(errorMessage(t, error));
      },
    );
    return () => controller.abort();
  }, [scope, t]);

  const current = shares !== null && shares.scope === scope ? shares.shares : null;
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
      {current === null && !problem && <Progress text={t('app.loading')} testid="sent-loading" />}
      {current !== null && current.length === 0 && (
        <Notice testid="sent-empty">
          <p>{t('sentList.none')}</p>
          <p>
            <Link href="/app/send">{t('sentList.sendNow')}</Link>
          </p>
        </Notice>
      )}
      {current !== null && current.length > 0 && (
        <table class="table table--stack" data-testid="sent-table">
          <caption class="visually-hidden">{t('sentList.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sentList.sent')}</th>
              <th scope="col">{t('sentList.recipients')}</th>
              <th scope="col">{t('sentList.files')}</th>
              <th scope="col">{t('sentList.expires')}</th>
              <th scope="col">{t('sentList.state')}</th>
            </tr>
          </thead>
          <tbody>
            {current.map((share) => (
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
            ))}
          </tbody>
        </table>
      )}
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
