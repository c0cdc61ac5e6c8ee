// The portal's upload form: the client's personal drop (docs/protocol.md §13). The drop's link fragment is
// sealed to the client's own key; the crypto worker opens it and checks the drop key the server
// names against the fingerprint inside before anything is encrypted (a mismatch stops here with a
// warning, like the public upload page). Uploading asks the server for an upload session from
// the signed-in session (no e-mail code: the sign-in proved who this is), then encrypts, uploads,
// seals and MACs exactly as a drop link's uploader does (features/drops/drop-flow.ts). The
// receipt shows the code the office sees too.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { startPortalDrop, type PortalDrop } from '../../api/clients';
import { ApiError } from '../../api/http';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { MAX_MESSAGE_CHARACTERS } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { useLoad } from '../../ui/load';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatBytes } from '../../ui/format';
import { GroupedCode } from '../../ui/GroupedCode';
import { formatDate, formatDateTime } from '../../ui/labels';
import { StepHeading } from '../../ui/StepHeading';
import { type Receipt } from '../drops/drop-flow';
import { UPLOAD_ERRORS } from '../drops/limits';
import { useDropUpload } from '../drops/use-drop-upload';
import { FilesField } from '../send/FilesField';
import { UploadProgress } from '../send/UploadProgress';
import { FileLine } from '../transfer/FileDownloads';

type Step =
  | { readonly kind: 'opening' }
  /** The drop ended, or its keys were swept: nothing can be uploaded. */
  | { readonly kind: 'gone' }
  /** The drop key the server names is not the one sealed to the client: nothing may be encrypted. */
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'forged' }
  | { readonly kind: 'unsigned' }
  /** Signed by the advisor's keys from before an administrator reset them: genuine, but no longer checkable. */
  | { readonly kind: 'stale' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'files' }
  | { readonly kind: 'receipt'; readonly receipt: Receipt };

/** The drop page's failures, and one of the portal's own: the upload session from the sign-in ran out. */
const PORTAL_UPLOAD_ERRORS: Readonly<Record<string, MessageKey>> = {
  ...UPLOAD_ERRORS,
  grant_invalid: 'portal.drop.error.session',
};

export function PortalDropPanel({
  drop,
  office,
  onUploaded,
}: {
  readonly drop: PortalDrop;
  readonly office: string;
  readonly onUploaded: () => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [step, setStep] = useState<Step>({ kind: 'opening' });
  const [files, setFiles] = useState<readonly File[]>([]);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<{
    readonly text: string;
    readonly field?: 'files' | 'message';
    readonly n: number;
  } | null>(null);
  const [status, setStatus] = useState('');
  const sending = useDropUpload();
  const { working, progress } = sending;
  const { dropId, publicKey, clientLink, record } = drop;
  // The record's signer as strings, so a refetched portal with the same drop does not reopen it.
  const creatorId = drop.creator?.userId ?? null;
  const certificate = drop.creator?.certificate ?? null;
  const encryptionKeySignature = drop.creator?.encryptionKeySignature ?? null;
  const recordCertificate = drop.recordCertificate;
  const open = drop.state === 'active' && clientLink !== null;

  const fail = (text: string, field?: 'files' | 'message'): void =>
    setProblem((previous) => ({ text, ...(field ? { field } : {}), n: (previous?.n ?? 0) + 1 }));

  // Opening the drop: its key checked against the client's link, in the worker.
  useEffect(() => {
    if (!open || clientLink === null) {
      setStep({ kind: 'gone' });
      return;
    }
    setStep({ kind: 'opening' });
    return () => void engine.call('forgetDropLink', { dropId }).catch(() => undefined);
  }, [engine, dropId, publicKey, clientLink, open]);
  useLoad(
    open && clientLink !== null
      ? () => {
          const creator =
            creatorId === null || certificate === null || encryptionKeySignature === null
              ? null
              : { userId: creatorId, certificate, encryptionKeySignature };
          return engine.call('openClientDrop', { dropId, publicKey, clientLink, record, creator, recordCertificate });
        }
      : null,
    [
      engine,
      dropId,
      publicKey,
      clientLink,
      record,
      creatorId,
      certificate,
      encryptionKeySignature,
      recordCertificate,
      open,
    ],
    {
      onLoad: () => setStep({ kind: 'files' }),
      onError: (error) => {
        const code = error instanceof EngineError ? error.code : null;
        setStep({
          kind:
            code === 'drop_key_mismatch' || code === 'bad_link'
              ? 'mismatch'
              : code === 'drop_record_invalid'
                ? 'forged'
                : code === 'drop_record_missing'
                  ? 'unsigned'
                  : code === 'drop_record_stale'
                    ? 'stale'
                    : 'unavailable',
        });
      },
    },
  );

  const upload = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (step.kind !== 'files' || sending.running()) return;
    setStatus('');
    const wrong = sending.check(t, locale, drop, files, message);
    if (wrong) {
      fail(wrong.text, wrong.field);
      return;
    }
    setProblem(null);
    try {
      const receipt = await sending.upload({
        dropId,
        grant: async () => (await startPortalDrop(dropId)).grant,
        files,
        message,
        receiptMail: false,
      });
      if (receipt === null) {
        setStatus(t('dropUpload.cancelled'));
        return;
      }
      setStep({ kind: 'receipt', receipt });
      onUploaded();
    } catch (error) {
      if (
        (error instanceof ApiError && error.status === 410) ||
        (error instanceof EngineError && (error.code === 'drop_closed' || error.code === 'drop_expired'))
      )
        setStep({ kind: 'gone' });
      else if (error instanceof EngineError && PORTAL_UPLOAD_ERRORS[error.code])
        fail(t(PORTAL_UPLOAD_ERRORS[error.code] as MessageKey));
      else if (error instanceof ApiError && (error.code === 'drop_too_many_files' || error.code === 'drop_too_large'))
        fail(t('dropUpload.error.serverLimits'));
      else fail(errorMessage(t, error));
    }
  };

  const again = (): void => {
    setFiles([]);
    setMessage('');
    sending.resetProgress();
    setProblem(null);
    setStatus('');
    setStep({ kind: 'files' });
  };

  return (
    <div data-testid="portal-drop" data-step={step.kind} data-working={working ?? 'no'} data-drop-id={dropId}>
      {step.kind === 'opening' && <Progress text={t('portal.drop.opening')} testid="portal-drop-opening" />}
      {step.kind === 'gone' && (
        <Notice tone="warning" testid="portal-drop-gone">
          <p>{t('portal.drop.gone', { office })}</p>
        </Notice>
      )}
      {step.kind === 'mismatch' && (
        <ErrorAlert testid="portal-drop-mismatch">
          <p>
            <strong>{t('dropUpload.mismatch.title')}</strong>
          </p>
          <p>{t('dropUpload.mismatch.text', { office })}</p>
        </ErrorAlert>
      )}
      {step.kind === 'forged' && (
        <ErrorAlert testid="portal-drop-forged">
          <p>
            <strong>{t('portal.drop.forged.title')}</strong>
          </p>
          <p>{t('portal.drop.forged.text', { office })}</p>
        </ErrorAlert>
      )}
      {step.kind === 'unsigned' && (
        <ErrorAlert testid="portal-drop-unsigned">
          <p>{t('portal.drop.unsigned', { office })}</p>
        </ErrorAlert>
      )}
      {step.kind === 'stale' && (
        <ErrorAlert testid="portal-drop-stale">
          <p>{t('portal.drop.stale', { office })}</p>
        </ErrorAlert>
      )}
      {step.kind === 'unavailable' && (
        <ErrorAlert testid="portal-drop-unavailable">
          <p>{t('portal.drop.unavailable')}</p>
        </ErrorAlert>
      )}
      {problem && (
        <ErrorAlert testid="portal-drop-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="portal-drop-status" />

      {step.kind === 'files' && (
        <form class="form" onSubmit={(event) => void upload(event)} noValidate aria-busy={working !== null}>
          {drop.instructions !== '' && <p class="pre-line">{drop.instructions}</p>}
          <p class="form__aside">{t('portal.drop.intro', { office, date: formatDate(locale, drop.expiresAt) })}</p>
          <FilesField
            files={files}
            onChange={setFiles}
            error={problem?.field === 'files' ? problem.text : null}
            disabled={working !== null}
            prefix="portal"
            max={drop.maxFiles}
            hint={t('dropUpload.limits', {
              files: drop.maxFiles,
              total: formatBytes(locale, drop.maxTotalBytes),
              file: formatBytes(locale, Math.min(drop.maxFileBytes, drop.maxTotalBytes)),
            })}
          />
          <Field
            id="portal-message"
            label={t('send.message.label')}
            hint={t('dropUpload.message.hint', { office, max: MAX_MESSAGE_CHARACTERS })}
            value={message}
            onValue={setMessage}
            rows={3}
            maxLength={MAX_MESSAGE_CHARACTERS}
            error={problem?.field === 'message' ? problem.text : null}
            disabled={working !== null}
            testid="portal-message"
          />
          {working && (
            <div class="send-progress" data-testid="portal-progress">
              <StepHeading level={3} focus={false}>
                {t(working === 'uploading' ? 'send.phase.uploading' : 'dropUpload.submitting')}
              </StepHeading>
              <UploadProgress
                files={files}
                progress={progress}
                prefix="portal"
                onCancel={working === 'uploading' ? sending.cancel : undefined}
              />
            </div>
          )}
          <div class="button-row">
            <button type="submit" class="button" disabled={working !== null} data-testid="portal-upload-submit">
              {t('dropUpload.submit')}
            </button>
          </div>
        </form>
      )}

      {step.kind === 'receipt' && (
        <div class="receipt" data-testid="portal-receipt" data-upload-id={step.receipt.dropUploadId}>
          <StepHeading level={3}>{t('dropUpload.receipt.title')}</StepHeading>
          <Notice tone="ok" testid="portal-receipt-done">
            <p>{t('dropUpload.receipt.intro', { office, time: formatDateTime(locale, step.receipt.receivedAt) })}</p>
          </Notice>
          <ul class="file-list" aria-label={t('dropUpload.receipt.files')}>
            {step.receipt.files.map((file, index) => (
              <li
                key={index}
                class="file-row"
                data-testid="portal-receipt-file"
                data-name={file.name}
                data-size={file.size}
              >
                <FileLine name={file.name} size={file.size} />
              </li>
            ))}
          </ul>
          <p class="access-code__label">{t('receipt.code')}</p>
          <GroupedCode value={step.receipt.receiptCode} testid="portal-receipt-code" />
          <p>{t('dropUpload.receipt.compare', { office })}</p>
          {!step.receipt.serverAgrees && (
            <Notice tone="warning" testid="portal-receipt-mismatch">
              <p>{t('dropUpload.receipt.mismatch', { office })}</p>
            </Notice>
          )}
          <div class="button-row">
            <button type="button" class="button button--secondary" onClick={again} data-testid="portal-upload-more">
              {t('dropUpload.more')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
