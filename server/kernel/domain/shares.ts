// The state rule of a share, which the shares capability, the privacy export and the sweeper
// all apply to the share rows they read.

export type ShareState = 'active' | 'expired' | 'revoked' | 'used-up';

/** The state a share is in at `now`; revoked wins over expired, expired over used up. */
export function shareState(
  share: {
    readonly revokedAt: number | null;
    readonly expiresAt: number;
    /** Every recipient used the share's per-recipient download limit. */
    readonly usedUp: boolean;
    readonly sweptAt: number | null;
  },
  now: number,
): ShareState {
  if (share.revokedAt !== null) return 'revoked';
  if (share.expiresAt <= now) return 'expired';
  if (share.usedUp) return 'used-up';
  // Swept for none of the reasons above cannot happen; answer as gone rather than serve nothing.
  if (share.sweptAt !== null) return 'expired';
  return 'active';
}

/**
 * The state of a share as one recipient meets it: used up for them once they used the
 * per-recipient download limit, even while other recipients still may download.
 */
export function recipientShareState(
  share: Parameters<typeof shareState>[0] & { readonly downloadLimit: number | null },
  recipient: { readonly downloadsUsed: number },
  now: number,
): ShareState {
  const state = shareState(share, now);
  if (state === 'active' && share.downloadLimit !== null && recipient.downloadsUsed >= share.downloadLimit)
    return 'used-up';
  return state;
}
