// The files of an opened share, each with its size, a Download button, progress with speed
// and time left, Cancel, and what happened: saved (only after the integrity check passed),
// failed (and why), or too large for this browser. Used by the guest page, the received
// share, the sender's own view, and a drop's uploads (shareId: the drop upload's id). A share
// of several files also has "Download all": the same per-file save, one file after another (so
// it works where a browser saves one download at a time, as on phones), stopping at the first
// file that fails or is cancelled.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { diskName } from '../../../../shared/files/disk-name.js';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { BLOB_LIMIT_BYTES, type OpenedFile, type TransferProgress } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { useCancellable } from '../../ui/cancel';
import { ErrorAlert, Notice } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatBytes } from '../../ui/format';
import { TransferBar } from '../../ui/TransferBar';
import { canSave, saveFile } from './save';
import { canStreamToDisk, saveFilePicker } from './stream';

interface DownloadSource {
  readonly url: string;
  readonly grant?: string;
}

export interface FileDownloadsProps {
  readonly shareId: string;
  readonly files: readonly OpenedFile[];
  /** Where to fetch a file; `fresh` asks for a new grant (the last one expired). */
  readonly source: (fileId: string, fresh: boolean) => Promise<DownloadSource>;
  /** A guest's grant expired: they need a new code. Accounts get a new grant by themselves. */
  readonly onAccessExpired?: () => void;
  /** The share is gone (expired, revoked, used up): the page says so. */
  readonly onGone?: (code: 'share_expired' | 'share_revoked' | 'share_used_up') => void;
  /** A file was saved and passed its integrity check. */
  readonly onSaved?: (fileId: string) => void;
}

/** How one file's download ended. */
type Outcome = 'done' | 'failed' | 'cancelled';

type AllState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly index: number; readonly total: number }
  | { readonly kind: 'done'; readonly total: number }
  | { readonly kind: 'stopped'; readonly name: string; readonly n: number }
  | { readonly kind: 'cancelled' };

type RowState =
  | { readonly kind: 'idle'; readonly note?: 'cancelled' }
  | { readonly kind: 'running'; readonly progress: TransferProgress | null }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string; readonly n: number };

const DOWNLOAD_ERRORS: Readonly<Record<string, MessageKey>> = {
  tampered: 'download.error.tampered',
  network: 'download.error.network',
  server: 'download.error.network',
  share_expired: 'download.error.expired',
  share_revoked: 'download.error.revoked',
  share_used_up: 'download.error.usedUp',
  grant_invalid: 'download.error.grant',
  not_found: 'download.error.notFound',
  write_failed: 'download.error.write',
  stream_unavailable: 'download.error.stream',
  unknown_file: 'download.error.notFound',
  upload_rejected: 'download.error.rejected',
};

export function FileDownloads({
  shareId,
  files,
  source,
  onAccessExpired,
  onGone,
  onSaved,
}: FileDownloadsProps): JSX.Element {
  const { t, locale } = useI18n();
  const tooLarge = files.filter((file) => !canSave(file.size));
  const saveable = files.filter((file) => canSave(file.size));
  const runners = useRef(new Map<string, () => Promise<Outcome>>());
  const [all, setAll] = useState<AllState>({ kind: 'idle' });
  const stops = useRef(0);

  const downloadAll = async (): Promise<void> => {
    if (all.kind === 'running') return;
    for (const [index, file] of saveable.entries()) {
      setAll({ kind: 'running', index, total: saveable.length });
      const run = runners.current.get(file.fileId);
      const outcome = run ? await run() : 'failed';
      if (outcome === 'cancelled') {
        setAll({ kind: 'cancelled' });
        return;
      }
      if (outcome === 'failed') {
        stops.current++;
        setAll({ kind: 'stopped', name: file.name, n: stops.current });
        return;
      }
    }
    setAll({ kind: 'done', total: saveable.length });
  };

  return (
    <>
      {tooLarge.length > 0 && (
        <Notice tone="warning" testid="download-too-large">
          <p>{t('download.tooLarge', { limit: formatBytes(locale, BLOB_LIMIT_BYTES) })}</p>
        </Notice>
      )}
      {saveable.length > 1 && (
        <div class="download-all" data-testid="download-all-panel" data-state={all.kind}>
          <button
            type="button"
            class="button"
            onClick={() => void downloadAll()}
            disabled={all.kind === 'running'}
            data-testid="download-all"
          >
            {t('download.all', { n: saveable.length })}
          </button>
          <p class="status-line" role="status" data-testid="download-all-status">
            {all.kind === 'running'
              ? t('download.all.progress', { i: all.index + 1, n: all.total })
              : all.kind === 'done'
                ? t('download.all.done', { n: all.total })
                : all.kind === 'cancelled'
                  ? t('download.all.cancelled')
                  : ''}
          </p>
          {all.kind === 'stopped' && (
            <ErrorAlert testid="download-all-stopped" focusKey={all.n}>
              <p>{t('download.all.stopped', { name: all.name })}</p>
            </ErrorAlert>
          )}
        </div>
      )}
      <ul class="file-list" data-testid="file-list">
        {files.map((file) => (
          <FileRow
            key={file.fileId}
            shareId={shareId}
            file={file}
            source={source}
            onAccessExpired={onAccessExpired}
            onGone={onGone}
            onSaved={onSaved}
            // One file at a time while "Download all" runs: it reaches each row in turn.
            held={all.kind === 'running'}
            register={(run) => {
              if (run) runners.current.set(file.fileId, run);
              else runners.current.delete(file.fileId);
            }}
          />
        ))}
      </ul>
    </>
  );
}

function FileRow({
  shareId,
  file,
  source,
  onAccessExpired,
  onGone,
  onSaved,
  held,
  register,
}: {
  readonly shareId: string;
  readonly file: OpenedFile;
  readonly source: FileDownloadsProps['source'];
  readonly onAccessExpired?: (() => void) | undefined;
  readonly onGone?: FileDownloadsProps['onGone'];
  readonly onSaved?: FileDownloadsProps['onSaved'];
  /** "Download all" is running: this row's own buttons wait. */
  readonly held: boolean;
  /** Hands "Download all" this row's download (and takes it back when the row goes). */
  readonly register: (run: (() => Promise<Outcome>) | null) => void;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [state, setState] = useState<RowState>({ kind: 'idle' });
  const transfer = useCancellable();
  const failures = useRef(0);
  const saveable = canSave(file.size);
  const large = file.size > BLOB_LIMIT_BYTES;
  const picker = large ? saveFilePicker() : null;

  const run = async (fileHandle?: unknown): Promise<Outcome> => {
    if (transfer.running()) return 'failed';
    const signal = transfer.begin();
    if (!signal) return 'failed';
    setState({ kind: 'running', progress: null });
    const attempt = async (fresh: boolean): Promise<void> => {
      const where = await source(file.fileId, fresh);
      await saveFile(
        engine,
        {
          shareId,
          fileId: file.fileId,
          name: file.name,
          size: file.size,
          containerSize: file.containerSize,
          url: where.url,
          ...(where.grant !== undefined ? { grant: where.grant } : {}),
        },
        {
          signal: signal,
          onTransfer: (progress) => setState({ kind: 'running', progress }),
          ...(fileHandle !== undefined ? { fileHandle } : {}),
        },
      );
    };
    try {
      try {
        await attempt(false);
      } catch (error) {
        // An account's grant lasts minutes: ask for a new one once. A guest needs a new code.
        if (!(error instanceof EngineError && error.code === 'grant_invalid') || onAccessExpired) throw error;
        await attempt(true);
      }
      setState({ kind: 'done' });
      onSaved?.(file.fileId);
      return 'done';
    } catch (error) {
      if (error instanceof EngineError && error.code === 'cancelled') {
        setState({ kind: 'idle', note: 'cancelled' });
        return 'cancelled';
      } else {
        const code = error instanceof EngineError ? error.code : null;
        if (code === 'grant_invalid' && onAccessExpired) onAccessExpired();
        if ((code === 'share_expired' || code === 'share_revoked' || code === 'share_used_up') && onGone) onGone(code);
        const key = code !== null ? DOWNLOAD_ERRORS[code] : undefined;
        failures.current++;
        setState({ kind: 'failed', message: key ? t(key) : errorMessage(t, error), n: failures.current });
        return 'failed';
      }
    } finally {
      transfer.end();
    }
  };
  const latestRun = useRef(run);
  latestRun.current = run;
  useEffect(() => {
    register(() => latestRun.current());
    return () => register(null);
    // Registered once per row; the ref always holds the current download.
  }, []);

  const saveAs = async (): Promise<void> => {
    if (!picker) return;
    let handle: unknown;
    try {
      // Must run straight from the click: the browser asks only with a user gesture.
      handle = await picker({ suggestedName: diskName(file.name) });
    } catch {
      return; // the user closed the dialog
    }
    await run(handle);
  };

  const running = state.kind === 'running';
  return (
    <li
      class="file-row"
      data-testid="file-row"
      data-file-id={file.fileId}
      data-name={file.name}
      data-state={state.kind}
    >
      <FileLine name={file.name} size={file.size} />
      {saveable || picker ? (
        <div class="file-row__actions">
          {saveable && (
            <button
              type="button"
              class="button button--small"
              onClick={() => void run()}
              disabled={running || held}
              data-testid="file-download"
              aria-label={t(state.kind === 'done' ? 'download.againLabel' : 'download.buttonLabel', {
                name: file.name,
              })}
            >
              {state.kind === 'done' ? t('download.again') : t('download.button')}
            </button>
          )}
          {picker && (
            <button
              type="button"
              class="button button--small button--secondary"
              onClick={() => void saveAs()}
              disabled={running || held}
              data-testid="file-save-as"
              aria-label={t('download.saveAsLabel', { name: file.name })}
            >
              {t('download.saveAs')}
            </button>
          )}
        </div>
      ) : (
        <p class="file-row__note" data-testid="file-too-large">
          {t('download.tooLargeHere')}
        </p>
      )}
      {state.kind === 'running' && (
        <TransferBar
          label={t('download.progress', { name: file.name })}
          progress={state.progress}
          onCancel={() => transfer.cancel()}
          testid="file-progress"
        />
      )}
      {state.kind === 'done' && (
        <p class="status-line" role="status" data-testid="file-done">
          {large && canStreamToDisk() ? t('download.doneStreamed') : t('download.done')}
        </p>
      )}
      {state.kind === 'idle' && state.note === 'cancelled' && (
        <p class="status-line status-line--muted" role="status" data-testid="file-cancelled">
          {t('download.cancelled')}
        </p>
      )}
      {state.kind === 'failed' && (
        <ErrorAlert testid="file-error" focusKey={state.n}>
          <p>{state.message}</p>
        </ErrorAlert>
      )}
    </li>
  );
}

/** A file's name (never translated) and its size. */
export function FileLine({ name, size }: { readonly name: string; readonly size: number }): JSX.Element {
  const { locale } = useI18n();
  return (
    <div class="file-row__main">
      <span class="file-row__name" translate={false}>
        {name}
      </span>
      <span class="file-row__size">{formatBytes(locale, size)}</span>
    </div>
  );
}
