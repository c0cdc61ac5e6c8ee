// /invite#<token>.<office fingerprint>: the link an admin's invitation (or an account reset,
// or an advisor's invitation of a client) mailed to someone; `…#<token>.<office fingerprint>.<I>`
// for a client invitation the advisor handed over, whose secret I this browser uses to prove
// the new keys to the approving member (docs/protocol.md §13a). The page shows which office
// invites which address for which role, then asks for a name and a password; the crypto worker
// makes the keys bound to the invitation's user id. The new member can sign in at once but
// waits for an admin to approve them (compare fingerprints, certify, seal the office keys)
// before they can open office material.
//
// The fingerprint in the link is the office signing key's: the worker checks the key the server
// names against it, and a mismatch stops the page loudly (a server that swapped the office key
// must not get anyone to trust it). The form is shown while that check runs, so that a phone gets
// it before the crypto worker (which this page starts itself, once the invitation is shown); the
// form sends nothing and makes no key until the check has passed, and a mismatch replaces it with
// the warning (docs/threat-model.md, promise 5). Every link must carry the fingerprint: a link
// without one (`#<token>`) is refused as incomplete before the token is even sent, so no key is
// ever made for an office nobody checked. A client's account pins the office key as soon as it
// exists.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { acceptInvitation, lookupInvitation, type InvitationLookupResponse } from '../../api/accounts';
import { TOKEN_PATTERN } from '../../../../shared/wire/patterns.js';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import type { ProgressStage } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { navigate } from '../../router';
import { useSessionStore } from '../../session/context';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { errorMessage, isApiError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatDateTime, roleLabel } from '../../ui/labels';
import { useLinkCheck } from '../../ui/link-check';
import { PageHeading } from '../../ui/PageHeading';
import { displayName } from '../../ui/validate';
import {
  newPasswordErrors,
  NewPasswordFields,
  usePasswordVerdict,
  type NewPasswordState,
} from '../password/NewPassword';
import { personalWords } from '../password/policy';
import { CREATE_PROGRESS } from '../password/progress';
import { RecoveryKeySheet } from '../password/RecoveryKeySheet';
import { trustOffice } from '../portal/office-pin';
import { Fingerprint } from '../../ui/Fingerprint';

/**
 * `#<token>.<office fingerprint>[.<invitation secret I>]`: the parts; `incomplete` for a token
 * without the fingerprint (refused: the office key could not be checked); null for anything
 * else. I is in a link the advisor handed over (docs/protocol.md §13a): this browser proves its
 * new keys with it, so the advisor needs no phone call. It never leaves this browser.
 */
function inviteLinkParts(
  hash: string,
): { readonly token: string; readonly fingerprint: string; readonly secret: string | null } | 'incomplete' | null {
  const [token = '', fingerprint, secret, ...rest] = hash.replace(/^#/, '').split('.');
  if (!TOKEN_PATTERN.test(token) || rest.length > 0) return null;
  if (fingerprint === undefined) return 'incomplete';
  const part = /^[A-Za-z0-9_-]{43}$/;
  if (!part.test(fingerprint) || (secret !== undefined && !part.test(secret))) return null;
  return { token, fingerprint, secret: secret ?? null };
}

/** The token of a complete invitation link, or null (nothing is sent to the server then). */
function completeLinkToken(hash: string): string | null {
  const parts = inviteLinkParts(hash);
  return parts === null || parts === 'incomplete' ? null : parts.token;
}

/** The office key against the link: not checked yet, matching (its fingerprint to show), or different. */
type OfficeCheck =
  | { readonly kind: 'checking' }
  | { readonly kind: 'verified'; readonly fingerprint: string }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'failed' };

type Phase =
  | { readonly kind: 'form' }
  | { readonly kind: 'working'; readonly stage: ProgressStage | 'office' | 'sending' }
  | { readonly kind: 'recovery'; readonly recoveryKey: string };

export function InvitePage(): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const { token, check: lookup, retry } = useLinkCheck(lookupInvitation, 'invitation_invalid', completeLinkToken);
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [office, setOffice] = useState<OfficeCheck>({ kind: 'checking' });
  const [pinProblem, setPinProblem] = useState<string | null>(null);
  const parts = inviteLinkParts(location.hash);
  const incomplete = parts === 'incomplete';
  const linkFingerprint = parts === null || parts === 'incomplete' ? null : parts.fingerprint;
  const linkSecret = parts === null || parts === 'incomplete' ? null : parts.secret;
  const answer = lookup.kind === 'valid' ? lookup.answer : null;

  // The office key the server names, against the link's fingerprint, before any key is made.
  // This load is what starts the crypto worker (app.tsx leaves it to this page): its effect runs
  // once the invitation and the form are on the screen.
  useEffect(() => {
    if (answer !== null) setOffice({ kind: 'checking' });
  }, [answer, linkFingerprint]);
  // The check's outcome for a form being sent (true: the key is the link's); while the check
  // runs, a promise of it, which the form waits for.
  const officeNow = useRef(office);
  officeNow.current = office;
  const officeWaiting = useRef<((verified: boolean) => void)[]>([]);
  useEffect(() => {
    if (office.kind === 'checking') return;
    for (const settle of officeWaiting.current.splice(0)) settle(office.kind === 'verified');
  }, [office]);
  const officeChecked = (): boolean | Promise<boolean> =>
    officeNow.current.kind === 'checking'
      ? new Promise((resolve) => officeWaiting.current.push(resolve))
      : officeNow.current.kind === 'verified';
  useLoad(
    answer !== null && linkFingerprint !== null
      ? () =>
          engine.call('checkOfficeFingerprint', {
            signingPublicKey: answer.office.signingPublicKey,
            fingerprint: linkFingerprint,
          })
      : null,
    [answer, linkFingerprint, engine],
    {
      onLoad: (checked) => setOffice({ kind: 'verified', fingerprint: checked.fingerprint }),
      onError: (error) =>
        setOffice({
          kind: error instanceof EngineError && error.code === 'office_key_mismatch' ? 'mismatch' : 'failed',
        }),
    },
  );

  if (lookup.kind === 'valid' && phase.kind === 'recovery') {
    return (
      <>
        <PageHeading>{t('invite.done.title')}</PageHeading>
        <p class="lead">{t('invite.done.intro')}</p>
        {pinProblem && (
          <ErrorAlert testid="invite-pin-error">
            <p>{pinProblem}</p>
          </ErrorAlert>
        )}
        <RecoveryKeySheet
          recoveryKey={phase.recoveryKey}
          office={lookup.answer.office.name}
          email={lookup.answer.email}
          onContinue={() => navigate('/app')}
          twoFactorOff={lookup.answer.role === 'client' ? 'portal' : 'security'}
        />
      </>
    );
  }

  const reset = lookup.kind === 'valid' && lookup.answer.kind === 'reset';
  // "Your office" only to a colleague: for a client it is not their office.
  const colleague = lookup.kind === 'valid' && lookup.answer.role !== 'client';
  return (
    <>
      <PageHeading>
        {t(reset ? 'invite.reset.title' : colleague ? 'invite.titleColleague' : 'invite.title')}
      </PageHeading>
      <div class="panel" role="status" data-testid="invite-status" data-state={incomplete ? 'incomplete' : lookup.kind}>
        {lookup.kind === 'checking' && <p class="status-text status-text--busy">{t('invite.checking')}</p>}
        {lookup.kind === 'invalid' && (
          <p class="status-text status-text--error">
            {t(incomplete ? 'invite.office.incomplete' : 'error.invitationInvalid')}
          </p>
        )}
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
      {lookup.kind === 'valid' && office.kind === 'checking' && (
        <Notice testid="invite-office-checking">
          <p class="status-text status-text--busy">{t('invite.office.checking')}</p>
        </Notice>
      )}
      {lookup.kind === 'valid' && office.kind === 'verified' && (
        <Notice tone="ok" testid="invite-office-verified">
          <p>{t('invite.office.verified', { office: lookup.answer.office.name })}</p>
          <p class="fingerprint-line">
            <span class="fingerprint-line__label">
              {t('portal.officeFingerprint', { office: lookup.answer.office.name })}
            </span>
            <Fingerprint value={office.fingerprint} testid="invite-office-fingerprint" />
          </p>
        </Notice>
      )}
      {lookup.kind === 'valid' && (office.kind === 'mismatch' || office.kind === 'failed') && (
        <ErrorAlert testid="invite-office-mismatch">
          <p>
            <strong>{t(office.kind === 'mismatch' ? 'invite.office.mismatch.title' : 'invite.unavailable')}</strong>
          </p>
          {office.kind === 'mismatch' && (
            <p>{t('invite.office.mismatch.text', { office: lookup.answer.office.name })}</p>
          )}
        </ErrorAlert>
      )}
      {lookup.kind === 'valid' && token !== null && (office.kind === 'checking' || office.kind === 'verified') && (
        <AcceptForm
          officeChecked={officeChecked}
          token={token}
          secret={linkSecret}
          invitation={lookup.answer}
          phase={phase}
          setPhase={setPhase}
          onSignedIn={async () => {
            // A client pins the office key the moment the account exists, against the link.
            if (lookup.answer.role !== 'client' || linkFingerprint === null) return;
            try {
              await trustOffice(engine, lookup.answer.office.officeId, linkFingerprint);
            } catch (error) {
              setPinProblem(
                error instanceof EngineError && error.code.startsWith('office_key')
                  ? t('invite.office.mismatch.title')
                  : errorMessage(t, error),
              );
            }
          }}
        />
      )}
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
  officeChecked,
  token,
  secret: invitationSecret,
  invitation,
  phase,
  setPhase,
  onSignedIn,
}: {
  /** The office key's check against the link (true when it matched), or a promise of it while it runs. */
  readonly officeChecked: () => boolean | Promise<boolean>;
  readonly token: string;
  /** I from a handed-over invitation's link; null for a mailed one. */
  readonly secret: string | null;
  readonly invitation: InvitationLookupResponse;
  readonly phase: Phase;
  readonly setPhase: (phase: Phase) => void;
  /** After the new account's keys are unlocked in this tab. */
  readonly onSignedIn: () => Promise<void>;
}): JSX.Element {
  const { t, lang } = useI18n();
  const engine = useEngine();
  const session = useSessionStore();
  const [name, setName] = useState(invitation.name ?? '');
  const [secret, setSecret] = useState<NewPasswordState>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<{ name?: string; password?: string | undefined; confirm?: string | undefined }>(
    {},
  );
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const working = useRef(false);
  const verdict = usePasswordVerdict(secret.password, personalWords(name, invitation.email, invitation.office.name));
  const edited = (field: 'name' | 'password' | 'confirm'): void =>
    setErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));

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
    try {
      // No key is made before the office key matched the link: a mismatch replaces this form.
      let verified = officeChecked();
      if (typeof verified !== 'boolean') {
        setPhase({ kind: 'working', stage: 'office' });
        verified = await verified;
      }
      if (!verified) {
        setPhase({ kind: 'form' });
        return;
      }
      setPhase({ kind: 'working', stage: 'keys' });
      const created = await engine.call(
        'createAccount',
        {
          userId: invitation.userId,
          password: secret.password,
          ...(invitationSecret === null ? {} : { handover: { secret: invitationSecret, email: invitation.email } }),
        },
        { onProgress: (stage) => setPhase({ kind: 'working', stage }) },
      );
      setPhase({ kind: 'working', stage: 'sending' });
      const signedIn = await acceptInvitation({
        token,
        name: person,
        keys: created.keys,
        lang,
        ...(created.keyProof === undefined ? {} : { keyProof: created.keyProof }),
      });
      setSecret({ password: '', confirm: '' });
      setPhase({ kind: 'recovery', recoveryKey: created.recoveryKey });
      session.adopt(signedIn).then(onSignedIn, () => {});
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
    <form
      class="panel form"
      onSubmit={(event) => void submit(event)}
      noValidate
      data-testid="invite-form"
      aria-labelledby="invite-form-heading"
    >
      <h2 id="invite-form-heading" class="form__heading">
        {t('invite.form.heading')}
      </h2>
      {problem && (
        <ErrorAlert testid="invite-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      {/* The address is fixed by the invitation; shown for password managers and for the user. */}
      <Field
        id="invite-email"
        label={t('field.email')}
        type="email"
        value={invitation.email}
        onValue={() => {}}
        autoComplete="username"
        readOnly
        testid="invite-email"
      />
      <Field
        id="invite-name"
        label={t('field.name')}
        value={name}
        onValue={(value) => {
          setName(value);
          edited('name');
        }}
        autoComplete="name"
        error={errors.name}
        testid="invite-name"
        maxLength={100}
        required
      />
      <NewPasswordFields
        idPrefix="invite"
        value={secret}
        onChange={setSecret}
        verdict={verdict}
        errors={errors}
        onEdit={edited}
      />
      {phase.kind === 'working' && (
        <Progress
          text={t(
            phase.stage === 'sending'
              ? 'progress.sending'
              : phase.stage === 'office'
                ? 'invite.office.checking'
                : CREATE_PROGRESS[phase.stage],
          )}
        />
      )}
      <div class="button-row">
        <button type="submit" class="button" disabled={busy} data-testid="invite-submit">
          {t('invite.submit')}
        </button>
      </div>
    </form>
  );
}
