// A live session whose keys are not in the crypto worker: after "Lock", or a reload when this
// browser kept nothing for the session (or what it kept no longer opened, docs/protocol.md
// §29). The password unlocks them again (GET /api/v1/me/keys, Argon2id in the worker, open the
// bundle), and the worker keeps them for the rest of the session; no request is sent with the
// password or its keys.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import type { WorkerErrorCode } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { useSessionStore } from '../../session/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { navigate } from '../../router';

export function UnlockPage({
  info,
  problem,
}: {
  readonly info: SessionInfo;
  readonly problem?: WorkerErrorCode | 'engine_failed' | undefined;
}): JSX.Element {
  const { t } = useI18n();
  const store = useSessionStore();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<{ readonly text: string; readonly n: number } | null>(null);
  // What the last unlock found wrong with the server's keys: shown above the form, loudly.
  const serious =
    problem === 'keys_mismatch' || problem === 'office_keys_invalid' || problem === 'certificate_substituted';

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    if (password === '') {
      setFieldError(t('unlock.error.empty'));
      setError({ text: t('unlock.error.empty'), n: (error?.n ?? 0) + 1 });
      return;
    }
    setFieldError(null);
    setError(null);
    setBusy(true);
    try {
      await store.unlock(password);
      setPassword('');
    } catch (failure) {
      const code = (failure as { code?: string }).code;
      const text = code === 'wrong_password' ? t('unlock.error.wrongPassword') : errorMessage(t, failure);
      if (code === 'wrong_password') setFieldError(text);
      setError({ text, n: (error?.n ?? 0) + 1 });
    } finally {
      setBusy(false);
    }
  };

  const signOut = async (): Promise<void> => {
    await store.signOut();
    navigate('/login');
  };

  return (
    <section class="narrow" data-testid="unlock-page">
      <PageHeading>{t('unlock.title')}</PageHeading>
      <p class="lead">{t('unlock.intro', { name: info.me.name, email: info.me.email })}</p>
      {serious && (
        <ErrorAlert testid="unlock-problem" focus={false}>
          <p>
            {t(
              problem === 'keys_mismatch'
                ? 'engine.error.keysMismatch'
                : problem === 'certificate_substituted'
                  ? 'engine.error.certificateSubstituted'
                  : 'engine.error.officeKeysInvalid',
            )}
          </p>
        </ErrorAlert>
      )}
      {error && (
        <ErrorAlert testid="unlock-error" focusKey={error.n}>
          <p>{error.text}</p>
        </ErrorAlert>
      )}
      <form class="panel form" onSubmit={(event) => void submit(event)} noValidate>
        {/* A hidden username field lets password managers offer the right entry. */}
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
          id="unlock-password"
          label={t('field.password')}
          type="password"
          value={password}
          onValue={(value) => {
            setPassword(value);
            setFieldError(null);
          }}
          autoComplete="current-password"
          error={fieldError}
          testid="unlock-password"
          required
        />
        {busy && <Progress text={t('progress.unlocking')} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="unlock-submit">
            {t('unlock.submit')}
          </button>
          <button
            type="button"
            class="button button--secondary"
            onClick={() => void signOut()}
            disabled={busy}
            data-testid="unlock-sign-out"
          >
            {t('account.signOut')}
          </button>
        </div>
      </form>
    </section>
  );
}
