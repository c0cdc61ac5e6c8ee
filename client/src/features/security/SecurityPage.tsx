// /app/security: the user's own fingerprint and the office's, two-factor sign-in, the
// password, the list of signed-in sessions, and (for members holding the office keys) the
// devices that act for them.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { changePassword, disableTwoFactor, getMyKeys, type SessionInfo } from '../../api/accounts';
import { useEngine } from '../../crypto/context';
import type { ProgressStage } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { useSessionStore } from '../../session/context';
import type { UnlockedKeys } from '../../session/store';
import { ErrorAlert, Progress, StatusLine } from '../../ui/Alert';
import { errorMessage, isApiError, isEngineError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { Fingerprint } from '../../ui/Fingerprint';
import { PageHeading } from '../../ui/PageHeading';
import { normalizeSecondFactorCode } from '../../ui/validate';
import {
  newPasswordErrors,
  NewPasswordFields,
  usePasswordVerdict,
  type NewPasswordState,
} from '../password/NewPassword';
import { personalWords } from '../password/policy';
import { TwoFactorEnrol } from './TwoFactorEnrol';
import { DevicesSection } from './DevicesSection';
import { SessionsSection } from './SessionsSection';

export function SecurityPage({ info, keys }: { readonly info: SessionInfo; readonly keys: UnlockedKeys }): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('security.title')}</PageHeading>
      <section class="panel" aria-labelledby="fingerprints-heading">
        <h2 id="fingerprints-heading" class="section-heading">
          {t('security.fingerprints.heading')}
        </h2>
        <p>{t('security.fingerprints.intro')}</p>
        <dl class="fingerprints">
          <dt>{t('fingerprint.yours')}</dt>
          <dd>
            <Fingerprint value={keys.fingerprint} testid="own-fingerprint" />
          </dd>
          <dt>{t('fingerprint.office', { office: info.office.name })}</dt>
          <dd>
            <Fingerprint value={keys.officeFingerprint} testid="office-fingerprint" />
          </dd>
        </dl>
      </section>
      <TwoFactorSection info={info} />
      <PasswordSection info={info} />
      <SessionsSection />
      {keys.officeKeys && info.me.role !== 'client' && <DevicesSection />}
    </>
  );
}

function TwoFactorSection({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t } = useI18n();
  const store = useSessionStore();
  const [enrolling, setEnrolling] = useState(false);
  const on = info.me.twoFactor;
  return (
    <section class="panel" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading" class="section-heading">
        {t('twoFactor.heading')}
      </h2>
      <p data-testid="two-factor-status" data-state={on ? 'on' : 'off'}>
        <span class={`badge badge--${on ? 'ok' : 'muted'}`}>{t(on ? 'twoFactor.on' : 'twoFactor.off')}</span>
      </p>
      {on ? (
        <DisableTwoFactor />
      ) : enrolling ? (
        <TwoFactorEnrol
          email={info.me.email}
          onCancel={() => setEnrolling(false)}
          onDone={() => {
            setEnrolling(false);
            void store.refresh();
          }}
        />
      ) : (
        <>
          <p>{t('twoFactor.explain')}</p>
          <button type="button" class="button" onClick={() => setEnrolling(true)} data-testid="two-factor-start">
            {t('twoFactor.start')}
          </button>
        </>
      )}
    </section>
  );
}

function DisableTwoFactor(): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const store = useSessionStore();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string | undefined; code?: string | undefined }>({});
  const edited = (field: 'password' | 'code'): void =>
    setErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const working = useRef(false);

  const fail = (text: string): void => setProblem({ text, n: (problem?.n ?? 0) + 1 });

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const normalized = normalizeSecondFactorCode(code, 'either');
    const next: { password?: string; code?: string } = {};
    if (password === '') next.password = t('field.password.empty');
    if (normalized === null) next.code = t(code.trim() === '' ? 'field.code.empty' : 'recover.code.invalid');
    setErrors(next);
    if (next.password || next.code || normalized === null) {
      fail(t('form.fix'));
      return;
    }
    working.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const { kdf } = await getMyKeys();
      const { authKey } = await engine.call('deriveAuthKey', { password, kdf });
      await disableTwoFactor(authKey, normalized);
      setPassword('');
      setCode('');
      await store.refresh();
    } catch (error) {
      if (isApiError(error, 'invalid_credentials')) fail(t('security.error.passwordOrCode'));
      else if (isApiError(error, 'two_factor_policy')) fail(t('error.twoFactorPolicy'));
      else fail(errorMessage(t, error));
    } finally {
      working.current = false;
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button
        type="button"
        class="button button--secondary"
        onClick={() => setOpen(true)}
        data-testid="two-factor-disable-open"
      >
        {t('twoFactor.disable')}
      </button>
    );
  }
  return (
    <form class="form" onSubmit={(event) => void submit(event)} noValidate data-testid="two-factor-disable-form">
      <h3 class="subsection-heading">{t('twoFactor.disable.heading')}</h3>
      <p>{t('twoFactor.disable.intro')}</p>
      {problem && (
        <ErrorAlert testid="two-factor-disable-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <Field
        id="two-factor-disable-password"
        label={t('field.password')}
        type="password"
        value={password}
        onValue={(value) => {
          setPassword(value);
          edited('password');
        }}
        autoComplete="current-password"
        error={errors.password}
        testid="two-factor-disable-password"
        required
      />
      <Field
        id="two-factor-disable-code"
        label={t('field.codeOrBackup')}
        value={code}
        onValue={(value) => {
          setCode(value);
          edited('code');
        }}
        autoComplete="one-time-code"
        error={errors.code}
        testid="two-factor-disable-code"
        class="field--code"
        required
      />
      {busy && <Progress text={t('progress.checking')} />}
      <div class="button-row">
        <button type="submit" class="button button--danger" disabled={busy} data-testid="two-factor-disable-submit">
          {t('twoFactor.disable.submit')}
        </button>
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => setOpen(false)}>
          {t('action.cancel')}
        </button>
      </div>
    </form>
  );
}

function PasswordSection({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const store = useSessionStore();
  const [current, setCurrent] = useState('');
  const [code, setCode] = useState('');
  const [secret, setSecret] = useState<NewPasswordState>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const working = useRef(false);
  const verdict = usePasswordVerdict(secret.password, personalWords(info.me.name, info.me.email, info.office.name));
  const needsCode = info.me.twoFactor;
  const edited = (field: string): void =>
    setErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));

  const fail = (text: string): void => setProblem({ text, n: (problem?.n ?? 0) + 1 });

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const normalized = needsCode ? normalizeSecondFactorCode(code, 'either') : null;
    const next: Record<string, string | undefined> = {};
    if (current === '') next['current'] = t('field.password.empty');
    if (needsCode && normalized === null)
      next['code'] = t(code.trim() === '' ? 'field.code.empty' : 'recover.code.invalid');
    const passwordErrors = newPasswordErrors(t, secret, verdict);
    if (passwordErrors) Object.assign(next, passwordErrors);
    if (!next['password'] && current !== '' && current === secret.password)
      next['password'] = t('security.password.same');
    setErrors(next);
    if (Object.values(next).some(Boolean)) {
      fail(t('form.fix'));
      return;
    }
    working.current = true;
    setDone(false);
    setProblem(null);
    setBusy(t('progress.password'));
    try {
      const { kdf } = await getMyKeys();
      const made = await engine.call(
        'changePassword',
        { currentPassword: current, currentKdf: kdf, newPassword: secret.password },
        {
          onProgress: (stage: ProgressStage) =>
            setBusy(t(stage === 'sealing' ? 'progress.sealing' : 'progress.password')),
        },
      );
      setBusy(t('progress.sending'));
      await changePassword({
        authKey: made.authKey,
        ...(normalized !== null ? { code: normalized } : {}),
        kdf: made.kdf,
        newAuthKey: made.newAuthKey,
        passwordBundle: made.passwordBundle,
      });
      // The change destroyed the half this browser's kept keys needed (docs/protocol.md §29).
      await store.keepAgain();
      setCurrent('');
      setCode('');
      setSecret({ password: '', confirm: '' });
      setDone(true);
    } catch (error) {
      if (isApiError(error, 'invalid_credentials'))
        fail(t(needsCode ? 'security.error.passwordOrCode' : 'security.error.password'));
      else if (isEngineError(error, 'kdf_refused')) fail(t('engine.error.kdfRefused'));
      else fail(errorMessage(t, error));
    } finally {
      working.current = false;
      setBusy(null);
    }
  };

  return (
    <section class="panel" aria-labelledby="password-heading">
      <h2 id="password-heading" class="section-heading">
        {t('security.password.heading')}
      </h2>
      <p>{t('security.password.intro')}</p>
      {problem && (
        <ErrorAlert testid="password-change-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <form class="form" onSubmit={(event) => void submit(event)} noValidate data-testid="password-change-form">
        <input
          type="email"
          class="visually-hidden"
          autoComplete="username"
          value={info.me.email}
          readOnly
          tabIndex={-1}
          aria-hidden="true"
        />
        <Field
          id="password-current"
          label={t('field.currentPassword')}
          type="password"
          value={current}
          onValue={(value) => {
            setCurrent(value);
            edited('current');
          }}
          autoComplete="current-password"
          error={errors['current']}
          testid="password-current"
          required
        />
        {needsCode && (
          <Field
            id="password-code"
            label={t('field.codeOrBackup')}
            value={code}
            onValue={(value) => {
              setCode(value);
              edited('code');
            }}
            autoComplete="one-time-code"
            error={errors['code']}
            testid="password-code"
            class="field--code"
            required
          />
        )}
        <NewPasswordFields
          idPrefix="change"
          value={secret}
          onChange={setSecret}
          verdict={verdict}
          errors={{ password: errors['password'], confirm: errors['confirm'] }}
          onEdit={edited}
        />
        {busy && <Progress text={busy} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy !== null} data-testid="password-change-submit">
            {t('security.password.submit')}
          </button>
        </div>
        <StatusLine
          text={done ? t('security.password.done') : ''}
          testid="password-change-status"
          state={done ? 'done' : 'idle'}
        />
      </form>
    </section>
  );
}
