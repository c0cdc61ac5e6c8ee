// /invite#<token>: the link an admin's invitation (or an account reset) mailed to someone.
// The page shows which office invites which address for which role, then asks for a name
// and a password; the crypto worker makes the keys bound to the invitation's user id. The
// new member can sign in at once but waits for an admin to approve them (compare
// fingerprints, certify, seal the office keys) before they can open office material.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { acceptInvitation, lookupInvitation, type InvitationLookupResponse } from '../../api/accounts';
import { useEngine } from '../../crypto/context';
import type { ProgressStage } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { navigate } from '../../router';
import { useSessionStore } from '../../session/context';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { errorMessage, isApiError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatDateTime, roleLabel } from '../../ui/labels';
import { useLinkCheck } from '../../ui/link-check';
import { PageHeading } from '../../ui/PageHeading';
import { displayName } from '../../ui/validate';
import { newPasswordErrors, NewPasswordFields, usePasswordVerdict, type NewPasswordState } from '../password/NewPassword';
import { personalWords } from '../password/policy';
import { CREATE_PROGRESS } from '../password/progress';
import { RecoveryKeySheet } from '../password/RecoveryKeySheet';

type Phase =
  | { readonly kind: 'form' }
  | { readonly kind: 'working'; readonly stage: ProgressStage | 'sending' }
  | { readonly kind: 'recovery'; readonly recoveryKey: string };

export function InvitePage(): JSX.Element {
  const { t } = useI18n();
  const { token, check: lookup, retry } = useLinkCheck(lookupInvitation, 'invitation_invalid');
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });

  if (lookup.kind === 'valid' && phase.kind === 'recovery') {
    return (
      <>
        <PageHeading>{t('invite.done.title')}</PageHeading>
        <p class="lead">{t('invite.done.intro')}</p>
        <RecoveryKeySheet recoveryKey={phase.recoveryKey} office={lookup.answer.office.name} email={lookup.answer.email} onContinue={() => navigate('/app')} />
      </>
    );
  }

  const reset = lookup.kind === 'valid' && lookup.answer.kind === 'reset';
  return (
    <>
      <PageHeading>{t(reset ? 'invite.reset.title' : 'invite.title')}</PageHeading>
      <div class="panel" role="status" data-testid="invite-status" data-state={lookup.kind}>
        {lookup.kind === 'checking' && <p class="status-text status-text--busy">{t('invite.checking')}</p>}
        {lookup.kind === 'invalid' && <p class="status-text status-text--error">{t('error.invitationInvalid')}</p>}
        {lookup.kind === 'unavailable' && <p class="status-text status-text--error">{t('invite.unavailable')}</p>}
        {lookup.kind === 'valid' && <InvitationSummary invitation={lookup.answer} />}
      </div>
      {lookup.kind === 'unavailable' && (
        <p>
          <button type="button" class="button" onClick={retry}>
            {t('setup.retry')}
          </button>
        </p>
      )}
      {lookup.kind === 'valid' && token !== null && <AcceptForm token={token} invitation={lookup.answer} phase={phase} setPhase={setPhase} />}
    </>
  );
}

function InvitationSummary({ invitation }: { readonly invitation: InvitationLookupResponse }): JSX.Element {
  const { t, locale } = useI18n();
  const values = {
    office: invitation.office.name,
    email: invitation.email,
    role: roleLabel(t, invitation.role),
    expiresAt: formatDateTime(locale, invitation.expiresAt),
  };
  if (invitation.kind === 'reset') {
    return (
      <>
        <p class="status-text">{t('invite.reset.summary', values)}</p>
        <Notice tone="warning" testid="invite-reset-warning">
          <p>{t('invite.reset.warning')}</p>
        </Notice>
      </>
    );
  }
  return <p class="status-text status-text--ok">{t('invite.summary', values)}</p>;
}

function AcceptForm({
  token,
  invitation,
  phase,
  setPhase,
}: {
  readonly token: string;
  readonly invitation: InvitationLookupResponse;
  readonly phase: Phase;
  readonly setPhase: (phase: Phase) => void;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const session = useSessionStore();
  const [name, setName] = useState(invitation.name ?? '');
  const [secret, setSecret] = useState<NewPasswordState>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<{ name?: string; password?: string | undefined; confirm?: string | undefined }>({});
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const working = useRef(false);
  const verdict = usePasswordVerdict(secret.password, personalWords(name, invitation.email, invitation.office.name));
  const edited = (field: 'name' | 'password' | 'confirm'): void => setErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));

  const fail = (text: string): void => setProblem({ text, n: (problem?.n ?? 0) + 1 });

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const person = displayName(name);
    const next: { name?: string; password?: string | undefined; confirm?: string | undefined } = {};
    if (person === null) next.name = t('field.name.invalid');
    const passwordErrors = newPasswordErrors(t, secret, verdict);
    if (passwordErrors) Object.assign(next, passwordErrors);
    setErrors(next);
    if (person === null || Object.keys(next).length > 0) {
      fail(t('form.fix'));
      return;
    }
    working.current = true;
    setProblem(null);
    setPhase({ kind: 'working', stage: 'keys' });
    try {
      const created = await engine.call(
        'createAccount',
        { userId: invitation.userId, password: secret.password },
        { onProgress: (stage) => setPhase({ kind: 'working', stage }) },
      );
      setPhase({ kind: 'working', stage: 'sending' });
      const signedIn = await acceptInvitation({ token, name: person, keys: created.keys });
      setSecret({ password: '', confirm: '' });
      setPhase({ kind: 'recovery', recoveryKey: created.recoveryKey });
      session.adopt(signedIn).catch(() => {});
    } catch (error) {
      await engine.lock();
      setPhase({ kind: 'form' });
      fail(isApiError(error, 'invitation_invalid') ? t('error.invitationInvalid') : errorMessage(t, error));
    } finally {
      working.current = false;
    }
  };

  const busy = phase.kind === 'working';
  return (
    <form class="panel form" onSubmit={submit} noValidate data-testid="invite-form" aria-labelledby="invite-form-heading">
      <h2 id="invite-form-heading" class="form__heading">
        {t('invite.form.heading')}
      </h2>
      {problem && (
        <ErrorAlert testid="invite-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      {/* The address is fixed by the invitation; shown for password managers and for the user. */}
      <Field id="invite-email" label={t('field.email')} type="email" value={invitation.email} onValue={() => {}} autoComplete="username" readOnly testid="invite-email" />
      <Field id="invite-name" label={t('field.name')} value={name} onValue={(value) => { setName(value); edited('name'); }} autoComplete="name" error={errors.name} testid="invite-name" maxLength={100} required />
      <NewPasswordFields idPrefix="invite" value={secret} onChange={setSecret} verdict={verdict} errors={errors} onEdit={edited} />
      {phase.kind === 'working' && <Progress text={t(phase.stage === 'sending' ? 'progress.sending' : CREATE_PROGRESS[phase.stage])} />}
      <div class="button-row">
        <button type="submit" class="button" disabled={busy} data-testid="invite-submit">
          {t('invite.submit')}
        </button>
      </div>
    </form>
  );
}
