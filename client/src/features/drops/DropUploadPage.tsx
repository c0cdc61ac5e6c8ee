// /d/<dropId>#<drop key fingerprint>.<D>: someone without an account (usually a client) uploads
// files for the office (docs/protocol.md §13). Opening the page changes nothing on the server (GET
// only). It shows the office's name and logo and the drop's public title and instructions, and the
// crypto worker checks the drop key the server names against the fingerprint in the link before
// anything can be encrypted: a key that does not match stops the page with a warning, at whatever
// step it is found. (A bound drop shows "Send me a code" while the worker loads and checks; the
// files step waits for the check.) A drop bound to an address first asks for a code sent there (the
// person presses the button; the code form sends itself at the sixth digit and may make this
// browser a trusted device); on a trusted device of that address the page goes straight to the
// files, and "upload more" needs no new code (the session comes from POST …/trusted); an open drop
// never mails. The chosen files are checked against the drop's limits, then each is encrypted and
// uploaded in the worker with its own progress bar; the worker seals the file keys to the drop key
// and MACs the manifest with D. The receipt lists the files, their sizes, the time and the receipt
// code the office will see too; back or forward in this tab shows it again (kept-receipt.ts says
// what is kept, and why there).
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getOffice } from '../../api/accounts';
import { getDropLink, openTrustedDrop, requestDropCode, startDropSession, verifyDropCode } from '../../api/drops';
import { forgetDevice } from '../../api/sharing';
import { ApiError } from '../../api/http';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { MAX_MESSAGE_CHARACTERS } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { useLoad } from '../../ui/load';
import { ErrorAlert, Notice, StatusLine } from '../../ui/Alert';
import { errorMessage, isApiError } from '../../ui/errors';
import { Checkbox, Field } from '../../ui/Field';
import { formatBytes } from '../../ui/format';
import { formatDate } from '../../ui/labels';
import { PageHeading } from '../../ui/PageHeading';
import { StepHeading } from '../../ui/StepHeading';
import { FilesField } from '../send/FilesField';
import { emptyFiles } from '../send/files';
import { UploadProgress } from '../send/UploadProgress';
import { EmailCodeForm, RequestCodePanel } from '../share/EmailCode';
import { requestEmailCode, useLinkPage, verifyEmailCode } from '../share/link-page';
import { isLinkState, LinkStateAlert } from '../share/LinkState';
import { dropIdOfPath } from '../share/links';
import { OfficeBrand } from '../share/OfficeBrand';
import { type Loaded, type Receipt } from './drop-flow';
import { endedState } from './labels';
import { UPLOAD_ERRORS } from './limits';
import { useDropUpload } from './use-drop-upload';
import { ReceiptPanel } from './DropReceipt';
import { cameBackInHistory, keepReceipt, keptReceiptIn, receiptToKeep } from './kept-receipt';

type Step =
  | { readonly kind: 'loading' }
  /** The link is incomplete (id or fragment missing or malformed). */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'gone'; readonly state: 'closed' | 'expired' }
  | { readonly kind: 'unavailable' }
  /** The server's drop key is not the one the link names: nothing may be encrypted. */
  | { readonly kind: 'mismatch'; readonly loaded: Loaded }
  | { readonly kind: 'locked'; readonly loaded: Loaded }
  | { readonly kind: 'start'; readonly loaded: Loaded }
  | { readonly kind: 'code'; readonly loaded: Loaded; readonly sentAt: string | null }
  /** Choosing files; a bound drop has its grant already, an open one asks for it when uploading. */
  | { readonly kind: 'files'; readonly loaded: Loaded; readonly grant: string | null }
  | { readonly kind: 'receipt'; readonly loaded: Loaded; readonly receipt: Receipt };

export function DropUploadPage({ path }: { readonly path: string }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const dropId = dropIdOfPath(path);
  const page = useLinkPage<'code' | 'files' | 'message'>('drop');
  const { fragment, attempt, busy, problem, fail, status, setStatus } = page;
  const [step, setStep] = useState<Step>(() => (dropId && fragment ? { kind: 'loading' } : { kind: 'invalid' }));
  const [code, setCode] = useState('');
  const [files, setFiles] = useState<readonly File[]>([]);
  const [allowEmpty, setAllowEmpty] = useState(false);
  const [message, setMessage] = useState('');
  const [receiptMail, setReceiptMail] = useState(false);
  const [remember, setRemember] = useState(true);
  /** This browser is a trusted device for the bound address: sessions come without a code. */
  const [trustedDevice, setTrustedDevice] = useState(false);
  const [kept, setKept] = useState(() => (dropId && cameBackInHistory() ? keptReceiptIn(history.state, dropId) : null));
  const sending = useDropUpload();
  const { working, progress } = sending;

  /**
   * The worker's check of the drop key the server names against the link's fingerprint: null
   * when it is the link's key, else the step that says why not. Nothing can be encrypted for the
   * drop before it passed (the worker refuses: drop_unchecked).
   */
  const checkDropKey = async (loaded: Loaded): Promise<Step | null> => {
    if (!dropId || !fragment) return { kind: 'invalid' };
    try {
      await engine.call('openDropLink', { dropId, fragment, publicKey: loaded.info.publicKey });
      return null;
    } catch (error) {
      if (error instanceof EngineError && error.code === 'drop_key_mismatch') return { kind: 'mismatch', loaded };
      if (error instanceof EngineError && error.code === 'bad_link') return { kind: 'invalid' };
      return { kind: 'unavailable' };
    }
  };
  /** The check for the drop as loaded now, once started. */
  const keyCheck = useRef<{ readonly loaded: Loaded; readonly outcome: Promise<Step | null> } | null>(null);

  // Opening the page: two GETs, which change nothing; then the drop key against the link.
  useEffect(() => {
    if (!dropId || !fragment) {
      setStep({ kind: 'invalid' });
      return;
    }
    setStep({ kind: 'loading' });
    return () => {
      keyCheck.current = null;
      void engine.call('forgetDropLink', { dropId }).catch(() => undefined);
    };
  }, [dropId, fragment, attempt, engine]);

  useLoad<Step>(
    dropId && fragment
      ? async (signal) => {
          const [office, info] = await Promise.all([getOffice({ signal }), getDropLink(dropId, { signal })]);
          const loaded: Loaded = { office: { name: office.name ?? '', logoUrl: office.logoUrl }, info };
          // A bound drop starts with "Send me a code", which needs no crypto: the button is there
          // at once, and the crypto worker (most of what a phone downloads) loads and checks the
          // key meanwhile (below); the files wait for that check.
          if (info.bound && !info.trusted && !info.locked) return { kind: 'start', loaded };
          const outcome = checkDropKey(loaded);
          keyCheck.current = { loaded, outcome };
          const failed = await outcome;
          if (failed) return failed;
          return info.locked ? { kind: 'locked', loaded } : { kind: 'files', loaded, grant: null };
        }
      : null,
    [dropId, fragment, attempt, engine],
    {
      onLoad: (next) => {
        setStep(next);
        setTrustedDevice('loaded' in next && next.loaded.info.trusted);
      },
      onError: (error) => {
        const ended = error instanceof ApiError && error.status === 410 ? (endedState(error.code) ?? 'expired') : null;
        if (ended) setStep({ kind: 'gone', state: ended });
        else if (error instanceof ApiError && error.status === 404) setStep({ kind: 'not-found' });
        else setStep({ kind: 'unavailable' });
      },
    },
  );

  // Once "Send me a code" is on the screen (an effect runs after the paint), the key check
  // starts: a key that is not the link's stops the page whichever step the person is at.
  const startedWith = step.kind === 'start' ? step.loaded : null;
  useEffect(() => {
    if (startedWith === null || keyCheck.current?.loaded === startedWith) return;
    const outcome = checkDropKey(startedWith);
    const check = { loaded: startedWith, outcome };
    keyCheck.current = check;
    void outcome.then((failed) => {
      if (failed && keyCheck.current === check) setStep(failed);
    });
    // Keyed on the loaded drop alone: checkDropKey is made anew each render from the same inputs.
  }, [startedWith]);

  /** A 410 (the drop ended) or 423 (locked) from any step. */
  const handleDropError = (error: unknown, loaded: Loaded): boolean => {
    const ended = error instanceof ApiError && error.status === 410 ? (endedState(error.code) ?? 'expired') : null;
    const workerEnded =
      error instanceof EngineError && (error.code === 'drop_closed' || error.code === 'drop_expired')
        ? error.code === 'drop_closed'
          ? 'closed'
          : 'expired'
        : null;
    if (ended ?? workerEnded) {
      setStep({ kind: 'gone', state: (ended ?? workerEnded) as 'closed' | 'expired' });
      return true;
    }
    if (isApiError(error, 'drop_locked')) {
      setStep({ kind: 'locked', loaded });
      return true;
    }
    return false;
  };

  const sendCode = async (loaded: Loaded): Promise<void> => {
    if (!dropId || busy) return;
    await requestEmailCode(page, t, {
      request: () => requestDropCode(dropId),
      maskedEmail: loaded.info.maskedEmail ?? '',
      deliveryFailed: t('dropUpload.error.delivery'),
      linkError: (error) => handleDropError(error, loaded),
      sent: (sentAt) => {
        setCode('');
        setStep({ kind: 'code', loaded, sentAt });
      },
    });
  };

  const submitCode = async (typed: string): Promise<void> => {
    if (step.kind !== 'code' || !dropId || busy) return;
    const { loaded } = step;
    const granted = await verifyEmailCode(page, t, typed, {
      verify: (digits) => verifyDropCode(dropId, digits, remember && loaded.info.trustedDeviceDays > 0),
      linkError: (error) => handleDropError(error, loaded),
    });
    if (granted === null) {
      // Empty again, so the next code (typed or pasted) sends itself at its sixth digit too.
      setCode('');
      return;
    }
    setTrustedDevice(granted.trustedUntil !== undefined);
    // The files only once the drop key passed its check (normally done while the code was typed;
    // on a slow connection the crypto worker may still be loading).
    page.setBusy(t('dropUpload.keyChecking'));
    let failed: Step | null;
    try {
      failed = await (keyCheck.current?.loaded === loaded ? keyCheck.current.outcome : checkDropKey(loaded));
    } finally {
      page.setBusy(null);
    }
    if (failed) {
      setStep(failed);
      return;
    }
    setStatus(t('dropUpload.codeConfirmed'));
    setStep({ kind: 'files', loaded, grant: granted.grant });
  };

  const upload = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (step.kind !== 'files' || !dropId || sending.running()) return;
    const { loaded } = step;
    setStatus('');
    const wrong = sending.check(t, locale, loaded.info, files, message);
    if (wrong) {
      fail(wrong.text, wrong.field);
      return;
    }
    if (emptyFiles(files).length > 0 && !allowEmpty) {
      fail(t('send.files.emptyUnconfirmed'), 'files');
      return;
    }
    page.clearProblem();
    try {
      const receipt = await sending.upload({
        dropId,
        // A bound drop without a grant is on a trusted device: its session needs no code.
        grant: async () =>
          step.grant ??
          (loaded.info.bound ? (await openTrustedDrop(dropId)).grant : (await startDropSession(dropId)).grant),
        files,
        message,
        receiptMail: loaded.info.bound && receiptMail,
      });
      if (receipt === null) setStatus(t('dropUpload.cancelled'));
      else {
        const about = { office: loaded.office.name, title: loaded.info.title, singleUse: loaded.info.singleUse };
        keepReceipt(receiptToKeep(dropId, about, receipt));
        setStep({ kind: 'receipt', loaded, receipt });
      }
    } catch (error) {
      if (handleDropError(error, loaded)) {
        // the page says why
      } else if (isApiError(error, 'device_not_trusted')) {
        setTrustedDevice(false);
        setStep({ kind: 'start', loaded });
        fail(t('guest.trusted.gone'));
      } else if (error instanceof EngineError && error.code === 'grant_invalid' && loaded.info.bound) {
        setStep({ kind: 'start', loaded });
        fail(t('guest.error.accessExpired'));
      } else if (error instanceof EngineError && UPLOAD_ERRORS[error.code]) {
        fail(t(UPLOAD_ERRORS[error.code] as MessageKey));
      } else if (
        error instanceof ApiError &&
        (error.code === 'drop_too_many_files' || error.code === 'drop_too_large')
      ) {
        fail(t('dropUpload.error.serverLimits'));
      } else {
        fail(errorMessage(t, error));
      }
    }
  };

  const again = (loaded: Loaded): void => {
    keepReceipt(null);
    setFiles([]);
    setAllowEmpty(false);
    setMessage('');
    setReceiptMail(false);
    sending.resetProgress();
    page.clearProblem();
    setStatus('');
    // A submission uses up its grant: a bound drop asks for a new code, unless this is a trusted device.
    setStep(loaded.info.bound && !trustedDevice ? { kind: 'start', loaded } : { kind: 'files', loaded, grant: null });
  };

  const forget = async (loaded: Loaded): Promise<void> => {
    try {
      await forgetDevice();
      setTrustedDevice(false);
      setStatus(t('guest.forgotten'));
      if (step.kind === 'files' && step.grant === null) setStep({ kind: 'start', loaded });
    } catch (error) {
      fail(errorMessage(t, error));
    }
  };

  if (kept !== null && step.kind !== 'receipt') {
    // Back to this page after an upload: its receipt, until the person chooses to upload more.
    return (
      <section class="guest narrow" data-testid="drop-upload-page" data-step="receipt">
        <PageHeading>{kept.title}</PageHeading>
        <ReceiptPanel
          office={kept.office}
          maskedEmail={null}
          singleUse={kept.singleUse}
          receipt={kept.receipt}
          kept
          onAgain={() => {
            keepReceipt(null);
            setKept(null);
          }}
        />
      </section>
    );
  }

  const loaded = 'loaded' in step ? step.loaded : null;
  const heading = loaded ? loaded.info.title : t('dropUpload.titlePlain');
  return (
    <section class="guest narrow" data-testid="drop-upload-page" data-step={step.kind} data-working={working ?? 'no'}>
      {loaded && <OfficeBrand office={loaded.office} testid="drop-upload-office" />}
      <PageHeading>{heading}</PageHeading>

      {isLinkState(step.kind) && (
        <LinkStateAlert
          state={step.kind}
          texts={{
            loading: t('dropUpload.loading'),
            invalid: t('dropUpload.invalid'),
            'not-found': t('dropUpload.notFound'),
            unavailable: t('dropUpload.unavailable'),
          }}
          onRetry={page.retry}
          prefix="drop-upload"
        />
      )}
      {step.kind === 'gone' && (
        <Notice tone="warning" testid="drop-upload-gone" state={step.state}>
          <p>{t(step.state === 'closed' ? 'dropUpload.gone.closed' : 'dropUpload.gone.expired')}</p>
        </Notice>
      )}
      {step.kind === 'mismatch' && (
        <ErrorAlert testid="drop-upload-mismatch">
          <p>
            <strong>{t('dropUpload.mismatch.title')}</strong>
          </p>
          <p>{t('dropUpload.mismatch.text', { office: step.loaded.office.name })}</p>
        </ErrorAlert>
      )}
      {step.kind === 'locked' && (
        <ErrorAlert testid="drop-upload-locked">
          <p>{t('dropUpload.locked', { office: step.loaded.office.name })}</p>
        </ErrorAlert>
      )}

      {loaded && step.kind !== 'mismatch' && step.kind !== 'receipt' && (
        <div data-testid="drop-upload-intro">
          {loaded.info.instructions !== '' && (
            <p class="lead pre-line" data-testid="drop-upload-instructions">
              {loaded.info.instructions}
            </p>
          )}
          <p>
            {t('dropUpload.intro', { office: loaded.office.name })}{' '}
            {t('dropUpload.until', { date: formatDate(locale, loaded.info.expiresAt) })}
          </p>
        </div>
      )}

      {problem && (
        <ErrorAlert testid="drop-upload-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="drop-upload-status" />

      {step.kind === 'start' && step.loaded.info.unlocked && (
        <Notice tone="info" testid="drop-upload-unlocked">
          <p>{t('guest.unlocked')}</p>
        </Notice>
      )}

      {step.kind === 'start' && (
        <RequestCodePanel
          explain={t('dropUpload.codeExplain', { email: step.loaded.info.maskedEmail ?? '' })}
          busy={busy}
          onRequest={() => void sendCode(step.loaded)}
          prefix="drop-upload"
        />
      )}

      {step.kind === 'code' && (
        <EmailCodeForm
          maskedEmail={step.loaded.info.maskedEmail ?? ''}
          sentAt={step.sentAt}
          code={code}
          onCode={setCode}
          error={problem?.field === 'code' ? problem.text : null}
          busy={busy}
          onSubmit={(typed) => void submitCode(typed)}
          onResend={() => void sendCode(step.loaded)}
          submitLabel={t('dropUpload.continue')}
          prefix="drop-upload"
          autoSubmit
          remember={{
            days: step.loaded.info.trustedDeviceDays,
            office: step.loaded.office.name,
            checked: remember,
            onChange: setRemember,
          }}
        />
      )}

      {step.kind === 'files' && (
        <form class="panel form" onSubmit={(event) => void upload(event)} noValidate aria-busy={working !== null}>
          <StepHeading>{t('dropUpload.files.title')}</StepHeading>
          <FilesField
            files={files}
            onChange={setFiles}
            error={problem?.field === 'files' ? problem.text : null}
            disabled={working !== null}
            prefix="drop"
            allowEmpty={allowEmpty}
            onAllowEmpty={setAllowEmpty}
            max={step.loaded.info.maxFiles}
            hint={t('dropUpload.limits', {
              files: step.loaded.info.maxFiles,
              total: formatBytes(locale, step.loaded.info.maxTotalBytes),
              file: formatBytes(locale, Math.min(step.loaded.info.maxFileBytes, step.loaded.info.maxTotalBytes)),
            })}
          />
          <Field
            id="drop-message"
            label={t('send.message.label')}
            hint={t('dropUpload.message.hint', { office: step.loaded.office.name, max: MAX_MESSAGE_CHARACTERS })}
            value={message}
            onValue={setMessage}
            rows={3}
            maxLength={MAX_MESSAGE_CHARACTERS}
            error={problem?.field === 'message' ? problem.text : null}
            disabled={working !== null}
            testid="drop-message"
          />
          {step.loaded.info.bound && (
            <Checkbox
              id="drop-receipt-mail"
              label={t('dropUpload.receiptMail', { email: step.loaded.info.maskedEmail ?? '' })}
              hint={t('dropUpload.receiptMail.hint')}
              checked={receiptMail}
              onChange={setReceiptMail}
              disabled={working !== null}
              testid="drop-receipt-mail"
            />
          )}
          {working && (
            <div class="send-progress" data-testid="drop-progress">
              <StepHeading level={3} focus={false}>
                {t(working === 'uploading' ? 'send.phase.uploading' : 'dropUpload.submitting')}
              </StepHeading>
              <UploadProgress
                files={files}
                progress={progress}
                prefix="drop"
                onCancel={working === 'uploading' ? sending.cancel : undefined}
              />
            </div>
          )}
          <div class="button-row">
            <button type="submit" class="button" disabled={working !== null} data-testid="drop-upload-submit">
              {t('dropUpload.submit')}
            </button>
          </div>
        </form>
      )}

      {(step.kind === 'files' || step.kind === 'receipt') && step.loaded.info.bound && trustedDevice && (
        <div class="panel" data-testid="drop-upload-trusted-device">
          <p>{t('guest.trusted.note', { office: step.loaded.office.name })}</p>
          <div class="button-row">
            <button
              type="button"
              class="button button--secondary"
              onClick={() => void forget(step.loaded)}
              disabled={working !== null}
              data-testid="drop-upload-forget"
            >
              {t('guest.forget')}
            </button>
          </div>
        </div>
      )}

      {step.kind === 'receipt' && (
        <ReceiptPanel
          office={step.loaded.office.name}
          maskedEmail={step.loaded.info.maskedEmail ?? null}
          singleUse={step.loaded.info.singleUse}
          receipt={step.receipt}
          onAgain={() => again(step.loaded)}
        />
      )}
    </section>
  );
}
