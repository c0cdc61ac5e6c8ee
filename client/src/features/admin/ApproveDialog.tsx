// Approving a new member: the admin compares the fingerprint of the member's keys, as the
// server hands them out, with the one the member reads out from their own screen (by phone
// or in person). Only if every digit matches does this browser certify the member with the
// office key and seal the office keys to them; a server that swapped the member's keys would
// show a different fingerprint here.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { approveUser, getUser, type UserDetail, type UserSummary } from '../../api/admin';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress } from '../../ui/Alert';
import { Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import { roleLabel } from '../../ui/labels';
import { memberKeys } from './member-keys';

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'compare'; readonly detail: UserDetail; readonly fingerprint: string }
  /** The member's own signature over their keys does not hold: never approve. */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'certifying' }
  | { readonly kind: 'error'; readonly text: string };

export function ApproveDialog({ user, onClose, onApproved }: { readonly user: UserSummary; readonly onClose: () => void; readonly onApproved: () => void }): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    (async (): Promise<State> => {
      const detail = await getUser(user.userId);
      const member = memberKeys(detail);
      if (!member) return { kind: 'error', text: t('approve.noKeys') };
      const inspected = await engine.call('inspectMember', member);
      return inspected.signatureValid ? { kind: 'compare', detail, fingerprint: inspected.fingerprint } : { kind: 'invalid' };
    })().then(
      (next) => live && setState(next),
      (error: unknown) => live && setState({ kind: 'error', text: errorMessage(t, error) }),
    );
    return () => {
      live = false;
    };
  }, [engine, t, user.userId]);

  const approve = async (): Promise<void> => {
    if (state.kind !== 'compare') return;
    const { detail } = state;
    const member = memberKeys(detail);
    if (!member) return;
    setState({ kind: 'certifying' });
    try {
      const made = await engine.call('certifyMember', { member, currentVersion: detail.certificateVersion });
      await approveUser(detail.userId, made);
      onApproved();
    } catch (error) {
      setState({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const busy = state.kind === 'certifying';
  return (
    <Dialog open title={t('approve.title', { name: user.name })} onClose={onClose} testid="approve-dialog" state={state.kind} busy={busy} wide>
      {state.kind === 'loading' && <Progress text={t('approve.loading')} />}
      {state.kind === 'compare' && (
        <>
          <p>{t('approve.intro', { name: state.detail.name, email: state.detail.email, role: roleLabel(t, state.detail.role) })}</p>
          <ol class="steps">
            <li>{t('approve.step1', { name: state.detail.name })}</li>
            <li>{t('approve.step2')}</li>
          </ol>
          <div class="approve-fingerprint">
            <p class="approve-fingerprint__label" id="approve-fingerprint-label">
              {t('approve.fingerprintLabel', { name: state.detail.name })}
            </p>
            <Fingerprint value={state.fingerprint} large testid="approve-fingerprint" />
          </div>
          <p>{t('approve.warning')}</p>
          <div class="button-row">
            <button type="button" class="button" onClick={() => void approve()} data-testid="approve-confirm">
              {t('approve.confirm')}
            </button>
            <button type="button" class="button button--secondary" onClick={() => setState({ kind: 'mismatch' })} data-testid="approve-mismatch">
              {t('approve.mismatch')}
            </button>
            <button type="button" class="button button--secondary" onClick={onClose} data-testid="approve-cancel">
              {t('action.cancel')}
            </button>
          </div>
        </>
      )}
      {state.kind === 'certifying' && <Progress text={t('approve.certifying')} />}
      {(state.kind === 'invalid' || state.kind === 'mismatch' || state.kind === 'error') && (
        <>
          <ErrorAlert testid="approve-error">
            <p>{state.kind === 'invalid' ? t('approve.invalid') : state.kind === 'mismatch' ? t('approve.mismatchText') : state.text}</p>
          </ErrorAlert>
          <div class="button-row">
            <button type="button" class="button button--secondary" onClick={onClose} data-testid="approve-cancel">
              {t('action.close')}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
