// Recipients by e-mail address: type (or paste several) and add. Each address is looked up at
// once: a colleague with an account (files sealed to their key; they sign in), or a guest
// (a link and a code by e-mail). An address nobody in the office ever sent to gets a visible
// "check this address" warning, and each guest can get an access code to tell by phone.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { lookupRecipients, type RecipientLookupResponse } from '../../api/sharing';
import { MAX_SHARE_RECIPIENTS } from '../../../../shared/wire/shares.js';
import { useI18n } from '../../i18n/context';
import { Checkbox } from '../../ui/Field';
import { addressesToAdd } from './addresses';

type Found = RecipientLookupResponse['recipients'][number];

export interface RecipientDraft {
  readonly email: string;
  readonly accessCode: boolean;
  /** null while the lookup runs or when it failed (it is done again when sending). */
  readonly found: Found | null;
}

/** Adds the addresses to the list and looks them up; returns the problem's text, or null. */
export function useAddRecipients(
  onChange: (update: (previous: readonly RecipientDraft[]) => readonly RecipientDraft[]) => void,
) {
  const { t } = useI18n();
  return (text: string, current: readonly RecipientDraft[]): string | null => {
    const outcome = addressesToAdd(
      text,
      current.map((r) => r.email),
    );
    if (!outcome.ok) {
      if (outcome.problem === 'empty') return t('send.recipients.empty');
      if (outcome.problem === 'invalid') return t('send.recipients.invalid', { address: outcome.address ?? '' });
      return t('send.recipients.tooMany', { max: MAX_SHARE_RECIPIENTS });
    }
    const fresh = outcome.added;
    if (fresh.length === 0) return null;
    onChange((previous) => [...previous, ...fresh.map((email) => ({ email, accessCode: false, found: null }))]);
    lookupRecipients(fresh).then(
      ({ recipients: answers }) => {
        const byEmail = new Map(answers.map((answer) => [answer.email, answer]));
        onChange((previous) =>
          previous.map((r) => (byEmail.has(r.email) ? { ...r, found: byEmail.get(r.email) ?? null } : r)),
        );
      },
      () => undefined, // looked up again when sending
    );
    return null;
  };
}

export function RecipientsField({
  recipients,
  onChange,
  text,
  onText,
  error,
  disabled,
}: {
  readonly recipients: readonly RecipientDraft[];
  readonly onChange: (update: (previous: readonly RecipientDraft[]) => readonly RecipientDraft[]) => void;
  /** What is typed in the box and not added yet (the page adds it when sending, too). */
  readonly text: string;
  readonly onText: (text: string) => void;
  readonly error: string | null;
  readonly disabled: boolean;
}): JSX.Element {
  const { t } = useI18n();
  const [inputError, setInputError] = useState<string | null>(null);
  const addRecipients = useAddRecipients(onChange);

  const add = (): void => {
    const problem = addRecipients(text, recipients);
    setInputError(problem);
    if (problem === null) onText('');
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ',' || event.key === ';') {
      event.preventDefault();
      add();
    }
  };

  const errorText = inputError ?? error;
  const errorId = errorText ? 'send-recipient-error' : undefined;
  return (
    <div class={`field${errorText ? ' field--invalid' : ''}`}>
      <label class="field__label" for="send-recipient">
        {t('send.recipients.label')}
      </label>
      <p class="field__hint" id="send-recipient-hint">
        {t('send.recipients.hint')}
      </p>
      <div class="add-row">
        <input
          id="send-recipient"
          class="field__input"
          type="email"
          inputMode="email"
          autoComplete="off"
          spellcheck={false}
          autoCapitalize="off"
          value={text}
          onInput={(event) => {
            onText(event.currentTarget.value);
            setInputError(null);
          }}
          onKeyDown={onKeyDown}
          disabled={disabled}
          aria-invalid={errorText ? true : undefined}
          aria-describedby={['send-recipient-hint', errorId].filter(Boolean).join(' ')}
          data-testid="send-recipient-input"
        />
        <button
          type="button"
          class="button button--secondary"
          onClick={add}
          disabled={disabled}
          data-testid="send-recipient-add"
        >
          {t('send.recipients.add')}
        </button>
      </div>
      {errorText && (
        <p class="field__error" id={errorId} data-testid="send-recipient-error">
          {errorText}
        </p>
      )}
      {recipients.length > 0 && (
        <ul class="recipient-list" aria-label={t('send.recipients.listLabel')} data-testid="send-recipient-list">
          {recipients.map((r) => (
            <RecipientItem
              key={r.email}
              recipient={r}
              disabled={disabled}
              onAccessCode={(accessCode) =>
                onChange((previous) => previous.map((p) => (p.email === r.email ? { ...p, accessCode } : p)))
              }
              onRemove={() => onChange((previous) => previous.filter((p) => p.email !== r.email))}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function RecipientItem({
  recipient,
  disabled,
  onAccessCode,
  onRemove,
}: {
  readonly recipient: RecipientDraft;
  readonly disabled: boolean;
  readonly onAccessCode: (value: boolean) => void;
  readonly onRemove: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const { found } = recipient;
  const account = found?.account;
  const kind = found === null ? 'pending' : account ? 'account' : 'guest';
  const fresh = found !== null && !account && !found.seenBefore;
  const id = `recipient-${recipient.email.replace(/[^a-z0-9]/g, '-')}`;
  return (
    <li
      class="recipient"
      data-testid="send-recipient"
      data-email={recipient.email}
      data-kind={kind}
      data-new={fresh ? 'true' : undefined}
    >
      <div class="recipient__main">
        <span class="recipient__email" translate={false}>
          {recipient.email}
        </span>
        {kind === 'account' && account && (
          <span class="badge badge--ok" data-testid="send-recipient-account">
            {t(account.role === 'client' ? 'send.recipients.client' : 'send.recipients.account', {
              name: account.name,
            })}
          </span>
        )}
        {kind === 'account' && account && account.certificate === undefined && (
          <span class="badge badge--danger">{t('send.recipients.unapproved')}</span>
        )}
        {kind === 'guest' && <span class="badge badge--muted">{t('send.recipients.guest')}</span>}
        <button
          type="button"
          class="button button--link recipient__remove"
          onClick={onRemove}
          disabled={disabled}
          aria-label={t('send.recipients.removeLabel', { email: recipient.email })}
          data-testid="send-recipient-remove"
        >
          {t('send.recipients.remove')}
        </button>
      </div>
      {fresh && (
        <p class="recipient__warning" data-testid="send-recipient-new">
          {t('send.recipients.new')}
        </p>
      )}
      {kind === 'guest' && (
        <Checkbox
          id={`${id}-access-code`}
          label={t('send.recipients.accessCode')}
          hint={t('send.recipients.accessCodeHint')}
          checked={recipient.accessCode}
          onChange={onAccessCode}
          disabled={disabled}
          testid="send-recipient-access-code"
        />
      )}
    </li>
  );
}
