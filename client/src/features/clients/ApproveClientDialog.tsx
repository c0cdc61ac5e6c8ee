// Approving a client (docs/threat-model.md, "Client onboarding"). Two ways, by how the client
// got their invitation:
// - The advisor handed the link over (it carried the invitation secret I): this browser opens I
//   from the office's statement and checks the client's key proof against the keys the server
//   lists. If it holds, one click certifies them, no phone call; if not, the server substituted
//   the keys: a loud refusal, and nothing can be certified.
// - Coffer mailed the link: the advisor compares the fingerprint of the client's keys with the
//   one the client reads out (by phone or in person), or, unless the office requires the call,
//   approves unchecked (the client's own browser then checks its certificate at every sign-in).
// Either way this browser certifies the client with the office key (role client; the office
// keys are never sealed to a client) and makes the client's personal drop: its key pair and D
// sealed to this advisor and the office, labelled with the client's name, its link sealed to the
// client's own key so only their portal can use it.
import type { JSX } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import type { KeyCheck } from '../../../../shared/wire/clients.js';
import {
  approveClient,
  getClient,
  markClientKeysChecked,
  type ClientDetail,
  type ClientSummary,
} from '../../api/clients';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import { useLoad } from '../../ui/load';
import { FingerprintApproval } from '../admin/FingerprintApproval';
import { clientKeys, personalDropFields } from './personal-drop';

interface ApproveProps {
  readonly client: ClientSummary & { readonly userId: string };
  readonly office: string;
  /** The office requires the fingerprint call for clients invited by mail. */
  readonly requireCall: boolean;
  readonly onClose: () => void;
  readonly onApproved: () => void;
}

/**
 * Certifies the client (the worker checks the key proof first, if there is one:
 * `key_proof_invalid` and nothing certified otherwise) and makes their personal drop. Also the
 * Clients page's "approve all", one client after another.
 */
export function useCertify(office: string) {
  const { t } = useI18n();
  const engine = useEngine();
  return async (detail: ClientDetail, keyCheck: KeyCheck): Promise<void> => {
    const made = await engine.call('certifyClient', {
      client: clientKeys(detail),
      currentVersion: detail.certificateVersion,
      label: detail.name.slice(0, 200),
      ...(keyCheck === 'proof' && detail.handover !== null ? { handover: detail.handover } : {}),
    });
    await approveClient(detail.userId, {
      certificate: made.certificate,
      drop: { ...made.drop, ...personalDropFields(t('clients.drop.title', { office })) },
      keyCheck,
    });
  };
}

export function ApproveClientDialog(props: ApproveProps): JSX.Element {
  return props.client.handover ? <ProofApproval {...props} /> : <CallApproval {...props} />;
}

function CallApproval({ client, office, requireCall, onClose, onApproved }: ApproveProps): JSX.Element {
  const { t } = useI18n();
  const certify = useCertify(office);
  const load = useCallback(async () => {
    const detail = await getClient(client.userId);
    return { detail, keys: clientKeys(detail) };
  }, [client.userId]);

  return (
    <FingerprintApproval<ClientDetail>
      title={t('clients.approve.title', { name: client.name })}
      testid="approve-client-dialog"
      load={load}
      certify={(detail) => certify(detail, 'call')}
      intro={(detail) => t('clients.approve.intro', { name: detail.name, email: detail.email })}
      step1={(detail) => t('clients.approve.step1', { name: detail.name })}
      warning={t('clients.approve.warning')}
      certifying={t('clients.approve.certifying')}
      onClose={onClose}
      onApproved={onApproved}
      {...(requireCall
        ? {}
        : {
            unverified: {
              label: t('clients.approve.unverified'),
              hint: t('clients.approve.unverified.hint'),
              certify: (detail: ClientDetail) => certify(detail, 'unverified'),
            },
          })}
    />
  );
}

/**
 * A client approved unchecked: the member compares the fingerprint by phone now, and the office
 * records the client as checked by a call (nothing is certified again: the keys are the same).
 */
export function VerifyClientDialog({
  client,
  onClose,
  onVerified,
}: {
  readonly client: ClientSummary & { readonly userId: string };
  readonly onClose: () => void;
  readonly onVerified: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const load = useCallback(async () => {
    const detail = await getClient(client.userId);
    return { detail, keys: clientKeys(detail) };
  }, [client.userId]);
  return (
    <FingerprintApproval<ClientDetail>
      title={t('clients.verify.title', { name: client.name })}
      testid="verify-client-dialog"
      load={load}
      certify={(detail) => markClientKeysChecked(detail.userId)}
      intro={(detail) => t('clients.verify.intro', { name: detail.name, email: detail.email })}
      step1={(detail) => t('clients.approve.step1', { name: detail.name })}
      warning={t('clients.verify.warning')}
      certifying={t('clients.verify.saving')}
      confirmLabel={t('clients.verify.confirm')}
      onClose={onClose}
      onApproved={onVerified}
    />
  );
}

type ProofState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'proven'; readonly detail: ClientDetail; readonly fingerprint: string }
  /** The key proof does not match the listed keys: the server substituted them. Never approve. */
  | { readonly kind: 'substituted' }
  | { readonly kind: 'certifying' }
  | { readonly kind: 'error'; readonly text: string };

function ProofApproval({ client, office, onClose, onApproved }: ApproveProps): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const certify = useCertify(office);
  const [state, setState] = useState<ProofState>({ kind: 'loading' });

  useLoad(
    async (signal): Promise<ProofState> => {
      const detail = await getClient(client.userId, { signal });
      if (detail.handover === null) return { kind: 'error', text: t('approve.noKeys') };
      try {
        const checked = await engine.call('checkClientProof', {
          client: clientKeys(detail),
          handover: detail.handover,
        });
        return { kind: 'proven', detail, fingerprint: checked.fingerprint };
      } catch (error) {
        if (error instanceof EngineError && error.code === 'key_proof_invalid') return { kind: 'substituted' };
        throw error;
      }
    },
    [client.userId, engine, t],
    { onLoad: setState, onError: (error) => setState({ kind: 'error', text: errorMessage(t, error) }) },
  );

  const approve = async (): Promise<void> => {
    if (state.kind !== 'proven') return;
    setState({ kind: 'certifying' });
    try {
      await certify(state.detail, 'proof');
      onApproved();
    } catch (error) {
      setState(
        error instanceof EngineError && error.code === 'key_proof_invalid'
          ? { kind: 'substituted' }
          : { kind: 'error', text: errorMessage(t, error) },
      );
    }
  };

  const close = (label: string) => (
    <button type="button" class="button button--secondary" onClick={onClose} data-testid="approve-client-cancel">
      {label}
    </button>
  );
  return (
    <Dialog
      open
      title={t('clients.approve.title', { name: client.name })}
      onClose={onClose}
      testid="approve-client-dialog"
      state={state.kind}
      busy={state.kind === 'certifying'}
      wide
    >
      {state.kind === 'loading' && <Progress text={t('clients.approve.proof.checking')} />}
      {state.kind === 'proven' && (
        <>
          <Notice tone="ok" testid="approve-client-proof">
            <p>{t('clients.approve.proof.ok', { name: state.detail.name, email: state.detail.email })}</p>
          </Notice>
          <p class="fingerprint-line">
            <span class="fingerprint-line__label">{t('approve.fingerprintLabel', { name: state.detail.name })}</span>
            <Fingerprint value={state.fingerprint} testid="approve-client-fingerprint" />
          </p>
          <p>{t('clients.approve.proof.warning')}</p>
          <div class="button-row">
            <button type="button" class="button" onClick={() => void approve()} data-testid="approve-client-confirm">
              {t('clients.approve.proof.confirm')}
            </button>
            {close(t('action.cancel'))}
          </div>
        </>
      )}
      {state.kind === 'certifying' && <Progress text={t('clients.approve.certifying')} />}
      {state.kind === 'substituted' && (
        <>
          <ErrorAlert testid="approve-client-substituted">
            <p>
              <strong>{t('clients.approve.proof.failed.title', { name: client.name })}</strong>
            </p>
            <p>{t('clients.approve.proof.failed.text', { name: client.name })}</p>
          </ErrorAlert>
          <div class="button-row">{close(t('action.close'))}</div>
        </>
      )}
      {state.kind === 'error' && (
        <>
          <ErrorAlert testid="approve-client-error">
            <p>{state.text}</p>
          </ErrorAlert>
          <div class="button-row">{close(t('action.close'))}</div>
        </>
      )}
    </Dialog>
  );
}
