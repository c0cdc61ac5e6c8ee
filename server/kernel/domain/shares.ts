// The state rule of a share, which the shares capability, the privacy export and the sweeper
// all apply to the share rows they read.

export type ShareState = 'active' | 'expired' | 'revoked' | 'used-up';

/** The state a share is in at `now`; revoked wins over expired, expired over used up. */
export function shareState(
  share: {
    readonly revokedAt: number | null;
    readonly expiresAt: number;
    readonly downloadLimit: number | null;
    readonly downloadsUsed: number;
    readonly sweptAt: number | null;
  },
  now: number,
): ShareState {
  if (share.revokedAt !== null) return 'revoked';
  if (share.expiresAt <= now) return 'expired';
  if (share.downloadLimit !== null && share.downloadsUsed >= share.downloadLimit) return 'used-up';
  // Swept for none of the reasons above cannot happen; answer as gone rather than serve nothing.
  if (share.sweptAt !== null) return 'expired';
  return 'active';
}
