// /app/drops/<dropId>: one drop as its advisor (or, taking over, a colleague with the office
// key) sees it. The crypto worker opens the drop's secrets (the advisor's copy, or the
// office's), shows the link again from them, and checks each upload's manifest MAC with D and
// each file against it. An upload that fails (made without D: injected by the server, or
// changed since) is shown rejected, is never opened, and the server is told so it stops serving
// it. The others show the uploader's receipt code (computed here from the manifest) and their
// files by name, each downloaded decrypted with its progress. Uploads and the drop can be
// deleted; the drop can be closed at once; a drop locked by wrong codes can be unlocked.
import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import {
  closeDrop,
  deleteDrop,
  deleteDropUpload,
  getDrop,
  rejectDropUpload,
  unlockDrop,
  type DropDetail,
  type DropUploadView,
} from '../../api/drops';
import { ApiError } from '../../api/http';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import type { OpenedDrop } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { Link, navigate } from '../../router';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { ConfirmDialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { formatBytes } from '../../ui/format';
import { formatDateTime } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { DropLinkCard } from './DropLinkCard';
import { DROP_STATE_LABELS, DROP_STATE_TONES, endedState } from './labels';
import { UploadItem } from './DropUploadItem';

type View =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly text: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'loaded'; readonly detail: DropDetail; readonly opened: OpenedDrop };

type Confirm =
  | { readonly kind: 'close' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'delete-upload'; readonly dropUploadId: string };

/** Tells the server about each upload this browser rejected that it does not know about yet. */
async function reportRejected(detail: DropDetail, opened: OpenedDrop): Promise<DropDetail> {
  const uploads: DropUploadView[] = [];
  for (const upload of detail.uploads) {
    const mine = opened.uploads.find((u) => u.dropUploadId === upload.dropUploadId);
    if (mine?.state !== 'rejected' || upload.rejectedAt !== null) {
      uploads.push(upload);
      continue;
    }
    try {
      await rejectDropUpload(detail.dropId, upload.dropUploadId);
      uploads.push({ ...upload, rejectedAt: new Date().toISOString() });
    } catch (error) {
      // Already marked (another colleague's browser was first); any other failure is tried
      // again next time. Either way this page shows it rejected: its own check decides.
      uploads.push(
        error instanceof ApiError && error.code === 'wrong_state'
          ? { ...upload, rejectedAt: new Date().toISOString() }
          : upload,
      );
    }
  }
  return { ...detail, uploads };
}

export function DropPage({ info, dropId }: { readonly info: SessionInfo; readonly dropId: string }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const openedUploads = useRef<readonly string[]>([]);

  const fail = (text: string): void => setProblem((p) => ({ text, n: (p?.n ?? 0) + 1 }));

  const forgetOpened = useCallback(() => {
    for (const shareId of openedUploads.current) void engine.call('forgetShare', { shareId }).catch(() => undefined);
    openedUploads.current = [];
  }, [engine]);

  const { reload: load } = useLoad<View>(
    async (signal) => {
      const fetched = await getDrop(dropId, { signal });
      const opened = await engine.call('openDrop', { drop: fetched });
      forgetOpened();
      openedUploads.current = opened.uploads.filter((u) => u.state === 'opened').map((u) => u.dropUploadId);
      const detail = await reportRejected(fetched, opened);
      return { kind: 'loaded', detail, opened };
    },
    [dropId, engine, t, forgetOpened],
    {
      keep: true,
      onLoad: setView,
      onError: (error) => {
        if (error instanceof ApiError && error.status === 404) setView({ kind: 'not-found' });
        else if (error instanceof EngineError && error.code === 'untrusted') setView({ kind: 'untrusted' });
        else setView({ kind: 'failed', text: errorMessage(t, error) });
      },
    },
  );

  useEffect(() => forgetOpened, [forgetOpened]);

  /** Runs one change, then shows the drop as it is now (unless the change left the page). */
  const act = async (work: () => Promise<boolean | void>, done: string): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    setStatus('');
    let left = false;
    try {
      left = (await work()) === true;
      setStatus(done);
    } catch (error) {
      const ended = error instanceof ApiError ? endedState(error.code) : null;
      fail(ended ? t('drop.error.ended', { state: t(DROP_STATE_LABELS[ended]) }) : errorMessage(t, error));
    } finally {
      setBusy(false);
      setConfirm(null);
    }
    if (!left) await load();
  };

  if (view.kind !== 'loaded') {
    return (
      <section data-testid="drop-page" data-state={view.kind}>
        <PageHeading>{t('drop.title')}</PageHeading>
        {view.kind === 'loading' && <Progress text={t('drop.opening')} testid="drop-loading" />}
        {view.kind !== 'loading' && (
          <ErrorAlert testid="drop-error">
            <p>
              {view.kind === 'not-found'
                ? t('error.notFound')
                : view.kind === 'untrusted'
                  ? t('drop.untrusted')
                  : view.text}
            </p>
          </ErrorAlert>
        )}
        <p>
          <Link href="/app/drops">{t('drop.back')}</Link>
        </p>
      </section>
    );
  }

  const { detail, opened } = view;
  const active = detail.state === 'active';
  const mine = detail.ownerId === info.me.userId;
  const heading = opened.label ?? detail.title;
  return (
    <section
      data-testid="drop-page"
      data-state="loaded"
      data-drop-state={detail.state}
      data-drop-id={detail.dropId}
      data-holder={opened.holder}
    >
      <PageHeading>{t('drop.titleFor', { label: heading })}</PageHeading>
      <p class="lead">
        {mine ? t('drop.byYou') : t('drop.byColleague', { name: detail.ownerName })}{' '}
        <span class={`badge badge--${DROP_STATE_TONES[detail.state]}`} data-testid="drop-state">
          {t(DROP_STATE_LABELS[detail.state])}
        </span>
      </p>
      {problem && (
        <ErrorAlert testid="drop-problem" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="drop-status" />
      {!opened.verified && opened.fragment !== null && (
        <Notice tone="warning" testid="drop-unverified">
          <p>{t('drop.unverified')}</p>
        </Notice>
      )}
      {!opened.keyMatches && (
        <ErrorAlert testid="drop-key-warning" focus={false}>
          <p>
            <strong>{t('drop.keyMismatch.title')}</strong>
          </p>
          <p>{t('drop.keyMismatch.text')}</p>
        </ErrorAlert>
      )}

      <dl class="facts">
        <dt>{t('drop.label')}</dt>
        <dd data-testid="drop-label-value">{opened.label ?? t('drops.labelUnavailable')}</dd>
        <dt>{t('drop.publicTitle')}</dt>
        <dd data-testid="drop-title-value">{detail.title}</dd>
        {detail.instructions !== '' && (
          <>
            <dt>{t('drop.instructions')}</dt>
            <dd class="pre-line">{detail.instructions}</dd>
          </>
        )}
        <dt>{t('drops.for')}</dt>
        <dd data-testid="drop-for" translate={false}>
          {detail.email ?? t('drops.open')}
        </dd>
        <dt>{t('drop.use')}</dt>
        <dd>{t(detail.personal ? 'drop.use.personal' : detail.singleUse ? 'drop.use.once' : 'drop.use.many')}</dd>
        <dt>{t('drop.limits')}</dt>
        <dd>{t('drop.limits.value', { files: detail.maxFiles, size: formatBytes(locale, detail.maxTotalBytes) })}</dd>
        <dt>{t('drops.expires')}</dt>
        <dd data-testid="drop-expires">{formatDateTime(locale, detail.expiresAt)}</dd>
        {detail.email !== null && (
          <>
            <dt>{t('recipient.codeRequestedAt')}</dt>
            <dd data-testid="drop-code-requested">
              {detail.codeRequestedAt ? formatDateTime(locale, detail.codeRequestedAt) : t('recipient.not')}
            </dd>
            <dt>{t('recipient.codeConfirmedAt')}</dt>
            <dd data-testid="drop-code-confirmed">
              {detail.codeConfirmedAt ? formatDateTime(locale, detail.codeConfirmedAt) : t('recipient.not')}
            </dd>
          </>
        )}
      </dl>
      {detail.locked && (
        <Notice tone="warning" testid="drop-locked">
          <p>{t('drop.locked')}</p>
          {active && (
            <button
              type="button"
              class="button button--small"
              disabled={busy}
              onClick={() => void act(() => unlockDrop(detail.dropId), t('drop.unlocked'))}
              data-testid="drop-unlock"
            >
              {t('sentShare.unlock')}
            </button>
          )}
        </Notice>
      )}
      {detail.deliveryFailed && (
        <Notice tone="warning" testid="drop-delivery">
          <p>{t('recipient.deliveryExplain', { email: detail.email ?? '' })}</p>
        </Notice>
      )}

      {active && opened.forClient && (
        <Notice testid="drop-for-client">
          <p>{t('drop.forClient', { email: detail.email ?? '' })}</p>
        </Notice>
      )}
      {active && opened.fragment !== null && !opened.forClient && (
        <DropLinkCard
          dropId={detail.dropId}
          fragment={opened.fragment}
          email={detail.email}
          expiresAt={detail.expiresAt}
          office={info.office.name}
          sender={detail.ownerName}
        />
      )}

      <h2 class="section-heading">{t('drop.uploads')}</h2>
      <p class="form__aside">{t('drop.uploads.scan')}</p>
      {detail.uploads.length === 0 ? (
        <Notice testid="drop-no-uploads">
          <p>{t('drop.uploads.none')}</p>
        </Notice>
      ) : (
        <ul class="recipient-status-list" data-testid="drop-uploads">
          {detail.uploads.map((upload) => (
            <UploadItem
              key={upload.dropUploadId}
              dropId={detail.dropId}
              upload={upload}
              opened={
                opened.uploads.find((u) => u.dropUploadId === upload.dropUploadId) ?? {
                  dropUploadId: upload.dropUploadId,
                  state: 'rejected',
                }
              }
              busy={busy}
              onDelete={() => setConfirm({ kind: 'delete-upload', dropUploadId: upload.dropUploadId })}
            />
          ))}
        </ul>
      )}

      <h2 class="section-heading">{t('drop.manage')}</h2>
      <div class="panel panel--wide">
        {active && (
          <>
            <p>{t('drop.close.explain')}</p>
            <button
              type="button"
              class="button button--secondary"
              disabled={busy}
              onClick={() => setConfirm({ kind: 'close' })}
              data-testid="drop-close"
            >
              {t('drop.close')}
            </button>
          </>
        )}
        <p>{t('drop.delete.explain')}</p>
        <button
          type="button"
          class="button button--danger"
          disabled={busy}
          onClick={() => setConfirm({ kind: 'delete' })}
          data-testid="drop-delete"
        >
          {t('drop.delete')}
        </button>
      </div>
      <p>
        <Link href="/app/drops">{t('drop.back')}</Link>
      </p>
      <ConfirmDialog
        open={confirm !== null}
        title={t(
          confirm?.kind === 'close'
            ? 'drop.close.title'
            : confirm?.kind === 'delete'
              ? 'drop.delete.title'
              : 'drop.deleteUpload.title',
        )}
        confirmLabel={t(confirm?.kind === 'close' ? 'drop.close' : 'drop.delete')}
        cancelLabel={t('action.cancel')}
        onConfirm={() => {
          if (confirm?.kind === 'close') void act(() => closeDrop(detail.dropId), t('drop.closed'));
          else if (confirm?.kind === 'delete-upload')
            void act(() => deleteDropUpload(detail.dropId, confirm.dropUploadId), t('drop.uploadDeleted'));
          else if (confirm?.kind === 'delete') {
            void act(async () => {
              await deleteDrop(detail.dropId);
              navigate('/app/drops');
              return true;
            }, t('drop.deleted'));
          }
        }}
        onCancel={() => setConfirm(null)}
        busy={busy}
        danger={confirm?.kind !== 'close'}
        testid="drop-confirm"
      >
        <p>
          {t(
            confirm?.kind === 'close'
              ? 'drop.close.text'
              : confirm?.kind === 'delete'
                ? 'drop.delete.text'
                : 'drop.deleteUpload.text',
          )}
        </p>
      </ConfirmDialog>
    </section>
  );
}
