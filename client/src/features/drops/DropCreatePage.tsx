// /app/drops/new: an advisor makes a drop link through which a client uploads documents for the
// office (docs/protocol.md §13). The label (who it is for) is sealed: only the office can read it. The
// title and instructions are what the uploader sees, so the server stores them readable, and
// the form says so. A drop bound to the client's address asks the uploader for an e-mail code
// first; an open one lets anyone with the link upload and never sends mail. Afterwards the link
// is shown to copy or to put into a mail.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { ApiError } from '../../api/http';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { MAX_DROP_LABEL_CHARACTERS } from '../../crypto/protocol';
import { Email } from '../../../../shared/wire/common.js';
import {
  DropInstructions,
  DropTitle,
  MAX_DROP_INSTRUCTIONS_LENGTH,
  MAX_DROP_TITLE_LENGTH,
  PERSONAL_DROP_MAX_DAYS,
} from '../../../../shared/wire/drops.js';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { useCancellable } from '../../ui/cancel';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { Checkbox, Field } from '../../ui/Field';
import { formatBytes } from '../../ui/format';
import { formatDate } from '../../ui/labels';
import { PageHeading } from '../../ui/PageHeading';
import { checkField, normalizeEmail } from '../../ui/validate';
import { useKeyChangeConfirm } from '../send/KeyChangedDialog';
import { SendStopped } from '../send/send-flow';
import { DEFAULT_MAX_EXPIRY_DAYS, expiryFrom } from '../share/links';
import { makeDrop, type MadeDrop } from './drop-flow';
import { DropLinkCard } from './DropLinkCard';
import {
  DEFAULT_MAX_FILES,
  DEFAULT_MAX_TOTAL,
  defaultDropExpiryDays,
  dropExpiryPresets,
  MAX_FILES_CHOICES,
  MAX_TOTAL_CHOICES,
} from './limits';

interface FieldErrors {
  readonly label?: string;
  readonly title?: string;
  readonly instructions?: string;
  readonly email?: string;
}

/** The form's own checks, with the rules of the wire schema and the sealed label. */
function checkDraft(
  t: (key: MessageKey, params?: Record<string, string | number>) => string,
  draft: { label: string; title: string; instructions: string; email: string; personal: boolean },
): FieldErrors {
  const errors: { -readonly [K in keyof FieldErrors]: string } = {};
  // The label is sealed, so the server never sees it: it is held to a title's rules (trimmed,
  // no control characters) and to the worker's length (MAX_DROP_LABEL_CHARACTERS).
  const label = checkField(DropTitle, draft.label);
  if (!label.ok && label.issue.kind === 'empty') errors.label = t('dropNew.label.empty');
  else if (!label.ok || draft.label.trim().length > MAX_DROP_LABEL_CHARACTERS)
    errors.label = t('dropNew.label.invalid', { max: MAX_DROP_LABEL_CHARACTERS });
  const title = checkField(DropTitle, draft.title);
  if (!title.ok)
    errors.title = t(title.issue.kind === 'empty' ? 'dropNew.title.empty' : 'dropNew.title.invalid', {
      max: MAX_DROP_TITLE_LENGTH,
    });
  if (!checkField(DropInstructions, draft.instructions).ok)
    errors.instructions = t('dropNew.instructions.invalid', { max: MAX_DROP_INSTRUCTIONS_LENGTH });
  const email = checkField(Email, draft.email);
  if (!email.ok && email.issue.kind !== 'empty') errors.email = t('field.email.invalid');
  else if (!email.ok && draft.personal) errors.email = t('dropNew.email.personal');
  return errors;
}

export function DropCreatePage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const officeMax = info.office.maxExpiryDays ?? DEFAULT_MAX_EXPIRY_DAYS;
  const [label, setLabel] = useState('');
  const [title, setTitle] = useState('');
  const [instructions, setInstructions] = useState('');
  const [email, setEmail] = useState('');
  const [personal, setPersonal] = useState(false);
  const [singleUse, setSingleUse] = useState(false);
  const [expiryDays, setExpiryDays] = useState(defaultDropExpiryDays(officeMax, false));
  const [maxFiles, setMaxFiles] = useState(DEFAULT_MAX_FILES);
  const [maxTotal, setMaxTotal] = useState(DEFAULT_MAX_TOTAL);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<(MadeDrop & { readonly email: string | null }) | null>(null);
  const keyChange = useKeyChangeConfirm();
  const transfer = useCancellable();

  const fail = (text: string): void => setProblem((p) => ({ text, n: (p?.n ?? 0) + 1 }));
  const presets = dropExpiryPresets(officeMax, personal);

  const choosePersonal = (on: boolean): void => {
    setPersonal(on);
    if (on) setSingleUse(false);
    setExpiryDays(defaultDropExpiryDays(officeMax, on));
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (transfer.running()) return;
    const found = checkDraft(t, { label, title, instructions, email, personal });
    setErrors(found);
    if (Object.keys(found).length > 0) {
      fail(t('form.fix'));
      return;
    }
    setProblem(null);
    setBusy(true);
    const signal = transfer.begin();
    if (!signal) return;
    const bound = normalizeEmail(email);
    try {
      const drop = await makeDrop(
        engine,
        {
          label: label.trim(),
          title: title.trim(),
          instructions: instructions.trim(),
          email: bound === '' ? null : bound,
          personal,
          singleUse,
          maxFiles,
          maxTotalBytes: maxTotal,
          expiresAt: expiryFrom(Date.now(), expiryDays),
        },
        {
          signal: signal,
          confirmKeyChange: keyChange.confirm,
        },
      );
      setMade({ ...drop, email: bound === '' ? null : bound });
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof SendStopped)
        fail(t(error.reason === 'refused' ? 'dropNew.error.refused' : 'send.error.officeKeys'));
      else if (error instanceof EngineError && error.code === 'keys_untrusted') fail(t('send.error.officeKeys'));
      else if (error instanceof ApiError && error.code === 'invalid_input' && error.fields.includes('expiresAt'))
        fail(t('send.error.expiry'));
      else if (error instanceof ApiError && error.code === 'invalid_input' && error.fields.includes('maxTotalBytes'))
        fail(t('dropNew.error.maxTotal'));
      else fail(errorMessage(t, error));
    } finally {
      transfer.end();
      setBusy(false);
    }
  };

  if (made) {
    return (
      <section data-testid="drop-new-page" data-state="created" data-drop-id={made.dropId}>
        <PageHeading>{t('dropNew.created.title')}</PageHeading>
        <Notice tone="ok" testid="drop-created">
          <p>{t('dropNew.created.intro', { date: formatDate(locale, made.expiresAt) })}</p>
        </Notice>
        <DropLinkCard
          dropId={made.dropId}
          fragment={made.fragment}
          email={made.email}
          expiresAt={made.expiresAt}
          office={info.office.name}
          sender={info.me.name}
        />
        <div class="button-row">
          <Link href={`/app/drops/${made.dropId}`} class="button button--secondary" testid="drop-created-view">
            {t('dropNew.created.view')}
          </Link>
          <Link href="/app/drops" class="button button--secondary" testid="drop-created-list">
            {t('dropNew.created.list')}
          </Link>
        </div>
      </section>
    );
  }

  return (
    <section data-testid="drop-new-page" data-state={keyChange.change ? 'key-changed' : busy ? 'working' : 'compose'}>
      <PageHeading>{t('dropNew.title')}</PageHeading>
      <p class="lead">{t('dropNew.intro')}</p>
      {problem && (
        <ErrorAlert testid="drop-new-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <form class="panel form panel--wide" onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
        <Field
          id="drop-label"
          label={t('dropNew.label')}
          hint={t('dropNew.label.hint')}
          value={label}
          onValue={setLabel}
          maxLength={MAX_DROP_LABEL_CHARACTERS}
          error={errors.label}
          disabled={busy}
          testid="drop-label"
          required
        />
        <Notice tone="info" testid="drop-new-public">
          <p>{t('dropNew.public')}</p>
        </Notice>
        <Field
          id="drop-title"
          label={t('dropNew.titleField')}
          hint={t('dropNew.titleField.hint')}
          value={title}
          onValue={setTitle}
          maxLength={MAX_DROP_TITLE_LENGTH}
          error={errors.title}
          disabled={busy}
          testid="drop-title"
          required
        />
        <Field
          id="drop-instructions"
          label={t('dropNew.instructions')}
          hint={t('dropNew.instructions.hint')}
          value={instructions}
          onValue={setInstructions}
          rows={4}
          maxLength={MAX_DROP_INSTRUCTIONS_LENGTH}
          error={errors.instructions}
          disabled={busy}
          testid="drop-instructions"
        />
        <Field
          id="drop-email"
          label={t('dropNew.email')}
          hint={t('dropNew.email.hint')}
          type="email"
          value={email}
          onValue={setEmail}
          inputMode="email"
          autoComplete="off"
          spellcheck={false}
          autoCapitalize="off"
          error={errors.email}
          disabled={busy}
          testid="drop-email"
        />
        <Checkbox
          id="drop-personal"
          label={t('dropNew.personal')}
          hint={t('dropNew.personal.hint', { days: PERSONAL_DROP_MAX_DAYS })}
          checked={personal}
          onChange={choosePersonal}
          disabled={busy}
          testid="drop-personal"
        />
        <fieldset class="fieldset" disabled={busy}>
          <legend class="field__label">{t('dropNew.use')}</legend>
          <label class="radio">
            <input
              type="radio"
              name="drop-use"
              checked={!singleUse}
              onChange={() => setSingleUse(false)}
              data-testid="drop-use-many"
            />
            <span>{t('dropNew.use.many')}</span>
          </label>
          <label class="radio">
            <input
              type="radio"
              name="drop-use"
              checked={singleUse}
              disabled={personal}
              onChange={() => setSingleUse(true)}
              data-testid="drop-use-once"
            />
            <span>{t('dropNew.use.once')}</span>
          </label>
        </fieldset>
        <div class="form-grid">
          <SelectField
            id="drop-expiry"
            label={t('send.expiry.label')}
            hint={
              personal
                ? t('dropNew.expiry.personal', { max: PERSONAL_DROP_MAX_DAYS })
                : t('dropNew.expiry.hint', { max: officeMax })
            }
            value={expiryDays}
            onValue={setExpiryDays}
            options={presets.map((days) => ({
              value: days,
              text: t('send.expiry.days', {
                n: days,
                date: formatDate(locale, expiryFrom(Date.now(), days)),
              }),
            }))}
            disabled={busy}
          />
          <SelectField
            id="drop-max-files"
            label={t('dropNew.maxFiles')}
            hint={t('dropNew.maxFiles.hint')}
            value={maxFiles}
            onValue={setMaxFiles}
            options={MAX_FILES_CHOICES.map((n) => ({
              value: n,
              text: t('dropNew.maxFiles', { n }),
            }))}
            disabled={busy}
          />
          <SelectField
            id="drop-max-size"
            label={t('dropNew.maxTotal')}
            hint={t('dropNew.maxTotal.hint')}
            value={maxTotal}
            onValue={setMaxTotal}
            options={MAX_TOTAL_CHOICES.map((bytes) => ({ value: bytes, text: formatBytes(locale, bytes) }))}
            disabled={busy}
          />
        </div>
        {busy && <Progress text={t('dropNew.working')} testid="drop-new-working" />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="drop-create-submit">
            {t('dropNew.submit')}
          </button>
        </div>
      </form>
      {keyChange.dialog}
    </section>
  );
}

/** A labelled select of numbers, with its hint. */
function SelectField({
  id,
  label,
  hint,
  value,
  onValue,
  options,
  disabled,
}: {
  readonly id: string;
  readonly label: string;
  readonly hint: string;
  readonly value: number;
  readonly onValue: (value: number) => void;
  readonly options: readonly { readonly value: number; readonly text: string }[];
  readonly disabled: boolean;
}): JSX.Element {
  return (
    <div class="field">
      <label class="field__label" for={id}>
        {label}
      </label>
      <p class="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      <select
        id={id}
        class="field__input field__select"
        value={String(value)}
        onChange={(event) => onValue(Number(event.currentTarget.value))}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        data-testid={id}
      >
        {options.map((option) => (
          <option key={option.value} value={String(option.value)}>
            {option.text}
          </option>
        ))}
      </select>
    </div>
  );
}
