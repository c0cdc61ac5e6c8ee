// Worker protocol, batches (docs/protocol.md §14a): the batch plan — which file goes to whom —
// sealed under the user's personal key, bound to the batch id and the user id. The page hands
// the plan in and gets the envelope to store; on resume it hands the envelope back and gets
// the plan, or `plan_invalid` when it does not open for this batch and this user.
import { z } from 'zod';
import { Email, WireId } from '../../../../shared/wire/common.js';

/** Items in one batch (shared/crypto's MAX_PLAN_ITEMS; test/client/protocol-limits.test.ts holds them equal). */
export const MAX_BATCH_PLAN_ITEMS = 2500;

const PlanItem = z.object({
  itemNo: z
    .number()
    .int()
    .min(0)
    .max(MAX_BATCH_PLAN_ITEMS - 1),
  fileName: z.string().min(1).max(1024),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  lastModified: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  email: Email,
  delivery: z.enum(['account', 'mail', 'export']),
  name: z.string().max(200),
  message: z.string().max(2000),
});
export type BatchPlanEntry = z.infer<typeof PlanItem>;

export const BATCH_REQUESTS = {
  /** The plan sealed for this batch and the signed-in user: base64url for the wire. */
  sealBatchPlan: z.object({ batchId: WireId, items: z.array(PlanItem).min(1).max(MAX_BATCH_PLAN_ITEMS) }),
  /** The plan of this batch, opened and checked to be this batch's and this user's. */
  openBatchPlan: z.object({ batchId: WireId, sealedPlan: z.string().min(1).max(1_400_000) }),
} as const;

export interface BatchAnswers {
  sealBatchPlan: { readonly sealedPlan: string };
  openBatchPlan: { readonly items: readonly BatchPlanEntry[] };
}
