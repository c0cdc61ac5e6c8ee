// Turning on two-factor sign-in: the password first (the server wants the current auth key,
// so a session alone cannot put someone else's authenticator on the account), then a new TOTP
// secret from the server (not active yet), shown as a QR code and as text for typing,
// confirmed with the first code from the app; then the ten backup codes, shown once.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { newBackupCodes } from '../../../../shared/backup-codes.js';
import { beginTwoFactor, confirmTwoFactor, getMyKeys, type TwoFactorBeginResponse } from '../../api/accounts';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { errorMessage, isApiError, isEngineError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { QrCode } from '../../ui/QrCode';
import { SecretSheet } from '../../ui/SecretSheet';
import { StepHeading } from '../../ui/StepHeading';
import { normalizeSecondFactorCode } from '../../ui/validate';
import { groups } from '../recover/recovery-input';

type Step =
  | { readonly kind: 'start' }
  | { readonly kind: 'scan'; readonly enrolment: TwoFactorBeginResponse }
  | { readonly kind: 'codes'; readonly backupCodes: readonly string[] };

export function TwoFactorEnrol({
  onDone,
  email,
  onCancel,
}: {
  readonly onDone: () => void;
  readonly email: string;
  readonly onCancel?: () => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [step, setStep] = useState<Step>({ kind: 'start' });
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const working = useRef(false);

  const fail = (text: string): void => setProblem({ text, n: (problem?.n ?? 0) + 1 });

  const run = async (work: () => Promise<void>): Promise<void> => {
    if (working.current) return;
    working.current = true;
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      working.current = false;
      setBusy(false);
    }
  };

  // The password is asked even right after signing in: the auth key is not kept after sign-in
  // (neither the page nor the worker holds it), and it cannot be derived from the opened keys.
  const begin = (event: Event): void => {
    event.preventDefault();
    if (password === '') {
      setPasswordError(t('field.password.empty'));
      fail(t('field.password.empty'));
      return;
    }
    setPasswordError(null);
    void run(async () => {
      try {
        const { kdf } = await getMyKeys();
        const { authKey } = await engine.call('deriveAuthKey', { password, kdf });
        const enrolment = await beginTwoFactor(authKey);
        setPassword('');
        setCode('');
        setStep({ kind: 'scan', enrolment });
      } catch (error) {
        if (isApiError(error, 'invalid_credentials')) {
          setPasswordError(t('security.error.password'));
          fail(t('security.error.password'));
        } else if (isEngineError(error, 'kdf_refused')) fail(t('engine.error.kdfRefused'));
        else throw error;
      }
    });
  };

  const confirm = (event: Event): void => {
    event.preventDefault();
    const normalized = normalizeSecondFactorCode(code, 'totp');
    if (normalized === null) {
      setFieldError(t('field.code.invalid'));
      fail(t('field.code.invalid'));
      return;
    }
    setFieldError(null);
    void run(async () => {
      try {
        const made = newBackupCodes((length) => crypto.getRandomValues(new Uint8Array(length)));
        const { backupCodes } = await confirmTwoFactor(normalized, made);
        setStep({ kind: 'codes', backupCodes });
      } catch (error) {
        if (isApiError(error, 'invalid_credentials') || isApiError(error, 'invalid_input')) {
          setFieldError(t('twoFactor.error.code'));
          fail(t('twoFactor.error.code'));
        } else throw error;
      }
    });
  };

  if (step.kind === 'codes') {
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date());
    return (
      <SecretSheet
        testid="backup-codes"
        variant="codes"
        title={t('backupCodes.title')}
        intro={<p>{t('backupCodes.intro')}</p>}
        parts={step.backupCodes}
        value={step.backupCodes.join(' ')}
        fileName="coffer-backup-codes.txt"
        fileText={[
          t('backupCodes.file.title'),
          `${t('recoveryKey.file.account')}: ${email}`,
          `${t('recoveryKey.file.date')}: ${date}`,
          '',
          ...step.backupCodes,
          '',
          t('backupCodes.file.advice'),
          '',
        ].join('\r\n')}
        acknowledge={t('backupCodes.stored')}
        continueLabel={t('backupCodes.continue')}
        onContinue={onDone}
      />
    );
  }

  if (step.kind === 'start') {
    return (
      <form
        class="form two-factor-start"
        onSubmit={begin}
        noValidate
        aria-labelledby="two-factor-password-heading"
        data-testid="two-factor-password-form"
      >
        {/* Opened by the user on the security page: the new step takes focus. On the page that
            requires enrolment it is the page's own content, read after the page heading. */}
        <StepHeading level={3} id="two-factor-password-heading" focus={onCancel !== undefined}>
          {t('twoFactor.password.title')}
        </StepHeading>
        {problem && (
          <ErrorAlert testid="two-factor-error" focusKey={problem.n}>
            <p>{problem.text}</p>
          </ErrorAlert>
        )}
        {/* The security page explained it before the user chose to set it up. */}
        {onCancel === undefined && <p>{t('twoFactor.explain')}</p>}
        <p>{t('twoFactor.password.intro')}</p>
        <input
          type="email"
          class="visually-hidden"
          autoComplete="username"
          value={email}
          readOnly
          tabIndex={-1}
          aria-hidden="true"
        />
        <Field
          id="two-factor-password"
          label={t('field.currentPassword')}
          type="password"
          value={password}
          onValue={(value) => {
            setPassword(value);
            setPasswordError(null);
          }}
          autoComplete="current-password"
          error={passwordError}
          testid="two-factor-password"
          required
        />
        {busy && <Progress text={t('progress.checking')} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="two-factor-begin">
            {t('twoFactor.begin')}
          </button>
          {onCancel && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={onCancel}>
              {t('action.cancel')}
            </button>
          )}
        </div>
      </form>
    );
  }

  const secretGroups = groups(step.enrolment.secret.replace(/[\s=]/g, ''), 4);
  return (
    <form class="form two-factor-enrol" onSubmit={confirm} noValidate data-testid="two-factor-enrol">
      <StepHeading level={3}>{t('twoFactor.scan.title')}</StepHeading>
      {problem && (
        <ErrorAlert testid="two-factor-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <ol class="steps">
        <li>{t('twoFactor.scan.step1')}</li>
        <li>
          {t('twoFactor.scan.step2')}
          <div class="two-factor-enrol__qr">
            <QrCode text={step.enrolment.uri} label={t('twoFactor.scan.qrLabel')} testid="two-factor-qr" />
          </div>
          <p class="two-factor-enrol__manual">{t('twoFactor.scan.manual')}</p>
          <p
            class="two-factor-enrol__secret"
            data-testid="two-factor-secret"
            data-value={step.enrolment.secret}
            translate={false}
          >
            {secretGroups.map((group, index) => (
              <span key={index} class="two-factor-enrol__group">
                {group}
              </span>
            ))}
          </p>
        </li>
        <li>
          <Field
            id="two-factor-code"
            label={t('twoFactor.scan.step3')}
            value={code}
            onValue={(value) => {
              setCode(value);
              setFieldError(null);
            }}
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={8}
            error={fieldError}
            testid="two-factor-code"
            class="field--code"
            required
          />
        </li>
      </ol>
      {busy && <Progress text={t('progress.checking')} />}
      <div class="button-row">
        <button type="submit" class="button" disabled={busy} data-testid="two-factor-confirm">
          {t('twoFactor.confirm')}
        </button>
        {onCancel && (
          <button
            type="button"
            class="button button--secondary"
            disabled={busy}
            onClick={onCancel}
            data-testid="two-factor-cancel"
          >
            {t('action.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
