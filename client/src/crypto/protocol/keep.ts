// Worker protocol, kept keys (docs/protocol.md §29): after an unlock the worker keeps the
// account keys in this browser for the life of the session, sealed under the server's half
// and a local half; after a reload it opens them again. The page passes the server's half and
// the published keys in; nothing secret comes back.
import { z } from 'zod';
import { SessionKeepHalf } from '../../../../shared/wire/accounts.js';
import { OfficeRef, PublishedKeys } from './common.js';
import type { UnlockedAnswer } from './accounts.js';

export const KEEP_REQUESTS = {
  /** Seals the unlocked account keys for this session and writes them to IndexedDB (keep-store.ts). */
  keepKeys: z.object({ half: SessionKeepHalf }),
  /**
   * Opens the kept keys with the server's half, checks them against the published keys, then
   * continues as `unlock` (certificate, office keys). Any failure deletes what was kept and
   * answers `keep_refused` (or the unlock's own code).
   */
  resumeKept: z.object({ half: SessionKeepHalf, keys: PublishedKeys, office: OfficeRef }),
} as const;

export interface KeepAnswers {
  keepKeys: Record<string, never>;
  resumeKept: UnlockedAnswer;
}
