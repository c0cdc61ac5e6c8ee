// /recover: a forgotten password. The recovery key (checked for typos in the worker before
// anything is sent) and a second factor prove who the user is; the worker opens the keys
// with the recovery key, seals them under a new password and a new recovery key, and the
// old recovery key stops working. Every file stays readable.
//
// The server answers 401 alike for a wrong address, a wrong key, a wrong code, and an
// account without two-factor sign-in (self-service recovery needs it; otherwise an admin
// resets the account, with new keys): the page explains all of these at once.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { completeRecovery, recover, type RecoverResponse } from '../../api/accounts';
import { useEngine } from '../../crypto/context';
import type { ProgressStage } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { Link, navigate } from '../../router';
import { useSessionStore } from '../../session/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { useAttempt } from '../../ui/attempt';
import { errorMessage, isApiError, isEngineError } from '../../ui/errors';
import { EmailField, Field } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { StepHeading } from '../../ui/StepHeading';
import { emailField, normalizeSecondFactorCode } from '../../ui/validate';
import {
  newPasswordErrors,
  NewPasswordFields,
  usePasswordVerdict,
  type NewPasswordState,
} from '../password/NewPassword';
import { personalWords } from '../password/policy';
import { CREATE_PROGRESS } from '../password/progress';
import { RecoveryKeySheet } from '../password/RecoveryKeySheet';
import { normalizeRecoveryKeyInput, RECOVERY_KEY_CHARACTERS } from './recovery-input';

type Step =
  | { readonly kind: 'identify' }
  | { readonly kind: 'password'; readonly email: string; readonly account: RecoverResponse }
  | { readonly kind: 'recovery'; readonly email: string; readonly recoveryKey: string; readonly office: string };

export function RecoverPage(): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const session = useSessionStore();
  const [step, setStep] = useState<Step>({ kind: 'identify' });
  const [email, setEmail] = useState('');
  const [keyText, setKeyText] = useState('');
  const [code, setCode] = useState('');
  const [secret, setSecret] = useState<NewPasswordState>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const { busy, setBusy, problem, fail, run } = useAttempt();
  const verdict = usePasswordVerdict(step.kind === 'password' ? secret.password : '', personalWords(email));

  const edited = (field: string): void =>
    setErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));

  const submitIdentify = (event: Event): void => {
    event.preventDefault();
    const { email: address, error: emailError } = emailField(t, email);
    const key = normalizeRecoveryKeyInput(keyText);
    const factor = normalizeSecondFactorCode(code, 'either');
    const next: Record<string, string | undefined> = {};
    if (emailError !== null) next['email'] = emailError;
    if (key.kind === 'empty') next['key'] = t('recover.key.empty');
    else if (key.kind === 'bad_character') next['key'] = t('recover.key.badCharacter', { character: key.character });
    else if (key.kind === 'wrong_length')
      next['key'] = t('recover.key.wrongLength', { expected: RECOVERY_KEY_CHARACTERS, length: key.length });
    if (factor === null) next['code'] = t(code.trim() === '' ? 'field.code.empty' : 'recover.code.invalid');
    setErrors(next);
    if (Object.values(next).some(Boolean) || address === null || key.kind !== 'complete' || factor === null) {
      fail(t('form.fix'));
      return;
    }
    void run(t('progress.checking'), async () => {
      try {
        const { recoveryAuthKey } = await engine.call('recoveryBegin', { recoveryKey: key.key });
        const account = await recover(address, recoveryAuthKey, factor);
        setCode('');
        setStep({ kind: 'password', email: address, account });
      } catch (error) {
        if (isEngineError(error, 'invalid_recovery_key')) {
          setErrors({ key: t('engine.error.invalidRecoveryKey') });
          fail(t('engine.error.invalidRecoveryKey'));
        } else if (isApiError(error, 'invalid_credentials')) {
          await engine.lock();
          fail(t('recover.error.credentials'), t('recover.error.noTwoFactor'));
        } else {
          await engine.lock();
          fail(errorMessage(t, error));
        }
      }
    });
  };

  const submitPassword = (event: Event): void => {
    event.preventDefault();
    if (step.kind !== 'password') return;
    const passwordErrors = newPasswordErrors(t, secret, verdict);
    setErrors(passwordErrors ?? {});
    if (passwordErrors) {
      fail(t('form.fix'));
      return;
    }
    const { account, email: address } = step;
    void run(t('progress.password'), async () => {
      try {
        const made = await engine.call(
          'recoveryComplete',
          {
            userId: account.userId,
            recoveryBundle: account.recoveryBundle,
            identityPublicKey: account.identityPublicKey,
            encryptionPublicKey: account.encryptionPublicKey,
            newPassword: secret.password,
          },
          { onProgress: (stage: ProgressStage) => setBusy(t(CREATE_PROGRESS[stage])) },
        );
        setBusy(t('progress.sending'));
        const signedIn = await completeRecovery({
          ticket: account.ticket,
          kdf: made.kdf,
          authKey: made.authKey,
          passwordBundle: made.passwordBundle,
          recoveryAuthKey: made.recoveryAuthKey,
          recoveryBundle: made.recoveryBundle,
        });
        setSecret({ password: '', confirm: '' });
        setStep({
          kind: 'recovery',
          email: address,
          recoveryKey: made.recoveryKey,
          office: signedIn.session.office.name,
        });
        session.adopt(signedIn).catch(() => {});
      } catch (error) {
        if (isEngineError(error, 'recovery_failed')) {
          setStep({ kind: 'identify' });
          fail(t('engine.error.recoveryFailed'));
        } else if (isApiError(error, 'invalid_credentials')) {
          await engine.lock();
          setStep({ kind: 'identify' });
          fail(t('recover.error.expired'));
        } else fail(errorMessage(t, error));
      }
    });
  };

  if (step.kind === 'recovery') {
    return (
      <>
        <PageHeading>{t('recover.done.title')}</PageHeading>
        <p class="lead">{t('recover.done.intro')}</p>
        <RecoveryKeySheet
          recoveryKey={step.recoveryKey}
          office={step.office}
          email={step.email}
          onContinue={() => navigate('/app')}
        />
      </>
    );
  }

  return (
    <section class="narrow" data-testid="recover-page" data-step={step.kind}>
      <PageHeading>{t('recover.title')}</PageHeading>
      {problem && (
        <ErrorAlert testid="recover-error" focusKey={problem.n}>
          <p>{problem.text}</p>
          {problem.detail && <p>{problem.detail}</p>}
        </ErrorAlert>
      )}
      {step.kind === 'identify' ? (
        <form class="panel form" onSubmit={submitIdentify} noValidate>
          <p>{t('recover.intro')}</p>
          <EmailField
            id="recover-email"
            value={email}
            onValue={(value) => {
              setEmail(value);
              edited('email');
            }}
            error={errors['email']}
            testid="recover-email"
          />
          <Field
            id="recover-key"
            label={t('field.recoveryKey')}
            hint={t('recover.key.hint')}
            value={keyText}
            onValue={(value) => {
              setKeyText(value);
              edited('key');
            }}
            autoComplete="off"
            spellcheck={false}
            autoCapitalize="characters"
            error={errors['key']}
            testid="recover-key"
            class="field--mono"
            rows={2}
            required
          />
          <Field
            id="recover-code"
            label={t('field.codeOrBackup')}
            hint={t('recover.code.hint')}
            value={code}
            onValue={(value) => {
              setCode(value);
              edited('code');
            }}
            autoComplete="one-time-code"
            spellcheck={false}
            autoCapitalize="off"
            error={errors['code']}
            testid="recover-code"
            class="field--code"
            required
          />
          {busy && <Progress text={busy} />}
          <div class="button-row">
            <button type="submit" class="button" disabled={busy !== null} data-testid="recover-submit">
              {t('recover.submit')}
            </button>
          </div>
          <p class="form__aside">{t('recover.noKey')}</p>
          <p class="form__aside">
            <Link href="/login">{t('recover.backToLogin')}</Link>
          </p>
        </form>
      ) : (
        <form class="panel form" onSubmit={submitPassword} noValidate data-testid="recover-password-form">
          <StepHeading>{t('recover.password.title')}</StepHeading>
          <p>{t('recover.password.intro')}</p>
          <input
            type="email"
            class="visually-hidden"
            autoComplete="username"
            value={step.email}
            readOnly
            tabIndex={-1}
            aria-hidden="true"
          />
          <NewPasswordFields
            idPrefix="recover"
            value={secret}
            onChange={setSecret}
            verdict={verdict}
            errors={errors}
            onEdit={edited}
          />
          {busy && <Progress text={busy} />}
          <div class="button-row">
            <button type="submit" class="button" disabled={busy !== null} data-testid="recover-new-submit">
              {t('recover.password.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
