// Proving an address with an e-mail code (docs/threat-model.md, promise 2), as a guest does for a link and an
// uploader for a drop bound to their address. Nothing is mailed by opening the page: the person
// presses "Send me a code" (the masked address and a spam-folder hint beside it), then types the
// six digits from the newest mail.
import type { ComponentChildren, JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Progress } from '../../ui/Alert';
import { Field } from '../../ui/Field';
import { formatDateTime } from '../../ui/labels';
import { StepHeading } from '../../ui/StepHeading';

export function RequestCodePanel({
  explain,
  busy,
  onRequest,
  prefix,
  children,
}: {
  /** Why a code, and where it goes (the masked address). */
  readonly explain: string;
  readonly busy: string | null;
  readonly onRequest: () => void;
  /** Starts the test ids (`guest`, `drop-upload`). */
  readonly prefix: string;
  readonly children?: ComponentChildren;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <div class="panel">
      <p>{explain}</p>
      <p class="form__aside">{t('guest.spam')}</p>
      {children}
      <div class="button-row">
        <button
          type="button"
          class="button"
          onClick={onRequest}
          disabled={busy !== null}
          data-testid={`${prefix}-request-code`}
        >
          {t('guest.sendCode')}
        </button>
      </div>
      {busy && <Progress text={busy} testid={`${prefix}-busy`} />}
    </div>
  );
}

export function EmailCodeForm({
  maskedEmail,
  sentAt,
  code,
  onCode,
  error,
  busy,
  onSubmit,
  onResend,
  submitLabel,
  prefix,
  children,
}: {
  readonly maskedEmail: string;
  readonly sentAt: string;
  readonly code: string;
  readonly onCode: (code: string) => void;
  readonly error: string | null;
  readonly busy: string | null;
  readonly onSubmit: () => void;
  readonly onResend: () => void;
  readonly submitLabel: string;
  /** Starts the field's id and the test ids (`guest`, `drop-upload`). */
  readonly prefix: string;
  /** More fields before the buttons (a guest's access code). */
  readonly children?: ComponentChildren;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <form
      class="panel form"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
      noValidate
    >
      <StepHeading>{t('guest.code.title')}</StepHeading>
      <p>
        {t('guest.code.intro', { email: maskedEmail, time: formatDateTime(locale, sentAt) })} {t('guest.spam')}
      </p>
      <Field
        id={`${prefix}-code`}
        label={t('guest.code.label')}
        value={code}
        onValue={onCode}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={7}
        class="field--code"
        error={error}
        testid={`${prefix}-code`}
        required
      />
      {children}
      <div class="button-row">
        <button type="submit" class="button" disabled={busy !== null} data-testid={`${prefix}-verify`}>
          {submitLabel}
        </button>
        <button
          type="button"
          class="button button--link"
          onClick={onResend}
          disabled={busy !== null}
          data-testid={`${prefix}-resend`}
        >
          {t('guest.resend')}
        </button>
      </div>
      {busy && <Progress text={busy} testid={`${prefix}-busy`} />}
    </form>
  );
}
