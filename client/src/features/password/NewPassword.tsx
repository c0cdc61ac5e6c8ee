// "Choose a password": the password and its confirmation, a strength meter, and the reasons
// a password is refused, in words. The estimator (strength.ts, megabytes of dictionaries) is
// loaded the first time this component appears, never on other pages.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import type { MessageKey, Translate } from '../../i18n';
import { Field } from '../../ui/Field';
import { useLoad } from '../../ui/load';
import { listedReasons, passwordFieldErrors, reasonText, type PasswordFieldErrors } from './messages';
import { judgePassword, MIN_PASSWORD_LENGTH, type PasswordVerdict, type Strength } from './policy';

type Estimator = (password: string, userInputs: readonly string[]) => Strength;

let estimatorLoad: Promise<Estimator> | undefined;

function loadEstimator(): Promise<Estimator> {
  estimatorLoad ??= import('./strength').then((module) => module.estimateStrength);
  return estimatorLoad;
}

/**
 * A verdict that may still be `checking` because the estimate waits for typing to pause (or for
 * the estimator to load). `settle` judges the password as it is now, straight away: a form
 * submitted right after a paste is judged on the result the meter is about to show, never on
 * "still being checked".
 */
export type LiveVerdict = PasswordVerdict & {
  /** The verdict on the current password once estimated; `checking` only if the estimator cannot load. */
  readonly settle: () => Promise<PasswordVerdict>;
  /** The same, synchronously, when the estimator is already loaded; else `checking`. */
  readonly settleNow: () => PasswordVerdict;
};

/** The verdict on `password`, re-estimated shortly after typing pauses. */
export function usePasswordVerdict(password: string, userInputs: readonly string[]): LiveVerdict {
  const { data: estimator } = useLoad(() => loadEstimator(), [], {
    // Offline after the page loaded: without the estimator no password can be accepted;
    // the verdict stays "checking" and the page says so on submit.
    onError: () => {
      estimatorLoad = undefined;
    },
  });
  const [strength, setStrength] = useState<{ readonly password: string; readonly strength: Strength } | null>(null);
  const inputsKey = userInputs.join('\u0000');

  useEffect(() => {
    if (!estimator || password === '') return;
    const timer = setTimeout(() => setStrength({ password, strength: estimator(password, userInputs) }), 120);
    return () => clearTimeout(timer);
    // userInputs is compared by content (inputsKey).
  }, [estimator, password, inputsKey]);

  // Until the estimate for exactly this password is in, say nothing is known about it yet.
  const current = strength !== null && strength.password === password ? strength.strength : null;
  const judgeWith = (estimate: Estimator): PasswordVerdict => {
    if (password === '' || current !== null) return judgePassword(password, current);
    const now = estimate(password, userInputs);
    setStrength({ password, strength: now });
    return judgePassword(password, now);
  };
  const settleNow = (): PasswordVerdict => (estimator ? judgeWith(estimator) : judgePassword(password, current));
  const settle = async (): Promise<PasswordVerdict> => {
    try {
      return judgeWith(estimator ?? (await loadEstimator()));
    } catch {
      estimatorLoad = undefined;
      return judgePassword(password, null);
    }
  };

  let verdict: PasswordVerdict;
  if (estimator && current === null && password !== '') {
    const pending = judgePassword(password, null);
    verdict = pending.kind === 'refused' ? pending : { kind: 'checking' };
  } else verdict = judgePassword(password, current);
  return { ...verdict, settle, settleNow };
}

const SCORE_LABELS: readonly MessageKey[] = [
  'password.strength.0',
  'password.strength.1',
  'password.strength.2',
  'password.strength.3',
  'password.strength.4',
];

export interface NewPasswordState {
  readonly password: string;
  readonly confirm: string;
}

/**
 * Errors for the two fields, or null when the password may be used. A live verdict still
 * `checking` is settled first (with the estimator loaded, at once), so the form never says
 * "still being checked" beside a meter that has already judged the password.
 */
export function newPasswordErrors(
  t: Translate,
  value: NewPasswordState,
  verdict: PasswordVerdict | LiveVerdict,
): PasswordFieldErrors | null {
  return passwordFieldErrors(
    t,
    value,
    verdict.kind === 'checking' && 'settleNow' in verdict ? verdict.settleNow() : verdict,
  );
}

/** The same, waiting for the estimator if it is still loading (a form that can wait a moment). */
export async function settledPasswordErrors(
  t: Translate,
  value: NewPasswordState,
  verdict: LiveVerdict,
): Promise<PasswordFieldErrors | null> {
  return newPasswordErrors(t, value, verdict.kind === 'checking' ? await verdict.settle() : verdict);
}

export function NewPasswordFields({
  idPrefix,
  value,
  onChange,
  verdict,
  errors,
  label,
  onEdit,
}: {
  readonly idPrefix: string;
  readonly value: NewPasswordState;
  readonly onChange: (value: NewPasswordState) => void;
  readonly verdict: PasswordVerdict;
  readonly errors: { readonly password?: string | undefined; readonly confirm?: string | undefined } | null;
  readonly label?: string;
  /** Called when the user edits a field, so its error from the last attempt can go. */
  readonly onEdit?: (field: 'password' | 'confirm') => void;
}): JSX.Element {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  const meterId = `${idPrefix}-strength`;
  const score = verdict.kind === 'accepted' || verdict.kind === 'refused' ? verdict.score : 0;
  // An error from the last attempt that the meter has since overtaken ("still being checked",
  // then the estimate arrived) goes: the meter and the field never disagree.
  const passwordError =
    errors?.password === t('password.error.checking') && verdict.kind !== 'checking' ? undefined : errors?.password;
  const reasons = listedReasons(t, verdict, passwordError);

  return (
    <div class="new-password">
      <Field
        id={`${idPrefix}-password`}
        label={label ?? t('password.new')}
        type={visible ? 'text' : 'password'}
        value={value.password}
        onValue={(password) => {
          onChange({ ...value, password });
          onEdit?.('password');
        }}
        autoComplete="new-password"
        hint={t('password.hint', { min: MIN_PASSWORD_LENGTH })}
        describedBy={meterId}
        error={passwordError}
        spellcheck={false}
        autoCapitalize="off"
        testid="password-new"
        required
      />
      <div class="strength" id={meterId} data-testid="password-strength" data-state={verdict.kind} data-score={score}>
        <div class="strength__bar" aria-hidden="true">
          {[1, 2, 3, 4].map((segment) => (
            <span
              key={segment}
              class={`strength__segment${verdict.kind !== 'empty' && verdict.kind !== 'checking' && score >= segment ? ' strength__segment--on' : ''}`}
            />
          ))}
        </div>
        <p class="strength__label" aria-live="polite">
          {verdict.kind === 'empty'
            ? t('password.strength.empty')
            : verdict.kind === 'checking'
              ? t('password.strength.checking')
              : t('password.strength.label', { strength: t(SCORE_LABELS[score] ?? 'password.strength.0') })}
          {verdict.kind === 'accepted' && ` ${t('password.strength.accepted')}`}
        </p>
        {reasons.length > 0 && (
          <ul class="strength__reasons">
            {reasons.map((reason) => (
              <li key={reason}>{reasonText(t, reason)}</li>
            ))}
          </ul>
        )}
      </div>
      <Field
        id={`${idPrefix}-confirm`}
        label={t('password.confirm')}
        type={visible ? 'text' : 'password'}
        value={value.confirm}
        onValue={(confirm) => {
          onChange({ ...value, confirm });
          onEdit?.('confirm');
        }}
        autoComplete="new-password"
        error={errors?.confirm}
        spellcheck={false}
        autoCapitalize="off"
        testid="password-confirm"
        required
      />
      <button
        type="button"
        class="button button--link"
        aria-pressed={visible}
        onClick={() => setVisible(!visible)}
        data-testid="password-show"
      >
        {t('password.show')}
      </button>
    </div>
  );
}
