// /setup#<token>: the link `npm run coffer -- setup-link` prints for the first administrator.
// The page checks the link (the server changes nothing), then asks for the office's name and
// the administrator's name, address and password. The crypto worker makes the admin's keys,
// the office key, the admin's certificate and the recovery key; the server receives only
// public keys, sealed bundles, the certificate and the auth keys (which it stores as keyed
// hashes). The recovery key is shown once.
//
// The token stays in the fragment, which browsers never send to a server; it is posted in a
// request body, never put in a URL, and never logged.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { completeSetup, getOffice } from '../../api/accounts';
import { SETUP_LINK_INVALID, verifySetupLink, type SetupLinkStatus } from '../../api/setup';
import { useEngine } from '../../crypto/context';
import type { ProgressStage } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { Link, navigate } from '../../router';
import { useSessionStore } from '../../session/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { errorMessage, isApiError } from '../../ui/errors';
import { EmailField, Field } from '../../ui/Field';
import { useLinkCheck, type LinkCheck } from '../../ui/link-check';
import { PageHeading } from '../../ui/PageHeading';
import { displayName, emailField } from '../../ui/validate';
import {
  settledPasswordErrors,
  NewPasswordFields,
  usePasswordVerdict,
  type NewPasswordState,
} from '../password/NewPassword';
import { personalWords } from '../password/policy';
import { CREATE_PROGRESS } from '../password/progress';
import { RecoveryKeySheet } from '../password/RecoveryKeySheet';

type Phase =
  | { readonly kind: 'form' }
  | { readonly kind: 'working'; readonly stage: ProgressStage | 'sending' }
  | { readonly kind: 'recovery'; readonly recoveryKey: string; readonly office: string; readonly email: string };

const SETUP_COMMAND = 'npm run coffer -- setup-link';

interface FormErrors {
  officeName?: string;
  name?: string;
  email?: string;
  password?: string | undefined;
  confirm?: string | undefined;
}

export function SetupPage(): JSX.Element {
  const { t } = useI18n();
  const { token, check, retry } = useLinkCheck(verifySetupLink, SETUP_LINK_INVALID);
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });

  if (phase.kind === 'recovery') {
    return (
      <>
        <PageHeading>{t('setup.done.title')}</PageHeading>
        <p class="lead">{t('setup.done.intro', { office: phase.office })}</p>
        <RecoveryKeySheet
          recoveryKey={phase.recoveryKey}
          office={phase.office}
          email={phase.email}
          onContinue={() => navigate('/app')}
          twoFactorOff="security"
        />
      </>
    );
  }

  return (
    <>
      <PageHeading>{t('setup.title')}</PageHeading>
      <div class="panel" role="status" data-testid="setup-status" data-state={check.kind}>
        <SetupCheckMessage check={check} />
      </div>
      {check.kind === 'unavailable' && (
        <p>
          <button type="button" class="button" onClick={retry}>
            {t('setup.retry')}
          </button>
        </p>
      )}
      {check.kind === 'valid' && token !== null && <SetupForm token={token} phase={phase} setPhase={setPhase} />}
    </>
  );
}

function SetupForm({
  token,
  phase,
  setPhase,
}: {
  readonly token: string;
  readonly phase: Phase;
  readonly setPhase: (phase: Phase) => void;
}): JSX.Element {
  const { t, lang } = useI18n();
  const engine = useEngine();
  const session = useSessionStore();
  const [officeName, setOfficeName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [secret, setSecret] = useState<NewPasswordState>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<FormErrors>({});
  const [problem, setProblem] = useState<{ readonly text: JSX.Element | string; readonly n: number } | null>(null);
  const working = useRef(false);
  const verdict = usePasswordVerdict(secret.password, personalWords(officeName, name, email));
  const edited = (field: keyof FormErrors): void =>
    setErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));

  const fail = (text: JSX.Element | string): void => setProblem({ text, n: (problem?.n ?? 0) + 1 });

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const office = displayName(officeName);
    const admin = displayName(name);
    const { email: address, error: emailError } = emailField(t, email);
    const next: FormErrors = {};
    if (office === null) next.officeName = t('field.officeName.invalid');
    if (admin === null) next.name = t('field.name.invalid');
    if (emailError !== null) next.email = emailError;
    // A password pasted a moment ago is judged on its estimate, waiting for it if need be.
    working.current = true;
    const passwordErrors = await settledPasswordErrors(t, secret, verdict);
    if (passwordErrors) Object.assign(next, passwordErrors);
    setErrors(next);
    if (office === null || admin === null || address === null || Object.keys(next).length > 0) {
      working.current = false;
      fail(t('form.fix'));
      return;
    }

    setProblem(null);
    setPhase({ kind: 'working', stage: 'keys' });
    try {
      const created = await engine.call(
        'createOffice',
        { officeName: office, adminName: admin, email: address, password: secret.password },
        { onProgress: (stage) => setPhase({ kind: 'working', stage }) },
      );
      setPhase({ kind: 'working', stage: 'sending' });
      const signedIn = await completeSetup({ token, lang, ...created.request });
      setSecret({ password: '', confirm: '' });
      setPhase({ kind: 'recovery', recoveryKey: created.recoveryKey, office, email: address });
      // The account exists: whatever happens while unlocking, the recovery key must be shown.
      session.adopt(signedIn).catch(() => {});
    } catch (error) {
      await engine.lock();
      setPhase({ kind: 'form' });
      if (isApiError(error, 'setup_finished')) {
        fail(
          <>
            {t('error.setupFinished')} <Link href="/login">{t('login.title')}</Link>
          </>,
        );
      } else if (isApiError(error, SETUP_LINK_INVALID)) fail(t('setup.invalidShort'));
      else fail(errorMessage(t, error));
    } finally {
      working.current = false;
    }
  };

  const busy = phase.kind === 'working';
  return (
    <form
      class="panel form"
      onSubmit={(event) => void submit(event)}
      noValidate
      data-testid="setup-form"
      aria-labelledby="setup-form-heading"
    >
      <h2 id="setup-form-heading" class="form__heading">
        {t('setup.form.heading')}
      </h2>
      <p>{t('setup.form.intro')}</p>
      {problem && (
        <ErrorAlert testid="setup-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <Field
        id="setup-office-name"
        label={t('field.officeName')}
        value={officeName}
        onValue={(value) => {
          setOfficeName(value);
          edited('officeName');
        }}
        autoComplete="organization"
        error={errors.officeName}
        testid="setup-office-name"
        maxLength={100}
        required
      />
      <Field
        id="setup-name"
        label={t('field.name')}
        value={name}
        onValue={(value) => {
          setName(value);
          edited('name');
        }}
        autoComplete="name"
        error={errors.name}
        testid="setup-name"
        maxLength={100}
        required
      />
      <EmailField
        id="setup-email"
        value={email}
        onValue={(value) => {
          setEmail(value);
          edited('email');
        }}
        error={errors.email}
        testid="setup-email"
      />
      <NewPasswordFields
        idPrefix="setup"
        value={secret}
        onChange={setSecret}
        verdict={verdict}
        errors={errors}
        onEdit={edited}
      />
      {phase.kind === 'working' && (
        <Progress text={t(phase.stage === 'sending' ? 'progress.sending' : CREATE_PROGRESS[phase.stage])} />
      )}
      <div class="button-row">
        <button type="submit" class="button" disabled={busy} data-testid="setup-submit">
          {t('setup.submit')}
        </button>
      </div>
    </form>
  );
}

/**
 * A link the server does not accept: used, expired or replaced. When the office is already set up
 * (the usual case: the link was used), the way forward is signing in; only an office that is not
 * set up yet needs a new link, which whoever runs the server makes with the command.
 */
function SetupLinkInvalid(): JSX.Element {
  const { t, rich } = useI18n();
  const [office, setOffice] = useState<'asking' | 'set-up' | 'not-set-up'>('asking');
  useEffect(() => {
    const controller = new AbortController();
    getOffice({ signal: controller.signal }).then(
      (answer) => setOffice(answer.setUp ? 'set-up' : 'not-set-up'),
      () => {
        if (!controller.signal.aborted) setOffice('not-set-up');
      },
    );
    return () => controller.abort();
  }, []);
  switch (office) {
    case 'asking':
      return <p class="status-text status-text--busy">{t('setup.checking')}</p>;
    case 'set-up':
      return (
        <div data-testid="setup-invalid" data-office={office}>
          <p class="status-text">{t('setup.alreadySetUp')}</p>
          <p>
            <Link href="/login" class="button" testid="setup-sign-in">
              {t('setup.signIn')}
            </Link>
          </p>
        </div>
      );
    case 'not-set-up':
      return (
        <p class="status-text status-text--error" data-testid="setup-invalid" data-office={office}>
          {rich('setup.invalid', { command: <code translate={false}>{SETUP_COMMAND}</code> })}
        </p>
      );
  }
}

function SetupCheckMessage({ check }: { readonly check: LinkCheck<SetupLinkStatus> }): JSX.Element {
  const { t, rich, locale } = useI18n();
  switch (check.kind) {
    case 'checking':
      return <p class="status-text status-text--busy">{t('setup.checking')}</p>;
    case 'valid': {
      const expiresAt = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(
        check.answer.expiresAt,
      );
      return (
        <p class="status-text status-text--ok">
          {rich('setup.valid', { expiresAt: <time dateTime={check.answer.expiresAt.toISOString()}>{expiresAt}</time> })}
        </p>
      );
    }
    case 'invalid':
      return <SetupLinkInvalid />;
    case 'unavailable':
      return <p class="status-text status-text--error">{t('setup.unavailable')}</p>;
  }
}
