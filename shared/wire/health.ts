// GET /healthz: whether this instance can serve requests, for monitoring and the admin page.
import { z } from 'zod';

export const CheckState = z.enum(['ok', 'failing']);
export type CheckState = z.infer<typeof CheckState>;

export const OUTBOX_WARNING = 'Mail goes to the development outbox under the data folder, not to recipients';

export const LOW_SPACE_WARNING =
  'Free disk space under the data folder is low: uploads are refused until there is room';

export const HealthResponse = z.object({
  /**
   * `degraded` (still 200): the service answers but refuses some work, today uploads while free
   * space is low. `failing` (503): the database or the data folder does not work.
   */
  status: z.enum(['ok', 'degraded', 'failing']),
  checks: z.object({
    database: CheckState,
    dataDir: CheckState,
  }),
  mail: z.object({
    transport: z.enum(['smtp', 'outbox']),
    /** Present only when mail goes to the development outbox. */
    warning: z.string().optional(),
  }),
  /** Free space under the data folder against the margin (MIN_FREE_MIB); `unknown` when it cannot be read. */
  storage: z.object({
    state: z.enum(['ok', 'low', 'unknown']),
    /** Present only when space is low. */
    warning: z.string().optional(),
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
