// /app/admin/invitations: invite a colleague by e-mail (admin or staff), and the open
// invitations and reset links, with failed deliveries marked so the admin checks the address.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import {
  createInvitation,
  listInvitations,
  resendInvitation,
  withdrawInvitation,
  type InvitationList,
} from '../../api/admin';
import { useI18n } from '../../i18n/context';
import type { Lang } from '../../i18n';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { RoleChoice, type ColleagueRole } from './RoleChoice';
import { ConfirmDialog } from '../../ui/Dialog';
import { errorMessage, isApiError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatDateTime, roleLabel } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { ListTable } from '../../ui/ListTable';
import { PageHeading } from '../../ui/PageHeading';
import { emailField } from '../../ui/validate';

type Invitation = InvitationList['invitations'][number];

export function InvitationsPage(): JSX.Element {
  const { t, locale } = useI18n();
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [withdrawing, setWithdrawing] = useState<Invitation | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
  const { data: invitations, reload: load } = useLoad(
    async (signal) => (await listInvitations({ signal })).invitations,
    [t],
    { keep: true, onError: (error) => fail(errorMessage(t, error)) },
  );

  const resend = async (invitation: Invitation): Promise<void> => {
    setBusy(invitation.invitationId);
    setProblem(null);
    setStatus('');
    try {
      const { delivered } = await resendInvitation(invitation.invitationId);
      if (delivered) setStatus(t('invitations.resent', { email: invitation.email }));
      else fail(t('invitations.undelivered', { email: invitation.email }));
      await load();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setBusy(null);
    }
  };

  const withdraw = async (): Promise<void> => {
    if (!withdrawing) return;
    const invitation = withdrawing;
    setBusy(invitation.invitationId);
    setStatus('');
    try {
      await withdrawInvitation(invitation.invitationId);
      setWithdrawing(null);
      setStatus(t('invitations.withdrawn', { email: invitation.email }));
      await load();
    } catch (error) {
      setWithdrawing(null);
      fail(errorMessage(t, error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeading>{t('invitations.title')}</PageHeading>
      <p class="lead">{t('invitations.intro')}</p>
      <InviteForm
        onSent={() => {
          setStatus('');
          void load();
        }}
      />
      <section class="panel panel--wide" aria-labelledby="open-invitations-heading">
        <h2 id="open-invitations-heading" class="section-heading">
          {t('invitations.open')}
        </h2>
        {problem && (
          <ErrorAlert testid="invitations-error" focusKey={problem.n}>
            <p>{problem.text}</p>
          </ErrorAlert>
        )}
        <StatusLine text={status} testid="invitations-status" />
        <ListTable
          items={invitations}
          failed={problem !== null}
          testid="invitations-list"
          loadingTestid="invitations-loading"
          empty={<p data-testid="invitations-empty">{t('invitations.none')}</p>}
          caption={t('invitations.open')}
          columns={[
            t('field.email'),
            t('users.role'),
            t('invitations.sent'),
            t('invitations.expires'),
            t('users.actions'),
          ]}
          row={(invitation) => (
            <tr
              key={invitation.invitationId}
              data-testid="invitation-row"
              data-email={invitation.email}
              data-delivery-failed={invitation.deliveryFailed ? 'true' : 'false'}
              class={invitation.deliveryFailed ? 'row--danger' : undefined}
            >
              <th scope="row" data-label={t('field.email')}>
                <span class="cell-main">{invitation.email}</span>
                {invitation.kind === 'reset' && <span class="badge badge--warning">{t('invitations.kind.reset')}</span>}
                {invitation.deliveryFailed && (
                  <span class="cell-warning" data-testid="invitation-delivery-failed">
                    {t('invitations.deliveryFailed')}
                  </span>
                )}
              </th>
              <td data-label={t('users.role')}>{roleLabel(t, invitation.role)}</td>
              <td data-label={t('invitations.sent')}>{formatDateTime(locale, invitation.createdAt)}</td>
              <td data-label={t('invitations.expires')}>{formatDateTime(locale, invitation.expiresAt)}</td>
              <td data-label={t('users.actions')}>
                <div class="action-list">
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    onClick={() => void resend(invitation)}
                    disabled={busy !== null}
                    data-testid="invitation-resend"
                    aria-label={t('invitations.resendLabel', { email: invitation.email })}
                  >
                    {t('invitations.resend')}
                  </button>
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    onClick={() => setWithdrawing(invitation)}
                    disabled={busy !== null}
                    data-testid="invitation-withdraw"
                    aria-label={t('invitations.withdrawLabel', { email: invitation.email })}
                  >
                    {t('invitations.withdraw')}
                  </button>
                </div>
              </td>
            </tr>
          )}
        />
      </section>
      <ConfirmDialog
        open={withdrawing !== null}
        title={t('invitations.withdraw.title')}
        confirmLabel={t('invitations.withdraw')}
        cancelLabel={t('action.cancel')}
        onConfirm={() => void withdraw()}
        onCancel={() => setWithdrawing(null)}
        busy={busy !== null}
        danger
        testid="withdraw-dialog"
      >
        <p>{t('invitations.withdraw.text', { email: withdrawing?.email ?? '' })}</p>
      </ConfirmDialog>
    </>
  );
}

function InviteForm({ onSent }: { readonly onSent: () => void }): JSX.Element {
  const { t, lang: pageLang } = useI18n();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ColleagueRole>('staff');
  const [lang, setLang] = useState<Lang>(pageLang);
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [undelivered, setUndelivered] = useState<string | null>(null);
  const [sent, setSent] = useState('');
  const [busy, setBusy] = useState(false);
  const working = useRef(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const { email: address, error: emailError } = emailField(t, email);
    if (address === null) {
      const text = emailError;
      setError(text);
      setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
      return;
    }
    setError(null);
    setProblem(null);
    setUndelivered(null);
    setSent('');
    working.current = true;
    setBusy(true);
    try {
      const result = await createInvitation(address, role, lang);
      setEmail('');
      if (result.delivered) setSent(t('invitations.sentTo', { email: address }));
      else setUndelivered(address);
      onSent();
    } catch (failure) {
      const text = isApiError(failure, 'already_exists')
        ? t('invitations.exists', { email: address })
        : errorMessage(t, failure);
      setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
    } finally {
      working.current = false;
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading" class="section-heading">
        {t('invitations.new')}
      </h2>
      {problem && (
        <ErrorAlert testid="invitation-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      {undelivered && (
        <Notice tone="warning" testid="invitation-undelivered">
          <p>{t('invitations.undelivered', { email: undelivered })}</p>
        </Notice>
      )}
      <form class="form" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          id="invitation-email"
          label={t('field.email')}
          type="email"
          value={email}
          onValue={(value) => {
            setEmail(value);
            setError(null);
          }}
          autoComplete="off"
          inputMode="email"
          spellcheck={false}
          autoCapitalize="off"
          error={error}
          testid="invitation-email"
          required
        />
        <RoleChoice role={role} onRole={setRole} prefix="invitation-role" />
        <div class="field">
          <label class="field__label" for="invitation-language">
            {t('invitations.language')}
          </label>
          <p class="field__hint" id="invitation-language-hint">
            {t('invitations.language.hint')}
          </p>
          <select
            id="invitation-language"
            class="field__input field__select"
            value={lang}
            onChange={(event) => setLang(event.currentTarget.value === 'en' ? 'en' : 'nl')}
            aria-describedby="invitation-language-hint"
            data-testid="invitation-language"
          >
            <option value="nl">Nederlands</option>
            <option value="en">English</option>
          </select>
        </div>
        {busy && <Progress text={t('invitations.sending')} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="invitation-send">
            {t('invitations.send')}
          </button>
        </div>
      </form>
      <StatusLine text={sent} testid="invitation-status" />
    </section>
  );
}
