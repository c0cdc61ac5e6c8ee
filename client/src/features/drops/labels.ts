// Words for a drop's state, and for the 410 a link holder gets when it ended.
import type { DropState } from '../../api/drops';
import type { MessageKey } from '../../i18n';
import type { BadgeTone } from '../../ui/labels';

export const DROP_STATE_LABELS: Record<DropState, MessageKey> = {
  active: 'drop.state.active',
  closed: 'drop.state.closed',
  expired: 'drop.state.expired',
};

export const DROP_STATE_TONES: Record<DropState, BadgeTone> = {
  active: 'ok',
  closed: 'muted',
  expired: 'muted',
};

/** The ended state a 410 reports (drop_closed, drop_expired), or null. */
export function endedState(code: string): 'closed' | 'expired' | null {
  if (code === 'drop_closed') return 'closed';
  if (code === 'drop_expired') return 'expired';
  return null;
}
