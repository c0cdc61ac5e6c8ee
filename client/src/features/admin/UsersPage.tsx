// /app/admin: every account with its role, status, approval, two-factor sign-in and last
// sign-in, and what an admin does with them: approve (compare fingerprints, then certify and
// seal the office keys in this browser), disable and enable, change the role (re-certified
// in this browser), and reset (new keys; files sealed only to the old keys are lost).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { disableUser, enableUser, listUsers, resetUser, type UserSummary } from '../../api/admin';
import type { SessionInfo } from '../../api/accounts';
import { useI18n } from '../../i18n/context';
import type { MessageKey } from '../../i18n';
import { ErrorAlert, StatusLine } from '../../ui/Alert';
import { ConfirmDialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { formatDateTime, roleLabel } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { ListTable } from '../../ui/ListTable';
import { PageHeading } from '../../ui/PageHeading';
import { ApproveDialog } from './ApproveDialog';
import { LowSpaceNotice } from './LowSpaceNotice';
import { RoleDialog } from './RoleDialog';

type Action =
  | { readonly kind: 'approve'; readonly user: UserSummary }
  | { readonly kind: 'role'; readonly user: UserSummary }
  | { readonly kind: 'disable'; readonly user: UserSummary }
  | { readonly kind: 'reset'; readonly user: UserSummary };

const APPROVAL_LABELS: Record<UserSummary['approval'], MessageKey> = {
  pending: 'users.approval.pending',
  approved: 'users.approval.approved',
  reset: 'users.approval.reset',
};

export function UsersPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [statusFocus, setStatusFocus] = useState(0);
  const [action, setAction] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);

  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
  const { data: users, reload: load } = useLoad(async (signal) => (await listUsers({ signal })).users, [t], {
    keep: true,
    onError: (error) => fail(errorMessage(t, error)),
  });

  const close = (): void => {
    setAction(null);
    setDialogError(null);
  };

  const finished = async (text: string): Promise<void> => {
    close();
    setStatus(text);
    await load();
    setStatusFocus((n) => n + 1);
  };

  const open = (next: Action): void => {
    setStatus('');
    setProblem(null);
    setAction(next);
  };

  const runDialog = async (work: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setDialogError(null);
    try {
      await finished(await work());
    } catch (error) {
      setDialogError(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  const enable = async (user: UserSummary): Promise<void> => {
    setProblem(null);
    setStatus('');
    try {
      await enableUser(user.userId);
      setStatus(t('users.enabled', { name: user.name }));
      await load();
    } catch (error) {
      fail(errorMessage(t, error));
    }
  };

  // Clients have accounts too, but belong to the Clients page: listed apart, so nobody takes one for staff.
  const staff = users?.filter((user) => user.role !== 'client') ?? null;
  const clients = users?.filter((user) => user.role === 'client') ?? null;
  const columns = [
    t('users.name'),
    t('users.role'),
    t('users.status'),
    t('users.approval'),
    t('users.twoFactor'),
    t('users.lastSignIn'),
    t('users.actions'),
  ];
  const userRow = (user: UserSummary): JSX.Element => {
    const self = user.userId === info.me.userId;
    const active = user.status === 'active';
    return (
      <tr
        key={user.userId}
        data-testid="user-row"
        data-user-id={user.userId}
        data-email={user.email}
        data-status={user.status}
        data-approval={user.approval}
        class={user.approval === 'pending' && active ? 'row--attention' : undefined}
      >
        <th scope="row" data-label={t('users.name')}>
          <span class="cell-main">{user.name || user.email}</span>
          <span class="cell-sub">{user.email}</span>
          {self && <span class="badge badge--muted">{t('colleagues.you')}</span>}
        </th>
        <td data-label={t('users.role')}>{roleLabel(t, user.role)}</td>
        <td data-label={t('users.status')}>
          <span class={`badge badge--${active ? 'ok' : 'danger'}`}>
            {t(active ? 'users.status.active' : 'users.status.disabled')}
          </span>
        </td>
        <td data-label={t('users.approval')}>
          <span class={`badge badge--${user.approval === 'approved' ? 'ok' : 'warning'}`}>
            {t(APPROVAL_LABELS[user.approval])}
          </span>
        </td>
        <td data-label={t('users.twoFactor')}>{t(user.twoFactor ? 'twoFactor.on' : 'twoFactor.off')}</td>
        <td data-label={t('users.lastSignIn')}>
          {user.lastSignInAt ? formatDateTime(locale, user.lastSignInAt) : t('users.never')}
        </td>
        <td data-label={t('users.actions')}>
          <div class="action-list">
            {/* Clients are approved on the Clients page (never with the office keys), and keep their role. */}
            {active && user.approval === 'pending' && user.role !== 'client' && (
              <button
                type="button"
                class="button button--small"
                onClick={() => open({ kind: 'approve', user })}
                data-testid="user-approve"
              >
                {t('users.approve')}
              </button>
            )}
            {active && user.role !== 'client' && (
              <button
                type="button"
                class="button button--small button--secondary"
                onClick={() => open({ kind: 'role', user })}
                data-testid="user-role"
              >
                {t('users.changeRole')}
              </button>
            )}
            {active && !self && (
              <button
                type="button"
                class="button button--small button--secondary"
                onClick={() => open({ kind: 'disable', user })}
                data-testid="user-disable"
              >
                {t('users.disable')}
              </button>
            )}
            {!active && (
              <button
                type="button"
                class="button button--small button--secondary"
                onClick={() => void enable(user)}
                data-testid="user-enable"
              >
                {t('users.enable')}
              </button>
            )}
            {!self && user.approval !== 'reset' && (
              <button
                type="button"
                class="button button--small button--secondary"
                onClick={() => open({ kind: 'reset', user })}
                data-testid="user-reset"
              >
                {t('users.reset')}
              </button>
            )}
          </div>
        </td>
      </tr>
    );
  };

  return (
    <>
      <PageHeading>{t('users.title')}</PageHeading>
      <p class="lead">{t('users.intro')}</p>
      <LowSpaceNotice />
      {problem && (
        <ErrorAlert testid="users-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="users-status" focusKey={statusFocus} />
      <ListTable
        items={staff}
        failed={problem !== null}
        testid="users-table"
        loadingTestid="users-loading"
        caption={t('users.title')}
        columns={columns}
        row={userRow}
      />
      {clients !== null && clients.length > 0 && (
        <section class="panel panel--wide" aria-labelledby="users-clients-heading">
          <h2 id="users-clients-heading" class="section-heading">
            {t('users.clients')}
          </h2>
          <p>{t('users.clients.intro')}</p>
          <ListTable
            items={clients}
            failed={false}
            testid="users-clients-table"
            loadingTestid="users-clients-loading"
            caption={t('users.clients')}
            columns={columns}
            row={userRow}
          />
        </section>
      )}

      {action?.kind === 'approve' && (
        <ApproveDialog
          user={action.user}
          onClose={close}
          onApproved={() => void finished(t('users.approved', { name: action.user.name }))}
        />
      )}
      {action?.kind === 'role' && (
        <RoleDialog
          user={action.user}
          onClose={close}
          onChanged={(role) =>
            void finished(t('users.roleChanged', { name: action.user.name, role: roleLabel(t, role) }))
          }
        />
      )}
      <ConfirmDialog
        open={action?.kind === 'disable'}
        title={t('users.disable.title', { name: action?.user.name ?? '' })}
        confirmLabel={t('users.disable.confirm')}
        cancelLabel={t('action.cancel')}
        onConfirm={() => {
          if (action?.kind !== 'disable') return;
          const user = action.user;
          void runDialog(async () => {
            await disableUser(user.userId);
            return t('users.disabled', { name: user.name });
          });
        }}
        onCancel={close}
        busy={busy}
        danger
        testid="disable-dialog"
        error={dialogError && <ErrorAlert testid="disable-dialog-error">{dialogError}</ErrorAlert>}
      >
        <p>{t('users.disable.text')}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={action?.kind === 'reset'}
        title={t('users.reset.title', { name: action?.user.name ?? '' })}
        confirmLabel={t('users.reset.confirm')}
        cancelLabel={t('action.cancel')}
        onConfirm={() => {
          if (action?.kind !== 'reset') return;
          const user = action.user;
          void runDialog(async () => {
            const { delivered } = await resetUser(user.userId);
            return t(delivered ? 'users.resetDone' : 'users.resetUndelivered', { name: user.name, email: user.email });
          });
        }}
        onCancel={close}
        busy={busy}
        danger
        testid="reset-dialog"
        error={dialogError && <ErrorAlert testid="reset-dialog-error">{dialogError}</ErrorAlert>}
      >
        <p>{t('users.reset.text1')}</p>
        <p>
          <strong>{t('users.reset.lost')}</strong>
        </p>
        <p>{t('users.reset.kept')}</p>
      </ConfirmDialog>
    </>
  );
}
