// /s/<linkId>#<office fingerprint>.<sender fingerprint>.<S>: a guest's link (docs/protocol.md
// §15; links made before link ids are /s/<recipientId>#<office fingerprint>.<S>). Opening
// it changes nothing on the server (GET /api/v1/links/:id only, which mail scanners may do
// freely). The page shows the office, the sender and the masked address a code will go to;
// the guest presses "Send me a code" (never automatic), types or pastes it (the form sends
// itself at the sixth digit; the access code told by phone, if there is one, sits in the same
// form so a password manager can keep it), and the crypto worker checks everything against the office
// fingerprint in the link before a single name is shown: the office key the server names,
// the sender's certificate (and, in a v2 link, its identity fingerprint), the signed manifest
// (not older than one this browser saw), the link commitment, each file key's commitment and
// metadata.
// Then each file downloads decrypted, with its integrity check before "done".
// On a trusted device of the bound address (an earlier right code with "remember this device"),
// the page skips the code: its script asks POST …/trusted (a scanner holds no such cookie, and
// the answer opens nothing without S from the fragment) and goes straight to the files.
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../api/http';
import {
  forgetDevice,
  getLink,
  guestFilePath,
  openTrusted,
  requestCode,
  verifyCode,
  type CodeVerifyResponse,
  type LinkInfo,
} from '../../api/sharing';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import type { OpenedShare } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, Progress, StatusLine } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { errorMessage, isApiError } from '../../ui/errors';
import { Field } from '../../ui/Field';
import { formatDate } from '../../ui/labels';
import { PageHeading } from '../../ui/PageHeading';
import { StepHeading } from '../../ui/StepHeading';
import { EmailCodeForm, RequestCodePanel } from '../share/EmailCode';
import { requestEmailCode, useLinkPage, verifyEmailCode } from '../share/link-page';
import { GoneContact, isLinkState, LinkStateAlert } from '../share/LinkState';
import { guestLinkId } from '../share/links';
import { rememberManifestVersion, seenManifestVersion } from './manifest-memory';
import { OfficeBrand } from '../share/OfficeBrand';
import { FileDownloads } from '../transfer/FileDownloads';
import { GuestReceiptNotice, useGuestReceipt } from './GuestReceipt';

type Gone = 'share_expired' | 'share_revoked' | 'share_used_up';

type Step =
  | { readonly kind: 'loading' }
  /** The link is incomplete (id or fragment missing or malformed). */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'gone'; readonly code: Gone; readonly contact?: ApiError['contact'] }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'locked'; readonly info: LinkInfo | null }
  | { readonly kind: 'start'; readonly info: LinkInfo }
  /** A trusted device: asking for what a code would give, without one. */
  | { readonly kind: 'trusted'; readonly info: LinkInfo }
  | { readonly kind: 'code'; readonly info: LinkInfo; readonly sentAt: string | null }
  /** The code was right, but the files did not open: the access code is wrong or missing. */
  | { readonly kind: 'access-code'; readonly info: LinkInfo; readonly verified: CodeVerifyResponse }
  | {
      readonly kind: 'files';
      readonly info: LinkInfo;
      readonly verified: CodeVerifyResponse;
      readonly opened: OpenedShare;
    }
  /** The checks against the link failed (or the server replayed an older manifest): do not trust these files. */
  | { readonly kind: 'untrusted'; readonly reason: 'forged' | 'replayed' };

const GONE: Record<Gone, MessageKey> = {
  share_expired: 'guest.gone.expired',
  share_revoked: 'guest.gone.revoked',
  share_used_up: 'guest.gone.usedUp',
};

function goneCode(error: unknown): Gone | null {
  if (!(error instanceof ApiError) || error.status !== 410) return null;
  return error.code === 'share_revoked' || error.code === 'share_used_up' ? error.code : 'share_expired';
}

export function GuestPage({ path }: { readonly path: string }): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const linkId = guestLinkId(path);
  const page = useLinkPage<'code' | 'accessCode'>('guest');
  const { fragment, attempt, busy, setBusy, problem, fail, status, setStatus } = page;
  const [step, setStep] = useState<Step>(() => (linkId && fragment ? { kind: 'loading' } : { kind: 'invalid' }));
  const [code, setCode] = useState('');
  const [accessCode, setAccessCode] = useState('');
  const [remember, setRemember] = useState(true);
  /** This browser is (now) a trusted device for the address: the files step offers to forget it. */
  const [trustedDevice, setTrustedDevice] = useState(false);
  const guestReceipt = useGuestReceipt(linkId);

  // Opening the page: only a GET, which changes nothing.
  useEffect(() => {
    setStep(linkId && fragment ? { kind: 'loading' } : { kind: 'invalid' });
  }, [linkId, fragment, attempt]);
  useLoad(linkId && fragment ? (signal) => getLink(linkId, { signal }) : null, [linkId, fragment, attempt], {
    onLoad: (info) =>
      setStep(info.locked ? { kind: 'locked', info } : { kind: info.trusted ? 'trusted' : 'start', info }),
    onError: (error) => {
      const gone = goneCode(error);
      if (gone) setStep({ kind: 'gone', code: gone, contact: error instanceof ApiError ? error.contact : null });
      else if (error instanceof ApiError && error.status === 404) setStep({ kind: 'not-found' });
      else setStep({ kind: 'unavailable' });
    },
  });

  // The page is usable without the crypto worker; it starts loading now, in the background,
  // so it is ready by the time the guest has the code (app.tsx leaves the start to this page).
  const usable = step.kind === 'start' || step.kind === 'trusted';
  useEffect(() => {
    if (usable) engine.start();
  }, [usable, engine]);

  // The worker forgets the file keys when the guest leaves.
  const openedShareId = step.kind === 'files' ? step.opened.shareId : null;
  useEffect(() => {
    if (openedShareId === null) return;
    return () => void engine.call('forgetShare', { shareId: openedShareId }).catch(() => undefined);
  }, [openedShareId, engine]);

  const info = 'info' in step ? step.info : null;

  const handleLinkError = (error: unknown, info: LinkInfo): boolean => {
    const gone = goneCode(error);
    if (gone) {
      setStep({ kind: 'gone', code: gone, contact: error instanceof ApiError ? error.contact : null });
      return true;
    }
    if (isApiError(error, 'recipient_locked')) {
      setStep({ kind: 'locked', info });
      return true;
    }
    return false;
  };

  const sendCode = async (info: LinkInfo): Promise<void> => {
    if (!linkId || busy) return;
    await requestEmailCode(page, t, {
      request: () => requestCode(linkId),
      maskedEmail: info.maskedEmail,
      deliveryFailed: t('guest.error.delivery'),
      linkError: (error) => handleLinkError(error, info),
      sent: (sentAt) => {
        setCode('');
        setStep({ kind: 'code', info, sentAt });
      },
    });
  };

  /** The worker's checks and the file keys, with the access code typed so far. */
  const open = async (info: LinkInfo, verified: CodeVerifyResponse): Promise<void> => {
    if (!linkId || !fragment) return;
    setBusy(t(accessCode.trim() !== '' ? 'guest.openingWithCode' : 'guest.opening'));
    try {
      const seen = seenManifestVersion(verified.share.shareId);
      const opened = await engine.call('openGuest', {
        linkId,
        fragment,
        ...(seen !== undefined ? { minimumVersion: seen } : {}),
        serverHalf: verified.serverHalf,
        share: verified.share,
        ...(accessCode.trim() !== '' ? { accessCode } : {}),
      });
      rememberManifestVersion(opened.shareId, opened.manifestVersion);
      page.clearProblem();
      setStatus('');
      setStep({ kind: 'files', info, verified, opened });
    } catch (error) {
      const workerCode = error instanceof EngineError ? error.code : null;
      if (workerCode === 'wrong_access_code' || workerCode === 'bad_access_code') {
        setStep({ kind: 'access-code', info, verified });
        const key: MessageKey =
          workerCode === 'bad_access_code'
            ? 'guest.error.accessCodeFormat'
            : accessCode.trim() === ''
              ? 'guest.error.accessCodeNeeded'
              : 'guest.error.accessCode';
        fail(t(key), 'accessCode');
      } else if (workerCode === 'untrusted' || workerCode === 'bad_link') {
        setStep({ kind: 'untrusted', reason: 'forged' });
      } else if (workerCode === 'replayed') {
        setStep({ kind: 'untrusted', reason: 'replayed' });
      } else fail(errorMessage(t, error));
    } finally {
      setBusy(null);
    }
  };

  const submitCode = async (typed: string): Promise<void> => {
    if (step.kind !== 'code' || !linkId || busy) return;
    if (step.info.accessCode && accessCode.trim() === '') {
      fail(t('guest.error.accessCodeNeeded'), 'accessCode');
      return;
    }
    const { info } = step;
    const verified = await verifyEmailCode(page, t, typed, {
      verify: (digits) => verifyCode(linkId, digits, remember && info.trustedDeviceDays > 0),
      linkError: (error) => handleLinkError(error, info),
    });
    if (verified === null) {
      // Empty again, so the next code (typed or pasted) sends itself at its sixth digit too.
      setCode('');
      return;
    }
    setTrustedDevice(verified.trustedUntil !== undefined);
    await open(info, verified);
  };

  // A trusted device: the page's own request, once per load; no cookie or a revoked one falls back to the code.
  const trustedInfo = step.kind === 'trusted' ? step.info : null;
  useEffect(() => {
    if (trustedInfo === null || !linkId) return;
    let current = true;
    void (async () => {
      try {
        const verified = await openTrusted(linkId);
        if (!current) return;
        setTrustedDevice(true);
        await open(trustedInfo, verified);
      } catch (error) {
        if (!current || handleLinkError(error, trustedInfo)) return;
        setStep({ kind: 'start', info: trustedInfo });
        fail(isApiError(error, 'device_not_trusted') ? t('guest.trusted.gone') : errorMessage(t, error));
      }
    })();
    return () => {
      current = false;
    };
    // `open` and the handlers read the latest state; this runs once per trusted step.
  }, [trustedInfo, linkId]);

  const forget = async (): Promise<void> => {
    try {
      await forgetDevice();
      setTrustedDevice(false);
      setStatus(t('guest.forgotten'));
    } catch (error) {
      fail(errorMessage(t, error));
    }
  };

  const submitAccessCode = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (step.kind !== 'access-code' || busy) return;
    if (accessCode.trim() === '') {
      fail(t('guest.error.accessCodeNeeded'), 'accessCode');
      return;
    }
    await open(step.info, step.verified);
  };

  const source = useMemo(
    () => (fileId: string) =>
      step.kind !== 'files' || !linkId
        ? Promise.reject(new EngineError('grant_invalid'))
        : Promise.resolve({ url: guestFilePath(linkId, fileId), grant: step.verified.grant }),
    [step, linkId],
  );

  const heading = info ? t('guest.title', { office: info.office.name }) : t('guest.titlePlain');

  return (
    <section
      class="guest narrow"
      data-testid="guest-page"
      data-step={step.kind}
      data-reason={step.kind === 'untrusted' ? step.reason : undefined}
    >
      {info && <OfficeBrand office={info.office} testid="guest-office" />}
      <PageHeading>{heading}</PageHeading>

      {guestReceipt.receipt && step.kind !== 'files' && <GuestReceiptNotice receipt={guestReceipt.receipt} />}
      {isLinkState(step.kind) && (
        <LinkStateAlert
          state={step.kind}
          texts={{
            loading: t('guest.loading'),
            invalid: t('guest.invalid'),
            'not-found': t('guest.notFound'),
            unavailable: t('guest.unavailable'),
          }}
          onRetry={page.retry}
          prefix="guest"
        />
      )}
      {step.kind === 'gone' && (
        <Notice tone="warning" testid="guest-gone" state={step.code}>
          <p>{t(GONE[step.code])}</p>
          <GoneContact contact={step.contact ?? null} />
        </Notice>
      )}
      {step.kind === 'locked' && (
        <ErrorAlert testid="guest-locked">
          <p>{t('guest.locked', { office: step.info?.office.name ?? t('guest.theOffice') })}</p>
        </ErrorAlert>
      )}
      {step.kind === 'untrusted' && (
        <ErrorAlert testid="guest-untrusted">
          <p>
            <strong>{t('guest.untrusted.title')}</strong>
          </p>
          <p>{t(step.reason === 'replayed' ? 'guest.replayed.text' : 'guest.untrusted.text')}</p>
        </ErrorAlert>
      )}

      {info && step.kind !== 'files' && step.kind !== 'locked' && (
        <p class="lead" data-testid="guest-intro">
          {t('guest.intro', { sender: info.senderName, office: info.office.name })}{' '}
          {t('guest.until', { date: formatDate(locale, info.expiresAt) })}
        </p>
      )}

      {problem && (
        <ErrorAlert testid="guest-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="guest-status" />

      {step.kind === 'trusted' && <Progress text={t('guest.trusted.opening')} testid="guest-trusted" />}

      {step.kind === 'start' && step.info.unlocked && (
        <Notice tone="info" testid="guest-unlocked">
          <p>{t('guest.unlocked')}</p>
        </Notice>
      )}

      {step.kind === 'start' && (
        <RequestCodePanel
          explain={t('guest.codeExplain', { email: step.info.maskedEmail })}
          busy={busy}
          onRequest={() => void sendCode(step.info)}
          prefix="guest"
        >
          {step.info.accessCode && <p>{t('guest.accessCodeExplain', { sender: step.info.senderName })}</p>}
        </RequestCodePanel>
      )}

      {step.kind === 'code' && (
        <EmailCodeForm
          maskedEmail={step.info.maskedEmail}
          sentAt={step.sentAt}
          code={code}
          onCode={setCode}
          error={problem?.field === 'code' ? problem.text : null}
          busy={busy}
          onSubmit={(typed) => void submitCode(typed)}
          onResend={() => void sendCode(step.info)}
          submitLabel={t('guest.open')}
          prefix="guest"
          autoSubmit={!step.info.accessCode || accessCode.trim() !== ''}
          remember={{
            days: step.info.trustedDeviceDays,
            office: step.info.office.name,
            checked: remember,
            onChange: setRemember,
          }}
        >
          {step.info.accessCode && (
            <AccessCodeField
              value={accessCode}
              onValue={setAccessCode}
              sender={step.info.senderName}
              maskedEmail={step.info.maskedEmail}
              error={problem?.field === 'accessCode' ? problem.text : null}
            />
          )}
        </EmailCodeForm>
      )}

      {step.kind === 'access-code' && (
        <form class="panel form" onSubmit={(event) => void submitAccessCode(event)} noValidate>
          <StepHeading>{t('guest.accessCode.title')}</StepHeading>
          <AccessCodeField
            value={accessCode}
            onValue={setAccessCode}
            sender={step.info.senderName}
            maskedEmail={step.info.maskedEmail}
            error={problem?.field === 'accessCode' ? problem.text : null}
          />
          <div class="button-row">
            <button type="submit" class="button" disabled={busy !== null} data-testid="guest-access-submit">
              {t('guest.open')}
            </button>
          </div>
          {busy && <Progress text={busy} testid="guest-busy" />}
        </form>
      )}

      {step.kind === 'files' && (
        <div data-testid="guest-files">
          <p class="lead">{t('guest.files.intro', { sender: step.info.senderName, office: step.info.office.name })}</p>
          <Notice tone="ok" testid="guest-verified">
            <p>{t('guest.files.verified', { office: step.verified.share.office.name })}</p>
          </Notice>
          {step.opened.message !== undefined && (
            <figure class="message" data-testid="share-message">
              <figcaption class="message__from">{t('share.messageFrom', { sender: step.info.senderName })}</figcaption>
              <blockquote class="message__text">{step.opened.message}</blockquote>
            </figure>
          )}
          {step.opened.missingFiles > 0 && (
            <Notice tone="warning" testid="share-missing-files">
              <p>{t('share.missingFiles', { n: step.opened.missingFiles })}</p>
            </Notice>
          )}
          <FileDownloads
            shareId={step.opened.shareId}
            files={step.opened.files}
            source={source}
            onAccessExpired={() => {
              setCode('');
              // The grant lasts an hour; a trusted device gets a new one without a code.
              if (trustedDevice) {
                setStep({ kind: 'trusted', info: step.info });
                return;
              }
              setStep({ kind: 'start', info: step.info });
              fail(t('guest.error.accessExpired'));
            }}
            onGone={(gone) => setStep({ kind: 'gone', code: gone })}
            onSaved={guestReceipt.saved}
          />
          <p class="form__aside">
            {t('guest.files.after', { date: formatDate(locale, step.verified.share.expiresAt) })}
          </p>
          {trustedDevice && (
            <div class="panel" data-testid="guest-trusted-device">
              <p>{t('guest.trusted.note', { office: step.info.office.name })}</p>
              <div class="button-row">
                <button
                  type="button"
                  class="button button--secondary"
                  onClick={() => void forget()}
                  data-testid="guest-forget"
                >
                  {t('guest.forget')}
                </button>
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * The access code, with the (masked) address as a hidden user name beside it, so a password
 * manager can offer to keep the code for this address and fill it in next time.
 */
function AccessCodeField({
  value,
  onValue,
  sender,
  maskedEmail,
  error,
}: {
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly sender: string;
  readonly maskedEmail: string;
  readonly error: string | null;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <input
        type="text"
        name="username"
        autoComplete="username"
        value={maskedEmail}
        aria-label={t('guest.username')}
        readOnly
        hidden
      />
      <Field
        id="guest-access-code"
        label={t('guest.accessCode.label')}
        hint={t('guest.accessCode.hint', { sender })}
        value={value}
        onValue={onValue}
        autoComplete="current-password"
        autoCapitalize="characters"
        spellcheck={false}
        maxLength={20}
        class="field--code"
        error={error}
        testid="guest-access-code"
        required
      />
    </>
  );
}
