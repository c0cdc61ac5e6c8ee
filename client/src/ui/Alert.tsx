// Messages that appear after an action. An error moves focus when it appears (and again on
// each new attempt) to what went wrong: the first field marked invalid in its form or
// section, whose label and error a screen reader then reads, or else the alert itself. A
// status line is a polite live region that is read without moving focus.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function ErrorAlert({
  children,
  testid,
  focus = true,
  focusKey,
}: {
  readonly children: ComponentChildren;
  readonly testid?: string;
  /** Move focus here when shown (default). */
  readonly focus?: boolean;
  /** Focus again when this changes (e.g. the same error after a second attempt). */
  readonly focusKey?: unknown;
}): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const alert = ref.current;
    if (!focus || !alert) return;
    const scope = alert.closest('form, section, dialog') ?? alert.closest('main');
    const field = scope?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (field ?? alert).focus();
  }, [focus, focusKey]);
  return (
    <div ref={ref} class="alert alert--error" role="alert" tabIndex={-1} data-testid={testid}>
      {children}
    </div>
  );
}

export function Notice({
  children,
  tone = 'info',
  testid,
  state,
}: {
  readonly children: ComponentChildren;
  readonly tone?: 'info' | 'ok' | 'warning';
  readonly testid?: string;
  readonly state?: string;
}): JSX.Element {
  return (
    <div class={`alert alert--${tone}`} data-testid={testid} data-state={state}>
      {children}
    </div>
  );
}

/**
 * A polite live region: what just happened ("Saved", "Invitation sent"). Empty text renders
 * the region only. With `focusKey`, it takes focus whenever that changes: after a dialog
 * closes whose opener is gone (an approved user's Approve button), focus lands here.
 */
export function StatusLine({
  text,
  testid,
  state,
  focusKey,
}: {
  readonly text: string;
  readonly testid?: string;
  readonly state?: string;
  readonly focusKey?: number;
}): JSX.Element {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (focusKey !== undefined && focusKey > 0) ref.current?.focus();
  }, [focusKey]);
  return (
    <p
      ref={ref}
      class="status-line"
      role="status"
      data-testid={testid}
      data-state={state}
      tabIndex={focusKey !== undefined ? -1 : undefined}
    >
      {text}
    </p>
  );
}

/** A busy line with a spinner for long steps (Argon2id, key generation). */
export function Progress({
  text,
  testid = 'progress',
}: {
  readonly text: string;
  readonly testid?: string;
}): JSX.Element {
  return (
    <p class="progress" role="status" aria-live="polite" data-testid={testid}>
      <span class="progress__spinner" aria-hidden="true" />
      <span>{text}</span>
    </p>
  );
}
