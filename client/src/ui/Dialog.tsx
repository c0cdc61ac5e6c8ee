// A modal dialog on the native <dialog> element: the browser traps focus inside it, makes
// the rest of the page inert, closes it on Escape, and returns focus to where it was.
// `data-state` lets browser tests wait for the step the dialog is in.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface DialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ComponentChildren;
  readonly testid?: string;
  readonly state?: string;
  /** While true, Escape does not close the dialog (a request is running). */
  readonly busy?: boolean;
  readonly wide?: boolean;
}

let dialogCount = 0;

export function Dialog({
  open,
  title,
  onClose,
  children,
  testid,
  state,
  busy = false,
  wide = false,
}: DialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`dialog-title-${++dialogCount}`).current;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    // Focus goes back where it was when the dialog closes, also when it closes by being
    // removed (the browser only does that for close()).
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onCancel = (event: Event): void => {
      event.preventDefault();
      if (!busy) onClose();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, [busy, onClose]);

  return (
    <dialog
      ref={ref}
      class={`dialog${wide ? ' dialog--wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testid}
      data-state={state}
    >
      <h2 id={titleId} class="dialog__title">
        {title}
      </h2>
      {open && children}
    </dialog>
  );
}

/** A yes/no question about something that cannot be undone. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
  busy = false,
  danger = false,
  testid = 'confirm-dialog',
  error,
}: {
  readonly open: boolean;
  readonly title: string;
  readonly children: ComponentChildren;
  readonly confirmLabel: string;
  readonly cancelLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
  readonly danger?: boolean;
  readonly testid?: string;
  readonly error?: ComponentChildren;
}): JSX.Element {
  return (
    <Dialog open={open} title={title} onClose={onCancel} testid={testid} state={busy ? 'busy' : 'open'} busy={busy}>
      <div class="dialog__body">{children}</div>
      {error}
      <div class="button-row">
        <button
          type="button"
          class={`button${danger ? ' button--danger' : ''}`}
          onClick={onConfirm}
          disabled={busy}
          data-testid={`${testid}-confirm`}
        >
          {confirmLabel}
        </button>
        <button
          type="button"
          class="button button--secondary"
          onClick={onCancel}
          disabled={busy}
          data-testid={`${testid}-cancel`}
        >
          {cancelLabel}
        </button>
      </div>
    </Dialog>
  );
}
