// Labels for values the server sends as codes (roles, statuses) and dates in the user's locale.
import type { Role } from '../../../shared/wire/common.js';
import type { MessageKey, Translate } from '../i18n';

const ROLE_LABELS: Readonly<Record<Role, MessageKey>> = {
  admin: 'role.admin',
  staff: 'role.staff',
  client: 'role.client',
};

/** The colours a state badge comes in (`badge--ok` and so on in styles.css). */
export type BadgeTone = 'ok' | 'muted' | 'danger' | 'warning';

export function roleLabel(t: Translate, role: Role): string {
  return t(ROLE_LABELS[role]);
}

export function formatDateTime(locale: string, iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatDate(locale: string, iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(date);
}
