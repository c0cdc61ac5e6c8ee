// Recipients by e-mail address: type (or paste several) and add. Each address is looked up at
// once: a colleague with an account (files sealed to their key; they sign in), or a guest
// (a link and a code by e-mail). An address nobody in the office ever sent to gets a visible
// "check this address" warning, and each guest can get an access code to tell by phone.
// As the sender types, the field suggests the office's contacts, clients and colleagues (an
// ARIA combobox: arrow keys move through the list, Enter chooses, Escape closes). A contact
// chosen with a standing access code uses that code (the worker opens it) and their language.
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { suggestRecipients, type RecipientSuggestion } from '../../api/contacts';
import { lookupRecipients, type RecipientLookupResponse } from '../../api/sharing';
import { MAX_SHARE_RECIPIENTS } from '../../../../shared/wire/shares.js';
import { useI18n } from '../../i18n/context';
import { Checkbox } from '../../ui/Field';
import { addressesToAdd } from './addresses';

type Found = RecipientLookupResponse['recipients'][number];

/** A contact's standing access code, sealed to the office, as the server holds it; `name` is the contact's. */
export interface StandingCode {
  readonly contactId: string;
  readonly sealed: string;
  readonly sealedBy: string;
  readonly name: string;
}

export interface RecipientDraft {
  readonly email: string;
  /** A new code for this share (true), none (false), or the contact's standing code. */
  readonly accessCode: boolean | StandingCode;
  /** A contact's language, for their mails. */
  readonly lang?: 'nl' | 'en';
  /** null while the lookup runs or when it failed (it is done again when sending). */
  readonly found: Found | null;
}

/** Adds the addresses to the list and looks them up; returns the problem's text, or null. */
export function useAddRecipients(
  onChange: (update: (previous: readonly RecipientDraft[]) => readonly RecipientDraft[]) => void,
) {
  const { t } = useI18n();
  return (
    text: string,
    current: readonly RecipientDraft[],
    contact: Pick<RecipientDraft, 'accessCode' | 'lang'> = { accessCode: false },
  ): string | null => {
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
    onChange((previous) => [...previous, ...fresh.map((email) => ({ email, ...contact, found: null }))]);
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
  const suggestions = useSuggestions(text, recipients);
  const [active, setActive] = useState(-1);
  const [closed, setClosed] = useState(false);
  const open = !closed && suggestions.length > 0 && !disabled;
  useEffect(() => {
    setActive(-1);
    setClosed(false);
  }, [suggestions]);

  const add = (): void => {
    const problem = addRecipients(text, recipients);
    setInputError(problem);
    if (problem === null) onText('');
  };

  const choose = (suggestion: RecipientSuggestion): void => {
    const code = suggestion.code;
    const contact: Pick<RecipientDraft, 'accessCode' | 'lang'> = {
      accessCode:
        code !== null && suggestion.contactId !== null
          ? { contactId: suggestion.contactId, sealed: code.sealed, sealedBy: code.sealedBy, name: suggestion.name }
          : false,
      ...(suggestion.lang !== null ? { lang: suggestion.lang } : {}),
    };
    const problem = addRecipients(suggestion.email, recipients, contact);
    setInputError(problem);
    if (problem === null) onText('');
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const count = suggestions.length;
      setActive((current) =>
        event.key === 'ArrowDown' ? (current + 1) % count : current <= 0 ? count - 1 : current - 1,
      );
      return;
    }
    if (open && event.key === 'Escape') {
      event.preventDefault();
      setClosed(true);
      return;
    }
    if (event.key === 'Enter' && open && active >= 0 && active < suggestions.length) {
      event.preventDefault();
      choose(suggestions[active] as RecipientSuggestion);
      return;
    }
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
      <div class="add-row combobox">
        <input
          id="send-recipient"
          class="field__input"
          type="text"
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
          onBlur={() => setClosed(true)}
          onFocus={() => setClosed(false)}
          disabled={disabled}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls="send-recipient-suggestions"
          aria-activedescendant={open && active >= 0 ? `send-recipient-suggestion-${active}` : undefined}
          aria-invalid={errorText ? true : undefined}
          aria-describedby={['send-recipient-hint', errorId].filter(Boolean).join(' ')}
          data-testid="send-recipient-input"
        />
        <ul
          id="send-recipient-suggestions"
          class="combobox__list"
          role="listbox"
          aria-label={t('send.recipients.suggestions')}
          hidden={!open}
          data-testid="send-recipient-suggestions"
        >
          {open &&
            suggestions.map((suggestion, index) => (
              <li
                key={suggestion.email}
                id={`send-recipient-suggestion-${index}`}
                class={`combobox__option${index === active ? ' combobox__option--active' : ''}`}
                role="option"
                aria-selected={index === active}
                data-testid="send-recipient-suggestion"
                data-email={suggestion.email}
                // Keep the focus in the field: the list is part of it.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(suggestion)}
              >
                <span class="combobox__name">{suggestion.name}</span>{' '}
                <span class="combobox__detail" translate={false}>
                  {suggestion.email}
                </span>{' '}
                <span class="combobox__detail">{suggestionKind(t, suggestion)}</span>
              </li>
            ))}
        </ul>
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

/** How long typing must pause before the field asks for suggestions. */
const SUGGEST_DELAY_MS = 200;

/** Suggestions for what is typed (two characters or more), without the recipients already added. */
function useSuggestions(text: string, recipients: readonly RecipientDraft[]): readonly RecipientSuggestion[] {
  const [found, setFound] = useState<readonly RecipientSuggestion[]>([]);
  useEffect(() => {
    const q = text.trim();
    // Pasting several addresses is not a search.
    if (q.length < 2 || /[\s,;]/.test(q)) {
      setFound([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      suggestRecipients(q, { signal: controller.signal }).then(
        ({ suggestions }) => setFound(suggestions),
        () => setFound([]), // the field still takes a typed address
      );
    }, SUGGEST_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);
  // The same array while nothing changed, so the field keeps its place in the list.
  return useMemo(() => found.filter((s) => !recipients.some((r) => r.email === s.email)), [found, recipients]);
}

function suggestionKind(t: ReturnType<typeof useI18n>['t'], suggestion: RecipientSuggestion): string {
  if (suggestion.kind === 'client') return t('send.recipients.kind.client');
  if (suggestion.kind === 'colleague') return t('send.recipients.kind.colleague');
  const parts = [suggestion.organisation ?? t('send.recipients.kind.contact')];
  if (suggestion.code !== null) parts.push(t('send.recipients.kind.standingCode'));
  return parts.join(' · ');
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
      {kind === 'guest' && typeof recipient.accessCode === 'object' && (
        <p class="form__aside" data-testid="send-recipient-standing-code">
          {t('send.recipients.standingCode', { name: recipient.accessCode.name })}
        </p>
      )}
      {kind === 'guest' && typeof recipient.accessCode !== 'object' && (
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
