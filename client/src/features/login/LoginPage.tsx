// /login: e-mail address and password → the server's Argon2id parameters for that address
// (pre-login) → the auth key derived in the crypto worker → sign-in → if two-factor sign-in
// is on, a code (or a backup code) → signed in → the sealed keys unlocked in the worker.
// The password goes only to the worker; the key-encryption key derived from it stays there.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { login, prelogin, secondFactor, type SignedIn } from '../../api/accounts';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { Link, navigate, nextPath } from '../../router';
import { useSession } from '../../session/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { useAttempt } from '../../ui/attempt';
import { errorMessage, isApiError } from '../../ui/errors';
import { EmailField, Field } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { StepHeading } from '../../ui/StepHeading';
import { emailField, normalizeSecondFactorCode } from '../../ui/validate';

type Step =
  { readonly kind: 'credentials' } | { readonly kind: 'code'; readonly ticket: string; readonly backup: boolean };

export function LoginPage(): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const { state, store } = useSession();
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { busy, problem, fail, clearProblem, working, run } = useAttempt();
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string; code?: string }>({});

  // The crypto worker (needed once "Sign in" is pressed) loads while the address and password
  // are typed: it starts after the form is on the screen (app.tsx leaves the start to this page).
  useEffect(() => engine.start(), [engine]);

  // Already signed in (another tab, or a reload of this page): go on to the app.
  useEffect(() => {
    if (!working.current && (state.kind === 'locked' || state.kind === 'unlocked'))
      navigate(nextPath(location.search), { replace: true });
  }, [state.kind]);

  const edited = (field: 'email' | 'password' | 'code'): void =>
    setFieldErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));

  const finish = async (answer: SignedIn): Promise<void> => {
    try {
      await store.adopt(answer);
    } catch {
      // The gate shows the unlock page with what went wrong.
    }
    navigate(nextPath(location.search));
  };

  const submitCredentials = (event: Event): void => {
    event.preventDefault();
    const { email: address, error: emailError } = emailField(t, email);
    const errors: { email?: string; password?: string } = {};
    if (emailError !== null) errors.email = emailError;
    if (password === '') errors.password = t('field.password.empty');
    setFieldErrors(errors);
    if (address === null || errors.password) {
      fail(t('form.fix'));
      return;
    }
    void run(t('progress.signingIn'), async () => {
      try {
        const { kdf } = await prelogin(address);
        const { authKey } = await engine.call('deriveSignIn', { password, kdf });
        const answer = await login(address, authKey);
        if (answer.status === 'second-factor') {
          setPassword('');
          setCode('');
          setStep({ kind: 'code', ticket: answer.ticket, backup: false });
          return;
        }
        setPassword('');
        await finish(answer);
      } catch (error) {
        await engine.lock();
        if (isApiError(error, 'invalid_credentials')) fail(t('login.error.credentials'));
        else fail(errorMessage(t, error));
      }
    });
  };

  const submitCode = (event: Event): void => {
    event.preventDefault();
    if (step.kind !== 'code') return;
    const normalized = normalizeSecondFactorCode(code, step.backup ? 'backup' : 'totp');
    if (normalized === null) {
      const text = t(step.backup ? 'field.backupCode.invalid' : 'field.code.invalid');
      setFieldErrors({ code: text });
      fail(text);
      return;
    }
    setFieldErrors({});
    void run(t('progress.signingIn'), async () => {
      try {
        await finish(await secondFactor(step.ticket, normalized));
      } catch (error) {
        if (isApiError(error, 'invalid_credentials')) {
          setFieldErrors({ code: t('login.error.code') });
          fail(t('login.error.code'));
        } else fail(errorMessage(t, error));
      }
    });
  };

  const restart = (): void => {
    void engine.lock();
    setStep({ kind: 'credentials' });
    clearProblem();
    setFieldErrors({});
  };

  return (
    <section class="narrow" data-testid="login-page" data-step={step.kind}>
      <PageHeading>{t('login.title')}</PageHeading>
      {problem && (
        <ErrorAlert testid="login-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      {step.kind === 'credentials' ? (
        <form class="panel form" onSubmit={submitCredentials} noValidate>
          <EmailField
            id="login-email"
            value={email}
            onValue={(value) => {
              setEmail(value);
              edited('email');
            }}
            error={fieldErrors.email}
            testid="login-email"
          />
          <Field
            id="login-password"
            label={t('field.password')}
            type="password"
            value={password}
            onValue={(value) => {
              setPassword(value);
              edited('password');
            }}
            autoComplete="current-password"
            error={fieldErrors.password}
            testid="login-password"
            required
          />
          {busy && <Progress text={busy} />}
          <div class="button-row">
            <button type="submit" class="button" disabled={busy !== null} data-testid="login-submit">
              {t('login.submit')}
            </button>
          </div>
          <p class="form__aside">
            <Link href="/recover" testid="login-forgot">
              {t('login.forgot')}
            </Link>
          </p>
        </form>
      ) : (
        <form class="panel form" onSubmit={submitCode} noValidate data-testid="login-code-form">
          <StepHeading>{t(step.backup ? 'login.backup.title' : 'login.code.title')}</StepHeading>
          <p>{t(step.backup ? 'login.backup.intro' : 'login.code.intro')}</p>
          <Field
            id="login-code"
            label={t(step.backup ? 'field.backupCode' : 'field.code')}
            value={code}
            onValue={(value) => {
              setCode(value);
              edited('code');
            }}
            autoComplete="one-time-code"
            inputMode={step.backup ? 'text' : 'numeric'}
            maxLength={step.backup ? 16 : 8}
            spellcheck={false}
            autoCapitalize={step.backup ? 'characters' : 'off'}
            error={fieldErrors.code}
            testid="login-code"
            class="field--code"
            required
          />
          {busy && <Progress text={busy} />}
          <div class="button-row">
            <button type="submit" class="button" disabled={busy !== null} data-testid="login-code-submit">
              {t('login.code.submit')}
            </button>
            <button
              type="button"
              class="button button--secondary"
              onClick={restart}
              disabled={busy !== null}
              data-testid="login-restart"
            >
              {t('login.restart')}
            </button>
          </div>
          <p class="form__aside">
            <button
              type="button"
              class="button button--link"
              data-testid="login-use-backup"
              onClick={() => {
                setCode('');
                setFieldErrors({});
                setStep({ ...step, backup: !step.backup });
              }}
            >
              {t(step.backup ? 'login.useTotp' : 'login.useBackup')}
            </button>
          </p>
        </form>
      )}
    </section>
  );
}
