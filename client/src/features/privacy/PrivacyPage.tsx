// /app/admin/privacy: privacy requests (AVG/GDPR articles 15 and 17). The admin looks a
// person up by e-mail address and sees what Coffer holds about them (the server's preview,
// which changes nothing); then downloads the export after confirming the address, or erases
// the person after typing the address again in a dialog that lists what goes. The erase
// request carries the preview's confirmation: if anything changed since, the server refuses
// and this page shows the new counts.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { exportPerson, previewPerson, type PrivacyEraseResponse, type PrivacyPreview } from '../../api/privacy';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { ConfirmDialog } from '../../ui/Dialog';
import { errorMessage, isApiError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import type { Problem } from '../../ui/attempt';
import { PageHeading } from '../../ui/PageHeading';
import { emailField } from '../../ui/validate';
import { saveBlob } from '../transfer/save';
import { Holdings, CountList, EraseDialog } from './PersonHoldings';

function exportFileName(now: Date): string {
  return `coffer-privacy-export-${now.toISOString().slice(0, 10)}.json`;
}

export function PrivacyPage(): JSX.Element {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [preview, setPreview] = useState<PrivacyPreview | null>(null);
  const [busy, setBusy] = useState<'lookup' | 'export' | null>(null);
  const [confirmExport, setConfirmExport] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [status, setStatus] = useState({ text: '', focus: 0 });
  const [erased, setErased] = useState<{ readonly email: string; readonly result: PrivacyEraseResponse } | null>(null);
  const working = useRef(false);

  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));

  const lookUp = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (working.current) return;
    const { email: address, error: emailError } = emailField(t, email);
    if (address === null) {
      const text = emailError;
      setFieldError(text);
      fail(text);
      return;
    }
    setFieldError(null);
    setProblem(null);
    setNotFound(null);
    setPreview(null);
    setErased(null);
    setStatus({ text: '', focus: 0 });
    working.current = true;
    setBusy('lookup');
    try {
      const found = await previewPerson(address);
      setPreview(found);
      setStatus({ text: t('privacy.found.status', { email: found.email }), focus: 0 });
    } catch (error) {
      if (isApiError(error, 'not_found')) setNotFound(address);
      else fail(errorMessage(t, error));
    } finally {
      working.current = false;
      setBusy(null);
    }
  };

  const download = async (): Promise<void> => {
    if (!preview || working.current) return;
    working.current = true;
    setBusy('export');
    setProblem(null);
    try {
      const text = await exportPerson(preview.email);
      saveBlob(new Blob([text], { type: 'application/octet-stream' }), exportFileName(new Date()));
      setConfirmExport(false);
      setStatus({ text: t('privacy.export.done', { email: preview.email }), focus: 0 });
    } catch (error) {
      setConfirmExport(false);
      fail(isApiError(error, 'not_found') ? t('privacy.gone', { email: preview.email }) : errorMessage(t, error));
    } finally {
      working.current = false;
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeading>{t('privacy.title')}</PageHeading>
      <p class="lead">{t('privacy.intro')}</p>

      <section class="panel" aria-labelledby="privacy-lookup-heading">
        <h2 id="privacy-lookup-heading" class="section-heading">
          {t('privacy.lookup.heading')}
        </h2>
        {problem && (
          <ErrorAlert testid="privacy-error" focusKey={problem.n}>
            <p>{problem.text}</p>
          </ErrorAlert>
        )}
        <form class="form" onSubmit={(event) => void lookUp(event)} noValidate>
          <Field
            id="privacy-email"
            label={t('field.email')}
            type="email"
            value={email}
            onValue={(value) => {
              setEmail(value);
              setFieldError(null);
            }}
            hint={t('privacy.lookup.hint')}
            autoComplete="off"
            inputMode="email"
            spellcheck={false}
            autoCapitalize="off"
            error={fieldError}
            testid="privacy-email"
            required
          />
          {busy === 'lookup' && <Progress text={t('privacy.lookup.busy')} testid="privacy-lookup-busy" />}
          <div class="button-row">
            <button type="submit" class="button" disabled={busy !== null} data-testid="privacy-lookup">
              {t('privacy.lookup')}
            </button>
          </div>
        </form>
        <StatusLine text={status.text} testid="privacy-status" focusKey={status.focus} />
        {notFound !== null && (
          <Notice testid="privacy-not-found">
            <p>{t('privacy.notFound', { email: notFound })}</p>
          </Notice>
        )}
      </section>

      {preview && (
        <section class="panel panel--wide" aria-labelledby="privacy-found-heading" data-testid="privacy-preview">
          <h2 id="privacy-found-heading" class="section-heading">
            {t('privacy.found.heading', { email: preview.email })}
          </h2>
          <Holdings t={t} preview={preview} testid="privacy-counts" />
          <p>{t('privacy.audit.note', { n: preview.counts.auditEntries })}</p>
          <h3 class="subsection-heading">{t('privacy.export.heading')}</h3>
          <p>{t('privacy.export.text')}</p>
          <div class="button-row">
            <button
              type="button"
              class="button"
              onClick={() => setConfirmExport(true)}
              disabled={busy !== null}
              data-testid="privacy-export"
            >
              {t('privacy.export')}
            </button>
          </div>
          <h3 class="subsection-heading">{t('privacy.erase.heading')}</h3>
          {preview.eraseRefused === null ? (
            <>
              <p>{t('privacy.erase.text')}</p>
              <div class="button-row">
                <button
                  type="button"
                  class="button button--danger"
                  onClick={() => setErasing(true)}
                  disabled={busy !== null}
                  data-testid="privacy-erase"
                >
                  {t('privacy.erase')}
                </button>
              </div>
            </>
          ) : (
            <Notice tone="warning" testid="privacy-erase-refused">
              <p>
                {t(preview.eraseRefused === 'self' ? 'privacy.erase.refused.self' : 'privacy.erase.refused.lastAdmin')}
              </p>
            </Notice>
          )}
        </section>
      )}

      {erased && (
        <section class="panel panel--wide" aria-labelledby="privacy-erased-heading" data-testid="privacy-erased">
          <h2 id="privacy-erased-heading" class="section-heading">
            {t('privacy.erased.heading', { email: erased.email })}
          </h2>
          <p>{t('privacy.erased.text')}</p>
          <CountList t={t} counts={erased.result.counts} testid="privacy-erased-counts" />
        </section>
      )}

      <ConfirmDialog
        open={confirmExport && preview !== null}
        title={t('privacy.export.confirm.title', { email: preview?.email ?? '' })}
        confirmLabel={t('privacy.export.confirm')}
        cancelLabel={t('action.cancel')}
        onConfirm={() => void download()}
        onCancel={() => setConfirmExport(false)}
        busy={busy === 'export'}
        testid="privacy-export-dialog"
      >
        <p>{t('privacy.export.confirm.text')}</p>
        {busy === 'export' && <Progress text={t('privacy.export.busy')} />}
      </ConfirmDialog>

      {erasing && preview && (
        <EraseDialog
          preview={preview}
          onClose={() => setErasing(false)}
          onChanged={(fresh) => setPreview(fresh)}
          onGone={() => {
            setErasing(false);
            setPreview(null);
            setNotFound(preview.email);
          }}
          onErased={(result) => {
            const address = preview.email;
            setErasing(false);
            setPreview(null);
            setEmail('');
            setErased({ email: address, result });
            // The Erase button is gone: focus the announcement instead of the page's top.
            setStatus((previous) => ({
              text: t('privacy.erased.status', { email: address }),
              focus: previous.focus + 1,
            }));
          }}
        />
      )}
    </>
  );
}
