// GET /healthz: whether this instance can serve requests, for monitoring and the admin page.
import { z } from 'zod';

export const CheckState = z.enum(['ok', 'failing']);
export type CheckState = z.infer<typeof CheckState>;

export const OUTBOX_WARNING = 'Mail goes to the development outbox under the data folder, not to recipients';

export const HealthResponse = z.object({
  status: z.enum(['ok', 'failing']),
  checks: z.object({
    database: CheckState,
    dataDir: CheckState,
  }),
  mail: z.object({
    transport: z.enum(['smtp', 'outbox']),
    /** Present only when mail goes to the development outbox. */
    warning: z.string().optional(),
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
