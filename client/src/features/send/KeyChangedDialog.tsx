// A recipient's key (or the office key) differs from the one this user pinned: the send has
// stopped. Both fingerprints are shown; the advisor calls the person on a number they know,
// compares, and only then accepts the new key (which replaces the pin) or stops. The same stop
// comes when the pin index shows the server removed the pin or served an older index: then
// there is no earlier fingerprint to show, only the current one to compare.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import { Dialog } from '../../ui/Dialog';
import { Fingerprint } from '../../ui/Fingerprint';
import type { KeyChange } from './send-flow';

function KeyChangedDialog({
  change,
  onAnswer,
}: {
  readonly change: KeyChange | null;
  readonly onAnswer: (accept: boolean) => void;
}): JSX.Element {
  const { t } = useI18n();
  const who =
    change?.subject === 'office'
      ? t('keyChange.office')
      : change?.email
        ? `${change.name} (${change.email})`
        : (change?.name ?? '');
  return (
    <Dialog
      open={change !== null}
      title={t('keyChange.title')}
      onClose={() => onAnswer(false)}
      testid="key-changed-dialog"
      state="compare"
      wide
    >
      {change && (
        <div class="dialog__body">
          <p data-testid="key-changed-intro" data-reason={change.reason ?? 'changed'}>
            <strong>{t(change.reason ? 'keyChange.introRemoved' : 'keyChange.intro', { who })}</strong>
          </p>
          <p>{t(change.reason ? 'keyChange.explainRemoved' : 'keyChange.explain')}</p>
          <div class="fingerprint-compare">
            {change.pinnedFingerprint !== '' && (
              <>
                <p class="fingerprint-compare__label">{t('keyChange.old')}</p>
                <Fingerprint value={change.pinnedFingerprint} testid="key-changed-old" label={t('keyChange.old')} />
              </>
            )}
            <p class="fingerprint-compare__label">{t('keyChange.new')}</p>
            <Fingerprint value={change.fingerprint} large testid="key-changed-new" label={t('keyChange.new')} />
          </div>
          <ol class="steps">
            <li>
              {t(change.subject === 'office' ? 'keyChange.stepOffice' : 'keyChange.step1', { name: change.name })}
            </li>
            <li>{t('keyChange.step2')}</li>
          </ol>
          <div class="button-row">
            <button
              type="button"
              class="button button--danger"
              onClick={() => onAnswer(true)}
              data-testid="key-changed-accept"
            >
              {t('keyChange.accept')}
            </button>
            {/* Focus starts on the safe answer: Enter must never accept a changed key unread. */}
            <button
              type="button"
              class="button button--secondary"
              onClick={() => onAnswer(false)}
              autoFocus
              data-testid="key-changed-stop"
            >
              {t('keyChange.stop')}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

/**
 * The dialog's state for a page whose flow may stop at a changed key: `confirm` (the flow's
 * `confirmKeyChange`) shows the dialog and resolves with the advisor's answer; `change` is the
 * key shown meanwhile, and `dialog` the element to render.
 */
export function useKeyChangeConfirm(): {
  readonly change: KeyChange | null;
  readonly confirm: (change: KeyChange) => Promise<boolean>;
  readonly dialog: JSX.Element;
} {
  const [pending, setPending] = useState<{
    readonly change: KeyChange;
    readonly answer: (accept: boolean) => void;
  } | null>(null);
  const confirm = (change: KeyChange): Promise<boolean> =>
    new Promise<boolean>((resolve) =>
      setPending({
        change,
        answer: (accept) => {
          setPending(null);
          resolve(accept);
        },
      }),
    );
  return {
    change: pending?.change ?? null,
    confirm,
    dialog: <KeyChangedDialog change={pending?.change ?? null} onAnswer={(accept) => pending?.answer(accept)} />,
  };
}
