// /app/sent/<shareId>: one share as its sender (or, taking over, a colleague) sees it. File
// names come from the sender's own sealed copy of each file key (the office's copy for a
// colleague's share), opened in the crypto worker after the signed manifest checked out.
// Per recipient: how far they got, and what the sender can do: unlock a locked recipient,
// show a guest's link again (S sealed to the sender or the office). For the share: revoke,
// extend within the office's policy, and download the files.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getDirectory, type SessionInfo } from '../../api/accounts';
import { ApiError } from '../../api/http';
import {
  extendShare,
  getShare,
  revokeShare,
  sentFilePath,
  unlockRecipient,
  type RecipientStatus,
  type ShareDetail,
} from '../../api/sharing';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import type { AnswerOf } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { ConfirmDialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import { formatDate, formatDateTime } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { DEFAULT_MAX_EXPIRY_DAYS, expiryFrom, expiryPresets } from '../share/links';
import { goneState, STATE_LABELS, STATE_TONES } from '../share/labels';
import { FileDownloads } from '../transfer/FileDownloads';
import { SentRecipient, type ShownLink } from './SentRecipient';

/** A colleague's certificate from the directory, to check their manifest (absent for one's own share or a leaver's). */
type SenderCertificate = { readonly certificate: string; readonly encryptionKeySignature: string };

type Loaded = {
  readonly detail: ShareDetail;
  readonly opened: AnswerOf<'openSent'>;
  readonly sender: SenderCertificate | undefined;
};

type View =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly text: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'loaded'; readonly loaded: Loaded };

export function SentSharePage({
  info,
  shareId,
}: {
  readonly info: SessionInfo;
  readonly shareId: string;
}): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [links, setLinks] = useState<Readonly<Record<string, ShownLink>>>({});
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [busy, setBusy] = useState(false);
  const maxDays = info.office.maxExpiryDays ?? DEFAULT_MAX_EXPIRY_DAYS;
  const [extendDays, setExtendDays] = useState(Math.min(7, maxDays));

  const fail = (text: string): void => setProblem((p) => ({ text, n: (p?.n ?? 0) + 1 }));

  const { reload: load } = useLoad<View>(
    async (signal) => {
      const detail = await getShare(shareId, { signal });
      let sender: SenderCertificate | undefined;
      if (detail.senderId !== info.me.userId) {
        // A colleague's share: their manifest is checked against their certificate.
        const member = (await getDirectory({ signal })).members.find((m) => m.userId === detail.senderId);
        if (member?.certificate)
          sender = { certificate: member.certificate, encryptionKeySignature: member.encryptionKeySignature };
      }
      const opened = await engine.call('openSent', { share: detail, ...(sender ? { sender } : {}) });
      return { kind: 'loaded', loaded: { detail, opened, sender } };
    },
    [shareId, info.me.userId, engine, t],
    {
      keep: true,
      onLoad: setView,
      onError: (error) => {
        if (error instanceof ApiError && (error.status === 404 || error.status === 410)) setView({ kind: 'not-found' });
        else if (error instanceof EngineError && error.code === 'untrusted') setView({ kind: 'untrusted' });
        else setView({ kind: 'failed', text: errorMessage(t, error) });
      },
    },
  );

  useEffect(() => () => void engine.call('forgetShare', { shareId }).catch(() => undefined), [engine, shareId]);

  const act = async (work: () => Promise<void>, done: string): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    setStatus('');
    try {
      await work();
      setStatus(done);
      await load();
    } catch (error) {
      const state = error instanceof ApiError ? goneState(error.code) : null;
      if (state) {
        fail(t('sentShare.error.gone', { state: t(STATE_LABELS[state]) }));
        await load();
      } else if (error instanceof ApiError && error.code === 'invalid_input') fail(t('send.error.expiry'));
      else fail(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  /** Opens S from the sealed copy and shows the link only if the signed manifest commits to it. */
  const showLink = async (loaded: Loaded, recipient: RecipientStatus): Promise<void> => {
    const { detail, sender } = loaded;
    const linkId = recipient.linkId;
    if (linkId === undefined || !detail.linkSecrets.some((s) => s.recipientId === recipient.recipientId)) {
      fail(t('sentShare.error.noLink'));
      return;
    }
    try {
      const shown = await engine.call('showLink', {
        share: detail,
        recipientId: recipient.recipientId,
        ...(sender ? { sender } : {}),
      });
      setLinks((previous) => ({ ...previous, [recipient.recipientId]: { ...shown, linkId } }));
    } catch (error) {
      const code = error instanceof EngineError ? error.code : null;
      fail(
        code === 'link_changed'
          ? t('sentShare.error.linkChanged')
          : code === 'untrusted'
            ? t('sentShare.error.linkUntrusted')
            : errorMessage(t, error),
      );
    }
  };

  if (view.kind === 'loading') {
    return (
      <section data-testid="sent-share-page" data-state="loading">
        <PageHeading>{t('sentShare.title')}</PageHeading>
        <Progress text={t('sentShare.opening')} testid="sent-share-loading" />
      </section>
    );
  }
  if (view.kind !== 'loaded') {
    return (
      <section data-testid="sent-share-page" data-state={view.kind}>
        <PageHeading>{t('sentShare.title')}</PageHeading>
        <ErrorAlert testid="sent-share-error">
          <p>
            {view.kind === 'not-found'
              ? t('error.notFound')
              : view.kind === 'untrusted'
                ? t('sentShare.untrusted')
                : view.text}
          </p>
        </ErrorAlert>
        <p>
          <Link href="/app/sent">{t('sentShare.back')}</Link>
        </p>
      </section>
    );
  }

  const { detail, opened } = view.loaded;
  const active = detail.state === 'active';
  const mine = detail.senderId === info.me.userId;
  return (
    <section
      data-testid="sent-share-page"
      data-state="loaded"
      data-share-state={detail.state}
      data-share-id={detail.shareId}
    >
      <PageHeading>{t('sentShare.titleDate', { date: formatDateTime(locale, detail.createdAt) })}</PageHeading>
      <p class="lead">
        {mine ? t('sentShare.byYou') : t('sentShare.byColleague', { name: detail.senderName })}{' '}
        <span class={`badge badge--${STATE_TONES[detail.state]}`} data-testid="sent-share-state">
          {t(STATE_LABELS[detail.state])}
        </span>
      </p>
      {problem && (
        <ErrorAlert testid="sent-share-problem" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="sent-share-status" />
      {!opened.senderVerified && (
        <Notice tone="warning" testid="sent-share-unverified">
          <p>{t('sentShare.unverified', { name: detail.senderName })}</p>
        </Notice>
      )}

      <dl class="facts">
        <dt>{t('sentShare.expires')}</dt>
        <dd data-testid="sent-share-expires">{formatDateTime(locale, detail.expiresAt)}</dd>
        <dt>{t('sentShare.downloads')}</dt>
        <dd data-testid="sent-share-downloads">
          {detail.downloadLimit === null
            ? t('send.limit.none')
            : t('sentShare.limitPerRecipient', { n: detail.downloadLimit })}
        </dd>
        <dt>{t('sentShare.senderFingerprint')}</dt>
        <dd>
          <Fingerprint value={opened.senderFingerprint} />
        </dd>
      </dl>

      {opened.message !== undefined && (
        <figure class="message" data-testid="share-message">
          <figcaption class="message__from">{t('share.messageFrom', { sender: detail.senderName })}</figcaption>
          <blockquote class="message__text">{opened.message}</blockquote>
        </figure>
      )}

      <h2 class="section-heading">{t('sentShare.files')}</h2>
      {opened.missingFiles > 0 && (
        <Notice tone="warning" testid="share-missing-files">
          <p>{active ? t('share.missingFiles', { n: opened.missingFiles }) : t('sentShare.filesDeleted')}</p>
        </Notice>
      )}
      {opened.files.length > 0 && (
        <FileDownloads
          shareId={detail.shareId}
          files={opened.files}
          source={(fileId) => Promise.resolve({ url: sentFilePath(detail.shareId, fileId) })}
        />
      )}

      <h2 class="section-heading">{t('sentShare.recipients')}</h2>
      <ul class="recipient-status-list" data-testid="sent-share-recipients">
        {detail.recipients.map((recipient) => (
          <SentRecipient
            key={recipient.recipientId}
            recipient={recipient}
            share={detail}
            link={links[recipient.recipientId] ?? null}
            office={info.office.name}
            busy={busy}
            onUnlock={() =>
              void act(
                () => unlockRecipient(detail.shareId, recipient.recipientId),
                t('sentShare.unlocked', { email: recipient.email }),
              )
            }
            onShowLink={() => void showLink(view.loaded, recipient)}
          />
        ))}
      </ul>

      {active && (
        <>
          <h2 class="section-heading">{t('sentShare.manage')}</h2>
          <div class="panel panel--wide">
            <div class="field">
              <label class="field__label" for="sent-extend">
                {t('sentShare.extend.label')}
              </label>
              <p class="field__hint" id="sent-extend-hint">
                {t('sentShare.extend.hint', { max: maxDays })}
              </p>
              <div class="add-row">
                <select
                  id="sent-extend"
                  class="field__input field__select"
                  value={String(extendDays)}
                  onChange={(event) => setExtendDays(Number(event.currentTarget.value))}
                  aria-describedby="sent-extend-hint"
                  data-testid="sent-extend-days"
                >
                  {expiryPresets(maxDays).map((days) => (
                    <option key={days} value={String(days)}>
                      {t('send.expiry.days', {
                        n: days,
                        date: formatDate(locale, expiryFrom(Date.now(), days)),
                      })}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  class="button button--secondary"
                  disabled={busy}
                  onClick={() =>
                    void act(
                      () => extendShare(detail.shareId, expiryFrom(Date.now(), extendDays)),
                      t('sentShare.extended'),
                    )
                  }
                  data-testid="sent-extend"
                >
                  {t('sentShare.extend')}
                </button>
              </div>
            </div>
            <p>{t('sentShare.revoke.explain')}</p>
            <button
              type="button"
              class="button button--danger"
              disabled={busy}
              onClick={() => setConfirmRevoke(true)}
              data-testid="sent-revoke"
            >
              {t('sentShare.revoke')}
            </button>
          </div>
        </>
      )}
      <p>
        <Link href="/app/sent">{t('sentShare.back')}</Link>
      </p>
      <ConfirmDialog
        open={confirmRevoke}
        title={t('sentShare.revoke.title')}
        confirmLabel={t('sentShare.revoke')}
        cancelLabel={t('action.cancel')}
        onConfirm={() =>
          void act(async () => {
            await revokeShare(detail.shareId);
            setConfirmRevoke(false);
          }, t('sentShare.revoked')).finally(() => setConfirmRevoke(false))
        }
        onCancel={() => setConfirmRevoke(false)}
        busy={busy}
        danger
        testid="revoke-dialog"
      >
        <p>{t('sentShare.revoke.text')}</p>
      </ConfirmDialog>
    </section>
  );
}
