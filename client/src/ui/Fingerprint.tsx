// A fingerprint as people compare it: six groups of five digits. Each group is its own
// element, so it wraps between groups on a phone and a screen reader pauses between them.
import type { JSX } from 'preact';

export function Fingerprint({
  value,
  large = false,
  testid,
  label,
}: {
  readonly value: string;
  readonly large?: boolean;
  readonly testid?: string;
  /** What the fingerprint is of, for screen readers (the visible label usually says it). */
  readonly label?: string;
}): JSX.Element {
  return (
    <span
      class={`fingerprint${large ? ' fingerprint--large' : ''}`}
      data-testid={testid}
      data-fingerprint={value}
      translate={false}
      aria-label={label ? `${label}: ${value}` : undefined}
    >
      {value.split(' ').map((group, index) => (
        <span key={index} class="fingerprint__group">
          {group}
        </span>
      ))}
    </span>
  );
}
