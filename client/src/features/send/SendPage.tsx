// /app/send: an advisor sends files to clients and colleagues (docs/protocol.md §10, §11). Files are
// encrypted and uploaded in the crypto worker, streaming, with progress per file and overall
// and a Cancel (closing the tab meanwhile asks first); an empty file goes only once confirmed.
// Recipients' keys are checked against the office and the advisor's pins first (a changed key
// stops the send until fingerprints are compared); afterwards each guest's link is shown to
// copy or mail, with the access code to tell by phone; a guest with an access code gets the link
// from Coffer itself unless the advisor unticks it (docs/threat-model.md, "Who delivers a link").
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { ApiError } from '../../api/http';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { MAX_MESSAGE_CHARACTERS } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { Link, useReopen } from '../../router';
import { useCancellable } from '../../ui/cancel';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { Checkbox, Field } from '../../ui/Field';
import { formatDate } from '../../ui/labels';
import { PageHeading } from '../../ui/PageHeading';
import { StepHeading } from '../../ui/StepHeading';
import { DEFAULT_MAX_EXPIRY_DAYS, defaultExpiryDays, expiryFrom, expiryPresets } from '../share/links';
import { FilesField } from './FilesField';
import { emptyFiles } from './files';
import { useLeaveGuard } from './leave-guard';
import { GuestLinkCard } from './GuestLinkCard';
import { useKeyChangeConfirm } from './KeyChangedDialog';
import { addressesToAdd } from './addresses';
import { RecipientsField, useAddRecipients, type RecipientDraft } from './RecipientsField';
import { sendShare, SendStopped, type SendOutcome, type SendPhase } from './send-flow';
import { UploadProgress, type FileProgress } from './UploadProgress';

const DOWNLOAD_LIMITS = [1, 2, 3, 5, 10, 25] as const;

type Stage =
  | { readonly kind: 'compose' }
  | { readonly kind: 'working'; readonly phase: SendPhase }
  | { readonly kind: 'sent'; readonly outcome: SendOutcome };

const PHASE_TEXT: Record<SendPhase, MessageKey> = {
  checking: 'send.phase.checking',
  uploading: 'send.phase.uploading',
  sealing: 'send.phase.sealing',
  sending: 'send.phase.sending',
};

const SEND_ERRORS: Readonly<Record<string, MessageKey>> = {
  quota_exceeded: 'send.error.quota',
  network: 'send.error.network',
  server: 'send.error.network',
  upload_failed: 'send.error.upload',
  file_unreadable: 'send.error.unreadable',
  message_too_long: 'send.error.messageTooLong',
  keys_untrusted: 'send.error.officeKeys',
  key_changed: 'send.error.refused',
  signed_out: 'error.signedOut',
};

interface FieldErrors {
  readonly files?: string;
  readonly recipients?: string;
  readonly message?: string;
}

export function SendPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const maxDays = info.office.maxExpiryDays ?? DEFAULT_MAX_EXPIRY_DAYS;
  const presets = expiryPresets(maxDays);

  const [files, setFiles] = useState<readonly File[]>([]);
  const [allowEmpty, setAllowEmpty] = useState(false);
  const [recipients, setRecipients] = useState<readonly RecipientDraft[]>([]);
  const [recipientText, setRecipientText] = useState('');
  const [message, setMessage] = useState('');
  const [expiryDays, setExpiryDays] = useState(defaultExpiryDays(maxDays));
  const [limit, setLimit] = useState<number | null>(null);
  const [receipt, setReceipt] = useState(false);
  const [mailLinks, setMailLinks] = useState(true);
  const [stage, setStage] = useState<Stage>({ kind: 'compose' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<{
    readonly text: string;
    readonly detail?: string;
    readonly n: number;
  } | null>(null);
  const [progress, setProgress] = useState<readonly FileProgress[]>([]);
  const keyChange = useKeyChangeConfirm();
  const [status, setStatus] = useState('');
  const transfer = useCancellable();
  const addRecipients = useAddRecipients((update) => setRecipients((previous) => update(previous)));
  useLeaveGuard(stage.kind === 'working');

  const fail = (text: string, detail?: string): void =>
    setProblem((p) => ({ text, ...(detail ? { detail } : {}), n: (p?.n ?? 0) + 1 }));

  const guestsWithoutCode = recipients.filter((r) => r.found !== null && !r.found.account && !r.accessCode);
  const guestsWithCode = recipients.filter((r) => !r.found?.account && r.accessCode);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (transfer.running()) return;
    setStatus('');
    // An address typed but not added yet counts too.
    const next: { files?: string; recipients?: string; message?: string } = {};
    let addresses = recipients.map((r) => r.email);
    const pending = recipientText.trim();
    if (pending !== '') {
      const outcome = addressesToAdd(pending, addresses);
      const problemText = addRecipients(pending, recipients);
      if (problemText !== null || !outcome.ok) next.recipients = problemText ?? t('send.recipients.empty');
      else {
        addresses = [...addresses, ...outcome.added];
        setRecipientText('');
      }
    }
    if (files.length === 0) next.files = t('send.files.empty');
    else if (emptyFiles(files).length > 0 && !allowEmpty) next.files = t('send.files.emptyUnconfirmed');
    if (addresses.length === 0 && !next.recipients) next.recipients = t('send.recipients.none');
    if (message.length > MAX_MESSAGE_CHARACTERS)
      next.message = t('send.message.tooLong', { max: MAX_MESSAGE_CHARACTERS });
    setErrors(next);
    if (next.files || next.recipients || next.message) {
      fail(t('form.fix'));
      return;
    }
    setProblem(null);
    const signal = transfer.begin();
    if (!signal) return;
    setProgress(files.map(() => null));
    const drafts = new Map(recipients.map((r) => [r.email, r]));
    try {
      const outcome = await sendShare(
        engine,
        {
          files,
          recipients: addresses.map((email) => {
            const draft = drafts.get(email);
            return {
              email,
              accessCode: draft?.accessCode ?? false,
              ...(draft?.lang !== undefined ? { lang: draft.lang } : {}),
            };
          }),
          message,
          expiresAt: expiryFrom(Date.now(), expiryDays),
          downloadLimit: limit,
          receiptMail: receipt,
          mailLinks,
        },
        {
          signal: signal,
          phase: (phase) => setStage({ kind: 'working', phase }),
          confirmKeyChange: keyChange.confirm,
          fileProgress: (index, p) => setProgress((previous) => previous.map((item, i) => (i === index ? p : item))),
          fileDone: (index) => setProgress((previous) => previous.map((item, i) => (i === index ? 'done' : item))),
        },
      );
      setStage({ kind: 'sent', outcome });
    } catch (error) {
      setStage({ kind: 'compose' });
      if (signal.aborted || (error instanceof EngineError && error.code === 'cancelled')) {
        setStatus(t('send.cancelled'));
      } else if (error instanceof SendStopped) {
        const key: MessageKey =
          error.reason === 'unapproved'
            ? 'send.error.unapproved'
            : error.reason === 'untrusted'
              ? 'send.error.untrusted'
              : 'send.error.refused';
        fail(t(key, { names: error.names.join(', ') }));
      } else if (error instanceof EngineError && SEND_ERRORS[error.code]) {
        fail(t(SEND_ERRORS[error.code] as MessageKey));
      } else if (error instanceof ApiError && error.code === 'invalid_input' && error.fields.includes('expiresAt')) {
        fail(t('send.error.expiry'));
      } else if (error instanceof ApiError && error.code === 'quota_exceeded') {
        fail(t('send.error.quota'));
      } else {
        fail(errorMessage(t, error));
      }
    } finally {
      transfer.end();
    }
  };

  const reset = (): void => {
    setFiles([]);
    setAllowEmpty(false);
    setRecipients([]);
    setRecipientText('');
    setMessage('');
    setLimit(null);
    setReceipt(false);
    setMailLinks(true);
    setExpiryDays(defaultExpiryDays(maxDays));
    setProgress([]);
    setErrors({});
    setProblem(null);
    setStatus('');
    setStage({ kind: 'compose' });
  };

  // "Send files" in the menu after a send: a fresh form, not the last result.
  useReopen(() => {
    if (stage.kind === 'sent') reset();
  });

  if (stage.kind === 'sent') return <SendResult info={info} outcome={stage.outcome} onAgain={reset} />;

  const working = stage.kind === 'working';
  return (
    <section data-testid="send-page" data-state={keyChange.change ? 'key-changed' : working ? stage.phase : 'compose'}>
      <PageHeading>{t('send.title')}</PageHeading>
      <p class="lead">{t('send.intro')}</p>
      <p data-testid="send-many">
        <Link href="/app/send/batch" testid="send-many-link">
          {t('send.many')}
        </Link>
        <span class="radio__hint">{t('send.many.hint')}</span>
      </p>
      {problem && (
        <ErrorAlert testid="send-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="send-status" />
      <form
        class="panel form panel--wide send-form"
        onSubmit={(event) => void submit(event)}
        noValidate
        aria-busy={working}
      >
        <FilesField
          files={files}
          onChange={setFiles}
          error={errors.files ?? null}
          disabled={working}
          allowEmpty={allowEmpty}
          onAllowEmpty={setAllowEmpty}
        />
        <RecipientsField
          recipients={recipients}
          onChange={(update) => setRecipients((previous) => update(previous))}
          text={recipientText}
          onText={setRecipientText}
          error={errors.recipients ?? null}
          disabled={working}
        />
        {guestsWithoutCode.length > 0 && (
          <Notice tone="info" testid="send-same-mailbox">
            <p>{t('send.sameMailbox')}</p>
          </Notice>
        )}
        {guestsWithCode.length > 0 && (
          <Checkbox
            id="send-mail-links"
            label={t('send.mailLinks')}
            hint={t('send.mailLinks.hint', { office: info.office.name })}
            checked={mailLinks}
            onChange={setMailLinks}
            disabled={working}
            testid="send-mail-links"
          />
        )}
        <Field
          id="send-message"
          label={t('send.message.label')}
          hint={t('send.message.hint', { max: MAX_MESSAGE_CHARACTERS })}
          value={message}
          onValue={setMessage}
          rows={4}
          maxLength={MAX_MESSAGE_CHARACTERS}
          error={errors.message}
          disabled={working}
          testid="send-message"
        />
        <div class="form-grid">
          <div class="field">
            <label class="field__label" for="send-expiry">
              {t('send.expiry.label')}
            </label>
            <p class="field__hint" id="send-expiry-hint">
              {t('send.expiry.hint', { max: maxDays })}
            </p>
            <select
              id="send-expiry"
              class="field__input field__select"
              value={String(expiryDays)}
              onChange={(event) => setExpiryDays(Number(event.currentTarget.value))}
              disabled={working}
              aria-describedby="send-expiry-hint"
              data-testid="send-expiry"
            >
              {presets.map((days) => (
                <option key={days} value={String(days)}>
                  {t('send.expiry.days', {
                    n: days,
                    date: formatDate(locale, expiryFrom(Date.now(), days)),
                  })}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label class="field__label" for="send-limit">
              {t('send.limit.label')}
            </label>
            <p class="field__hint" id="send-limit-hint">
              {t('send.limit.hint')}
            </p>
            <select
              id="send-limit"
              class="field__input field__select"
              value={limit === null ? '' : String(limit)}
              onChange={(event) =>
                setLimit(event.currentTarget.value === '' ? null : Number(event.currentTarget.value))
              }
              disabled={working}
              aria-describedby="send-limit-hint"
              data-testid="send-limit"
            >
              <option value="">{t('send.limit.none')}</option>
              {DOWNLOAD_LIMITS.map((n) => (
                <option key={n} value={String(n)}>
                  {t('send.limit', { n })}
                </option>
              ))}
            </select>
          </div>
        </div>
        <Checkbox
          id="send-receipt"
          label={t('send.receipt')}
          hint={t('send.receipt.hint')}
          checked={receipt}
          onChange={setReceipt}
          disabled={working}
          testid="send-receipt"
        />

        {working && (
          <div class="send-progress" data-testid="send-progress">
            <StepHeading level={3} focus={false}>
              {t(PHASE_TEXT[stage.phase])}
            </StepHeading>
            {stage.phase === 'checking' && (
              <>
                <Progress text={t('send.phase.checking')} testid="send-checking" />
                <button
                  type="button"
                  class="button button--small button--secondary"
                  onClick={() => transfer.cancel()}
                  data-testid="send-cancel"
                >
                  {t('action.cancel')}
                </button>
              </>
            )}
            {(stage.phase === 'uploading' || stage.phase === 'sealing' || stage.phase === 'sending') && (
              <>
                {/* Cancel until the share is being created; after that it exists or it does not. */}
                <UploadProgress
                  files={files}
                  progress={progress}
                  prefix="send"
                  onCancel={stage.phase !== 'sending' ? () => transfer.cancel() : undefined}
                />
              </>
            )}
          </div>
        )}
        <div class="button-row">
          <button type="submit" class="button" disabled={working} data-testid="send-submit">
            {t('send.submit')}
          </button>
        </div>
      </form>
      {keyChange.dialog}
    </section>
  );
}

function SendResult({
  info,
  outcome,
  onAgain,
}: {
  readonly info: SessionInfo;
  readonly outcome: SendOutcome;
  readonly onAgain: () => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <section data-testid="send-page" data-state="sent" data-share-id={outcome.shareId}>
      <PageHeading>{t('sent.title')}</PageHeading>
      <Notice tone="ok" testid="send-done">
        <p>{t('sent.intro', { date: formatDate(locale, outcome.expiresAt) })}</p>
      </Notice>
      {outcome.guests.length > 0 && (
        <>
          <h2 class="section-heading">{t('sent.guests.heading')}</h2>
          <p>{t('sent.guests.intro')}</p>
          {outcome.guests.map((guest) => (
            <GuestLinkCard
              key={guest.recipientId}
              email={guest.email}
              recipientId={guest.recipientId}
              linkId={guest.linkId}
              fragment={guest.fragment}
              accessCode={guest.accessCode}
              standingName={guest.standingName}
              seenBefore={guest.seenBefore}
              expiresAt={outcome.expiresAt}
              office={info.office.name}
              sender={info.me.name}
              linkMail={guest.linkMail}
            />
          ))}
        </>
      )}
      {outcome.accounts.length > 0 && (
        <>
          <h2 class="section-heading">{t('sent.accounts.heading')}</h2>
          <ul class="plain-list" data-testid="sent-accounts">
            {outcome.accounts.map((account) => (
              <li key={account.recipientId} data-testid="sent-account" data-user-id={account.userId}>
                {account.delivered
                  ? t('sent.accounts.mailed', { name: account.name, email: account.email })
                  : t('sent.accounts.undelivered', { name: account.name, email: account.email })}
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="button-row">
        <Link href={`/app/sent/${outcome.shareId}`} class="button button--secondary" testid="send-view-share">
          {t('sent.view')}
        </Link>
        <button type="button" class="button button--secondary" onClick={onAgain} data-testid="send-again">
          {t('sent.again')}
        </button>
      </div>
    </section>
  );
}
