// /app/contacts (approved staff and admins): the office's address book of people without an
// account — name, address, language, organisation — and each one's optional standing access
// code. The code is made and sealed to the office key in this browser's worker, shown here
// once to hand over by phone or letter, and from then on used by any colleague who sends to the
// contact (the recipient field offers contacts as you type). The server keeps only the sealed
// code; it cannot read it.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import {
  createContact,
  deleteContact,
  listContacts,
  removeContactCode,
  setContactCode,
  updateContact,
  type Contact,
} from '../../api/contacts';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress, StatusLine } from '../../ui/Alert';
import { ConfirmDialog, Dialog } from '../../ui/Dialog';
import { errorMessage, isApiError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { GroupedCode } from '../../ui/GroupedCode';
import { formatDate } from '../../ui/labels';
import { useLoad } from '../../ui/load';
import { ListTable } from '../../ui/ListTable';
import { PageHeading } from '../../ui/PageHeading';
import { displayName, personFields, type PersonErrors } from '../../ui/validate';

type Lang = 'nl' | 'en';

/** What the page asks or shows about one contact, in a dialog. */
type Step =
  | { readonly kind: 'edit'; readonly contact: Contact }
  | { readonly kind: 'replaceCode' | 'removeCode' | 'delete'; readonly contact: Contact }
  | { readonly kind: 'codeMade'; readonly contact: Contact; readonly accessCode: string };

export function ContactsPage(): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [q, setQ] = useState('');
  const [organisation, setOrganisation] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [step, setStep] = useState<Step | null>(null);
  const [busy, setBusy] = useState(false);
  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
  const { data, reload } = useLoad((signal) => listContacts({ q, organisation }, { signal }), [q, organisation, t], {
    keep: true,
    onError: (error) => fail(errorMessage(t, error)),
  });

  /** Runs a change, then reloads the list; a failure is shown in the dialog's place. */
  const act = async (work: () => Promise<string | null>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const done = await work();
      if (done !== null) setStatus(done);
      await reload();
    } catch (error) {
      setStep(null);
      fail(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  const makeCode = (contact: Contact): Promise<void> =>
    act(async () => {
      const made = await engine.call('makeContactCode', { contactId: contact.contactId });
      const stored = await setContactCode(contact.contactId, made.sealed);
      setStep({ kind: 'codeMade', contact: stored, accessCode: made.accessCode });
      return null;
    });

  return (
    <>
      <PageHeading>{t('contacts.title')}</PageHeading>
      <p class="lead">{t('contacts.intro')}</p>
      <AddContactForm
        onAdded={(contact) => {
          setStatus(t('contacts.added', { name: contact.name }));
          void reload();
        }}
      />
      <section class="panel panel--wide" aria-labelledby="contacts-list-heading">
        <h2 id="contacts-list-heading" class="section-heading">
          {t('contacts.list')}
        </h2>
        <div>
          <Field
            id="contacts-search"
            label={t('contacts.search')}
            hint={t('contacts.search.hint')}
            value={q}
            onValue={setQ}
            autoComplete="off"
            maxLength={100}
            testid="contacts-search"
          />
          {(data?.organisations.length ?? 0) > 0 && (
            <div class="field">
              <label class="field__label" for="contacts-organisation-filter">
                {t('contacts.organisation')}
              </label>
              <select
                id="contacts-organisation-filter"
                class="field__input field__select"
                value={organisation ?? ''}
                onChange={(event) => setOrganisation(event.currentTarget.value || null)}
                data-testid="contacts-organisation-filter"
              >
                <option value="">{t('contacts.organisation.all')}</option>
                {data?.organisations.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        {problem && (
          <ErrorAlert testid="contacts-error" focusKey={problem.n}>
            <p>{problem.text}</p>
          </ErrorAlert>
        )}
        <StatusLine text={status} testid="contacts-status" />
        <ListTable
          items={data?.contacts ?? null}
          failed={problem !== null}
          testid="contacts-table"
          loadingTestid="contacts-loading"
          empty={<p data-testid="contacts-empty">{t(q || organisation ? 'contacts.noMatch' : 'contacts.none')}</p>}
          caption={t('contacts.list')}
          columns={[t('contacts.name'), t('field.email'), t('contacts.code'), t('users.actions')]}
          row={(contact) => (
            <tr key={contact.contactId} data-testid="contact-row" data-email={contact.email}>
              <th scope="row" data-label={t('contacts.name')}>
                <span class="cell-main">{contact.name}</span>
                <span class="cell-sub">
                  {[
                    contact.organisation,
                    contact.reference === null ? null : `${t('contacts.reference')}: ${contact.reference}`,
                    t(contact.lang === 'en' ? 'contacts.lang.en' : 'contacts.lang.nl'),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </th>
              <td data-label={t('field.email')} translate={false}>
                {contact.email}
              </td>
              <td data-label={t('contacts.code')} data-testid="contact-code-state">
                {contact.code ? <CodeState contact={contact} /> : t('contacts.code.none')}
              </td>
              <td data-label={t('users.actions')}>
                <div class="button-row">
                  {contact.code ? (
                    <>
                      <button
                        type="button"
                        class="button button--small button--secondary"
                        onClick={() => setStep({ kind: 'replaceCode', contact })}
                        disabled={busy}
                        data-testid="contact-replace-code"
                        aria-label={t('contacts.replaceCode.label', { name: contact.name })}
                      >
                        {t('contacts.replaceCode')}
                      </button>
                      <button
                        type="button"
                        class="button button--small button--secondary"
                        onClick={() => setStep({ kind: 'removeCode', contact })}
                        disabled={busy}
                        data-testid="contact-remove-code"
                        aria-label={t('contacts.removeCode.label', { name: contact.name })}
                      >
                        {t('contacts.removeCode')}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      class="button button--small"
                      onClick={() => void makeCode(contact)}
                      disabled={busy}
                      data-testid="contact-make-code"
                      aria-label={t('contacts.makeCode.label', { name: contact.name })}
                    >
                      {t('contacts.makeCode')}
                    </button>
                  )}
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    onClick={() => setStep({ kind: 'edit', contact })}
                    disabled={busy}
                    data-testid="contact-edit"
                    aria-label={t('contacts.edit.label', { name: contact.name })}
                  >
                    {t('contacts.edit')}
                  </button>
                  <button
                    type="button"
                    class="button button--small button--danger"
                    onClick={() => setStep({ kind: 'delete', contact })}
                    disabled={busy}
                    data-testid="contact-delete"
                    aria-label={t('contacts.delete.label', { name: contact.name })}
                  >
                    {t('contacts.delete')}
                  </button>
                </div>
              </td>
            </tr>
          )}
        />
      </section>

      {step?.kind === 'codeMade' && (
        <Dialog
          open
          title={t('contacts.codeMade.title', { name: step.contact.name })}
          onClose={() => setStep(null)}
          testid="contact-code-dialog"
        >
          <div class="access-code" data-testid="contact-code">
            <p class="access-code__label">{t('contacts.codeMade.label')}</p>
            <GroupedCode value={step.accessCode} testid="contact-code-value" />
            <p class="access-code__advice">
              <strong>{t('contacts.codeMade.handOver', { name: step.contact.name })}</strong>
            </p>
          </div>
          <p>{t('contacts.codeMade.once')}</p>
          <div class="button-row">
            <button type="button" class="button" onClick={() => setStep(null)} data-testid="contact-code-done">
              {t('contacts.codeMade.done')}
            </button>
          </div>
        </Dialog>
      )}
      {step?.kind === 'edit' && (
        <EditContactDialog
          contact={step.contact}
          onClose={() => setStep(null)}
          onSaved={(saved) => {
            setStep(null);
            setStatus(t('contacts.saved', { name: saved.name }));
            void reload();
          }}
        />
      )}
      {step !== null && (step.kind === 'replaceCode' || step.kind === 'removeCode' || step.kind === 'delete') && (
        <ConfirmDialog
          open
          title={t(`contacts.${step.kind}.title`, { name: step.contact.name })}
          confirmLabel={t(`contacts.${step.kind}.confirm`)}
          cancelLabel={t('action.cancel')}
          danger={step.kind !== 'replaceCode'}
          busy={busy}
          testid={`contact-${step.kind}-dialog`}
          onCancel={() => setStep(null)}
          onConfirm={() => {
            const { contact } = step;
            if (step.kind === 'replaceCode') {
              void makeCode(contact);
              return;
            }
            void act(async () => {
              if (step.kind === 'removeCode') await removeContactCode(contact.contactId);
              else await deleteContact(contact);
              setStep(null);
              return t(step.kind === 'removeCode' ? 'contacts.codeRemoved' : 'contacts.deleted', {
                name: contact.name,
              });
            });
          }}
        >
          <p>{t(`contacts.${step.kind}.text`, { name: step.contact.name })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function CodeState({ contact }: { readonly contact: Contact }): JSX.Element {
  const { t, locale } = useI18n();
  const code = contact.code;
  if (code === null) return <>{t('contacts.code.none')}</>;
  return (
    <>
      <span class="badge badge--ok">{t('contacts.code.set')}</span>{' '}
      <span class="cell-sub">
        {code.sealedByName
          ? t('contacts.code.by', { name: code.sealedByName, date: formatDate(locale, code.sealedAt) })
          : t('contacts.code.since', { date: formatDate(locale, code.sealedAt) })}
      </span>
    </>
  );
}

/** Null for none, the trimmed number when it is one, undefined when it is not one (shared/wire Reference). */
function referenceOf(text: string): string | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^[A-Za-z0-9._-]{1,40}$/.test(trimmed) ? trimmed : undefined;
}

/** Name, language, organisation and number: the fields a contact has besides its address. */
function ContactFields({
  prefix,
  name,
  onName,
  nameError,
  lang,
  onLang,
  organisation,
  onOrganisation,
  reference,
  onReference,
  referenceError,
}: {
  readonly prefix: string;
  readonly name: string;
  readonly onName: (value: string) => void;
  readonly nameError: string | undefined;
  readonly lang: Lang;
  readonly onLang: (value: Lang) => void;
  readonly organisation: string;
  readonly onOrganisation: (value: string) => void;
  readonly reference: string;
  readonly onReference: (value: string) => void;
  readonly referenceError: string | undefined;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <Field
        id={`${prefix}-name`}
        label={t('contacts.name')}
        value={name}
        onValue={onName}
        autoComplete="off"
        error={nameError}
        testid={`${prefix}-name`}
        maxLength={100}
        required
      />
      <div class="field">
        <label class="field__label" for={`${prefix}-lang`}>
          {t('contacts.lang')}
        </label>
        <p class="field__hint" id={`${prefix}-lang-hint`}>
          {t('contacts.lang.hint')}
        </p>
        <select
          id={`${prefix}-lang`}
          class="field__input field__select"
          value={lang}
          onChange={(event) => onLang(event.currentTarget.value === 'en' ? 'en' : 'nl')}
          aria-describedby={`${prefix}-lang-hint`}
          data-testid={`${prefix}-lang`}
        >
          <option value="nl">Nederlands</option>
          <option value="en">English</option>
        </select>
      </div>
      <Field
        id={`${prefix}-organisation`}
        label={t('contacts.organisation.optional')}
        hint={t('contacts.organisation.hint')}
        value={organisation}
        onValue={onOrganisation}
        autoComplete="off"
        testid={`${prefix}-organisation`}
        maxLength={100}
      />
      <Field
        id={`${prefix}-reference`}
        label={t('contacts.reference.optional')}
        hint={t('contacts.reference.hint')}
        value={reference}
        onValue={onReference}
        autoComplete="off"
        spellcheck={false}
        autoCapitalize="off"
        error={referenceError}
        testid={`${prefix}-reference`}
        maxLength={40}
      />
    </>
  );
}

function AddContactForm({ onAdded }: { readonly onAdded: (contact: Contact) => void }): JSX.Element {
  const { t, locale } = useI18n();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const pageLang: Lang = locale === 'en' ? 'en' : 'nl';
  const [lang, setLang] = useState<Lang>(pageLang);
  const [organisation, setOrganisation] = useState('');
  const [reference, setReference] = useState('');
  const [referenceError, setReferenceError] = useState<string | undefined>(undefined);
  const [errors, setErrors] = useState<PersonErrors>({});
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const working = useRef(false);
  const failWith = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const checked = personFields(t, name, email);
    setErrors(checked.errors);
    const number = referenceOf(reference);
    setReferenceError(number === undefined ? t('contacts.reference.invalid') : undefined);
    if (!checked.ok || number === undefined) {
      failWith(t('form.fix'));
      return;
    }
    const { name: person, email: address } = checked;
    setProblem(null);
    working.current = true;
    setBusy(true);
    try {
      const made = await createContact({
        name: person,
        email: address,
        lang,
        organisation: organisation.trim() === '' ? null : organisation.trim(),
        reference: number,
      });
      setName('');
      setEmail('');
      setOrganisation('');
      setReference('');
      setLang(pageLang);
      onAdded(made);
    } catch (failure) {
      if (isApiError(failure, 'reference_taken')) {
        setReferenceError(t('contacts.reference.taken', { reference: number ?? '' }));
        failWith(t('form.fix'));
      } else
        failWith(
          isApiError(failure, 'already_exists') ? t('contacts.exists', { email: address }) : errorMessage(t, failure),
        );
    } finally {
      working.current = false;
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="add-contact-heading">
      <h2 id="add-contact-heading" class="section-heading">
        {t('contacts.add')}
      </h2>
      {problem && (
        <ErrorAlert testid="add-contact-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <form class="form" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          id="contact-email"
          label={t('field.email')}
          type="email"
          value={email}
          onValue={(value) => {
            setEmail(value);
            setErrors((previous) => ({ ...previous, email: undefined }));
          }}
          autoComplete="off"
          inputMode="email"
          spellcheck={false}
          autoCapitalize="off"
          error={errors.email}
          testid="contact-email"
          required
        />
        <ContactFields
          prefix="contact"
          name={name}
          onName={(value) => {
            setName(value);
            setErrors((previous) => ({ ...previous, name: undefined }));
          }}
          nameError={errors.name}
          lang={lang}
          onLang={setLang}
          organisation={organisation}
          onOrganisation={setOrganisation}
          reference={reference}
          onReference={(value) => {
            setReference(value);
            setReferenceError(undefined);
          }}
          referenceError={referenceError}
        />
        {busy && <Progress text={t('contacts.adding')} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="contact-add">
            {t('contacts.addButton')}
          </button>
        </div>
      </form>
    </section>
  );
}

function EditContactDialog({
  contact,
  onClose,
  onSaved,
}: {
  readonly contact: Contact;
  readonly onClose: () => void;
  readonly onSaved: (contact: Contact) => void;
}): JSX.Element {
  const { t } = useI18n();
  const [name, setName] = useState(contact.name);
  const [lang, setLang] = useState<Lang>(contact.lang);
  const [organisation, setOrganisation] = useState(contact.organisation ?? '');
  const [reference, setReference] = useState(contact.reference ?? '');
  const [referenceError, setReferenceError] = useState<string | undefined>(undefined);
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    const person = displayName(name);
    const number = referenceOf(reference);
    if (person === null) setNameError(t('field.name.invalid'));
    if (number === undefined) setReferenceError(t('contacts.reference.invalid'));
    if (person === null || number === undefined) return;
    setBusy(true);
    try {
      onSaved(
        await updateContact(contact.contactId, {
          name: person,
          lang,
          organisation: organisation.trim() === '' ? null : organisation.trim(),
          reference: number,
        }),
      );
    } catch (failure) {
      if (isApiError(failure, 'reference_taken'))
        setReferenceError(t('contacts.reference.taken', { reference: number ?? '' }));
      else setProblem(errorMessage(t, failure));
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={t('contacts.edit.title', { email: contact.email })}
      onClose={onClose}
      busy={busy}
      testid="contact-edit-dialog"
    >
      {problem && (
        <ErrorAlert testid="contact-edit-error" focusKey={1}>
          <p>{problem}</p>
        </ErrorAlert>
      )}
      <form class="form" onSubmit={(event) => void save(event)} noValidate>
        <ContactFields
          prefix="contact-edit"
          name={name}
          onName={(value) => {
            setName(value);
            setNameError(undefined);
          }}
          nameError={nameError}
          lang={lang}
          onLang={setLang}
          organisation={organisation}
          onOrganisation={setOrganisation}
          reference={reference}
          onReference={(value) => {
            setReference(value);
            setReferenceError(undefined);
          }}
          referenceError={referenceError}
        />
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="contact-edit-save">
            {t('contacts.edit.save')}
          </button>
          <button type="button" class="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
