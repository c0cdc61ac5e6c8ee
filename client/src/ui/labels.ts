// Labels for values the server sends as codes (roles, statuses) and dates in the user's locale.
import type { Translate } from '../i18n';

export function roleLabel(t: Translate, role: 'admin' | 'staff' | 'client'): string {
  return t(role === 'admin' ? 'role.admin' : role === 'staff' ? 'role.staff' : 'role.client');
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
