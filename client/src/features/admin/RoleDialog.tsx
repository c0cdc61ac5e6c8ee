// Changing a member's role. For an approved member the role is part of their certificate,
// so this browser certifies them again, for the same keys the office certified before.
import type { JSX } from 'preact';
import type { Role } from '../../../../shared/wire/common.js';
import { useState } from 'preact/hooks';
import { changeRole, getUser, type UserSummary } from '../../api/admin';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { RoleChoice } from './RoleChoice';
import { Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { memberKeys } from './member-keys';

export function RoleDialog({
  user,
  onClose,
  onChanged,
}: {
  readonly user: UserSummary;
  readonly onClose: () => void;
  readonly onChanged: (role: Role) => void;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [role, setRole] = useState<Role>(user.role);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    if (role === user.role) {
      onClose();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      if (user.approval === 'approved') {
        const detail = await getUser(user.userId);
        const member = memberKeys(detail);
        if (!detail.certificate || !member) throw new Error('no certificate');
        const { certificate } = await engine.call('recertifyMember', {
          member: { ...member, certificate: detail.certificate },
          role,
          currentVersion: Math.max(1, detail.certificateVersion),
        });
        await changeRole(user.userId, { role, certificate });
      } else {
        await changeRole(user.userId, { role });
      }
      onChanged(role);
    } catch (error) {
      setProblem((previous) => ({ text: errorMessage(t, error), n: (previous?.n ?? 0) + 1 }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={t('role.title', { name: user.name })}
      onClose={onClose}
      testid="role-dialog"
      state={busy ? 'busy' : 'open'}
      busy={busy}
    >
      <form class="form" onSubmit={(event) => void save(event)} noValidate>
        {problem && (
          <ErrorAlert testid="role-dialog-error" focusKey={problem.n}>
            <p>{problem.text}</p>
          </ErrorAlert>
        )}
        <RoleChoice role={role} onRole={setRole} prefix="role" />
        {user.approval === 'approved' && <p class="form__aside">{t('role.recertify')}</p>}
        {busy && <Progress text={t('role.saving')} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="role-save">
            {t('action.save')}
          </button>
          <button type="button" class="button button--secondary" disabled={busy} onClick={onClose}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
