// What the privacy page shows of one person: what Coffer holds of them (counted, never opened),
// and the dialog that erases it after the admin types the address again.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import {
  erasePerson,
  previewPerson,
  type PrivacyCounts,
  type PrivacyEraseResponse,
  type PrivacyPreview,
} from '../../api/privacy';
import type { MessageKey, Translate } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { Dialog } from '../../ui/Dialog';
import { errorMessage, isApiError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatBytes } from '../../ui/format';
import { roleLabel } from '../../ui/labels';
import type { Problem } from '../../ui/attempt';
import { normalizeEmail } from '../../ui/validate';

/** The counts an admin reads before erasing, in this order, each with its label. */
const COUNT_LABELS: readonly (readonly [
  Exclude<keyof PrivacyCounts, 'accounts' | 'bytes' | 'auditEntries' | 'pseudonyms'>,
  MessageKey,
])[] = [
  ['invitations', 'privacy.count.invitations'],
  ['sessions', 'privacy.count.sessions'],
  ['sharesSent', 'privacy.count.sharesSent'],
  ['sharesReceivedOnly', 'privacy.count.sharesReceivedOnly'],
  ['sharesReceivedShared', 'privacy.count.sharesReceivedShared'],
  ['dropsOwned', 'privacy.count.dropsOwned'],
  ['dropsBound', 'privacy.count.dropsBound'],
  ['dropUploads', 'privacy.count.dropUploads'],
  ['uploads', 'privacy.count.uploads'],
  ['contacts', 'privacy.count.contacts'],
];

/** The account line and the counts of a preview. */
export function Holdings({
  t,
  preview,
  testid,
}: {
  readonly t: Translate;
  readonly preview: PrivacyPreview;
  readonly testid: string;
}): JSX.Element {
  const { account } = preview;
  return (
    <>
      <p data-testid="privacy-account">
        {account === null
          ? t('privacy.account.none')
          : t('privacy.account.value', {
              name: account.name,
              role: roleLabel(t, account.role),
              status: t(account.status === 'active' ? 'users.status.active' : 'users.status.disabled'),
            })}
      </p>
      <CountList t={t} counts={preview.counts} testid={testid} />
    </>
  );
}

export function CountList({
  t,
  counts,
  testid,
}: {
  readonly t: Translate;
  readonly counts: PrivacyCounts;
  readonly testid: string;
}): JSX.Element {
  const { locale } = useI18n();
  return (
    <table class="table" data-testid={testid}>
      <caption class="visually-hidden">{t('privacy.counts.caption')}</caption>
      <tbody>
        {COUNT_LABELS.map(([key, label]) => (
          <tr key={key}>
            <th scope="row">{t(label)}</th>
            <td data-count={key}>{counts[key]}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t('privacy.count.files')}</th>
          <td data-count="files">
            {t('privacy.count.filesValue', { n: counts.files, size: formatBytes(locale, counts.bytes) })}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/**
 * The erase step: what goes, that it cannot be undone, and the address typed again. A preview
 * that went stale (409) is replaced by the new one, and the admin confirms again.
 */
export function EraseDialog({
  preview,
  onClose,
  onChanged,
  onGone,
  onErased,
}: {
  readonly preview: PrivacyPreview;
  readonly onClose: () => void;
  readonly onChanged: (fresh: PrivacyPreview) => void;
  readonly onGone: () => void;
  readonly onErased: (result: PrivacyEraseResponse) => void;
}): JSX.Element {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    if (normalizeEmail(typed) !== preview.email) {
      const text = t('privacy.erase.mismatch', { email: preview.email });
      setFieldError(text);
      fail(text);
      return;
    }
    setFieldError(null);
    setProblem(null);
    setBusy(true);
    try {
      onErased(await erasePerson(preview));
    } catch (error) {
      if (isApiError(error, 'wrong_state')) {
        // Something was added or removed since the preview: show what goes now.
        try {
          onChanged(await previewPerson(preview.email));
          fail(t('privacy.erase.changed'));
        } catch (again) {
          if (isApiError(again, 'not_found')) onGone();
          else fail(errorMessage(t, again));
        }
      } else if (isApiError(error, 'not_found')) {
        onGone();
      } else {
        fail(errorMessage(t, error));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={t('privacy.erase.confirm.title', { email: preview.email })}
      onClose={onClose}
      testid="privacy-erase-dialog"
      state={busy ? 'busy' : 'open'}
      busy={busy}
      wide
    >
      <form class="form" onSubmit={(event) => void submit(event)} noValidate>
        {problem && (
          <ErrorAlert testid="privacy-erase-error" focusKey={problem.n}>
            <p>{problem.text}</p>
          </ErrorAlert>
        )}
        <Notice tone="warning">
          <p>{t('privacy.erase.confirm.warning')}</p>
        </Notice>
        <p>{t('privacy.erase.confirm.goes')}</p>
        <Holdings t={t} preview={preview} testid="privacy-erase-counts" />
        <p>{t('privacy.audit.note', { n: preview.counts.auditEntries })}</p>
        <Field
          id="privacy-erase-email"
          label={t('privacy.erase.retype', { email: preview.email })}
          type="email"
          value={typed}
          onValue={(value) => {
            setTyped(value);
            setFieldError(null);
          }}
          autoComplete="off"
          inputMode="email"
          spellcheck={false}
          autoCapitalize="off"
          error={fieldError}
          testid="privacy-erase-email"
          required
        />
        {busy && <Progress text={t('privacy.erase.busy')} />}
        <div class="button-row">
          <button type="submit" class="button button--danger" disabled={busy} data-testid="privacy-erase-confirm">
            {t('privacy.erase.confirm')}
          </button>
          <button
            type="button"
            class="button button--secondary"
            onClick={onClose}
            disabled={busy}
            data-testid="privacy-erase-cancel"
          >
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
