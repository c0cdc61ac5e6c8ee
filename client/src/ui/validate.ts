// Checks of what people type, done before anything is sent, with the very schemas the server
// validates with (shared/wire), so the page can say what is wrong next to the field and can
// never accept what the server refuses. Zod's issues become a small vocabulary (empty, too
// long, invalid) that each page words in the reader's language.
import type { ZodType } from 'zod';
import { DisplayName, Email, SecondFactorCode } from '../../../shared/wire/common.js';
import type { Translate } from '../i18n';

/** Why a field's value was refused. */
type FieldIssue =
  { readonly kind: 'empty' } | { readonly kind: 'too-long'; readonly max: number } | { readonly kind: 'invalid' };

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issue: FieldIssue };

/** `text` parsed with `schema` (which may trim or lower-case it), or the first reason it was refused. */
export function checkField<T>(schema: ZodType<T>, text: string): Checked<T> {
  const result = schema.safeParse(text);
  if (result.success) return { ok: true, value: result.data };
  const [issue] = result.error.issues;
  if (text.trim() === '') return { ok: false, issue: { kind: 'empty' } };
  if (issue?.code === 'too_big') return { ok: false, issue: { kind: 'too-long', max: Number(issue.maximum) } };
  return { ok: false, issue: { kind: 'invalid' } };
}

/** Trimmed and lower-cased, as the server stores and certificates name it (shared/wire Email). */
export function normalizeEmail(text: string): string {
  return text.trim().toLowerCase();
}

export function isEmail(text: string): boolean {
  return Email.safeParse(text).success;
}

/** The address as the server will store it, or what to say next to the field. */
export function emailField(
  t: Translate,
  text: string,
): { readonly email: string; readonly error: null } | { readonly email: null; readonly error: string } {
  const checked = checkField(Email, text);
  if (checked.ok) return { email: checked.value, error: null };
  return { email: null, error: t(checked.issue.kind === 'empty' ? 'field.email.empty' : 'field.email.invalid') };
}

/** A display name as the server takes it (trimmed, 1 to 100 characters, no control characters), or null. */
export function displayName(text: string): string | null {
  const checked = checkField(DisplayName, text);
  return checked.ok ? checked.value : null;
}

/** What to say next to a person's name and address fields; empty when both are fine. */
export interface PersonErrors {
  name?: string;
  email?: string;
}

/** A person's name and address as the server takes them, or what to say next to each field. */
export function personFields(
  t: Translate,
  nameText: string,
  emailText: string,
):
  | { readonly ok: true; readonly name: string; readonly email: string; readonly errors: PersonErrors }
  | { readonly ok: false; readonly errors: PersonErrors } {
  const name = displayName(nameText);
  const { email, error } = emailField(t, emailText);
  const errors: PersonErrors = {};
  if (name === null) errors.name = t('field.name.invalid');
  if (error !== null) errors.email = error;
  return name !== null && email !== null ? { ok: true, name, email, errors } : { ok: false, errors };
}

/**
 * A six-digit authenticator code (spaces allowed, as apps show "123 456"), or a backup code
 * (10 characters, any case, a hyphen in the middle optional). Returns the code as the
 * server expects it, or null.
 */
export function normalizeSecondFactorCode(text: string, kind: 'totp' | 'backup' | 'either'): string | null {
  const compact = text.replace(/[\s\u00a0]/g, '');
  let code: string | null = null;
  if (kind !== 'backup' && /^\d{6}$/.test(compact)) code = compact;
  else if (kind !== 'totp') {
    const backup = compact.replace(/[-\u2010-\u2015]/g, '').toUpperCase();
    if (/^[0-9A-Z]{10}$/.test(backup)) code = `${backup.slice(0, 5)}-${backup.slice(5)}`;
  }
  return code !== null && SecondFactorCode.safeParse(code).success ? code : null;
}

/** The six digits of an e-mail code as typed ("123 456" allowed), or null. */
export function normalizeEmailCode(text: string): string | null {
  const digits = text.replace(/[\s\u00a0]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}
