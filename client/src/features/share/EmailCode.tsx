// Proving an address with an e-mail code (docs/threat-model.md, promise 2), as a guest does for a link and an
// uploader for a drop bound to their address. Nothing is mailed by opening the page: the person
// presses "Send me a code" (the masked address and a spam-folder hint beside it), then types or
// pastes the six digits from the newest mail ("123 456" too): the form sends itself at the sixth
// digit. Beside the code, the person may let this browser remember the proof for the office's
// number of days (a trusted device, docs/threat-model.md), on by default and not for shared computers.
import type { ComponentChildren, JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Notice, Progress } from '../../ui/Alert';
import { Checkbox, Field } from '../../ui/Field';
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

/** The digits of what was typed or pasted ("123 456", "123-456"), at most six. */
function codeDigits(text: string): string {
  return text.replace(/\D/g, '').slice(0, 6);
}

/** "Remember this device": the office's number of days (the box is not shown when it is 0). */
export interface RememberChoice {
  readonly days: number;
  readonly office: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
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
  autoSubmit,
  remember,
  children,
}: {
  readonly maskedEmail: string;
  /** When the code was sent; null when its request got no answer (a code may be on its way). */
  readonly sentAt: string | null;
  readonly code: string;
  readonly onCode: (code: string) => void;
  readonly error: string | null;
  readonly busy: string | null;
  /** With the code as it stands (the state may not have caught up when the sixth digit sends it). */
  readonly onSubmit: (code: string) => void;
  readonly onResend: () => void;
  readonly submitLabel: string;
  /** Starts the field's id and the test ids (`guest`, `drop-upload`). */
  readonly prefix: string;
  /** Send the form by itself when the sixth digit arrives (not while another field still waits). */
  readonly autoSubmit: boolean;
  readonly remember: RememberChoice | null;
  /** More fields before the buttons (a guest's access code). */
  readonly children?: ComponentChildren;
}): JSX.Element {
  const { t, locale } = useI18n();
  const typed = (text: string): void => {
    const digits = codeDigits(text);
    onCode(digits);
    if (autoSubmit && busy === null && digits.length === 6 && code.length !== 6) onSubmit(digits);
  };
  return (
    <form
      class="panel form"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(code);
      }}
      noValidate
    >
      <StepHeading>{t('guest.code.title')}</StepHeading>
      {sentAt !== null ? (
        <p>
          {t('guest.code.intro', { email: maskedEmail, time: formatDateTime(locale, sentAt) })} {t('guest.spam')}
        </p>
      ) : (
        <Notice tone="info" testid={`${prefix}-code-unconfirmed`}>
          <p>{t('guest.code.unconfirmed', { email: maskedEmail })}</p>
        </Notice>
      )}
      <Field
        id={`${prefix}-code`}
        label={t('guest.code.label')}
        value={code}
        onValue={typed}
        inputMode="numeric"
        autoComplete="one-time-code"
        class="field--code"
        error={error}
        testid={`${prefix}-code`}
        required
      />
      {children}
      {remember !== null && remember.days > 0 && (
        <Checkbox
          id={`${prefix}-remember`}
          label={t('guest.remember', { days: remember.days })}
          hint={t('guest.remember.hint', { office: remember.office })}
          checked={remember.checked}
          onChange={remember.onChange}
          testid={`${prefix}-remember`}
        />
      )}
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
