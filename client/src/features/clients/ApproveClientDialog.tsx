// Approving a client (issue 6): the advisor compares the fingerprint of the client's keys, as
// the server hands them out, with the one the client reads out from their own screen (by phone
// or in person). Only if every digit matches does this browser certify the client with the
// office key (role client; the office keys are never sealed to a client) and make the client's
// personal drop: its key pair and D sealed to this advisor and the office, labelled with the
// client's name, its link sealed to the client's own key so only their portal can use it.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PERSONAL_DROP_MAX_DAYS } from '../../../../shared/wire/drops.js';
import { approveClient, getClient, type ClientDetail, type ClientSummary } from '../../api/clients';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import { DEFAULT_MAX_TOTAL } from '../drops/limits';

/** The personal drop's limits: files and bytes per upload. */
const CLIENT_DROP_MAX_FILES = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'compare'; readonly detail: ClientDetail; readonly fingerprint: string }
  /** The client's own signature over their keys does not hold: never approve. */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'certifying' }
  | { readonly kind: 'error'; readonly text: string };

function clientKeys(detail: ClientDetail) {
  return {
    userId: detail.userId,
    email: detail.email,
    role: 'client' as const,
    identityPublicKey: detail.identityPublicKey,
    encryptionPublicKey: detail.encryptionPublicKey,
    encryptionKeySignature: detail.encryptionKeySignature,
  };
}

export function ApproveClientDialog({
  client,
  office,
  onClose,
  onApproved,
}: {
  readonly client: ClientSummary & { readonly userId: string };
  readonly office: string;
  readonly onClose: () => void;
  readonly onApproved: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    (async (): Promise<State> => {
      const detail = await getClient(client.userId);
      const inspected = await engine.call('inspectMember', clientKeys(detail));
      return inspected.signatureValid ? { kind: 'compare', detail, fingerprint: inspected.fingerprint } : { kind: 'invalid' };
    })().then(
      (next) => live && setState(next),
      (error: unknown) => live && setState({ kind: 'error', text: errorMessage(t, error) }),
    );
    return () => {
      live = false;
    };
  }, [engine, t, client.userId]);

  const approve = async (): Promise<void> => {
    if (state.kind !== 'compare') return;
    const { detail } = state;
    setState({ kind: 'certifying' });
    try {
      const made = await engine.call('certifyClient', { client: clientKeys(detail), currentVersion: detail.certificateVersion, label: detail.name.slice(0, 200) });
      await approveClient(detail.userId, {
        certificate: made.certificate,
        drop: {
          ...made.drop,
          title: t('clients.drop.title', { office }).slice(0, 200),
          instructions: '',
          maxFiles: CLIENT_DROP_MAX_FILES,
          maxTotalBytes: DEFAULT_MAX_TOTAL,
          // A year, less a day for clocks that differ: the longest a personal drop may run.
          expiresAt: new Date(Date.now() + (PERSONAL_DROP_MAX_DAYS - 1) * DAY_MS).toISOString(),
        },
      });
      onApproved();
    } catch (error) {
      setState({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const busy = state.kind === 'certifying';
  return (
    <Dialog open title={t('clients.approve.title', { name: client.name })} onClose={onClose} testid="approve-client-dialog" state={state.kind} busy={busy} wide>
      {state.kind === 'loading' && <Progress text={t('approve.loading')} />}
      {state.kind === 'compare' && (
        <>
          <p>{t('clients.approve.intro', { name: state.detail.name, email: state.detail.email })}</p>
          <ol class="steps">
            <li>{t('clients.approve.step1', { name: state.detail.name })}</li>
            <li>{t('approve.step2')}</li>
          </ol>
          <div class="approve-fingerprint">
            <p class="approve-fingerprint__label">{t('approve.fingerprintLabel', { name: state.detail.name })}</p>
            <Fingerprint value={state.fingerprint} large testid="approve-client-fingerprint" />
          </div>
          <p>{t('clients.approve.warning')}</p>
          <div class="button-row">
            <button type="button" class="button" onClick={() => void approve()} data-testid="approve-client-confirm">
              {t('approve.confirm')}
            </button>
            <button type="button" class="button button--secondary" onClick={() => setState({ kind: 'mismatch' })} data-testid="approve-client-mismatch">
              {t('approve.mismatch')}
            </button>
            <button type="button" class="button button--secondary" onClick={onClose} data-testid="approve-client-cancel">
              {t('action.cancel')}
            </button>
          </div>
        </>
      )}
      {state.kind === 'certifying' && <Progress text={t('clients.approve.certifying')} />}
      {(state.kind === 'invalid' || state.kind === 'mismatch' || state.kind === 'error') && (
        <>
          <ErrorAlert testid="approve-client-error">
            <p>{state.kind === 'invalid' ? t('approve.invalid') : state.kind === 'mismatch' ? t('approve.mismatchText') : state.text}</p>
          </ErrorAlert>
          <div class="button-row">
            <button type="button" class="button button--secondary" onClick={onClose} data-testid="approve-client-cancel">
              {t('action.close')}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
