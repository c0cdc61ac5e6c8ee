// "Mine" or "Whole office": a two-button switch above the lists of shares and drops, so a
// colleague can find and take over someone else's work. Each button says whether it is on.
import type { JSX } from 'preact';

import type { Scope } from '../api/http';

export type { Scope } from '../api/http';

export function ScopeSwitch({
  scope,
  onScope,
  label,
  mine,
  office,
  prefix,
}: {
  readonly scope: Scope;
  readonly onScope: (scope: Scope) => void;
  /** What the switch chooses, for screen readers. */
  readonly label: string;
  readonly mine: string;
  readonly office: string;
  /** Starts the test ids (`sent-scope`, `drops-scope`). */
  readonly prefix: string;
}): JSX.Element {
  return (
    <div class="segmented" role="group" aria-label={label}>
      <button
        type="button"
        class="segmented__button"
        aria-pressed={scope === 'mine'}
        onClick={() => onScope('mine')}
        data-testid={`${prefix}-mine`}
      >
        {mine}
      </button>
      <button
        type="button"
        class="segmented__button"
        aria-pressed={scope === 'office'}
        onClick={() => onScope('office')}
        data-testid={`${prefix}-office`}
      >
        {office}
      </button>
    </div>
  );
}
