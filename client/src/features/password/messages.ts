// What the new-password fields say, in words: the errors after an attempt, and the reasons a
// password is refused. Pure, so the wording rules are tested in test/client.
import type { MessageKey, Translate } from '../../i18n';
import { MIN_PASSWORD_LENGTH, type PasswordReason, type PasswordVerdict } from './policy';

const REASON_MESSAGES: Record<PasswordReason, MessageKey> = {
  too_short: 'password.reason.tooShort',
  too_long: 'password.reason.tooLong',
  leaked: 'password.reason.leaked',
  similar_to_leaked: 'password.reason.similarToLeaked',
  keyboard_pattern: 'password.reason.keyboardPattern',
  repeat: 'password.reason.repeat',
  sequence: 'password.reason.sequence',
  date: 'password.reason.date',
  words_or_names: 'password.reason.wordsOrNames',
  personal: 'password.reason.personal',
  too_guessable: 'password.reason.tooGuessable',
};

/** A reason, worded. */
export function reasonText(t: Translate, reason: PasswordReason): string {
  return t(REASON_MESSAGES[reason], { min: MIN_PASSWORD_LENGTH });
}

export interface NewPasswordValue {
  readonly password: string;
  readonly confirm: string;
}

// A type literal, not an interface: forms keep these in a Record of their fields' errors.
export type PasswordFieldErrors = { readonly password?: string; readonly confirm?: string };

/** Errors for the two fields given a settled verdict, or null when the password may be used. */
export function passwordFieldErrors(
  t: Translate,
  value: NewPasswordValue,
  verdict: PasswordVerdict,
): PasswordFieldErrors | null {
  const errors: { password?: string; confirm?: string } = {};
  if (verdict.kind === 'empty') errors.password = t('password.error.empty');
  else if (verdict.kind === 'checking') errors.password = t('password.error.checking');
  else if (verdict.kind === 'refused') errors.password = reasonText(t, verdict.reasons[0] ?? 'too_guessable');
  if (value.confirm === '') errors.confirm = t('password.error.confirmEmpty');
  else if (value.confirm !== value.password) errors.confirm = t('password.error.mismatch');
  return errors.password || errors.confirm ? errors : null;
}

/**
 * The reasons to list under the meter: all of them, except the one the field's error already
 * says (a short password would otherwise read "Use at least 12 characters" twice).
 */
export function listedReasons(
  t: Translate,
  verdict: PasswordVerdict,
  fieldError: string | undefined,
): readonly PasswordReason[] {
  if (verdict.kind !== 'refused') return [];
  return verdict.reasons.filter((reason) => reasonText(t, reason) !== fieldError);
}
