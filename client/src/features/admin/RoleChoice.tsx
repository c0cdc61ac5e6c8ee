// The roles an administrator gives a colleague (clients are invited from the clients page), as
// radio buttons with what each may do; used when inviting and when changing a role.
import type { JSX } from 'preact';
import type { Role } from '../../../../shared/wire/common.js';
import { useI18n } from '../../i18n/context';
import { roleLabel } from '../../ui/labels';

export type ColleagueRole = Exclude<Role, 'client'>;

const COLLEAGUE_ROLES: readonly ColleagueRole[] = ['staff', 'admin'];

export function RoleChoice({
  role,
  onRole,
  prefix,
}: {
  readonly role: Role;
  readonly onRole: (role: ColleagueRole) => void;
  /** Prefix of each radio button's id, name and test id. */
  readonly prefix: string;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <fieldset class="fieldset">
      <legend class="field__label">{t('role.legend')}</legend>
      {COLLEAGUE_ROLES.map((choice) => (
        <div class="radio" key={choice}>
          <input
            type="radio"
            id={`${prefix}-${choice}`}
            name={prefix}
            value={choice}
            checked={role === choice}
            onChange={() => onRole(choice)}
            data-testid={`${prefix}-${choice}`}
          />
          <label for={`${prefix}-${choice}`}>
            {roleLabel(t, choice)}
            <span class="radio__hint">{t(choice === 'admin' ? 'role.admin.hint' : 'role.staff.hint')}</span>
          </label>
        </div>
      ))}
    </fieldset>
  );
}
