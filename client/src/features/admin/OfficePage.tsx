// /app/admin/office: the office's name, policies, language and time zone, and its logo (shown on recipient and drop
// pages so clients recognise who is asking). The logo is checked here for type and size before
// it is sent; the server checks it again by its content.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { getOffice } from '../../api/accounts';
import { getSettings, LOGO_MAX_BYTES, removeLogo, saveSettings, uploadLogo } from '../../api/admin';
import { OfficeSettings } from '../../../../shared/wire/admin.js';
import { TimeZone, type Language } from '../../../../shared/wire/common.js';
import { useI18n } from '../../i18n/context';
import { useSessionStore } from '../../session/context';
import { ErrorAlert, Progress, StatusLine } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { errorMessage } from '../../ui/errors';
import { Checkbox, Field } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { displayName } from '../../ui/validate';
import { logoProblem } from './logo';

export function OfficePage(): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('office.title')}</PageHeading>
      <SettingsForm />
      <LogoSection />
    </>
  );
}

interface Draft {
  readonly name: string;
  readonly requireTwoFactor: boolean;
  readonly requireClientCall: boolean;
  readonly maxExpiryDays: string;
  readonly retentionDays: string;
  readonly trustedDeviceDays: string;
  readonly language: Language;
  readonly timeZone: string;
}

type DayField = 'maxExpiryDays' | 'retentionDays' | 'trustedDeviceDays';

/** A whole number of days the office settings schema takes for `field`, or null. */
function days(field: DayField, text: string): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const checked = OfficeSettings.shape[field].safeParse(Number(text.trim()));
  return checked.success ? checked.data : null;
}

/** The range the schema allows for `field`, for the input and the message next to it. */
function dayRange(field: DayField): { readonly min: number; readonly max: number } {
  const schema = OfficeSettings.shape[field];
  return { min: schema.minValue ?? 1, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
}

const EXPIRY_DAYS = dayRange('maxExpiryDays');
const RETENTION_DAYS = dayRange('retentionDays');
const TRUSTED_DEVICE_DAYS = dayRange('trustedDeviceDays');

function SettingsForm(): JSX.Element {
  const { t } = useI18n();
  const session = useSessionStore();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
  const edit = (change: Partial<Draft>): void => {
    if (!draft) return;
    setDraft({ ...draft, ...change });
    setErrors((previous) => {
      const next = { ...previous };
      for (const key of Object.keys(change) as (keyof Draft)[]) delete next[key];
      return next;
    });
  };

  // Loaded once; `t` only translates the error.
  useLoad((signal) => getSettings({ signal }), [], {
    onLoad: (settings) =>
      setDraft({
        name: settings.name,
        requireTwoFactor: settings.requireTwoFactor,
        requireClientCall: settings.requireClientCall,
        maxExpiryDays: String(settings.maxExpiryDays),
        retentionDays: String(settings.retentionDays),
        trustedDeviceDays: String(settings.trustedDeviceDays),
        language: settings.language,
        timeZone: settings.timeZone,
      }),
    onError: (error) => fail(errorMessage(t, error)),
  });

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!draft || busy) return;
    const name = displayName(draft.name);
    const maxExpiryDays = days('maxExpiryDays', draft.maxExpiryDays);
    const retentionDays = days('retentionDays', draft.retentionDays);
    const trustedDeviceDays = days('trustedDeviceDays', draft.trustedDeviceDays);
    const zone = TimeZone.safeParse(draft.timeZone);
    const timeZone = zone.success ? zone.data : null;
    const next: Partial<Record<keyof Draft, string>> = {};
    if (name === null) next.name = t('field.officeName.invalid');
    if (maxExpiryDays === null) next.maxExpiryDays = t('office.days.invalid', EXPIRY_DAYS);
    if (retentionDays === null) next.retentionDays = t('office.days.invalid', RETENTION_DAYS);
    if (trustedDeviceDays === null) next.trustedDeviceDays = t('office.days.invalid', TRUSTED_DEVICE_DAYS);
    if (timeZone === null) next.timeZone = t('office.timeZone.invalid');
    setErrors(next);
    if (
      name === null ||
      maxExpiryDays === null ||
      retentionDays === null ||
      trustedDeviceDays === null ||
      timeZone === null
    ) {
      fail(t('form.fix'));
      return;
    }
    setBusy(true);
    setProblem(null);
    setStatus('');
    try {
      const settings: OfficeSettings = {
        name,
        requireTwoFactor: draft.requireTwoFactor,
        requireClientCall: draft.requireClientCall,
        maxExpiryDays,
        retentionDays,
        trustedDeviceDays,
        language: draft.language,
        timeZone,
      };
      await saveSettings(settings);
      setStatus(t('office.saved'));
      // The office name and the two-factor rule show up in the session.
      void session.refresh();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="settings-heading">
      <h2 id="settings-heading" class="section-heading">
        {t('office.settings')}
      </h2>
      {problem && (
        <ErrorAlert testid="settings-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      {draft === null ? (
        !problem && <Progress text={t('app.loading')} testid="settings-loading" />
      ) : (
        <form class="form" onSubmit={(event) => void submit(event)} noValidate data-testid="settings-form">
          <Field
            id="settings-name"
            label={t('field.officeName')}
            value={draft.name}
            onValue={(name) => edit({ name })}
            error={errors.name}
            testid="settings-name"
            maxLength={100}
            required
          />
          <Checkbox
            id="settings-require-2fa"
            label={t('office.requireTwoFactor')}
            hint={t('office.requireTwoFactor.hint')}
            checked={draft.requireTwoFactor}
            onChange={(requireTwoFactor) => edit({ requireTwoFactor })}
            testid="settings-require-2fa"
          />
          <Checkbox
            id="settings-require-client-call"
            label={t('office.requireClientCall')}
            hint={t('office.requireClientCall.hint')}
            checked={draft.requireClientCall}
            onChange={(requireClientCall) => edit({ requireClientCall })}
            testid="settings-require-client-call"
          />
          <Field
            id="settings-max-expiry"
            label={t('office.maxExpiry')}
            hint={t('office.maxExpiry.hint')}
            type="number"
            inputMode="numeric"
            min={EXPIRY_DAYS.min}
            max={EXPIRY_DAYS.max}
            value={draft.maxExpiryDays}
            onValue={(maxExpiryDays) => edit({ maxExpiryDays })}
            error={errors.maxExpiryDays}
            testid="settings-max-expiry"
            class="field--short"
            required
          />
          <Field
            id="settings-retention"
            label={t('office.retention')}
            hint={t('office.retention.hint')}
            type="number"
            inputMode="numeric"
            min={RETENTION_DAYS.min}
            max={RETENTION_DAYS.max}
            value={draft.retentionDays}
            onValue={(retentionDays) => edit({ retentionDays })}
            error={errors.retentionDays}
            testid="settings-retention"
            class="field--short"
            required
          />
          <Field
            id="settings-trusted-devices"
            label={t('office.trustedDevices')}
            hint={t('office.trustedDevices.hint')}
            type="number"
            inputMode="numeric"
            min={TRUSTED_DEVICE_DAYS.min}
            max={TRUSTED_DEVICE_DAYS.max}
            value={draft.trustedDeviceDays}
            onValue={(trustedDeviceDays) => edit({ trustedDeviceDays })}
            error={errors.trustedDeviceDays}
            testid="settings-trusted-devices"
            class="field--short"
            required
          />
          <div class="field">
            <label class="field__label" for="settings-language">
              {t('office.language')}
            </label>
            <p class="field__hint" id="settings-language-hint">
              {t('office.language.hint')}
            </p>
            <select
              id="settings-language"
              class="field__input field__select"
              value={draft.language}
              onChange={(event) => edit({ language: event.currentTarget.value === 'en' ? 'en' : 'nl' })}
              aria-describedby="settings-language-hint"
              data-testid="settings-language"
            >
              <option value="nl">Nederlands</option>
              <option value="en">English</option>
            </select>
          </div>
          <Field
            id="settings-time-zone"
            label={t('office.timeZone')}
            hint={t('office.timeZone.hint')}
            value={draft.timeZone}
            onValue={(timeZone) => edit({ timeZone })}
            error={errors.timeZone}
            testid="settings-time-zone"
            maxLength={64}
            spellcheck={false}
            autoCapitalize="off"
            required
          />
          {busy && <Progress text={t('office.saving')} />}
          <div class="button-row">
            <button type="submit" class="button" disabled={busy} data-testid="settings-save">
              {t('action.save')}
            </button>
          </div>
        </form>
      )}
      <StatusLine text={status} testid="settings-status" />
    </section>
  );
}

function LogoSection(): JSX.Element {
  const { t } = useI18n();
  const [fileError, setFileError] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));

  const { data: office, reload: load } = useLoad((signal) => getOffice({ signal }), [], {
    keep: true,
    onError: (error) => fail(errorMessage(t, error)),
  });

  const upload = async (event: Event): Promise<void> => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setStatus('');
    if (!file) {
      setFileError(t('logo.error.none'));
      fail(t('logo.error.none'));
      return;
    }
    const why = logoProblem(file);
    if (why) {
      const text = t(why === 'type' ? 'logo.error.type' : 'logo.error.size', {
        max: Math.round(LOGO_MAX_BYTES / 1024),
      });
      setFileError(text);
      fail(text);
      return;
    }
    setFileError(null);
    setProblem(null);
    setBusy(true);
    try {
      await uploadLogo(file);
      if (input.current) input.current.value = '';
      setStatus(t('logo.uploaded'));
      await load();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (): Promise<void> => {
    setBusy(true);
    setProblem(null);
    setStatus('');
    try {
      await removeLogo();
      setStatus(t('logo.removed'));
      await load();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  const maxKb = Math.round(LOGO_MAX_BYTES / 1024);
  return (
    <section class="panel" aria-labelledby="logo-heading">
      <h2 id="logo-heading" class="section-heading">
        {t('logo.heading')}
      </h2>
      <p>{t('logo.intro')}</p>
      {problem && (
        <ErrorAlert testid="logo-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <div class="logo-preview" data-testid="logo-preview" data-state={office?.logoUrl ? 'set' : 'none'}>
        {office?.logoUrl ? (
          <img src={office.logoUrl} alt={t('logo.alt', { office: office.name ?? '' })} class="logo-preview__image" />
        ) : (
          <p class="logo-preview__empty">{t('logo.none')}</p>
        )}
      </div>
      <form class="form" onSubmit={(event) => void upload(event)} noValidate>
        <div class={`field${fileError ? ' field--invalid' : ''}`}>
          <label class="field__label" for="logo-input">
            {t('logo.choose')}
          </label>
          <p class="field__hint" id="logo-input-hint">
            {t('logo.hint', { max: maxKb })}
          </p>
          <input
            ref={input}
            id="logo-input"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            class="field__file"
            aria-describedby={fileError ? 'logo-input-hint logo-input-error' : 'logo-input-hint'}
            aria-invalid={fileError ? true : undefined}
            data-testid="logo-input"
            onChange={() => setFileError(null)}
          />
          {fileError && (
            <p class="field__error" id="logo-input-error">
              {fileError}
            </p>
          )}
        </div>
        {busy && <Progress text={t('logo.working')} />}
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="logo-upload">
            {t('logo.upload')}
          </button>
          {office?.logoUrl && (
            <button
              type="button"
              class="button button--secondary"
              disabled={busy}
              onClick={() => void remove()}
              data-testid="logo-remove"
            >
              {t('logo.remove')}
            </button>
          )}
        </div>
      </form>
      <StatusLine text={status} testid="logo-status" />
    </section>
  );
}
