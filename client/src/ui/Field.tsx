// A labelled form control with its hint and error. The error is tied to the control with
// aria-describedby and aria-invalid, so a screen reader reads it when the field has focus.
import type { ComponentChildren, JSX } from 'preact';
import { useI18n } from '../i18n/context';

export interface FieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly type?: 'text' | 'email' | 'password' | 'number';
  readonly hint?: ComponentChildren;
  readonly error?: string | null | undefined;
  readonly autoComplete?: string;
  readonly inputMode?: 'text' | 'numeric' | 'email';
  readonly required?: boolean;
  readonly disabled?: boolean;
  readonly readOnly?: boolean;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly spellcheck?: boolean;
  readonly autoCapitalize?: 'off' | 'none' | 'on' | 'sentences' | 'words' | 'characters';
  readonly class?: string;
  readonly testid?: string;
  readonly describedBy?: string;
  readonly inputRef?: preact.Ref<HTMLInputElement>;
  /** Render a textarea of this many rows (for values too long for one line on a phone). */
  readonly rows?: number;
}

export function Field(props: FieldProps): JSX.Element {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  const describedBy = [hintId, props.describedBy, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' field--invalid' : ''}${props.class ? ` ${props.class}` : ''}`}>
      <label class="field__label" for={props.id}>
        {props.label}
      </label>
      {props.hint && (
        <p class="field__hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.rows !== undefined ? (
        <textarea
          class="field__input field__input--multiline"
          id={props.id}
          name={props.id}
          rows={props.rows}
          value={props.value}
          onInput={(event) => props.onValue(event.currentTarget.value)}
          autoComplete={props.autoComplete}
          required={props.required}
          disabled={props.disabled}
          readOnly={props.readOnly}
          maxLength={props.maxLength}
          spellcheck={props.spellcheck}
          autoCapitalize={props.autoCapitalize}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={props.testid}
        />
      ) : (
        <input
          ref={props.inputRef}
          class="field__input"
          id={props.id}
          name={props.id}
          // Preact types each input type separately; all four accept the same attributes used here.
          // tsc (tsconfig.client.json) needs the assertion, which the lint's program does not see.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- see above
          type={(props.type ?? 'text') as 'text'}
          value={props.value}
          onInput={(event) => props.onValue(event.currentTarget.value)}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          required={props.required}
          disabled={props.disabled}
          readOnly={props.readOnly}
          maxLength={props.maxLength}
          min={props.min}
          max={props.max}
          pattern={props.pattern}
          spellcheck={props.spellcheck}
          autoCapitalize={props.autoCapitalize}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={props.testid}
        />
      )}
      {props.error && (
        <p class="field__error" id={errorId} data-testid={props.testid ? `${props.testid}-error` : undefined}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The user's own e-mail address: the name password managers file the account under. */
export function EmailField(props: {
  readonly id: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly error?: string | null | undefined;
  readonly testid: string;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <Field
      id={props.id}
      label={t('field.email')}
      type="email"
      value={props.value}
      onValue={props.onValue}
      autoComplete="username"
      inputMode="email"
      spellcheck={false}
      autoCapitalize="off"
      error={props.error}
      testid={props.testid}
      required
    />
  );
}

/** A checkbox with its label after it. */
export function Checkbox(props: {
  readonly id: string;
  readonly label: ComponentChildren;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly hint?: ComponentChildren;
  readonly disabled?: boolean;
  readonly testid?: string;
}): JSX.Element {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class="checkbox">
      <input
        type="checkbox"
        id={props.id}
        class="checkbox__input"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
        aria-describedby={hintId}
        data-testid={props.testid}
      />
      <label class="checkbox__label" for={props.id}>
        {props.label}
        {props.hint && (
          <span class="checkbox__hint" id={hintId}>
            {props.hint}
          </span>
        )}
      </label>
    </div>
  );
}
