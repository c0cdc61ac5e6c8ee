// A code people read out or compare (an access code, a receipt code): large, in groups of four,
// each group its own element so it wraps between groups on a phone and a screen reader pauses.
import type { JSX } from 'preact';

export function GroupedCode({ value, testid }: { readonly value: string; readonly testid: string }): JSX.Element {
  return (
    <p class="access-code__value" data-testid={testid} data-value={value} translate={false}>
      {value.split('-').map((group, index) => (
        <span key={index} class="access-code__group">
          {group}
        </span>
      ))}
    </p>
  );
}
