// Coffer's password rule, apart from the strength estimator that feeds it: at least 12
// characters, and an estimated strength of 3 or more out of 4 (zxcvbn-ts, with common,
// English and Dutch dictionaries and the list of passwords found in leaks). The rule and
// the reasons a password is refused are pure functions, tested in test/client.

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's score: 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
const MIN_SCORE = 3;
/** Longer passwords are accepted, but the estimator only looks at this many characters. */
export const MAX_PASSWORD_LENGTH = 1024;

type Score = 0 | 1 | 2 | 3 | 4;

/** What the strength estimator found, in the estimator's own terms. */
export interface Strength {
  readonly score: Score;
  /** zxcvbn's warning key (`common`, `keyPattern`, …) or null. */
  readonly warning: string | null;
  /** The whole password is one from the list of passwords found in leaks. */
  readonly leaked: boolean;
}

/** Why a password is refused (or could be better), each with a message in the catalogs. */
export type PasswordReason =
  | 'too_short'
  | 'too_long'
  | 'leaked'
  | 'similar_to_leaked'
  | 'keyboard_pattern'
  | 'repeat'
  | 'sequence'
  | 'date'
  | 'words_or_names'
  | 'personal'
  | 'too_guessable';

export type PasswordVerdict =
  | { readonly kind: 'empty' }
  /** The estimator is still loading: the password can be neither accepted nor refused yet. */
  | { readonly kind: 'checking' }
  | { readonly kind: 'refused'; readonly score: Score; readonly reasons: readonly PasswordReason[] }
  | { readonly kind: 'accepted'; readonly score: Score };

const WARNING_REASONS: Readonly<Record<string, PasswordReason>> = {
  topTen: 'leaked',
  topHundred: 'leaked',
  common: 'leaked',
  pwned: 'leaked',
  similarToCommon: 'similar_to_leaked',
  straightRow: 'keyboard_pattern',
  keyPattern: 'keyboard_pattern',
  simpleRepeat: 'repeat',
  extendedRepeat: 'repeat',
  sequences: 'sequence',
  recentYears: 'date',
  dates: 'date',
  wordByItself: 'words_or_names',
  namesByThemselves: 'words_or_names',
  commonNames: 'words_or_names',
  userInputs: 'personal',
};

/** Characters as people count them (a code point each, after NFC), not UTF-16 units. */
export function passwordLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

/** The verdict on a password, given the estimator's result for it (null while it loads). */
export function judgePassword(password: string, strength: Strength | null): PasswordVerdict {
  if (password === '') return { kind: 'empty' };
  const length = passwordLength(password);
  if (length > MAX_PASSWORD_LENGTH) return { kind: 'refused', score: strength?.score ?? 0, reasons: ['too_long'] };
  if (strength === null) {
    return length < MIN_PASSWORD_LENGTH ? { kind: 'refused', score: 0, reasons: ['too_short'] } : { kind: 'checking' };
  }
  const reasons: PasswordReason[] = [];
  if (length < MIN_PASSWORD_LENGTH) reasons.push('too_short');
  // A password found in leaks is refused whatever its score: attackers try those lists first.
  if (strength.leaked) reasons.push('leaked');
  if (strength.score < MIN_SCORE) {
    const reason = strength.warning === null ? undefined : WARNING_REASONS[strength.warning];
    if (reason !== undefined && !reasons.includes(reason)) reasons.push(reason);
    if (reasons.length === 0 || (reasons.length === 1 && reasons[0] === 'too_short')) reasons.push('too_guessable');
  }
  // A short password never shows as strong, whatever the estimator thinks.
  const score = (length < MIN_PASSWORD_LENGTH ? Math.min(strength.score, 1) : strength.score) as Score;
  return reasons.length === 0 ? { kind: 'accepted', score } : { kind: 'refused', score, reasons };
}

/**
 * Words the estimator should treat as easy to guess for this person: their name, address,
 * office and the product itself.
 */
export function personalWords(...values: readonly (string | undefined)[]): string[] {
  const words = new Set<string>(['coffer']);
  for (const value of values) {
    if (!value) continue;
    const lower = value.toLowerCase().trim();
    if (lower === '') continue;
    words.add(lower);
    for (const part of lower.split(/[\s@._+-]+/)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}
