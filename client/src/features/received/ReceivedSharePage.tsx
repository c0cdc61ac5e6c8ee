// /app/received/<shareId>: a share sent to this account. Before any name is shown, the crypto
// worker checks the sender's certificate against the office key, the signed manifest (this
// share, this sender, this account's own entry with its key's fingerprint), and each file
// key's commitment and metadata. Downloads need a short-lived grant as well as the session;
// it is asked for once and again when it expires.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { ApiError } from '../../api/http';
import { getReceived, receivedFilePath, receivedGrant, type ShareForRecipient } from '../../api/sharing';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import type { OpenedShare } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import { formatDateTime } from '../../ui/labels';
import { PageHeading } from '../../ui/PageHeading';
import { trustOffice } from '../portal/office-pin';
import { goneState, STATE_LABELS } from '../share/labels';
import { FileDownloads } from '../transfer/FileDownloads';
import { markSeen } from './seen';

type View =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly text: string }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'loaded'; readonly share: ShareForRecipient; readonly opened: OpenedShare };

export function ReceivedSharePage({
  info,
  shareId,
}: {
  readonly info: SessionInfo;
  readonly shareId: string;
}): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [view, setView] = useState<View>({ kind: 'loading' });
  const grant = useRef<Promise<string> | null>(null);

  useLoad(
    async (signal) => {
      const share = await getReceived(shareId, { signal });
      // The office key against this user's pin first (protocol §22 step 3), members as clients.
      await trustOffice(engine, info.office.officeId);
      const opened = await engine.call('openReceived', { share });
      return { share, opened };
    },
    [shareId, engine, t, info.office.officeId],
    {
      onLoad: ({ share, opened }) => {
        setView({ kind: 'loaded', share, opened });
        // Opened, however the page was reached (the inbox, a mail, a bookmark): no longer new there.
        markSeen(info.me.userId, shareId, new Date().toISOString());
      },
      onError: (error) => {
        const state = error instanceof ApiError ? goneState(error.code) : null;
        if (state) setView({ kind: 'failed', text: t('received.gone', { state: t(STATE_LABELS[state]) }) });
        else if (error instanceof EngineError && error.code === 'untrusted') setView({ kind: 'untrusted' });
        else setView({ kind: 'failed', text: errorMessage(t, error) });
      },
    },
  );
  useEffect(() => () => void engine.call('forgetShare', { shareId }).catch(() => undefined), [shareId, engine, t]);

  const source = async (fileId: string, fresh: boolean) => {
    if (fresh || grant.current === null) {
      grant.current = receivedGrant(shareId);
      grant.current.catch(() => {
        grant.current = null;
      });
    }
    return { url: receivedFilePath(shareId, fileId), grant: await grant.current };
  };

  if (view.kind !== 'loaded') {
    return (
      <section data-testid="received-share-page" data-state={view.kind}>
        <PageHeading>{t('receivedShare.title')}</PageHeading>
        {view.kind === 'loading' && <Progress text={t('receivedShare.opening')} testid="received-share-loading" />}
        {view.kind === 'untrusted' && (
          <ErrorAlert testid="received-share-untrusted">
            <p>
              <strong>{t('guest.untrusted.title')}</strong>
            </p>
            <p>{t('receivedShare.untrusted')}</p>
          </ErrorAlert>
        )}
        {view.kind === 'failed' && (
          <ErrorAlert testid="received-share-error">
            <p>{view.text}</p>
          </ErrorAlert>
        )}
        <p>
          <Link href="/app/received">{t('receivedShare.back')}</Link>
        </p>
      </section>
    );
  }

  const { share, opened } = view;
  return (
    <section data-testid="received-share-page" data-state="loaded" data-share-id={share.shareId}>
      <PageHeading>{t('receivedShare.titleFrom', { name: share.sender.name })}</PageHeading>
      <p class="lead">
        {t('receivedShare.intro', {
          name: share.sender.name,
          office: info.office.name,
          date: formatDateTime(locale, share.expiresAt),
        })}
      </p>
      <Notice tone="ok" testid="received-verified">
        <p>{t('receivedShare.verified', { name: share.sender.name })}</p>
        <p class="fingerprint-line">
          <span class="fingerprint-line__label">
            {t('receivedShare.senderFingerprint', { name: share.sender.name })}
          </span>
          <Fingerprint value={opened.senderFingerprint} />
        </p>
        <p class="field__hint">{t('receivedShare.fingerprintWhy', { name: share.sender.name })}</p>
      </Notice>
      {opened.message !== undefined && (
        <figure class="message" data-testid="share-message">
          <figcaption class="message__from">{t('share.messageFrom', { sender: share.sender.name })}</figcaption>
          <blockquote class="message__text">{opened.message}</blockquote>
        </figure>
      )}
      {opened.missingFiles > 0 && (
        <Notice tone="warning" testid="share-missing-files">
          <p>{t('share.missingFiles', { n: opened.missingFiles })}</p>
        </Notice>
      )}
      {share.downloadsLeft !== null && (
        <p data-testid="received-downloads-left">{t('receivedShare.downloadsLeft', { n: share.downloadsLeft })}</p>
      )}
      <FileDownloads shareId={share.shareId} files={opened.files} source={source} />
      <p>
        <Link href="/app/received">{t('receivedShare.back')}</Link>
      </p>
    </section>
  );
}
