// Every page a client sees is behind this gate: first the crypto worker checks the office key
// the server names against the client's pin of it (protocol §14); only then is anything shown
// (names, shares, the drop). A key that differs is a loud error and nothing else: a server that
// swapped the office key could otherwise certify a sender of its own making. No pin at all
// (it was lost, or this is an account made before pinning) pins the key now and says so, with
// the fingerprint to compare with the office. A client's certificate that the (pinned) office
// key does not verify stops the same way: the server swapped it (docs/protocol.md §13a).
import { createContext, type ComponentChildren, type JSX } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import { PageHeading } from '../../ui/PageHeading';
import { trustOffice, type OfficeTrust } from './office-pin';

const OfficeTrustContext = createContext<OfficeTrust | null>(null);

/** The office key check the gate made (null outside the gate). */
function useOfficeTrust(): OfficeTrust | null {
  return useContext(OfficeTrustContext);
}

type Check =
  | { readonly kind: 'checking' }
  | { readonly kind: 'trusted'; readonly trust: OfficeTrust }
  | { readonly kind: 'changed' }
  /** The office key matched the pin, but the certificate for this client is not the office's (protocol §13a). */
  | { readonly kind: 'substituted' }
  | { readonly kind: 'failed'; readonly text: string };

export function OfficePinGate({
  info,
  children,
}: {
  readonly info: SessionInfo;
  readonly children: ComponentChildren;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [check, setCheck] = useState<Check>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);
  const officeId = info.office.officeId;
  const officeKey = info.office.signingPublicKey;
  // A language switch must not check again (and unmount the page below): the failure text is made with the current one.
  const translate = useRef(t);
  translate.current = t;

  useEffect(() => setCheck({ kind: 'checking' }), [engine, officeId, officeKey, attempt]);
  useLoad(() => trustOffice(engine, officeId), [engine, officeId, officeKey, attempt], {
    onLoad: (trust) => setCheck({ kind: 'trusted', trust }),
    onError: (error) => {
      if (error instanceof EngineError && (error.code === 'office_key_changed' || error.code === 'office_key_mismatch'))
        setCheck({ kind: 'changed' });
      else if (error instanceof EngineError && error.code === 'certificate_substituted')
        setCheck({ kind: 'substituted' });
      else setCheck({ kind: 'failed', text: errorMessage(translate.current, error) });
    },
  });

  if (check.kind === 'trusted')
    return <OfficeTrustContext.Provider value={check.trust}>{children}</OfficeTrustContext.Provider>;
  return (
    <section data-testid="office-pin-gate" data-state={check.kind}>
      <PageHeading>
        {t(check.kind === 'changed' ? 'portal.officeChanged.title' : 'portal.title', { office: info.office.name })}
      </PageHeading>
      {check.kind === 'checking' && <Progress text={t('portal.checkingOffice')} testid="office-pin-checking" />}
      {check.kind === 'changed' && (
        <ErrorAlert testid="office-key-changed">
          <p>
            <strong>{t('portal.officeChanged.lead', { office: info.office.name })}</strong>
          </p>
          <p>{t('portal.officeChanged.text', { office: info.office.name })}</p>
        </ErrorAlert>
      )}
      {check.kind === 'substituted' && (
        <ErrorAlert testid="certificate-substituted">
          <p>
            <strong>{t('engine.error.certificateSubstituted')}</strong>
          </p>
        </ErrorAlert>
      )}
      {check.kind === 'failed' && (
        <>
          <ErrorAlert testid="office-pin-error">
            <p>{check.text}</p>
          </ErrorAlert>
          <p>
            <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
              {t('setup.retry')}
            </button>
          </p>
        </>
      )}
    </section>
  );
}

/** The verified office key, as the portal shows it; with a warning when it was pinned only now. */
export function OfficeTrustNotice({ office }: { readonly office: string }): JSX.Element | null {
  const { t } = useI18n();
  const trust = useOfficeTrust();
  if (!trust) return null;
  return (
    <Notice tone={trust.pin === 'new' ? 'warning' : 'ok'} testid="office-trust" state={trust.pin}>
      <p>{t(trust.pin === 'new' ? 'portal.officePinnedNow' : 'portal.officeVerified', { office })}</p>
      <p class="fingerprint-line">
        <span class="fingerprint-line__label">{t('portal.officeFingerprint', { office })}</span>
        <Fingerprint value={trust.fingerprint} testid="office-fingerprint" />
      </p>
      <p class="field__hint">{t('portal.officeFingerprintWhy', { office })}</p>
    </Notice>
  );
}
