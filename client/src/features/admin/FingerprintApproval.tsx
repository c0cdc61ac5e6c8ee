// The approval dialog's body, for members (the admin approves) and clients (an advisor
// approves): load the person's keys as the server hands them out, have this browser check
// their own signature and show the fingerprint, and certify only after the approver confirmed
// that every digit matches what the person reads out from their own screen. A server that
// swapped the keys would show a different fingerprint here.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import type { MemberKeys } from './member-keys';

type State<D> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'compare'; readonly detail: D; readonly fingerprint: string }
  /** The person's own signature over their keys does not hold: never approve. */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'certifying' }
  | { readonly kind: 'error'; readonly text: string };

export interface FingerprintApprovalProps<D extends { readonly name: string }> {
  readonly title: string;
  /** The dialog's test id; its buttons are `<testid minus -dialog>-confirm`, `-mismatch`, `-cancel`, `-error`, `-fingerprint`. */
  readonly testid: string;
  /** The person as the server lists them, and their keys (null while they have none). */
  readonly load: () => Promise<{ readonly detail: D; readonly keys: MemberKeys | null }>;
  /** Certifies (and whatever goes with it) once the approver confirmed the fingerprint. */
  readonly certify: (detail: D, keys: MemberKeys) => Promise<void>;
  /** Above the steps: who is being approved. */
  readonly intro: (detail: D) => ComponentChildren;
  readonly step1: (detail: D) => string;
  readonly warning: string;
  readonly certifying: string;
  /** The confirm button's text; "The fingerprints match: approve" when left out. */
  readonly confirmLabel?: string;
  readonly onClose: () => void;
  readonly onApproved: () => void;
  /**
   * A client invited by mail, where the office does not require the call: approval without
   * comparing (certified, marked unchecked; the client's browser checks at every sign-in).
   */
  readonly unverified?: {
    readonly label: string;
    readonly hint: string;
    readonly certify: (detail: D) => Promise<void>;
  };
}

export function FingerprintApproval<D extends { readonly name: string }>(
  props: FingerprintApprovalProps<D>,
): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [state, setState] = useState<State<D>>({ kind: 'loading' });
  const [keys, setKeys] = useState<MemberKeys | null>(null);
  const prefix = props.testid.replace(/-dialog$/, '');
  const { load } = props;

  useLoad(
    async (): Promise<State<D>> => {
      const loaded = await load();
      if (!loaded.keys) return { kind: 'error', text: t('approve.noKeys') };
      setKeys(loaded.keys);
      const inspected = await engine.call('inspectMember', loaded.keys);
      return inspected.signatureValid
        ? { kind: 'compare', detail: loaded.detail, fingerprint: inspected.fingerprint }
        : { kind: 'invalid' };
    },
    [engine, t, load],
    { onLoad: setState, onError: (error) => setState({ kind: 'error', text: errorMessage(t, error) }) },
  );

  const approve = async (unchecked = false): Promise<void> => {
    if (state.kind !== 'compare' || !keys) return;
    setState({ kind: 'certifying' });
    try {
      await (unchecked && props.unverified
        ? props.unverified.certify(state.detail)
        : props.certify(state.detail, keys));
      props.onApproved();
    } catch (error) {
      setState({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const cancel = (label: string) => (
    <button type="button" class="button button--secondary" onClick={props.onClose} data-testid={`${prefix}-cancel`}>
      {label}
    </button>
  );
  return (
    <Dialog
      open
      title={props.title}
      onClose={props.onClose}
      testid={props.testid}
      state={state.kind}
      busy={state.kind === 'certifying'}
      wide
    >
      {state.kind === 'loading' && <Progress text={t('approve.loading')} />}
      {state.kind === 'compare' && (
        <>
          <p>{props.intro(state.detail)}</p>
          <ol class="steps">
            <li>{props.step1(state.detail)}</li>
            <li>{t('approve.step2')}</li>
          </ol>
          <div class="approve-fingerprint">
            <p class="approve-fingerprint__label">{t('approve.fingerprintLabel', { name: state.detail.name })}</p>
            <Fingerprint value={state.fingerprint} large testid={`${prefix}-fingerprint`} />
          </div>
          <p>{props.warning}</p>
          <div class="button-row">
            <button type="button" class="button" onClick={() => void approve()} data-testid={`${prefix}-confirm`}>
              {props.confirmLabel ?? t('approve.confirm')}
            </button>
            <button
              type="button"
              class="button button--secondary"
              onClick={() => setState({ kind: 'mismatch' })}
              data-testid={`${prefix}-mismatch`}
            >
              {t('approve.mismatch')}
            </button>
            {cancel(t('action.cancel'))}
          </div>
          {props.unverified && (
            <div class="approve-unverified">
              <p class="form__aside">{props.unverified.hint}</p>
              <button
                type="button"
                class="button button--secondary"
                onClick={() => void approve(true)}
                data-testid={`${prefix}-unverified`}
              >
                {props.unverified.label}
              </button>
            </div>
          )}
        </>
      )}
      {state.kind === 'certifying' && <Progress text={props.certifying} />}
      {(state.kind === 'invalid' || state.kind === 'mismatch' || state.kind === 'error') && (
        <>
          <ErrorAlert testid={`${prefix}-error`}>
            <p>
              {state.kind === 'invalid'
                ? t('approve.invalid')
                : state.kind === 'mismatch'
                  ? t('approve.mismatchText')
                  : state.text}
            </p>
          </ErrorAlert>
          <div class="button-row">{cancel(t('action.close'))}</div>
        </>
      )}
    </Dialog>
  );
}
