// /app/clients (approved staff and admins): invite a client by name and e-mail address — with a
// link the advisor hands over themselves (the invitation secret I in it lets the client's browser
// prove its keys, so approval needs no call) or mailed by Coffer — and the office's clients:
// invited (a new link, send again, withdraw), waiting for approval (the Approve button checks the
// key proof or compares fingerprints, certifies the client and makes their personal drop), active
// (how their keys were checked, a link to their personal drop's uploads, and "new upload link" to
// renew it), disabled. Each client has an advisor (chosen when inviting, changeable here by any
// approved member); a row says so loudly when that advisor has left, since the client's alerts
// then go to the admins. Clients themselves never see this page or its list
// (docs/threat-model.md, "Client onboarding").
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getDirectory, type SessionInfo } from '../../api/accounts';
import {
  getClient,
  inviteClient,
  listClients,
  renewClientDrop,
  resendClientInvitation,
  setClientAdvisor,
  setClientReference,
  withdrawClientInvitation,
  type ClientState,
  type ClientSummary,
} from '../../api/clients';
import type { KeyCheck } from '../../../../shared/wire/clients.js';
import { useEngine } from '../../crypto/context';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { errorMessage, isApiError, isEngineError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatDateTime } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { ListTable } from '../../ui/ListTable';
import { PageHeading } from '../../ui/PageHeading';
import { personFields, type PersonErrors } from '../../ui/validate';
import { ApproveClientDialog, VerifyClientDialog } from './ApproveClientDialog';
import { BatchApproval } from './BatchApproval';
import { ClientInviteLink, handoverLink, type HandedOverLink } from './ClientInviteLink';
import { clientKeys, personalDropFields } from './personal-drop';

const STATE_LABELS: Record<ClientState, MessageKey> = {
  invited: 'clients.state.invited',
  pending: 'clients.state.pending',
  active: 'clients.state.active',
  disabled: 'clients.state.disabled',
  reset: 'clients.state.reset',
};
const STATE_TONES: Record<ClientState, 'ok' | 'muted' | 'warning' | 'danger'> = {
  invited: 'muted',
  pending: 'warning',
  active: 'ok',
  disabled: 'danger',
  reset: 'warning',
};

const CHECK_LABELS: Record<KeyCheck, MessageKey> = {
  proof: 'clients.check.proof',
  call: 'clients.check.call',
  unverified: 'clients.check.unverified',
};

type Approvable = ClientSummary & { readonly userId: string };

/** How the client gets the invitation link: from the advisor (I in it, no call needed), or mailed by Coffer. */
type Delivery = 'handover' | 'mail';

/** A member who can be an advisor: approved staff and admins. */
interface Advisor {
  readonly userId: string;
  readonly name: string;
}

/** How often the list asks again while the page is shown. */
const REFRESH_MS = 10_000;

export function ClientsPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [approving, setApproving] = useState<Approvable | null>(null);
  const [verifying, setVerifying] = useState<Approvable | null>(null);
  const [link, setLink] = useState<HandedOverLink | null>(null);
  const [acting, setActing] = useState<string | null>(null);
  // After an approval the row's button is gone: focus goes to the status line that says so.
  const [statusFocus, setStatusFocus] = useState(0);
  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
  const { data: list, reload: load } = useLoad((signal) => listClients({ signal }), [t], {
    keep: true,
    onError: (error) => fail(errorMessage(t, error)),
  });
  const { data: advisors } = useLoad(
    async (signal): Promise<Advisor[]> =>
      (await getDirectory({ signal })).members
        .filter((member) => member.approval === 'approved')
        .map(({ userId, name }) => ({ userId, name })),
    [],
    { onError: (error) => fail(errorMessage(t, error)) },
  );
  const [renewing, setRenewing] = useState<string | null>(null);
  const [busyRow, setBusyRow] = useState<string | null>(null);

  const changeAdvisor = async (client: Approvable, advisorId: string): Promise<void> => {
    setProblem(null);
    setBusyRow(client.userId);
    try {
      await setClientAdvisor(client.userId, { advisorId });
      const advisor = advisors?.find((member) => member.userId === advisorId)?.name ?? '';
      setStatus(t('clients.advisor.changed', { name: client.name, advisor }));
      setStatusFocus((n) => n + 1);
      await load();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setBusyRow(null);
    }
  };

  const changeReference = async (client: Approvable, reference: string | null): Promise<boolean> => {
    setProblem(null);
    setBusyRow(client.userId);
    try {
      await setClientReference(client.userId, { reference });
      setStatus(t('clients.reference.changed', { name: client.name }));
      setStatusFocus((n) => n + 1);
      await load();
      return true;
    } catch (error) {
      if (!isApiError(error, 'reference_taken')) fail(errorMessage(t, error));
      return !isApiError(error, 'reference_taken');
    } finally {
      setBusyRow(null);
    }
  };

  /** Makes the client's new personal drop in this browser (sealed as at approval); the server closes the old one. */
  const renew = async (client: Approvable): Promise<void> => {
    setProblem(null);
    setBusyRow(client.userId);
    try {
      const detail = await getClient(client.userId);
      if (detail.certificate === null) throw new Error('not approved');
      const made = await engine.call('renewClientDrop', {
        client: { ...clientKeys(detail), certificate: detail.certificate },
        label: detail.name.slice(0, 200),
      });
      await renewClientDrop(detail.userId, {
        drop: { ...made.drop, ...personalDropFields(t('clients.drop.title', { office: info.office.name })) },
      });
      setRenewing(null);
      setStatus(t('clients.renew.done', { name: client.name }));
      setStatusFocus((n) => n + 1);
      await load();
    } catch (error) {
      fail(isEngineError(error, 'invalid_member') ? t('clients.renew.untrusted') : errorMessage(t, error));
    } finally {
      setBusyRow(null);
    }
  };

  // A client who accepts their invitation shows up here as waiting, without a reload.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  /** A new link for an invited client: handed over again with a new I, or mailed again. */
  const resend = async (client: ClientSummary, invitationId: string): Promise<void> => {
    setActing(invitationId);
    setProblem(null);
    setStatus('');
    try {
      if (client.handover) {
        const made = await engine.call('prepareHandover', { email: client.email, userId: client.accountId });
        const sent = await resendClientInvitation(invitationId, {
          handover: { userId: made.userId, statement: made.statement },
        });
        setLink({
          invitationId,
          name: client.name,
          email: client.email,
          link: handoverLink(location.origin, sent.token ?? '', made.fragment),
          expiresAt: sent.expiresAt,
        });
      } else {
        const sent = await resendClientInvitation(invitationId, {});
        setStatus(t(sent.delivered ? 'invitations.resent' : 'invitations.undelivered', { email: client.email }));
        setStatusFocus((n) => n + 1);
      }
      void load();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setActing(null);
    }
  };

  const withdraw = async (client: ClientSummary, invitationId: string): Promise<void> => {
    setActing(invitationId);
    setProblem(null);
    try {
      await withdrawClientInvitation(invitationId);
      if (link?.invitationId === invitationId) setLink(null);
      setStatus(t('invitations.withdrawn', { email: client.email }));
      setStatusFocus((n) => n + 1);
      void load();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setActing(null);
    }
  };

  return (
    <>
      <PageHeading>{t('clients.title')}</PageHeading>
      <p class="lead">{t('clients.intro', { office: info.office.name })}</p>
      <InviteClientForm
        me={info.me.userId}
        advisors={advisors ?? []}
        onSent={(made) => {
          setStatus('');
          setLink(made);
          void load();
        }}
      />
      {link && <ClientInviteLink invitation={link} office={info.office.name} sender={info.me.name} />}
      <BatchApproval
        clients={(list?.clients ?? []).filter(
          (client): client is Approvable => client.state === 'pending' && client.handover && client.userId !== null,
        )}
        office={info.office.name}
        onDone={() => void load()}
      />
      <section class="panel panel--wide" aria-labelledby="clients-list-heading">
        <h2 id="clients-list-heading" class="section-heading">
          {t('clients.list')}
        </h2>
        {problem && (
          <ErrorAlert testid="clients-error" focusKey={problem.n}>
            <p>{problem.text}</p>
          </ErrorAlert>
        )}
        <StatusLine text={status} testid="clients-status" focusKey={statusFocus} />
        <ListTable
          items={list?.clients ?? null}
          failed={problem !== null}
          testid="clients-table"
          loadingTestid="clients-loading"
          empty={<p data-testid="clients-empty">{t('clients.none')}</p>}
          caption={t('clients.list')}
          columns={[
            t('clients.column.name'),
            t('field.email'),
            t('sentList.state'),
            t('clients.advisor'),
            t('clients.since'),
            t('users.actions'),
          ]}
          row={(client) => (
            <tr
              key={client.userId ?? client.invitationId}
              data-testid="client-row"
              data-email={client.email}
              data-state={client.state}
              data-user-id={client.userId ?? ''}
            >
              <th scope="row" data-label={t('clients.column.name')}>
                <span class="cell-main">{client.name}</span>
                {client.userId !== null && (
                  <ReferenceCell
                    client={client}
                    busy={busyRow === client.userId}
                    onSave={(reference) => changeReference({ ...client, userId: client.userId ?? '' }, reference)}
                  />
                )}
                {client.deliveryFailed && (
                  <span class="cell-warning" data-testid="client-delivery-failed">
                    {t('invitations.deliveryFailed')}
                  </span>
                )}
              </th>
              <td data-label={t('field.email')}>{client.email}</td>
              <td data-label={t('sentList.state')}>
                <span class={`badge badge--${STATE_TONES[client.state]}`}>{t(STATE_LABELS[client.state])}</span>
                {client.state === 'invited' && client.handover && (
                  <span class="cell-sub" data-testid="client-handover">
                    {t('clients.handover')}
                  </span>
                )}
                {client.state === 'pending' && client.handover && (
                  <span class="cell-sub" data-testid="client-proof-ready">
                    {t('clients.proofReady')}
                  </span>
                )}
                {client.state === 'active' && client.keyCheck !== null && (
                  <span class="cell-sub" data-testid="client-key-check" data-check={client.keyCheck}>
                    {t(CHECK_LABELS[client.keyCheck])}
                  </span>
                )}
              </td>
              <td data-label={t('clients.advisor')}>
                <AdvisorCell
                  client={client}
                  advisors={advisors ?? []}
                  busy={busyRow === client.userId}
                  onChange={(advisorId) =>
                    client.userId !== null && void changeAdvisor({ ...client, userId: client.userId }, advisorId)
                  }
                />
              </td>
              <td data-label={t('clients.since')}>{formatDateTime(locale, client.createdAt)}</td>
              <td data-label={t('users.actions')}>
                {client.state === 'invited' && client.invitationId !== null && (
                  <div class="action-list">
                    <button
                      type="button"
                      class="button button--small button--secondary"
                      disabled={acting !== null}
                      onClick={() => void resend(client, client.invitationId as string)}
                      data-testid="client-resend"
                      aria-label={
                        client.handover
                          ? t('clients.newLinkLabel', { name: client.name })
                          : t('invitations.resendLabel', { email: client.email })
                      }
                    >
                      {t(client.handover ? 'clients.newLink' : 'invitations.resend')}
                    </button>
                    <button
                      type="button"
                      class="button button--small button--secondary"
                      disabled={acting !== null}
                      onClick={() => void withdraw(client, client.invitationId as string)}
                      data-testid="client-withdraw"
                      aria-label={t('invitations.withdrawLabel', { email: client.email })}
                    >
                      {t('invitations.withdraw')}
                    </button>
                  </div>
                )}
                {client.state === 'pending' && client.userId !== null && (
                  <button
                    type="button"
                    class="button button--small"
                    onClick={() => setApproving({ ...client, userId: client.userId as string })}
                    data-testid="client-approve"
                    aria-label={t('clients.approveLabel', { name: client.name })}
                  >
                    {t('clients.approve')}
                  </button>
                )}
                {client.state === 'active' && client.keyCheck === 'unverified' && client.userId !== null && (
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    onClick={() => setVerifying({ ...client, userId: client.userId as string })}
                    data-testid="client-verify"
                    aria-label={t('clients.verifyLabel', { name: client.name })}
                  >
                    {t('clients.verify')}
                  </button>
                )}
                {client.state === 'active' && client.dropId !== null && (
                  <Link
                    href={`/app/drops/${client.dropId}`}
                    testid="client-drop"
                    aria-label={t('clients.dropLabel', { name: client.name })}
                  >
                    {t('clients.drop')}
                  </Link>
                )}
                {client.state === 'active' && client.dropState !== null && client.dropState !== 'active' && (
                  <span class="cell-warning" data-testid="client-drop-ended">
                    {t(client.dropState === 'expired' ? 'clients.drop.expired' : 'clients.drop.closed')}
                  </span>
                )}
                {client.state === 'active' && client.userId !== null && renewing !== client.userId && (
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    onClick={() => setRenewing(client.userId)}
                    disabled={busyRow !== null}
                    data-testid="client-renew"
                    aria-label={t('clients.renewLabel', { name: client.name })}
                  >
                    {t('clients.renew')}
                  </button>
                )}
                {client.state === 'active' && client.userId !== null && renewing === client.userId && (
                  <div class="row-confirm" role="group" aria-label={t('clients.renewLabel', { name: client.name })}>
                    <p>{t('clients.renew.confirm')}</p>
                    {busyRow === client.userId && <Progress text={t('clients.renew.working')} />}
                    <div class="button-row">
                      <button
                        type="button"
                        class="button button--small"
                        disabled={busyRow !== null}
                        onClick={() => void renew({ ...client, userId: client.userId as string })}
                        data-testid="client-renew-confirm"
                      >
                        {t('clients.renew.go')}
                      </button>
                      <button
                        type="button"
                        class="button button--small button--secondary"
                        disabled={busyRow !== null}
                        onClick={() => setRenewing(null)}
                      >
                        {t('action.cancel')}
                      </button>
                    </div>
                  </div>
                )}
              </td>
            </tr>
          )}
        />
      </section>
      {verifying && (
        <VerifyClientDialog
          client={verifying}
          onClose={() => setVerifying(null)}
          onVerified={() => {
            const name = verifying.name;
            setVerifying(null);
            setStatus(t('clients.verified', { name }));
            setStatusFocus((n) => n + 1);
            void load();
          }}
        />
      )}
      {approving && (
        <ApproveClientDialog
          client={approving}
          office={info.office.name}
          requireCall={list?.requireCall ?? true}
          onClose={() => setApproving(null)}
          onApproved={() => {
            const name = approving.name;
            setApproving(null);
            setStatus(t('clients.approved', { name }));
            setStatusFocus((n) => n + 1);
            void load();
          }}
        />
      )}
    </>
  );
}

/**
 * A client's personnel or client number (so a batch's file-name rule can match their files):
 * typed in place, saved with one button; a number another contact or client has is named as such.
 */
function ReferenceCell({
  client,
  busy,
  onSave,
}: {
  readonly client: ClientSummary;
  readonly busy: boolean;
  /** False when the number is taken. */
  readonly onSave: (reference: string | null) => Promise<boolean>;
}): JSX.Element {
  const { t } = useI18n();
  const current = client.reference ?? '';
  const [value, setValue] = useState(current);
  const [taken, setTaken] = useState(false);
  useEffect(() => setValue(current), [current]);
  const inputId = `client-reference-${client.userId ?? ''}`;
  const trimmed = value.trim();
  const invalid = trimmed !== '' && !/^[A-Za-z0-9._-]{1,40}$/.test(trimmed);
  const problem = invalid
    ? t('contacts.reference.invalid')
    : taken
      ? t('contacts.reference.taken', { reference: trimmed })
      : null;
  return (
    <div class="inline-choice">
      <label class="cell-sub" for={inputId}>
        <span aria-hidden="true">{t('clients.reference')}</span>
        <span class="visually-hidden">{t('clients.reference.for', { name: client.name })}</span>
      </label>
      <input
        id={inputId}
        class="field__input"
        value={value}
        maxLength={40}
        autoComplete="off"
        spellcheck={false}
        autoCapitalize="off"
        aria-invalid={problem !== null}
        aria-describedby={problem !== null ? `${inputId}-error` : undefined}
        onInput={(event) => {
          setValue(event.currentTarget.value);
          setTaken(false);
        }}
        data-testid="client-reference"
      />
      {problem !== null && (
        <span class="cell-warning" id={`${inputId}-error`} role="alert" data-testid="client-reference-error">
          {problem}
        </span>
      )}
      {trimmed !== current && !invalid && (
        <button
          type="button"
          class="button button--small"
          disabled={busy}
          onClick={() => void onSave(trimmed === '' ? null : trimmed).then((saved) => setTaken(!saved))}
          data-testid="client-reference-save"
        >
          {t('clients.advisor.save')}
        </button>
      )}
    </div>
  );
}

/**
 * A client's advisor: their name, loudly flagged once they left (the client's alerts then go to
 * the admins), and for an account a choice of another approved member, saved with one button.
 */
function AdvisorCell({
  client,
  advisors,
  busy,
  onChange,
}: {
  readonly client: ClientSummary;
  readonly advisors: readonly Advisor[];
  readonly busy: boolean;
  readonly onChange: (advisorId: string) => void;
}): JSX.Element {
  const { t } = useI18n();
  const current = client.advisor?.userId ?? '';
  const [chosen, setChosen] = useState(current);
  useEffect(() => setChosen(current), [current]);
  const selectId = `client-advisor-${client.userId ?? client.invitationId ?? ''}`;
  return (
    <>
      {(client.userId === null || advisors.length === 0) && (
        <span class="cell-main" data-testid="client-advisor">
          {client.advisor?.name ?? t('clients.advisor.none')}
        </span>
      )}
      {(client.advisor === null || !client.advisor.active) && (
        <span class="cell-warning" data-testid="client-advisor-left">
          {t(client.advisor === null ? 'clients.advisor.noneWarning' : 'clients.advisor.left')}
        </span>
      )}
      {client.userId !== null && advisors.length > 0 && (
        <div class="inline-choice">
          <label class="visually-hidden" for={selectId}>
            {t('clients.advisor.choose', { name: client.name })}
          </label>
          <select
            id={selectId}
            class="field__input field__select"
            value={chosen}
            onChange={(event) => setChosen(event.currentTarget.value)}
            data-testid="client-advisor-choice"
          >
            {chosen === '' && <option value="">{t('clients.advisor.none')}</option>}
            {client.advisor !== null && !client.advisor.active && (
              <option value={client.advisor.userId}>{client.advisor.name}</option>
            )}
            {advisors.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name}
              </option>
            ))}
          </select>
          {chosen !== current && chosen !== '' && (
            <button
              type="button"
              class="button button--small"
              disabled={busy}
              onClick={() => onChange(chosen)}
              data-testid="client-advisor-save"
            >
              {t('clients.advisor.save')}
            </button>
          )}
        </div>
      )}
    </>
  );
}

function InviteClientForm({
  me,
  advisors,
  onSent,
}: {
  readonly me: string;
  readonly advisors: readonly Advisor[];
  readonly onSent: (link: HandedOverLink | null) => void;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [advisor, setAdvisor] = useState(me);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [delivery, setDelivery] = useState<Delivery>('handover');
  const [errors, setErrors] = useState<PersonErrors>({});
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [undelivered, setUndelivered] = useState<string | null>(null);
  const [sent, setSent] = useState('');
  const [busy, setBusy] = useState(false);
  const working = useRef(false);
  const failWith = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const checked = personFields(t, name, email);
    setErrors(checked.errors);
    if (!checked.ok) {
      failWith(t('form.fix'));
      return;
    }
    const { name: person, email: address } = checked;
    setProblem(null);
    setUndelivered(null);
    setSent('');
    working.current = true;
    setBusy(true);
    try {
      if (delivery === 'handover') {
        // I and the office's statement are made in the worker; the server gets the statement only.
        const made = await engine.call('prepareHandover', { email: address });
        let result = await inviteClient({
          name: person,
          email: address,
          handover: { userId: made.userId, statement: made.statement },
          advisorId: advisor,
        });
        let fragment = made.fragment;
        if (result.token === undefined) {
          // The invitation was made but its answer, with the token, was lost: a new link for it,
          // as "send again" makes one (a new I for the same user id).
          const again = await engine.call('prepareHandover', { email: address, userId: made.userId });
          result = await resendClientInvitation(result.invitationId, {
            handover: { userId: again.userId, statement: again.statement },
          });
          fragment = again.fragment;
        }
        setName('');
        setEmail('');
        onSent({
          invitationId: result.invitationId,
          name: person,
          email: address,
          link: handoverLink(location.origin, result.token ?? '', fragment),
          expiresAt: result.expiresAt,
        });
        return;
      }
      const result = await inviteClient({ name: person, email: address, advisorId: advisor });
      setName('');
      setEmail('');
      if (result.delivered) setSent(t('clients.invited', { name: person, email: address }));
      else setUndelivered(address);
      onSent(null);
    } catch (failure) {
      failWith(
        isApiError(failure, 'already_exists') ? t('invitations.exists', { email: address }) : errorMessage(t, failure),
      );
    } finally {
      working.current = false;
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="invite-client-heading">
      <h2 id="invite-client-heading" class="section-heading">
        {t('clients.invite')}
      </h2>
      <p>{t('clients.invite.intro')}</p>
      {problem && (
        <ErrorAlert testid="invite-client-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      {undelivered && (
        <Notice tone="warning" testid="invite-client-undelivered">
          <p>{t('invitations.undelivered', { email: undelivered })}</p>
        </Notice>
      )}
      <form class="form" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          id="client-name"
          label={t('clients.name')}
          value={name}
          onValue={(value) => {
            setName(value);
            setErrors((previous) => ({ ...previous, name: undefined }));
          }}
          autoComplete="off"
          error={errors.name}
          testid="client-name"
          maxLength={100}
          required
        />
        <Field
          id="client-email"
          label={t('field.email')}
          type="email"
          value={email}
          onValue={(value) => {
            setEmail(value);
            setErrors((previous) => ({ ...previous, email: undefined }));
          }}
          autoComplete="off"
          inputMode="email"
          spellcheck={false}
          autoCapitalize="off"
          error={errors.email}
          testid="client-email"
          required
        />
        <fieldset class="fieldset">
          <legend class="field__label">{t('clients.delivery.legend')}</legend>
          {(['handover', 'mail'] as const).map((choice) => (
            <div class="radio" key={choice}>
              <input
                type="radio"
                id={`client-delivery-${choice}`}
                name="client-delivery"
                value={choice}
                checked={delivery === choice}
                onChange={() => setDelivery(choice)}
                data-testid={`client-delivery-${choice}`}
              />
              <label for={`client-delivery-${choice}`}>
                {t(choice === 'handover' ? 'clients.delivery.handover' : 'clients.delivery.mail')}
                <span class="radio__hint">
                  {t(choice === 'handover' ? 'clients.delivery.handover.hint' : 'clients.delivery.mail.hint')}
                </span>
              </label>
            </div>
          ))}
        </fieldset>
        {advisors.length > 1 && (
          <div class="field">
            <label class="field__label" for="client-advisor">
              {t('clients.advisor')}
            </label>
            <p class="field__hint" id="client-advisor-hint">
              {t('clients.advisor.hint')}
            </p>
            <select
              id="client-advisor"
              class="field__input field__select"
              value={advisor}
              onChange={(event) => setAdvisor(event.currentTarget.value)}
              aria-describedby="client-advisor-hint"
              data-testid="client-advisor"
            >
              {advisors.map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {busy && <Progress text={t('invitations.sending')} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="client-invite">
            {t(delivery === 'handover' ? 'clients.inviteButton.handover' : 'clients.inviteButton')}
          </button>
        </div>
      </form>
      <StatusLine text={sent} testid="invite-client-status" />
    </section>
  );
}
