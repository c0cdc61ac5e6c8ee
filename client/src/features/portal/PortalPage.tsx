// /app for a signed-in, approved client: the client portal. Behind OfficePinGate, so
// the office key is the one this client pinned before anything here is shown. Three parts, all
// the client's own and nothing else (the portal's API has no way to ask for anyone else's):
// - what the office shared with them, from any advisor (the Received pages open and download);
// - their personal drop: upload documents to the office, encrypted in this browser;
// - their upload history: when, which files (the names record the client's browser sealed to the
//   client at upload, opened and checked in the worker; docs/protocol.md §13, "Names record"), how
//   large, its status and receipt code. A record that fails its check is not shown, with a warning.
// Without two-factor sign-in (an office that does not require it of clients) the page, after
// all that, offers to turn it on, right there: the recovery key the client keeps works only with it.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { getPortal, listPortalUploads, type PortalUpload } from '../../api/clients';
import { useEngine } from '../../crypto/context';
import type { OpenedUploadNames } from '../../crypto/protocol';
import { listReceived } from '../../api/sharing';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { useSessionStore } from '../../session/context';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { formatBytes } from '../../ui/format';
import { formatDateTime } from '../../ui/labels';
import { errorMessage } from '../../ui/errors';
import { useLoad } from '../../ui/load';
import { PageHeading } from '../../ui/PageHeading';
import { ReceivedTable } from '../received/ReceivedTable';
import { TwoFactorEnrol } from '../security/TwoFactorEnrol';
import { OfficeTrustNotice } from './OfficePinGate';
import { PortalDropPanel } from './PortalDropPanel';

/** How often the list of shared documents asks again while the page is shown. */
const REFRESH_MS = 30_000;

export function PortalPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t } = useI18n();
  const office = info.office.name;
  const [problem, setProblem] = useState<string | null>(null);
  const told = { keep: true, onError: (error: unknown) => setProblem(errorMessage(t, error)) };
  const { data: shares, reload: reloadShares } = useLoad(
    async (signal) => (await listReceived({ signal })).shares,
    [t],
    told,
  );
  const { data: portal } = useLoad((signal) => getPortal({ signal }), [t], told);
  const { data: uploads, reload: reloadUploads } = useLoad(
    async (signal) => (await listPortalUploads({ signal })).uploads,
    [t],
    told,
  );
  const loaded = shares !== null && portal !== null && uploads !== null;

  // What the office shares appears without a reload (a reload would lock the keys).
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reloadShares();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reloadShares]);

  return (
    <section data-testid="portal-page" data-state={loaded ? 'loaded' : 'loading'}>
      <PageHeading>{t('portal.title', { office })}</PageHeading>
      <p class="lead" data-testid="portal-intro">
        {t('portal.intro', { name: info.me.name, office })}
      </p>
      <OfficeTrustNotice office={office} />
      {problem && (
        <ErrorAlert testid="portal-error">
          <p>{problem}</p>
        </ErrorAlert>
      )}

      <section class="panel panel--wide" aria-labelledby="portal-received-heading" data-testid="portal-received">
        <h2 id="portal-received-heading" class="section-heading">
          {t('portal.received.title', { office })}
        </h2>
        {shares === null && !problem && <Progress text={t('app.loading')} testid="portal-received-loading" />}
        {shares !== null && shares.length === 0 && (
          <p data-testid="received-empty">{t('portal.received.none', { office })}</p>
        )}
        {shares !== null && shares.length > 0 && (
          <>
            <p>{t('portal.received.intro')}</p>
            <ReceivedTable shares={shares} caption={t('portal.received.title', { office })} />
          </>
        )}
      </section>

      <section class="panel panel--wide" aria-labelledby="portal-drop-heading">
        <h2 id="portal-drop-heading" class="section-heading">
          {t('portal.drop.title', { office })}
        </h2>
        {portal === null && !problem && <Progress text={t('app.loading')} testid="portal-drop-loading" />}
        {portal !== null && portal.drop === null && (
          <Notice testid="portal-no-drop">
            <p>{t('portal.drop.none', { office })}</p>
          </Notice>
        )}
        {portal?.drop && <PortalDropPanel drop={portal.drop} office={office} onUploaded={() => void reloadUploads()} />}
      </section>

      <section class="panel panel--wide" aria-labelledby="portal-history-heading" data-testid="portal-history">
        <h2 id="portal-history-heading" class="section-heading">
          {t('portal.history.title')}
        </h2>
        {uploads === null && !problem && <Progress text={t('app.loading')} testid="portal-history-loading" />}
        {uploads !== null && uploads.length === 0 && (
          <p data-testid="portal-history-empty">{t('portal.history.none')}</p>
        )}
        {uploads !== null && uploads.length > 0 && <UploadHistory uploads={uploads} office={office} />}
      </section>

      <TwoFactorPrompt info={info} />

      <p>
        <Link href="/app/security">{t('portal.security')}</Link>
      </p>
    </section>
  );
}

/** A gentle prompt while the client has no second factor, with the set-up in place. */
function TwoFactorPrompt({ info }: { readonly info: SessionInfo }): JSX.Element | null {
  const { t } = useI18n();
  const store = useSessionStore();
  const [enrolling, setEnrolling] = useState(false);
  const [done, setDone] = useState(false);
  if (done) return <StatusLine text={t('portal.twoFactor.done')} testid="portal-two-factor-done" />;
  if (info.me.twoFactor) return null;
  return (
    <section class="panel panel--wide" aria-labelledby="portal-two-factor-heading" data-testid="portal-two-factor">
      <h2 id="portal-two-factor-heading" class="section-heading">
        {t('portal.twoFactor.title')}
      </h2>
      {enrolling ? (
        <TwoFactorEnrol
          email={info.me.email}
          onCancel={() => setEnrolling(false)}
          onDone={() => {
            setDone(true);
            void store.refresh();
          }}
        />
      ) : (
        <>
          <p>{t('portal.twoFactor.text', { office: info.office.name })}</p>
          <button type="button" class="button" onClick={() => setEnrolling(true)} data-testid="portal-two-factor-start">
            {t('twoFactor.start')}
          </button>
        </>
      )}
    </section>
  );
}

function UploadHistory({
  uploads,
  office,
}: {
  readonly uploads: readonly PortalUpload[];
  readonly office: string;
}): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  // The names stay in the worker's answer only: never sent anywhere, opened again with each list.
  const { data: opened } = useLoad(
    async () =>
      (
        await engine.call('openUploadNames', {
          uploads: uploads.map(({ dropUploadId, dropId, names }) => ({ dropUploadId, dropId, names })),
        })
      ).uploads,
    [engine, uploads],
  );
  const namesOf = new Map<string, OpenedUploadNames>((opened ?? []).map((names) => [names.dropUploadId, names]));
  const anyInvalid = opened?.some((names) => names.state === 'invalid') ?? false;
  return (
    <>
      {anyInvalid && (
        <ErrorAlert testid="portal-history-names-warning">
          <p>{t('portal.history.namesWarning', { office })}</p>
        </ErrorAlert>
      )}
      <table
        class="table table--stack"
        data-testid="portal-history-table"
        data-names={opened === null ? 'opening' : 'opened'}
      >
        <caption class="visually-hidden">{t('portal.history.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('portal.history.when')}</th>
            <th scope="col">{t('sentList.files')}</th>
            <th scope="col">{t('portal.history.size')}</th>
            <th scope="col">{t('sentList.state')}</th>
            <th scope="col">{t('receipt.code')}</th>
          </tr>
        </thead>
        <tbody>
          {uploads.map((upload) => {
            const names = namesOf.get(upload.dropUploadId);
            return (
              <tr
                key={upload.dropUploadId}
                data-testid="portal-history-row"
                data-upload-id={upload.dropUploadId}
                data-status={upload.status}
                data-names={names?.state ?? 'opening'}
              >
                <th scope="row" data-label={t('portal.history.when')}>
                  <span class="cell-main">{formatDateTime(locale, upload.receivedAt)}</span>
                </th>
                <td data-label={t('sentList.files')}>
                  <FileNames upload={upload} names={names} />
                </td>
                <td data-label={t('portal.history.size')}>{formatBytes(locale, upload.bytes)}</td>
                <td data-label={t('sentList.state')}>
                  <span class={`badge badge--${upload.status === 'received' ? 'ok' : 'danger'}`}>
                    {t(upload.status === 'received' ? 'portal.history.received' : 'portal.history.rejected')}
                  </span>
                </td>
                <td data-label={t('receipt.code')}>
                  <span class="receipt-code" translate={false} data-testid="portal-history-code">
                    {upload.receiptCode}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** The names of one upload once opened; until then, or without them, how many files. */
function FileNames({
  upload,
  names,
}: {
  readonly upload: PortalUpload;
  readonly names: OpenedUploadNames | undefined;
}): JSX.Element {
  const { t, locale } = useI18n();
  if (names?.state === 'opened')
    return (
      <ul class="history-names" aria-label={t('portal.history.names')}>
        {names.files.map((file, index) => (
          <li key={index} data-testid="portal-history-name" data-name={file.name}>
            <span translate={false}>{file.name}</span> <span class="form__aside">{formatBytes(locale, file.size)}</span>
          </li>
        ))}
      </ul>
    );
  return (
    <>
      <span class="cell-main">{upload.files}</span>
      {names?.state === 'none' && (
        <span class="form__aside" data-testid="portal-history-names-none">
          {' '}
          {t('portal.history.namesNone')}
        </span>
      )}
      {names?.state === 'invalid' && (
        <span class="badge badge--danger history-names__refused" data-testid="portal-history-names-invalid">
          {t('portal.history.namesInvalid')}
        </span>
      )}
    </>
  );
}
