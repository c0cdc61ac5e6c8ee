// Words for a share's state and a recipient's progress, shared by the sent and received pages.
import type { ShareState } from '../../api/sharing';
import type { MessageKey } from '../../i18n';
import type { BadgeTone } from '../../ui/labels';

export const STATE_LABELS: Record<ShareState, MessageKey> = {
  active: 'share.state.active',
  expired: 'share.state.expired',
  revoked: 'share.state.revoked',
  'used-up': 'share.state.usedUp',
};

export const STATE_TONES: Record<ShareState, BadgeTone> = {
  active: 'ok',
  expired: 'muted',
  revoked: 'danger',
  'used-up': 'warning',
};

/** A 410 code for the state it reports. */
export function goneState(code: string): ShareState | null {
  if (code === 'share_expired') return 'expired';
  if (code === 'share_revoked') return 'revoked';
  if (code === 'share_used_up') return 'used-up';
  return null;
}
